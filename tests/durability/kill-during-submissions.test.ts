// kill -9 while quiz submissions are in flight. Fifty signed-in staff send a thousand quiz
// submissions, fifty at a time, and the server process is killed at a random moment among them.
// A learner who was shown their result (the redirect to the attempt's page) must find it there
// after the restart, the file must be sound, and a passed attempt must never lack its completion.
// A learner whose submission was cut off sends the same form again: it is recorded once.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CatalogLesson } from "#app/models/catalog.server.ts";
import { realCatalog, seedTrustPractice } from "#tests/support/trust-practice.ts";
import { killAllApps, prepareDatabase, startApp, type AppProcess } from "./support/app-process.ts";
import { fileHealth, halfWrittenResults, withDatabase } from "./support/checks.ts";
import { attemptIdFrom, getPage, postForm, quizForm } from "./support/http.ts";
import { addLearners, signInAll, type Learner } from "./support/learners.ts";
import { seededRandom, durabilitySeed } from "./support/random.ts";

const ROUNDS = 20;
const SUBMISSIONS = 1000;
const IN_FLIGHT = 50;
const STAFF = 50;

const seed = durabilitySeed();
const random = seededRandom(seed);
console.log(`kill -9 rounds: seed ${seed} (DURABILITY_SEED=${seed} npm run test:durability replays the same rounds)`);

interface Submission {
  learner: Learner;
  lesson: CatalogLesson;
  requestId: string;
  pass: boolean;
}
interface Acknowledged extends Submission {
  attemptId: number;
}

const quizLessons = realCatalog()
  .modules.flatMap((m) => m.lessons)
  .filter((l) => l.quiz);

let dir = "";
let dbFile = "";
let app: AppProcess | null = null;
let learners: Learner[] = [];
/** Every request id sent, in every round: the only ones our learners' attempts may carry. */
const sentIds = new Set<string>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-kill-"));
  dbFile = path.join(dir, "practice.sqlite");
  let people: { id: number; email: string }[] = [];
  await prepareDatabase(dbFile, async (db) => {
    people = await addLearners(db, await seedTrustPractice(db), STAFF);
  });
  app = await startApp(dbFile);
  // Sign-in success is never throttled, so fifty accounts from one address all get in.
  learners = await signInAll(app.url, people);
});

afterAll(async () => {
  await killAllApps();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

/**
 * Sends the submissions, IN_FLIGHT at a time, and kills the server `delayMs` after the
 * `killAfter`-th answer. Returns what was acknowledged and what the kill cut off.
 */
async function fire(server: AppProcess, submissions: Submission[], killAfter: number, delayMs: number) {
  const acknowledged: Acknowledged[] = [];
  const cutOff: Submission[] = [];
  let next = 0;
  let answered = 0;
  let killed = false;
  let kill: Promise<void> | null = null;
  const worker = async () => {
    while (!killed && next < submissions.length) {
      const s = submissions[next++] as Submission;
      sentIds.add(s.requestId);
      let answer;
      try {
        answer = await postForm(server.url, `/lessons/${s.lesson.slug}`, quizForm(s.lesson, s.requestId, s.pass), s.learner.cookie);
      } catch (error) {
        if (!killed) throw new Error(`A submission failed before the server was killed: ${String(error)}`);
        cutOff.push(s);
        continue;
      }
      answered++;
      const attemptId = attemptIdFrom(answer);
      if (attemptId === null) {
        throw new Error(`A submission was answered ${answer.status} ${answer.location ?? ""}\n${answer.body.slice(0, 500)}`);
      }
      acknowledged.push({ ...s, attemptId });
      if (answered === killAfter) {
        kill = sleep(delayMs).then(() => {
          killed = true;
          return server.kill9();
        });
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await kill;
  return { acknowledged, cutOff };
}

describe(`kill -9 during ${SUBMISSIONS} concurrent quiz submissions (seed ${seed})`, () => {
  for (let round = 1; round <= ROUNDS; round++) {
    test(`round ${round}: every acknowledged submission survives, nothing is half-written, a resend is not a duplicate`, async () => {
      const killAfter = 1 + Math.floor(random() * (SUBMISSIONS - 2 * IN_FLIGHT));
      const delayMs = Math.floor(random() * 10);
      const submissions: Submission[] = Array.from({ length: SUBMISSIONS }, () => ({
        learner: pick(learners),
        lesson: pick(quizLessons),
        requestId: randomUUID(),
        pass: random() < 0.6,
      }));
      app ??= await startApp(dbFile);

      const { acknowledged, cutOff } = await fire(app, submissions, killAfter, delayMs);
      expect(app.running(), "the server was killed").toBe(false);
      console.log(
        `round ${round}: killed ${delayMs} ms after answer ${killAfter}; ${acknowledged.length} acknowledged, ${cutOff.length} cut off in flight`,
      );

      // The restart itself recovers the file: it has to come up.
      app = null;
      app = await startApp(dbFile);
      const server = app;

      await withDatabase(dbFile, async (connection) => {
        const stored = await connection.db
          .selectFrom("quiz_attempt")
          .select(["id", "user_id", "request_id", "passed"])
          .where(
            "request_id",
            "in",
            acknowledged.map((a) => a.requestId),
          )
          .execute();
        const byRequest = new Map(stored.map((r) => [r.request_id, r]));
        const missing = acknowledged.filter((a) => {
          const row = byRequest.get(a.requestId);
          return !row || row.id !== a.attemptId || row.user_id !== a.learner.id || row.passed !== (a.pass ? 1 : 0);
        });
        expect(missing.map((m) => `${m.requestId} → /attempts/${m.attemptId}`), "acknowledged but not stored as answered").toEqual([]);

        expect(fileHealth(connection)).toEqual({ integrity: ["ok"], foreignKeyViolations: [] });
        expect(await halfWrittenResults(connection, learners.map((l) => l.id))).toEqual({
          passedWithoutCompletion: [],
          completionOfFailedAttempt: [],
        });
        const strangers = await connection.db
          .selectFrom("quiz_attempt")
          .select("request_id")
          .where(
            "user_id",
            "in",
            learners.map((l) => l.id),
          )
          .execute();
        expect(strangers.filter((r) => !sentIds.has(r.request_id)), "attempts nobody sent").toEqual([]);
      });

      // The result pages learners were sent to are there after the restart.
      for (const a of acknowledged.slice(-5)) {
        const page = await getPage(server.url, `/attempts/${a.attemptId}`, a.learner.cookie);
        expect(page.status, `/attempts/${a.attemptId} after the restart`).toBe(200);
      }

      // The learner sends the same form again (a cut-off one, or one already answered): it is
      // answered with the attempt it already made, or recorded now, and never recorded twice.
      const resend = [...cutOff, ...acknowledged.slice(0, 10)];
      const resent = await Promise.all(
        resend.map(async (s) => {
          const answer = await postForm(server.url, `/lessons/${s.lesson.slug}`, quizForm(s.lesson, s.requestId, s.pass), s.learner.cookie);
          return { s, answer, attemptId: attemptIdFrom(answer) };
        }),
      );
      for (const { s, answer, attemptId } of resent) {
        expect(attemptId, `resending ${s.requestId} answered ${answer.status} ${answer.location ?? ""}`).not.toBeNull();
        if ("attemptId" in s) expect(attemptId, "a resent acknowledged form names its first attempt").toBe(s.attemptId);
      }
      await withDatabase(dbFile, async (connection) => {
        const counts = await connection.db
          .selectFrom("quiz_attempt")
          .select(["request_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where(
            "request_id",
            "in",
            resend.map((s) => s.requestId),
          )
          .groupBy("request_id")
          .execute();
        expect(counts.filter((c) => Number(c.n) !== 1), "request ids stored more than once").toEqual([]);
        expect(counts).toHaveLength(new Set(resend.map((s) => s.requestId)).size);
        expect(await halfWrittenResults(connection, learners.map((l) => l.id))).toEqual({
          passedWithoutCompletion: [],
          completionOfFailedAttempt: [],
        });
      });
    });
  }
});
