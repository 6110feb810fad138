// Backups as an office runs them: `npm run db:backup` while people are submitting quizzes, then
// the server stopped, `npm run db:restore -- <file> --yes`, and the server started again on the
// restored file. Everything acknowledged before the backup started must be there.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { sql } from "kysely";
import { requestId, sameSite, seedTrustPractice, signInAs, type Actor } from "#tests/support/trust-practice.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, FIRST_LESSON, quizKey, test } from "../fixtures.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Runs an npm script the way a person at the server would, and collects what it printed. */
function npm(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

interface Submission {
  requestId: string;
  who: Actor;
  sentAt: number;
  /** When the server answered with the attempt's page, or null if it never did. */
  ackedAt: number | null;
  attemptId: number | null;
}

/** The right answers to the first lesson's quiz, as the lesson page's form posts them. */
function quizForm(id: string): string {
  const form = new URLSearchParams({ intent: "submit", requestId: id, tracked: "1" });
  for (const q of quizKey(FIRST_LESSON.quizFile).questions) {
    for (const c of q.choices.filter((choice) => choice.correct)) form.append(`q.${q.id}`, c.id);
  }
  return form.toString();
}

/** Submits the quiz again and again until `stop()`, recording what the server acknowledged. */
function writeLoad(api: APIRequestContext, baseUrl: string, who: Actor, log: Submission[]) {
  let running = true;
  const done = (async () => {
    while (running) {
      const entry: Submission = { requestId: requestId(), who, sentAt: Date.now(), ackedAt: null, attemptId: null };
      log.push(entry);
      const response = await api.post(`${baseUrl}/lessons/${FIRST_LESSON.slug}`, {
        data: quizForm(entry.requestId),
        headers: { ...sameSite(baseUrl), "content-type": "application/x-www-form-urlencoded" },
        maxRedirects: 0,
      });
      const attempt = /^\/attempts\/(\d+)$/.exec(response.headers().location ?? "");
      if (response.status() === 302 && attempt) {
        entry.ackedAt = Date.now();
        entry.attemptId = Number(attempt[1]);
      }
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

let server: TestServer | null = null;
let dir = "";
test.afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("a backup taken under load restores everything acknowledged before it started", async () => {
  test.setTimeout(180_000);
  server = await startServer({ seed: async (db) => void (await seedTrustPractice(db)) });
  dir = path.dirname(server.dbFile);
  const dbFile = server.dbFile;
  const env = { DATABASE_URL: `file:${dbFile}`, BACKUP_DIR: path.join(dir, "backups"), BACKUP_KEEP: "3" };

  const submissions: Submission[] = [];
  const clients: APIRequestContext[] = [];
  const stops: (() => Promise<void>)[] = [];
  for (const who of ["staff", "manager"] as const) {
    const api = await playwrightRequest.newContext();
    await signInAs(api, server.url, who);
    clients.push(api);
    stops.push(writeLoad(api, server.url, who, submissions));
  }
  // Some writes before the backup, some during it, some after it.
  await expect.poll(() => submissions.filter((s) => s.ackedAt !== null).length).toBeGreaterThanOrEqual(20);
  const backupStartedAt = Date.now();
  const backup = await npm(["db:backup"], env);
  const backupEndedAt = Date.now();
  expect(backup.code, backup.output).toBe(0);
  expect(backup.output).toContain("Verified: integrity ok, no broken references.");
  const file = /^Backed up .* to (\S+) \(/m.exec(backup.output)?.[1] as string;
  expect(fs.existsSync(path.resolve(ROOT, file))).toBe(true);
  const attemptsInBackup = Number(/^\s+quiz_attempt\s+(\d+)$/m.exec(backup.output)?.[1]);
  await expect.poll(() => submissions.filter((s) => s.ackedAt !== null && s.sentAt > backupEndedAt).length).toBeGreaterThanOrEqual(5);

  // While the server runs, a restore refuses and changes nothing.
  const refused = await npm(["db:restore", "--", file, "--yes"], env);
  expect(refused.code).toBe(1);
  expect(refused.output).toContain("is in use. Stop DeskCoach");

  for (const stop of stops) await stop();
  for (const api of clients) await api.dispose();
  const acked = submissions.filter((s) => s.ackedAt !== null);
  expect(acked.length).toBe(submissions.length);
  // Every acknowledged submission reached the database before the restore…
  const live = await server.db.selectFrom("quiz_attempt").select("request_id").execute();
  const liveIds = new Set(live.map((r) => r.request_id));
  expect(acked.filter((s) => !liveIds.has(s.requestId))).toEqual([]);
  await server.stop({ keepDatabase: true });
  server = null;

  const restored = await npm(["db:restore", "--", file, "--yes"], env);
  expect(restored.code, restored.output).toBe(0);
  expect(restored.output).toMatch(/Kept the database it replaced as \S+pre-restore-\S+\.sqlite\./);
  for (const suffix of ["-wal", "-shm"]) expect(fs.existsSync(`${dbFile}${suffix}`)).toBe(false);

  server = await startServer({ dbFile });
  const rows = await server.db.selectFrom("quiz_attempt").select("request_id").execute();
  const present = new Set(rows.map((r) => r.request_id));
  // …and after the restore, everything acknowledged before the backup started is there,
  const before = acked.filter((s) => (s.ackedAt as number) < backupStartedAt);
  expect(before.length).toBeGreaterThanOrEqual(20);
  expect(before.filter((s) => !present.has(s.requestId)).map((s) => s.requestId)).toEqual([]);
  // exactly as many attempts as the backup reported, and nothing sent after it had finished.
  expect(rows.length).toBe(attemptsInBackup);
  const after = acked.filter((s) => s.sentAt > backupEndedAt);
  expect(after.filter((s) => present.has(s.requestId)).map((s) => s.requestId)).toEqual([]);

  const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(server.db);
  expect(integrity.rows).toEqual([{ integrity_check: "ok" }]);
  expect((await sql`pragma foreign_key_check`.execute(server.db)).rows).toEqual([]);

  // Maria, signing in again, finds her attempts from before the backup.
  const maria = await playwrightRequest.newContext();
  try {
    await signInAs(maria, server.url, "staff");
    const hers = before.filter((s) => s.who === "staff");
    for (const s of [hers[0], hers.at(-1)]) {
      const page = await maria.get(`${server.url}/attempts/${s?.attemptId}`);
      expect(page.status()).toBe(200);
    }
  } finally {
    await maria.dispose();
  }
});
