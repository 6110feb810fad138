// Every route with an action, sent random and malformed requests by someone allowed to use it:
// random fields drawn from the form's own names, wrong types, huge values, duplicates, bytes that
// are not UTF-8, bodies that are not forms at all, unknown intents. Whatever comes in, the answer
// is never a server error, a refusal says why in words, and a refused request changes nothing.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request as playwright, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import { sql } from "kysely";
import { PAYLOADS } from "#tests/support/hostile-corpus.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { sameSite, seedTrustPractice, signInAs, type Actor, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, test } from "../fixtures.ts";

const SEED = 20_260_518;
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 25);

let server: TestServer;
let ids: TrustIds;
const contexts = new Map<Actor, APIRequestContext>();

test.beforeAll(async () => {
  test.setTimeout(60_000);
  server = await startServer({ seed: async (db) => void (ids = await seedTrustPractice(db)) });
});
test.afterAll(async () => {
  if (/Error/.test(server?.output() ?? "")) console.log(server.output().slice(0, 6000));
  for (const context of contexts.values()) await context.dispose();
  await server?.stop();
});

/** The routes whose module has an action, as the production build lists them. */
function actionRoutes(): { id: string; path: string }[] {
  // Importing the build opens a database and compiles the library: do it in a child process,
  // on a throwaway database file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-routes-"));
  const script = `
    const build = await import(${JSON.stringify(path.resolve("build/server/index.js"))});
    const full = (id) => { const r = build.routes[id]; return r.parentId ? [full(r.parentId), r.path ?? ""].join("/") : (r.path ?? ""); };
    console.log(JSON.stringify(Object.entries(build.routes).filter(([, r]) => r.module.action).map(([id]) => ({ id, path: "/" + full(id).split("/").filter(Boolean).join("/") }))));
    process.exit(0);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", DATABASE_URL: `file:${path.join(dir, "routes.sqlite")}` },
    encoding: "utf8",
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`Could not read the build's routes:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) as string) as { id: string; path: string }[];
}

/** Who may use each action: the owner reaches everything but the learner's own pages. */
function actorFor(routeId: string): Actor {
  if (["routes/login", "routes/login_.code", "routes/login_.forgot", "routes/login_.reset.$token", "routes/setup"].includes(routeId)) return "anonymous";
  if (["routes/lessons.$slug", "routes/lessons.$slug.time", "routes/outside-learning", "routes/learn", "routes/progress"].includes(routeId)) return "staff";
  return "owner";
}

function concretePath(template: string): string {
  return template
    .replace(":slug", "the-first-ten-seconds")
    .replace("/reset/:token", `/reset/${ids.passwordResetToken}`)
    // Omar: a staff member nobody else in the suite signs in as (deactivating him ends no session we use).
    .replace("/people/:id", `/people/${ids.users.omar}`)
    .replace("/spend/:id", `/spend/${ids.expenseId}`);
}

async function contextFor(who: Actor): Promise<APIRequestContext> {
  let context = contexts.get(who);
  if (!context) {
    context = await playwright.newContext();
    await signInAs(context, server.url, who);
    contexts.set(who, context);
  }
  return context;
}

/** Every intent a form of the app sends, so that random requests also reach the real branches. */
const INTENTS = ["add-person", "add-location", "update", "deactivate", "reactivate", "reset-code", "create", "cancel", "assign", "preview", "save", "remove", "commit", "delete", "log", "goal", "rankings", "print", "revoke", "review", "submit", "done", "copy", "settings", "retry", "emails"];

/** The names of the form fields a page renders (inputs, selects, textareas, buttons). */
async function fieldNames(context: APIRequestContext, url: string): Promise<string[]> {
  const page = await context.get(url, { maxRedirects: 0 });
  const html = page.status() === 200 ? await page.text() : "";
  const names = new Set<string>();
  for (const m of html.matchAll(/<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"/g)) names.add(m[1] as string);
  return [...names];
}

// ---- a local snapshot of the database (tests/support/db-snapshot.ts is being written elsewhere) ----

interface Snapshot {
  version: number;
  tables: Record<string, string>;
}

/** A digest of every row of every table; the session's expiry (which requests extend) is left out. */
async function snapshot(skip: string[]): Promise<Snapshot> {
  const version = await dataVersion();
  const tables: Record<string, string> = {};
  const names = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(server.db);
  for (const { name } of names.rows) {
    if (skip.includes(name)) continue;
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)} ORDER BY rowid`.execute(server.db);
    const hash = createHash("sha256");
    for (const row of rows.rows) {
      if (name === "session") delete row.expires_at;
      hash.update(JSON.stringify(row));
      hash.update("\n");
    }
    tables[name] = `${rows.rows.length}:${hash.digest("hex")}`;
  }
  return { version, tables };
}

/** Changes whenever another connection (the server's) commits a write. */
async function dataVersion(): Promise<number> {
  const result = await sql<{ data_version: number }>`PRAGMA data_version`.execute(server.db);
  return result.rows[0]?.data_version ?? -1;
}

function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after.tables).filter((t) => before.tables[t] !== after.tables[t]);
}

// ---- the requests ----

type Body =
  | { kind: "form"; fields: [string, string][]; data: boolean }
  | { kind: "multipart"; fields: [string, string][] }
  | { kind: "raw"; type: string | null; bytes: Buffer };

const HUGE = "x".repeat(300_000);

function bodyArbitrary(names: string[]): fc.Arbitrary<Body> {
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names, "intent") }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(...INTENTS) },
    { weight: 2, arbitrary: fc.constantFrom(...PAYLOADS.filter((p) => p.id !== "megabyte").map((p) => p.value)) },
    { weight: 2, arbitrary: fc.oneof(fc.integer().map(String), fc.double().map(String), fc.constantFrom("", "0", "-1", "1e309", "NaN", "true", "null", "[]", "{}")) },
    { weight: 1, arbitrary: fc.constantFrom("2026-02-30", "2025-01-15", "9999-12-31", "module:first-impressions", "lesson:the-first-ten-seconds", "everyone", "location:1", "on", "off") },
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
  // Duplicates come for free: the same name may be drawn twice.
  const fields = fc.array(fc.tuple(name, value), { maxLength: 12 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("form" as const), fields, data: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("multipart" as const), fields }) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fields.map((f) => ({ kind: "raw" as const, type: "application/json", bytes: Buffer.from(JSON.stringify(Object.fromEntries(f))) })),
        fc.string().map((s) => ({ kind: "raw" as const, type: "text/plain", bytes: Buffer.from(s) })),
        fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: "raw" as const, type: "multipart/form-data; boundary=xyz", bytes: Buffer.concat([Buffer.from("--xyz\r\n"), Buffer.from(b)]) })),
        fc.constant({ kind: "raw" as const, type: null, bytes: Buffer.alloc(0) }),
        fc.constantFrom(...names, "intent").chain((n) =>
          fc.uint8Array({ minLength: 1, maxLength: 30 }).map((b) => ({
            kind: "raw" as const,
            type: "application/x-www-form-urlencoded",
            // Bytes that are not UTF-8, raw and percent-encoded.
            bytes: Buffer.concat([Buffer.from(`${encodeURIComponent(n)}=`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(b), Buffer.from("&intent=%C3%28%FF")]),
          })),
        ),
      ),
    },
  );
}

async function send(context: APIRequestContext, url: string, body: Body) {
  const headers = sameSite(server.url);
  const options = { headers, maxRedirects: 0, failOnStatusCode: false, timeout: 20_000 };
  if (body.kind === "form") {
    const encoded = body.fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
    return context.post(body.data ? `${url}.data` : url, { ...options, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, data: encoded });
  }
  if (body.kind === "multipart") {
    const boundary = "fuzzboundary";
    const parts = body.fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "_")}"\r\n\r\n${v}\r\n`);
    return context.post(url, {
      ...options,
      headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
      data: Buffer.from(`${parts.join("")}--${boundary}--\r\n`),
    });
  }
  return context.post(url, { ...options, headers: body.type ? { ...headers, "content-type": body.type } : headers, data: body.bytes });
}

/** A refusal a person can read: a page with a message, a sentence in the data, or plain words. */
function saysWhy(type: string, text: string): boolean {
  if (type.includes("text/html")) return /class="(field-error|form-error|error-page)"/.test(text) || /class="field-error"/.test(text);
  if (type.includes("text/x-script") || text.startsWith("[")) return /"[A-Za-z][^"]*\s[^"]*[a-z][^"]*"/.test(text);
  return /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(text);
}

test("every action answers random and malformed requests without a server error, says why it refuses, and a refusal writes nothing", async () => {
  test.setTimeout(240_000);
  const routes = actionRoutes();
  expect(routes.length).toBeGreaterThan(15);
  // Sign-in routes last: their failures count toward the throttle of this client's address.
  const order = [...routes].sort((a, b) => Number(a.id.startsWith("routes/login")) - Number(b.id.startsWith("routes/login")));
  let cached: Snapshot | null = null;
  const failures: string[] = [];
  const refusals = new Map<string, number>();

  for (const route of order) {
    const who = actorFor(route.id);
    const url = `${server.url}${concretePath(route.path)}`;
    const context = await contextFor(who);
    const names = [...new Set([...(await fieldNames(context, url)), ...(route.id.endsWith(".time") ? ["seconds"] : [])])];
    // Sign-in failures are recorded by design, and so are attempts refused by the lockout.
    const skip = route.id.startsWith("routes/login") ? ["login_failure", "sign_in_block"] : [];
    const isLogout = route.id === "routes/logout";

    await fc.assert(
      fc.asyncProperty(bodyArbitrary(names), async (body) => {
        if (isLogout) await signInAs(context, server.url, "owner");
        const version = await dataVersion();
        const before: Snapshot = cached && cached.version === version ? cached : await snapshot(skip);
        const response = await send(context, url, body);
        const status = response.status();
        const text = await response.text();
        const type = response.headers()["content-type"] ?? "";
        expect(status, `${route.id}: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (status >= 400) {
          refusals.set(route.id, (refusals.get(route.id) ?? 0) + 1);
          expect(saysWhy(type, text), `${route.id} answered ${status} without saying why: ${text.slice(0, 200)}`).toBe(true);
          const after = (await dataVersion()) === before.version ? before : await snapshot(skip);
          expect(changedTables(before, after), `${route.id} answered ${status} but wrote`).toEqual([]);
          cached = after;
        } else {
          cached = null;
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    ).catch((error: unknown) => {
      const cause = (error as { cause?: unknown }).cause;
      failures.push(`${route.id} (${who}): ${String(error).split("\n").slice(0, 3).join(" ")}\n    ${String(cause instanceof Error ? cause.message : cause).slice(0, 600)}`);
    });
    // Snapshots skip different tables for different routes.
    cached = null;
  }
  expect(failures).toEqual([]);
  // The property was put to work: every action that reads a form refused something.
  const neverRefused = routes.filter((r) => r.id !== "routes/logout" && !refusals.get(r.id)).map((r) => r.id);
  expect(neverRefused).toEqual([]);
});
