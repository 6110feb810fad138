// The synthetic practice a bench run measures: 200 employees (BENCH_EMPLOYEES) across two
// locations (one more per further 100 people), the real
// content catalog, and two years of lesson visits, quiz attempts and completions. Written through
// Kysely, so the same practice goes into a SQLite file or a PostgreSQL database: one transaction
// per part, rows in batches of 500 a statement (a few seconds, not minutes; one statement a row
// would be a round trip a row on PostgreSQL), through the same migrations and catalog sync the
// app uses.
import { randomUUID } from "node:crypto";
import { CompiledQuery, sql, type Insertable, type Transaction } from "kysely";
import { migrateToLatest, type Connection } from "#db/connection.ts";
import { dialectOf } from "#db/dialect.ts";
import { syncCatalog } from "#app/models/catalog.server.ts";
import { loadContent, type Quiz } from "#app/models/content.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { gradeQuiz, type Answers } from "#app/models/quizzes.server.ts";
import type { Database, Role, SpendCategory } from "#db/schema.ts";

export const LOCATIONS = ["Maple Street", "Riverside"] as const;

export interface SeedOptions {
  employees: number;
  years: number;
  now: Date;
  contentDir: string;
  /** Fixed, so that every run measures the same practice. */
  randomSeed: number;
}

export interface SeedPerson {
  id: number;
  role: Role;
  locationId: number | null;
}

export interface SeedLesson {
  slug: string;
  contentHash: string;
  quiz: Quiz | null;
}

export interface SeededPractice<C extends Connection = Connection> {
  connection: C;
  people: SeedPerson[];
  staff: SeedPerson[];
  /** A manager not limited to a location: sees everyone. */
  manager: SeedPerson;
  owner: SeedPerson;
  lessons: SeedLesson[];
  counts: Record<string, number>;
  /** What the seed could not fill yet, and why (shown in the results). */
  notes: string[];
  seconds: number;
}

/** A small seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** All right, or a wrong choice on the first `wrong` questions. */
export function answersFor(quiz: Quiz, wrong: number): Answers {
  return Object.fromEntries(
    quiz.questions.map((q, i) => {
      const right = q.choices.filter((c) => c.correct).map((c) => c.id);
      const wrongChoice = q.choices.find((c) => !c.correct);
      return [q.id, i < wrong && wrongChoice ? [wrongChoice.id] : right];
    }),
  );
}

const DAY = 86_400_000;
const FIRST_NAMES = ["Maria", "James", "Aisha", "Tom", "Lena", "Omar", "Grace", "Luis", "Nadia", "Sam", "Ivy", "Raj", "Elena", "Noah", "Hana", "Leo"];
const LAST_NAMES = ["Lopez", "Carter", "Rahman", "Nguyen", "Fischer", "Haddad", "Kim", "Patel", "Okafor", "Silva", "Novak", "Brown", "Cohen", "Ito"];
const JOB_TITLES = ["Receptionist", "Receptionist", "Receptionist", "Scheduler", "Billing clerk", "Front desk lead"];

/** Rows are sent this many a statement (well under SQLite's and PostgreSQL's limits on parameters). */
const BATCH = 500;

/**
 * Inserts `rows` BATCH a statement, returning what `returning` names of each. Kysely compiles a
 * statement's SQL afresh for every batch, which cost more than the inserts themselves (a
 * 10,000-person seed took twice as long as with prepared statements): the SQL of each shape
 * (dialect, table, columns, row count) is compiled once, and later batches
 * send it with their values. Every row must have the same keys in the same order.
 */
async function insertRows<T extends keyof Database & string, R extends string = never>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  returning: readonly R[] = [],
): Promise<Record<R, unknown>[]> {
  const out: Record<R, unknown>[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH) as Record<string, unknown>[];
    const columns = Object.keys(batch[0] as object);
    const values = batch.flatMap((row) => columns.map((c) => row[c]));
    const shape = `${dialectOf(trx)}:${table}(${columns.join()})×${batch.length}→${returning.join()}`;
    let text = compiledInserts.get(shape);
    if (text === undefined) {
      // A generic table defeats Kysely's column types; each caller's rows are typed where they are built.
      const query = trx.insertInto(table).values(batch as never);
      const compiled = (returning.length > 0 ? query.returning(returning as never) : query).compile();
      if (compiled.parameters.length !== values.length || compiled.parameters.some((v, k) => v !== values[k])) {
        throw new Error(`The seed's rows for ${table} do not all have the same columns`);
      }
      text = compiled.sql;
      compiledInserts.set(shape, text);
    }
    const result = await trx.executeQuery<Record<R, unknown>>(CompiledQuery.raw(text, values));
    out.push(...result.rows);
  }
  return out;
}
const compiledInserts = new Map<string, string>();

/**
 * Seeds the practice into `connection`, an empty database of either kind (migrated here). The
 * same options give the same practice on both, row for row and id for id.
 */
export async function seedPractice<C extends Connection>(connection: C, options: SeedOptions): Promise<SeededPractice<C>> {
  const started = performance.now();
  const { db } = connection;
  await migrateToLatest(db);
  const { content, problems } = loadContent(options.contentDir);
  if (problems.length > 0) throw new Error("Content is invalid: run `npm run content:check`.");
  await syncCatalog(db, content);
  const lessons: SeedLesson[] = content.modules.flatMap((m) =>
    m.lessons.map((l) => ({ slug: l.slug, contentHash: l.contentHash, quiz: l.quiz })),
  );
  const minutesOf = new Map(content.modules.flatMap((m) => m.lessons.map((l) => [l.slug, l.minutes] as const)));
  // Nobody signs in with a password during a run (sessions are made directly), but every account
  // has a real hash, as it would in production.
  const passwordHash = await hashPassword(randomUUID());

  const rand = random(options.randomSeed);
  const { now } = options;
  const windowStart = now.getTime() - options.years * 365 * DAY;
  const counts: Record<string, number> = { employees: 0, lesson_visits: 0, quiz_attempts: 0, completions: 0 };
  const people: SeedPerson[] = [];
  const hiredAt = new Map<number, number>();

  // Activity waits here and goes in BATCH rows a statement; a completion names its attempt by the
  // attempt's request id until the attempt has been written and has its id.
  type Visit = { user_id: number; lesson_slug: string; first_seen_at: string; last_seen_at: string; active_seconds: number };
  type Attempt = { user_id: number; lesson_slug: string; content_hash: string; answers: string; correct_count: number; question_count: number; score: number; passed: number; submitted_at: string; request_id: string };
  type PendingCompletion = { user_id: number; lesson_slug: string; completed_at: string; attemptRequestId: string | null; content_hash: string };
  let visits: Visit[] = [];
  let days: { user_id: number; day: string; seconds: number }[] = [];
  let attempts: Attempt[] = [];
  let completions: PendingCompletion[] = [];
  const flush = async (trx: Transaction<Database>) => {
    const attemptIds = new Map<string, number>();
    for (const r of await insertRows(trx, "quiz_attempt", attempts, ["id", "request_id"] as const)) attemptIds.set(String(r.request_id), Number(r.id));
    await insertRows(trx, "lesson_visit", visits);
    await insertRows(trx, "learning_day", days);
    await insertRows(
      trx,
      "completion",
      completions.map(({ attemptRequestId, ...c }) => {
        const attemptId = attemptRequestId === null ? null : attemptIds.get(attemptRequestId);
        if (attemptId === undefined) throw new Error("A seeded completion names an attempt that was not written");
        return { ...c, attempt_id: attemptId };
      }),
    );
    visits = [];
    days = [];
    attempts = [];
    completions = [];
  };

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("practice")
      .values({ id: 1, name: "Bench Family Medicine", time_zone: "America/Chicago", fiscal_year_start_month: 1, created_at: new Date(windowStart - 30 * DAY).toISOString() })
      .execute();
    // Two offices for a practice, and one more for each further 100 people in a group.
    const locationNames = [...LOCATIONS, ...Array.from({ length: Math.max(0, Math.ceil(options.employees / 100) - LOCATIONS.length) }, (_, k) => `Office ${k + 3}`)];
    const locationIds: number[] = [];
    for (const name of locationNames) {
      locationIds.push((await trx.insertInto("location").values({ name }).returning("id").executeTakeFirstOrThrow()).id);
    }

    for (let i = 0; i < options.employees; i++) {
      // One owner, one practice-wide office manager, one manager per location, the rest staff.
      const role: Role = i === 0 ? "owner" : i <= 1 + LOCATIONS.length ? "manager" : "staff";
      const locationId = i <= 1 ? null : (locationIds[i % locationIds.length] ?? null);
      const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
      const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] as string;
      // A third joined during the window (turnover); the rest were there before it.
      const hired = rand() < 0.33 ? windowStart + rand() * (now.getTime() - windowStart - 30 * DAY) : windowStart - rand() * 1500 * DAY;
      const hiredOn = new Date(hired).toISOString().slice(0, 10);
      const wage = role === "owner" ? null : Math.round(1800 + rand() * 1400);
      const { id } = await trx
        .insertInto("user")
        .values({
          email: `bench${i}@practice.test`,
          name: `${first} ${last} ${i}`,
          role,
          job_title: role === "owner" ? "Physician owner" : role === "manager" ? "Office manager" : (JOB_TITLES[i % JOB_TITLES.length] ?? null),
          location_id: locationId,
          hourly_wage_cents: wage,
          hired_on: hiredOn,
          status: "active",
          password_hash: passwordHash,
          created_at: new Date(Math.max(hired, windowStart - 30 * DAY)).toISOString(),
          scope_location_id: null,
          deactivated_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      people.push({ id, role, locationId });
      hiredAt.set(id, hired);
      counts.employees = (counts.employees ?? 0) + 1;

      // Lessons in library order, then again as a yearly refresher, at each person's own pace
      // (a lesson every few days to one a month), with the odd failed first try. A lesson seen
      // again adds to its one visit row, and a day's reading to its one day row.
      const myVisits = new Map<string, Visit>();
      const myDays = new Map<string, { user_id: number; day: string; seconds: number }>();
      const lessonsPerWeek = 0.25 + rand() * 1.75;
      let t = Math.max(hired, windowStart) + rand() * 14 * DAY;
      let next = 0;
      for (let steps = 0; steps < 1000 && t < now.getTime() - DAY; steps++) {
        const lesson = lessons[next % lessons.length] as SeedLesson;
        next++;
        const seconds = Math.round((minutesOf.get(lesson.slug) ?? 5) * 60 * (0.6 + rand() * 0.9));
        const seen = new Date(t).toISOString();
        const lastSeen = new Date(t + seconds * 1000).toISOString();
        const visit = myVisits.get(lesson.slug);
        if (visit) {
          visit.last_seen_at = lastSeen;
          visit.active_seconds += seconds;
        } else {
          myVisits.set(lesson.slug, { user_id: id, lesson_slug: lesson.slug, first_seen_at: seen, last_seen_at: lastSeen, active_seconds: seconds });
        }
        const dayKey = seen.slice(0, 10);
        const day = myDays.get(dayKey);
        if (day) day.seconds += seconds;
        else myDays.set(dayKey, { user_id: id, day: dayKey, seconds });
        counts.lesson_visits = (counts.lesson_visits ?? 0) + 1;
        if (lesson.quiz) {
          const tries = rand() < 0.2 ? [2, 0] : [rand() < 0.3 ? 1 : 0];
          for (const [n, wrong] of tries.entries()) {
            const answers = answersFor(lesson.quiz, wrong ?? 0);
            const grade = gradeQuiz(lesson.quiz, answers);
            const submitted = new Date(t + seconds * 1000 + n * 15 * 60_000).toISOString();
            const requestId = randomUUID();
            attempts.push({
              user_id: id,
              lesson_slug: lesson.slug,
              content_hash: lesson.contentHash,
              answers: JSON.stringify(answers),
              correct_count: grade.correctCount,
              question_count: grade.questionCount,
              score: grade.score,
              passed: grade.passed ? 1 : 0,
              submitted_at: submitted,
              request_id: requestId,
            });
            counts.quiz_attempts = (counts.quiz_attempts ?? 0) + 1;
            if (grade.passed) {
              completions.push({ user_id: id, lesson_slug: lesson.slug, completed_at: submitted, attemptRequestId: requestId, content_hash: lesson.contentHash });
              counts.completions = (counts.completions ?? 0) + 1;
            }
          }
        } else {
          completions.push({ user_id: id, lesson_slug: lesson.slug, completed_at: seen, attemptRequestId: null, content_hash: lesson.contentHash });
          counts.completions = (counts.completions ?? 0) + 1;
        }
        t += (7 * DAY * (0.5 + rand())) / lessonsPerWeek;
      }
      visits.push(...myVisits.values());
      days.push(...myDays.values());
      if (attempts.length + visits.length >= 20 * BATCH) await flush(trx);
    }
    await flush(trx);
    await trx
      .insertInto("audit_event")
      .values({ at: now.toISOString(), actor_id: null, action: "bench.seeded", subject: "practice:Bench Family Medicine", details: JSON.stringify(counts) })
      .execute();
  });

  await db.transaction().execute(async (trx) => {
    counts.assignment_rows = await seedAssignments(
      trx,
      people.map((p) => ({ ...p, hiredAt: hiredAt.get(p.id) ?? windowStart })),
      content.modules.map((m) => m.slug),
      windowStart,
    );
    Object.assign(counts, await seedSpend(trx, people, now, rand));
  });
  const notes: string[] = [];
  // Statistics for the query planner, as a server that has been running a while would have.
  if (connection.dialect === "sqlite") connection.sqlite.pragma("optimize");
  else await sql`vacuum analyze`.execute(db);

  const staff = people.filter((p) => p.role === "staff");
  const manager = people.find((p) => p.role === "manager" && p.locationId === null);
  const owner = people.find((p) => p.role === "owner");
  if (!manager || !owner || staff.length === 0) throw new Error("The bench practice needs an owner, a manager and staff");
  return { connection, people, staff, manager, owner, lessons, counts, notes, seconds: (performance.now() - started) / 1000 };
}

/**
 * Assignments: every module to everyone, a new one every two months across the window, due 30
 * days after it reaches each person; the privacy module repeats yearly. Each person's row starts
 * when the assignment was made or when they were hired, whichever is later.
 */
async function seedAssignments(trx: Transaction<Database>, people: (SeedPerson & { hiredAt: number })[], modules: string[], windowStart: number): Promise<number> {
  const creator = people.find((p) => p.role === "manager")?.id ?? people[0]?.id;
  if (creator === undefined) throw new Error("The bench practice has nobody to make assignments");
  let rows = 0;
  for (const [k, slug] of modules.entries()) {
    const created = windowStart + k * 60 * DAY;
    const { id } = await trx
      .insertInto("assignment")
      .values({
        module_slug: slug,
        lesson_slug: null,
        target_user_id: null,
        target_job_title: null,
        target_location_id: null,
        due_on: null,
        due_days: 30,
        recur_months: slug.includes("privacy") ? 12 : null,
        created_by: creator,
        created_at: new Date(created).toISOString(),
        cancelled_at: null,
        cancelled_by: null,
        completions_from: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const personRows = people
      .filter((person) => person.role !== "owner")
      .map((person) => {
        const start = Math.max(created, person.hiredAt);
        return { assignment_id: id, user_id: person.id, assigned_at: new Date(start).toISOString(), due_on: new Date(start + 30 * DAY).toISOString().slice(0, 10) };
      });
    await insertRows(trx, "assignment_person", personRows);
    rows += personRows.length;
  }
  return rows;
}

/**
 * Spend: a plan per category for each of five fiscal years, and a few expenses a month across
 * them, a third of them belonging to one to five named people (split exactly).
 */
async function seedSpend(trx: Transaction<Database>, people: SeedPerson[], now: Date, rand: () => number): Promise<Record<string, number>> {
  const categories: SpendCategory[] = ["training-materials", "online-courses", "customer-service-software", "virtual-instructor-led", "in-person-training", "conferences-and-workshops", "other"];
  const owner = people.find((p) => p.role === "owner")?.id ?? 1;
  const employees = people.filter((p) => p.role !== "owner");
  const year = now.getUTCFullYear();
  let expenses = 0;
  for (let fy = year - 4; fy <= year; fy++) {
    await insertRows(
      trx,
      "budget_plan",
      categories.map((category, i) => ({ fiscal_year: fy, category, planned_cents: i === 1 ? 2500 : 150_000 + i * 50_000, per_employee: i === 1 ? 1 : 0 })),
    );
    for (let month = 0; month < 12; month++) {
      for (let n = 0; n < 4; n++) {
        const day = new Date(Date.UTC(fy, month, 1 + Math.floor(rand() * 28)));
        if (day.getTime() > now.getTime()) continue;
        const at = day.toISOString();
        const amount = 2_000 + Math.floor(rand() * 120_000);
        const { id } = await trx
          .insertInto("expense")
          .values({
            spent_on: at.slice(0, 10),
            category: categories[Math.floor(rand() * categories.length)] as SpendCategory,
            vendor: `Vendor ${n}`,
            description: `Bench expense ${fy}-${month + 1}-${n}`,
            amount_cents: amount,
            source: "bench",
            created_by: owner,
            created_at: at,
            updated_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        expenses++;
        if (rand() < 0.33) {
          const count = 1 + Math.floor(rand() * 5);
          const chosen = [...new Set(Array.from({ length: count }, () => employees[Math.floor(rand() * employees.length)]?.id as number))];
          const base = Math.floor(amount / chosen.length);
          await insertRows(
            trx,
            "expense_share",
            chosen.map((userId, k) => ({ expense_id: id, user_id: userId, amount_cents: base + (k < amount - base * chosen.length ? 1 : 0) })),
          );
        }
      }
    }
  }
  return { budget_years: 5, expenses };
}
