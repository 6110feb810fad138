// The role matrix: every route the build serves, asked by every kind of visitor as a page, as a
// data request and as a form post, against the reviewed answers in roles.expected.ts.
import { expect, request as apiRequest, test } from "@playwright/test";
import type { TestServer } from "#tests/support/server.ts";
import {
  ACTORS,
  ALL_ACTORS,
  realCatalog,
  sameSite,
  signInAs,
  startTrustServer,
  signInThenDeactivate,
  type Actor,
  type TrustIds,
} from "#tests/support/trust-practice.ts";
import { EXPECTED, type RouteExpectation } from "./roles.expected.ts";
import { builtRoutes, dataUrl, fillPattern, type BuiltRoute } from "./route-paths.ts";

const KINDS = ["get", "data", "post"] as const;
type Kind = (typeof KINDS)[number];

test("every route the build serves has a reviewed row, and every row a route", () => {
  const built = builtRoutes();
  const ids = new Set(built.map((r) => r.id));
  const missing = built.filter((r) => !(r.id in EXPECTED)).map((r) => `${r.id} (${r.pattern})`);
  expect(missing, "Routes with no row in roles.expected.ts: decide who may use them and add them").toEqual([]);
  const stale = Object.keys(EXPECTED).filter((id) => !ids.has(id));
  expect(stale, "Rows in roles.expected.ts for routes that no longer exist").toEqual([]);
  // The table agrees with the build about which routes take posts.
  for (const route of built) {
    const posts = Object.values(EXPECTED[route.id]?.post ?? {});
    if (route.hasAction) expect(posts, `${route.id} has an action`).not.toContain(405);
    else expect(new Set(posts), `${route.id} has no action`).toEqual(new Set([405]));
  }
});

test("the reviewed answers never let a lesser role further than a greater one", () => {
  const built = new Map(builtRoutes().map((r) => [r.id, r]));
  for (const [id, row] of Object.entries(EXPECTED)) {
    const pattern = built.get(id)?.pattern ?? "";
    for (const kind of KINDS) {
      const answers = row[kind];
      // A session whose account has been deactivated is worth exactly nothing.
      expect(answers.deactivated, `${id} ${kind}: deactivated vs anonymous`).toBe(answers.anonymous);
      if (pattern.startsWith("/manage") || pattern.startsWith("/owner")) {
        expect([403, 404, 405], `${id} ${kind}: staff`).toContain(answers.staff);
      }
      if (pattern.startsWith("/owner/")) {
        // Without the owner's say-so (the demo grants none), managers get no money page.
        expect([403, 404, 405], `${id} ${kind}: manager`).toContain(answers.manager);
        expect([403, 404, 405], `${id} ${kind}: scoped manager`).toContain(answers.scoped);
      }
    }
  }
});

test.describe("against the running build", () => {
  let server: TestServer;
  let ids: TrustIds;
  test.beforeAll(async () => {
    ({ server, ids } = await startTrustServer());
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("every route answers every actor as reviewed, and never with a server error", async () => {
    // About 720 requests; on a busy two-core machine that is more than the default 30 s.
    test.setTimeout(120_000);
    const lessonSlug = realCatalog().modules[0]?.lessons[0]?.slug;
    if (!lessonSlug) throw new Error("The library has no lesson.");
    const routes = builtRoutes();
    const cookies = await signInEveryone(server, ALL_ACTORS);
    const reviveDeactivated = await deactivatedSessionReviver(server);

    const problems: string[] = [];
    const ask = async (actor: Actor, route: BuiltRoute, kind: Kind) => {
      const row = EXPECTED[route.id] as RouteExpectation;
      const pathname = fillPattern(route.pattern, row.params?.({ ...ids, lessonSlug }) ?? {});
      const query = row.query ?? "";
      const url =
        kind === "data"
          ? dataUrl(pathname, query, route.id)
          : `${pathname}${route.index && kind === "post" ? `?index${query ? `&${query}` : ""}` : query ? `?${query}` : ""}`;
      if (actor === "deactivated") await reviveDeactivated();
      const got = await answerOf(server.url, url, kind, cookies[actor]);
      const expected = String(row[kind][actor]);
      if (got.status >= 500) problems.push(`${kind} ${url} as ${actor}: server error ${got.status}`);
      if (got.answer !== expected) problems.push(`${kind} ${url} as ${actor}: expected ${expected}, got ${got.answer}`);
    };
    // One request at a time, as one person clicks: a pile of concurrent renders on a busy machine
    // can outlast the server's five-second render limit, which is about load, not access.
    const everyActor = async (run: (actor: Actor) => Promise<void>) => {
      for (const actor of ALL_ACTORS) await run(actor);
    };

    // Reads first, then posts (all of which fail validation or are refused), then sign-out last.
    await everyActor(async (actor) => {
      for (const route of routes) {
        await ask(actor, route, "get");
        await ask(actor, route, "data");
      }
    });
    await everyActor(async (actor) => {
      for (const route of routes) if (route.id !== "routes/logout") await ask(actor, route, "post");
    });
    const logout = routes.find((r) => r.id === "routes/logout");
    if (logout) await everyActor((actor) => ask(actor, logout, "post"));

    // A server error's stack trace is in the server's log, not in the response.
    if (problems.some((p) => p.includes("server error"))) problems.push(`Server log:\n${server.output().slice(-4000)}`);
    expect(problems, "Answers that differ from roles.expected.ts").toEqual([]);
  });
});

/** Signs each actor in once through the real form and returns the session cookie to send. */
async function signInEveryone(server: TestServer, actors: Actor[]): Promise<Record<Actor, string>> {
  const cookies = {} as Record<Actor, string>;
  for (const actor of actors) {
    const context = await apiRequest.newContext();
    if (actor === "deactivated") await signInThenDeactivate(context, server.url, server.db);
    else await signInAs(context, server.url, actor);
    const state = await context.storageState();
    cookies[actor] = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    await context.dispose();
    if (actor !== "anonymous" && !cookies[actor]) throw new Error(`Signing in as ${actor} set no cookie.`);
  }
  return cookies;
}

/**
 * The server deletes a deactivated user's session the first time it sees it. To ask every route
 * with a session the server issued (not merely a dead cookie), the row is put back before each
 * of the deactivated actor's requests.
 */
async function deactivatedSessionReviver(server: TestServer): Promise<() => Promise<void>> {
  const user = await server.db.selectFrom("user").select("id").where("email", "=", ACTORS.deactivated).executeTakeFirstOrThrow();
  const rows = await server.db.selectFrom("session").selectAll().where("user_id", "=", user.id).execute();
  if (rows.length !== 1) throw new Error(`Expected one session for the deactivated account, found ${rows.length}.`);
  const row = rows[0] as (typeof rows)[number];
  return async () => {
    await server.db.insertInto("session").values(row).onConflict((oc) => oc.doNothing()).execute();
  };
}

/** Sends one request and describes the answer in the table's terms. */
async function answerOf(base: string, url: string, kind: Kind, cookie: string): Promise<{ status: number; answer: string }> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const init: RequestInit = { method: kind === "post" ? "POST" : "GET", headers, redirect: "manual" };
  if (kind === "post") {
    Object.assign(headers, sameSite(base), { "content-type": "application/x-www-form-urlencoded" });
    init.body = "";
  }
  const response = await fetch(`${base}${url}`, init);
  const body = await response.text();
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location) {
    return { status: response.status, answer: `${response.status} ${new URL(location, base).pathname}` };
  }
  if (kind === "data" && response.status === 202) {
    // A redirect sent as data: the target is the string after "redirect" in the turbo-stream.
    const target = /"redirect","([^"]*)"/.exec(body)?.[1];
    return { status: 202, answer: `202 ${target ? new URL(target, base).pathname : "(no target)"}` };
  }
  return { status: response.status, answer: String(response.status) };
}

