// PostgreSQL restarted in immediate mode (as in a crash: connections cut, no checkpoint, crash
// recovery on the way up) under a running app and a stream of quiz submissions. Every submission
// a learner was shown the result of survives; what is asked while the database is away is
// answered with a calm 503 ("cannot reach its database", Retry-After), never a 500 or a stack
// trace; and once the database is back the same app process serves again, with no restart of
// its own. A form refused meanwhile, sent again with the same submission key, records once.
//
// The throwaway cluster runs with fsync off, which an immediate restart does not test: the
// operating system keeps what the server wrote. Commits are synchronous (durableCommits), as on
// a real server: with them off, a commit is acknowledged before its WAL leaves the server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, onTestFailed, test } from "vitest";
import type { CatalogLesson } from "#app/models/catalog.server.ts";
import { openConnection } from "#db/connection.ts";
import { startThrowawayCluster, type ThrowawayCluster } from "#tests/support/postgres.ts";
import { realCatalog, seedTrustPractice } from "#tests/support/trust-practice.ts";
import { killAllApps, preparePostgres, startApp, type AppProcess } from "./support/app-process.ts";
import { halfWrittenResults } from "./support/checks.ts";
import { attemptIdFrom, getPage, postForm, quizForm, type Answer } from "./support/http.ts";
import { addLearners, signInAll, type Learner } from "./support/learners.ts";
import { durabilitySeed, seededRandom } from "./support/random.ts";

const IN_FLIGHT = 8;
const STAFF = 10;
/** Acknowledged submissions before the restart, and after it, before the stream stops. */
const BEFORE = 100;
const AFTER = 100;

const seed = durabilitySeed();
const random = seededRandom(seed);
console.log(`PostgreSQL restart round: seed ${seed} (DURABILITY_SEED=${seed} replays the same choices)`);

const quizLessons = realCatalog()
  .modules.flatMap((m) => m.lessons)
  .filter((l) => l.quiz);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

let cluster: ThrowawayCluster | null = null;
let app: AppProcess | null = null;
let learners: Learner[] = [];

beforeAll(async () => {
  cluster = await startThrowawayCluster({ durableCommits: true });
  let people: { id: number; email: string }[] = [];
  await preparePostgres(cluster.url, async (db) => {
    people = await addLearners(db, await seedTrustPractice(db), STAFF);
  });
  app = await startApp("unused-with-postgres", { DATABASE_URL: cluster.url });
  learners = await signInAll(app.url, people);
}, 120_000);

afterAll(async () => {
  await killAllApps();
  cluster?.stop();
});

/** What a person may see while the database is away, and what they must not. */
function expectCalmUnavailable(answer: Answer, what: string) {
  expect(answer.status, `${what}: ${answer.body.slice(0, 300)}`).toBe(503);
  expect(answer.headers["retry-after"], `${what}: Retry-After`).toMatch(/^\d+$/);
  expect(answer.body, what).toMatch(/cannot reach its database/);
  expect(answer.body, what).toMatch(/try again/i);
  for (const internal of [/\bat .+:\d+:\d+/, /node_modules/, /Unexpected Server Error/, /ECONN/, /postgres/i, /Connection terminated/, /SQLSTATE|57P0/]) {
    expect(answer.body, what).not.toMatch(internal);
  }
}

interface Submission {
  learner: Learner;
  lesson: CatalogLesson;
  requestId: string;
  pass: boolean;
}
const submission = (): Submission => ({ learner: pick(learners), lesson: pick(quizLessons), requestId: randomUUID(), pass: random() < 0.6 });
const submit = (s: Submission) => postForm((app as AppProcess).url, `/lessons/${s.lesson.slug}`, quizForm(s.lesson, s.requestId, s.pass), s.learner.cookie);

test("an immediate restart of PostgreSQL under load: nothing acknowledged is lost, the meantime is a calm 503, the same process serves after", async () => {
  onTestFailed(() => console.log(`The app's log:\n${app?.output().slice(-4000)}`));
  const server = app as AppProcess;
  const db = cluster as ThrowawayCluster;
  const acknowledged = new Map<string, { s: Submission; attemptId: number }>();
  const refused: Submission[] = [];
  let restart: Promise<void> | null = null;
  let restarted = false;
  let afterRestart = 0;

  const worker = async () => {
    while (!restarted || afterRestart < AFTER) {
      const s = submission();
      const answer = await submit(s);
      const attemptId = attemptIdFrom(answer);
      if (attemptId !== null) {
        acknowledged.set(s.requestId, { s, attemptId });
        if (restarted) afterRestart++;
        if (acknowledged.size === BEFORE) {
          restart = db.restart().then(() => {
            restarted = true;
          });
        }
        continue;
      }
      // The only other answer allowed is the calm one, and only while the database is away.
      expect(restart, `answered ${answer.status} before the restart`).not.toBeNull();
      expectCalmUnavailable(answer, "a submission during the restart");
      refused.push(s);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await restart;
  expect(server.running(), "the app process lived through the restart").toBe(true);

  // Held down a moment, so that what every kind of request gets meanwhile is certain: a page, a
  // client navigation's data, the health check the load balancer asks, a submission.
  await db.halt();
  const whileDown: Answer[] = [];
  let heldSubmission: Submission;
  try {
    const learner = learners[0] as Learner;
    for (const [what, path] of [
      ["a page", "/learn"],
      ["a client navigation", "/learn.data"],
      ["the health check", "/healthz"],
    ] as const) {
      const answer = await getPage(server.url, path, learner.cookie);
      expectCalmUnavailable(answer, `${what} while the database is down`);
      whileDown.push(answer);
    }
    heldSubmission = submission();
    const answer = await submit(heldSubmission);
    expectCalmUnavailable(answer, "a submission while the database is down");
    whileDown.push(answer);
  } finally {
    await db.start();
  }
  expect(server.running(), "the app process lived through the database being down").toBe(true);

  // The same process serves again: the health check, and every refused form sent again.
  expect((await getPage(server.url, "/healthz")).status).toBe(200);
  // A refused form may have been committed all the same (its connection lost after the commit).
  const refusedIds = refused.map((s) => s.requestId);
  const committedThough = await (async () => {
    if (refusedIds.length === 0) return 0;
    const connection = openConnection(db.url);
    try {
      return (await connection.db.selectFrom("quiz_attempt").select("id").where("request_id", "in", refusedIds).execute()).length;
    } finally {
      await connection.close();
    }
  })();
  const resend = [...refused, heldSubmission, ...[...acknowledged.values()].slice(0, 5).map((a) => a.s)];
  const resentIds = new Map<string, number>();
  for (const s of resend) {
    const answer = await submit(s);
    const attemptId = attemptIdFrom(answer);
    expect(attemptId, `resending ${s.requestId} answered ${answer.status}`).not.toBeNull();
    resentIds.set(s.requestId, attemptId as number);
    const first = acknowledged.get(s.requestId);
    if (first) expect(attemptId, "a resent acknowledged form names its first attempt").toBe(first.attemptId);
  }

  const connection = openConnection(db.url);
  try {
    const sent = [...new Set([...acknowledged.keys(), ...resend.map((s) => s.requestId)])];
    const stored = await connection.db.selectFrom("quiz_attempt").select(["id", "user_id", "request_id", "passed"]).where("request_id", "in", sent).execute();
    const byRequest = new Map(stored.map((r) => [r.request_id, r]));
    expect(byRequest.size, "request ids stored more than once").toBe(stored.length);
    const missing = [...acknowledged.values()].filter(({ s, attemptId }) => {
      const row = byRequest.get(s.requestId);
      return !row || row.id !== attemptId || row.user_id !== s.learner.id || row.passed !== (s.pass ? 1 : 0);
    });
    expect(missing.map((m) => `${m.s.requestId} → /attempts/${m.attemptId}`), "acknowledged but not stored as answered").toEqual([]);
    expect(stored).toHaveLength(sent.length);
    expect(await halfWrittenResults(connection, learners.map((l) => l.id))).toEqual({ passedWithoutCompletion: [], completionOfFailedAttempt: [] });
    console.log(
      `PostgreSQL restart round: ${acknowledged.size} acknowledged (${afterRestart} after the restart), ${refused.length} answered 503 during the restart (${committedThough} of them stored all the same), ` +
        `${whileDown.length} answered 503 while held down; ${resend.length} resent, ${stored.length} stored, none twice; the same process (pid ${server.pid}) throughout`,
    );
  } finally {
    await connection.close();
  }
});
