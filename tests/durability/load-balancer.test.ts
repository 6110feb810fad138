// Two app processes on one PostgreSQL database behind HAProxy (deploy/haproxy.cfg, the file an
// operator copies). What one process writes, the other shows at once. Then a thousand quiz
// submissions go through the load balancer, several at a time, and one process is killed with
// kill -9 partway: every submission a learner was shown the result of is stored, the survivor
// answers everything after the kill, and a submission whose answer was lost in the kill, sent
// again with the same submission key, is recorded exactly once.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, onTestFailed, test } from "vitest";
import type { CatalogLesson } from "#app/models/catalog.server.ts";
import { openConnection } from "#db/connection.ts";
import { startLoadBalancer, type LoadBalancer } from "#tests/support/haproxy.ts";
import { startThrowawayCluster, type ThrowawayCluster } from "#tests/support/postgres.ts";
import { ACTORS, PASSWORD, realCatalog, seedTrustPractice, type TrustIds } from "#tests/support/trust-practice.ts";
import { killAllApps, preparePostgres, startApp, type AppProcess } from "./support/app-process.ts";
import { halfWrittenResults } from "./support/checks.ts";
import { attemptIdFrom, getPage, postForm, quizForm, signIn, type Answer, type FormFields } from "./support/http.ts";
import { addLearners, signInAll, type Learner } from "./support/learners.ts";
import { durabilitySeed, seededRandom } from "./support/random.ts";

const SUBMISSIONS = 1000;
const IN_FLIGHT = 16;
const STAFF = 20;

const seed = durabilitySeed();
const random = seededRandom(seed);
console.log(`load balancer round: seed ${seed} (DURABILITY_SEED=${seed} replays the same choices)`);

const quizLessons = realCatalog()
  .modules.flatMap((m) => m.lessons)
  .filter((l) => l.quiz);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

let cluster: ThrowawayCluster | null = null;
let apps: [AppProcess, AppProcess] | null = null;
let lb: LoadBalancer | null = null;
let practice: TrustIds;
let people: { id: number; email: string }[] = [];

beforeAll(async () => {
  cluster = await startThrowawayCluster();
  const url = cluster.url;
  await preparePostgres(url, async (db) => {
    practice = await seedTrustPractice(db);
    people = await addLearners(db, practice, STAFF);
  });
  const env = { DATABASE_URL: url, TRUST_PROXY: "1" };
  apps = [await startApp("unused-with-postgres", env), await startApp("unused-with-postgres", env)];
  lb = await startLoadBalancer([apps[0].url, apps[1].url]);
}, 120_000);

afterAll(async () => {
  await lb?.stop();
  await killAllApps();
  cluster?.stop();
});

const showLogsOnFailure = () =>
  onTestFailed(() => {
    console.log(`app 1's log:\n${apps?.[0].output().slice(-3000)}\napp 2's log:\n${apps?.[1].output().slice(-3000)}\nHAProxy's log:\n${lb?.output().slice(-3000)}`);
  });

/** Whether `page` (a manager's team search) lists the person named `name`. */
const lists = (page: Answer, name: string) => page.status === 200 && page.body.includes(name);

test("what one process writes, the other shows at once; sessions work on either", async () => {
  showLogsOnFailure();
  const [one, two] = apps as [AppProcess, AppProcess];
  const viaLb = (lb as LoadBalancer).url;
  // Signed in through the load balancer: the session is in the database, good on either process.
  const manager = await signIn(viaLb, ACTORS.manager, PASSWORD);
  const person = (n: string): FormFields => [
    ["intent", "add-person"],
    ["name", `Pat Crossing ${n}`],
    ["email", `pat.crossing.${n}@demo.test`],
    ["jobTitle", "Receptionist"],
    ["locationId", String(practice.locations.maple)],
    ["role", "staff"],
  ];
  // The search box shows what was searched for: the search names none of the people in full.
  const search = (_n: string) => `/manage/team?q=${encodeURIComponent("Pat Crossing")}`;

  // Straight to each process, so that which one answers is certain: written on one, read on the other.
  for (const [writer, reader, n] of [
    [one, two, "one"],
    [two, one, "two"],
  ] as const) {
    expect(lists(await getPage(reader.url, search(n), manager), `Pat Crossing ${n}`), "not there before").toBe(false);
    const added = await postForm(writer.url, "/manage/team", person(n), manager);
    expect(added.status, added.body.slice(0, 300)).toBe(200);
    const seen = await getPage(reader.url, search(n), manager);
    expect(lists(seen, `Pat Crossing ${n}`), `added through app ${n}, shown by the other`).toBe(true);
  }

  // Through the load balancer: round robin sends two requests in a row to the two processes, and
  // both show what was just added.
  const added = await postForm(viaLb, "/manage/team", person("lb"), manager);
  expect(added.status).toBe(200);
  for (let i = 0; i < 2; i++) expect(lists(await getPage(viaLb, search("lb"), manager), "Pat Crossing lb")).toBe(true);

  // A quiz result recorded by one process is there on the other.
  const lesson = quizLessons[0] as CatalogLesson;
  const maria = await signIn(viaLb, ACTORS.staff, PASSWORD);
  const attemptId = attemptIdFrom(await postForm(one.url, `/lessons/${lesson.slug}`, quizForm(lesson, randomUUID(), true), maria));
  expect(attemptId).not.toBeNull();
  expect((await getPage(two.url, `/attempts/${attemptId}`, maria)).status).toBe(200);
});

interface Submission {
  learner: Learner;
  lesson: CatalogLesson;
  requestId: string;
  pass: boolean;
}

test(`kill -9 of one process during ${SUBMISSIONS} quiz submissions through the load balancer: nothing acknowledged is lost, the other carries on, a resend records once`, async () => {
  showLogsOnFailure();
  const [victim, survivor] = apps as [AppProcess, AppProcess];
  const viaLb = (lb as LoadBalancer).url;
  const learners = await signInAll(viaLb, people);
  const submissions: Submission[] = Array.from({ length: SUBMISSIONS }, () => ({
    learner: pick(learners),
    lesson: pick(quizLessons),
    requestId: randomUUID(),
    pass: random() < 0.6,
  }));
  const killAfter = 150 + Math.floor(random() * 350);
  const delayMs = Math.floor(random() * 10);

  const acknowledged = new Map<string, { s: Submission; attemptId: number; afterKill: boolean }>();
  /** Sent, and no result came back: the process answering it was killed. */
  const lost: { s: Submission; answer: string; sentAfterExit: boolean }[] = [];
  let exited = false;
  let answered = 0;
  let killed = false;
  let kill: Promise<void> | null = null;
  let next = 0;
  const worker = async () => {
    while (next < submissions.length) {
      const s = submissions[next++] as Submission;
      const killedBefore = killed;
      const exitedBefore = exited;
      let answer: Answer;
      try {
        answer = await postForm(viaLb, `/lessons/${s.lesson.slug}`, quizForm(s.lesson, s.requestId, s.pass), s.learner.cookie);
      } catch (error) {
        // HAProxy cuts the learner's connection when the process dies after it began to answer.
        if (!killed) throw new Error(`The load balancer dropped a submission before the kill: ${String(error)}`);
        lost.push({ s, answer: (error as { code?: string }).code ?? "cut off", sentAfterExit: exitedBefore });
        continue;
      }
      const attemptId = attemptIdFrom(answer);
      if (attemptId !== null) {
        acknowledged.set(s.requestId, { s, attemptId, afterKill: killedBefore });
        if (++answered === killAfter) {
          kill = sleep(delayMs).then(() => {
            killed = true;
            return victim.kill9().then(() => {
              exited = true;
            });
          });
        }
      } else if (killed && [502, 503, 504].includes(answer.status)) {
        // HAProxy's answer for a request whose process died under it.
        lost.push({ s, answer: `${answer.status}`, sentAfterExit: exitedBefore });
      } else {
        throw new Error(`A submission was answered ${answer.status} ${answer.location ?? ""} (killed: ${killed})\n${answer.body.slice(0, 500)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await kill;
  expect(victim.running(), "app 1 was killed").toBe(false);
  expect(survivor.running(), "app 2 is still running").toBe(true);

  const afterKill = [...acknowledged.values()].filter((a) => a.afterKill).length;
  // Whatever was sent after the kill had been noticed went to the survivor and was answered.
  expect(afterKill, "submissions acknowledged after the kill").toBeGreaterThanOrEqual(SUBMISSIONS - killAfter - 2 * IN_FLIGHT);
  expect(acknowledged.size + lost.length).toBe(SUBMISSIONS);

  const connection = openConnection((cluster as ThrowawayCluster).url);
  try {
    const { db } = connection;
    const sentIds = submissions.map((s) => s.requestId);
    const stored = await db.selectFrom("quiz_attempt").select(["id", "user_id", "request_id", "passed"]).where("request_id", "in", sentIds).execute();
    const byRequest = new Map(stored.map((r) => [r.request_id, r]));
    expect(byRequest.size, "request ids stored more than once").toBe(stored.length);

    const missing = [...acknowledged.values()].filter(({ s, attemptId }) => {
      const row = byRequest.get(s.requestId);
      return !row || row.id !== attemptId || row.user_id !== s.learner.id || row.passed !== (s.pass ? 1 : 0);
    });
    expect(missing.map((m) => `${m.s.requestId} → /attempts/${m.attemptId}`), "acknowledged but not stored as answered").toEqual([]);
    const lostIds = new Set(lost.map((l) => l.s.requestId));
    const storedUnacknowledged = stored.filter((r) => !acknowledged.has(r.request_id));
    expect(
      storedUnacknowledged.filter((r) => !lostIds.has(r.request_id)).map((r) => r.request_id),
      "stored, never acknowledged, and not among the lost answers",
    ).toEqual([]);
    expect(await halfWrittenResults(connection, learners.map((l) => l.id))).toEqual({ passedWithoutCompletion: [], completionOfFailedAttempt: [] });

    // The learners whose answers were lost send the same form again (and a few who were answered,
    // who have only pressed the button twice): recorded once, the stored attempt named again.
    const resend = [...lost.map((l) => l.s), ...[...acknowledged.values()].slice(-5).map((a) => a.s)];
    for (const s of resend) {
      const again = await postForm(viaLb, `/lessons/${s.lesson.slug}`, quizForm(s.lesson, s.requestId, s.pass), s.learner.cookie);
      const attemptId = attemptIdFrom(again);
      expect(attemptId, `resending ${s.requestId} answered ${again.status}`).not.toBeNull();
      const before = byRequest.get(s.requestId);
      if (before) expect(attemptId, "a resent form that had been stored names its first attempt").toBe(before.id);
    }
    const counts = await db
      .selectFrom("quiz_attempt")
      .select(["request_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("request_id", "in", sentIds)
      .groupBy("request_id")
      .execute();
    expect(counts.filter((c) => Number(c.n) !== 1), "request ids stored more than once").toEqual([]);
    // Every submission is now stored: the acknowledged ones, and the lost ones once each.
    expect(counts).toHaveLength(SUBMISSIONS);
    expect(await halfWrittenResults(connection, learners.map((l) => l.id))).toEqual({ passedWithoutCompletion: [], completionOfFailedAttempt: [] });

    console.log(
      `load balancer round: app 1 killed ${delayMs} ms after answer ${killAfter}; ${acknowledged.size} acknowledged (${afterKill} after the kill), ` +
        `${lost.length} answers lost (${lost.map((l) => l.answer + (l.sentAfterExit ? "*" : "")).join(",") || "none"}; * sent after the process was gone), ${stored.length} stored before the resend ` +
        `(${storedUnacknowledged.length} of them lost answers), ${resend.length} resent, ${counts.length} stored after, none twice`,
    );
  } finally {
    await connection.close();
  }
  // The load balancer still answers, through the survivor.
  expect((await getPage(viaLb, "/healthz")).status).toBe(200);
});
