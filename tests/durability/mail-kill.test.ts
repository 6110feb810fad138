// kill -9 during a batch of 1,000 emails. The sender (`npm run reminders -- --once`, as cron runs
// it) is killed while it delivers to a real SMTP server in this process; a second run, once the
// dead sender's lease has expired, delivers the rest. Every message must arrive, and a message
// may arrive twice only if it was in the one window decision 0019 documents: accepted by the
// server, not yet marked sent. The sender has one message in flight at a time, so at most one.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { enqueue } from "#app/models/mail/outbox.server.ts";
import { LEASE_SECONDS } from "#app/models/mail/sender.server.ts";
import { openDatabase } from "#db/connection.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";
import { prepareDatabase } from "./support/app-process.ts";
import { durabilitySeed, seededRandom } from "./support/random.ts";

const MESSAGES = 1000;
const seed = durabilitySeed();
const random = seededRandom(seed);
console.log(`mail kill -9: seed ${seed} (DURABILITY_SEED=${seed} npm run test:durability replays it)`);

let dir = "";
let dbFile = "";
let smtp: TestSmtp;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-mail-kill-"));
  dbFile = path.join(dir, "practice.sqlite");
  const now = new Date();
  await prepareDatabase(dbFile, async (db) => {
    const at = now.toISOString();
    const people = Array.from({ length: MESSAGES }, (_, i) => ({
      email: `person${i}@clinic.example`,
      name: `Person ${i}`,
      role: "staff" as const,
      job_title: null,
      location_id: null,
      hourly_wage_cents: null,
      hired_on: null,
      status: "active" as const,
      password_hash: null,
      created_at: at,
    }));
    for (let i = 0; i < people.length; i += 200) await db.insertInto("user").values(people.slice(i, i + 200)).execute();
    const ids = (await db.selectFrom("user").select(["id", "email"]).orderBy("id").execute());
    await db.transaction().execute((trx) =>
      enqueue(
        trx,
        ids.map((u) => ({ userId: u.id, to: u.email, kind: "staff-reminder", localDate: at.slice(0, 10), subject: "Training due", text: "Due soon.", html: "<p>Due soon.</p>" })),
        { now, emailSetUp: true },
      ),
    );
  });
  smtp = await startTestSmtp();
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await smtp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** `npm run reminders -- --once`, as cron runs it, with the clock `minutesLater` ahead. */
function reminders(minutesLater: number): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test" as const,
    DATABASE_URL: `file:${dbFile}`,
    SMTP_URL: smtp.url,
    MAIL_FROM: "DeskCoach <coach@example.org>",
    APP_ORIGIN: "https://coach.example.org",
    DESKCOACH_NOW: new Date(Date.now() + minutesLater * 60_000).toISOString(),
  };
  const child = spawn(process.execPath, ["--import", "tsx", "app/cli/reminders.ts", "--once"], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => (children.delete(child), resolve(code))));
  return { child, exited, output: () => out };
}

test("after a kill -9 mid-batch every message arrives, and at most the one in flight twice", async () => {
  // Killed somewhere in the middle of the batch.
  const killAt = 100 + Math.floor(random() * 700);
  const first = reminders(0);
  while (smtp.received.length < killAt) {
    if (first.child.exitCode !== null) throw new Error(`The sender ended before it was killed:\n${first.output()}`);
    await sleep(2);
  }
  first.child.kill("SIGKILL");
  await first.exited;
  const beforeRestart = smtp.received.length;
  expect(beforeRestart).toBeLessThan(MESSAGES);

  // The dead sender's lease is still held: a run now leaves the rest alone.
  const tooSoon = reminders(0);
  expect(await tooSoon.exited).toBe(0);
  expect(tooSoon.output()).toMatch(/another sender is at work/i);
  expect(smtp.received.length).toBe(beforeRestart);

  // Once it has expired, the next run delivers the rest.
  const second = reminders(LEASE_SECONDS / 60 + 1);
  expect(await second.exited, second.output()).toBe(0);

  const counts = new Map<string, number>();
  for (const mail of smtp.received) for (const to of mail.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  const twice = [...counts.values()].filter((n) => n > 1).length;
  console.log(`killed after ${beforeRestart} accepted; ${smtp.received.length} received in all; ${twice} twice`);
  expect(counts.size).toBe(MESSAGES);
  expect(twice).toBeLessThanOrEqual(1);
  expect([...counts.values()].every((n) => n <= 2)).toBe(true);

  const check = openDatabase(dbFile);
  try {
    const statuses = await check.db.selectFrom("mail_message").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([["sent", MESSAGES]]);
  } finally {
    await check.close();
  }
}, 240_000);
