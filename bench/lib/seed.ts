// The synthetic practice a bench run measures: 200 employees (BENCH_EMPLOYEES) across two
// locations (one more per further 100 people), the real
// content catalog, and two years of lesson visits, quiz attempts and completions. Everything is
// written in one transaction with prepared statements (a few seconds, not minutes), through the
// same migrations and catalog sync the app uses.
import { randomUUID } from "node:crypto";
import type SQLite from "better-sqlite3";
import { migrateToLatest, openDatabase, type SqliteConnection } from "#db/connection.ts";
import { syncCatalog } from "#app/models/catalog.server.ts";
import { loadContent, type Quiz } from "#app/models/content.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { gradeQuiz, type Answers } from "#app/models/quizzes.server.ts";
import type { Role } from "#db/schema.ts";

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

export interface SeededPractice {
  connection: SqliteConnection;
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

export async function seedPractice(file: string, options: SeedOptions): Promise<SeededPractice> {
  const started = performance.now();
  const connection = openDatabase(file);
  await migrateToLatest(connection.db);
  const { content, problems } = loadContent(options.contentDir);
  if (problems.length > 0) throw new Error("Content is invalid: run `npm run content:check`.");
  await syncCatalog(connection.db, content);
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
  const sqlite: SQLite.Database = connection.sqlite;
  const counts: Record<string, number> = { employees: 0, lesson_visits: 0, quiz_attempts: 0, completions: 0 };
  const people: SeedPerson[] = [];
  const hiredAt = new Map<number, number>();

  const insertLocation = sqlite.prepare("insert into location (name) values (?)");
  const insertUser = sqlite.prepare(
    `insert into user (email, name, role, job_title, location_id, hourly_wage_cents, hired_on, status, password_hash, created_at)
     values (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
  );
  const upsertVisit = sqlite.prepare(
    `insert into lesson_visit (user_id, lesson_slug, first_seen_at, last_seen_at, active_seconds) values (?, ?, ?, ?, ?)
     on conflict (user_id, lesson_slug) do update set last_seen_at = excluded.last_seen_at,
       active_seconds = lesson_visit.active_seconds + excluded.active_seconds`,
  );
  const insertAttempt = sqlite.prepare(
    `insert into quiz_attempt (user_id, lesson_slug, content_hash, answers, correct_count, question_count, score, passed, submitted_at, request_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCompletion = sqlite.prepare(
    "insert into completion (user_id, lesson_slug, completed_at, attempt_id, content_hash) values (?, ?, ?, ?, ?)",
  );
  const insertAudit = sqlite.prepare("insert into audit_event (at, actor_id, action, subject, details) values (?, ?, ?, ?, ?)");
  const upsertDay = sqlite.prepare(
    `insert into learning_day (user_id, day, seconds) values (?, ?, ?)
     on conflict (user_id, day) do update set seconds = learning_day.seconds + excluded.seconds`,
  );

  sqlite.transaction(() => {
    sqlite
      .prepare("insert into practice (id, name, time_zone, fiscal_year_start_month, created_at) values (1, ?, ?, 1, ?)")
      .run("Bench Family Medicine", "America/Chicago", new Date(windowStart - 30 * DAY).toISOString());
    // Two offices for a practice, and one more for each further 100 people in a group.
    const locationNames = [...LOCATIONS, ...Array.from({ length: Math.max(0, Math.ceil(options.employees / 100) - LOCATIONS.length) }, (_, k) => `Office ${k + 3}`)];
    const locationIds = locationNames.map((name) => Number(insertLocation.run(name).lastInsertRowid));

    for (let i = 0; i < options.employees; i++) {
      // One owner, one practice-wide office manager, one manager per location, the rest staff.
      const role: Role = i === 0 ? "owner" : i <= 1 + LOCATIONS.length ? "manager" : "staff";
      const locationId = i <= 1 ? null : (locationIds[i % locationIds.length] ?? null);
      const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
      const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] as string;
      // A third joined during the window (turnover); the rest were there before it.
      const hired = rand() < 0.33 ? windowStart + rand() * (now.getTime() - windowStart - 30 * DAY) : windowStart - rand() * 1500 * DAY;
      const hiredOn = new Date(hired).toISOString().slice(0, 10);
      const id = Number(
        insertUser.run(
          `bench${i}@practice.test`,
          `${first} ${last} ${i}`,
          role,
          role === "owner" ? "Physician owner" : role === "manager" ? "Office manager" : JOB_TITLES[i % JOB_TITLES.length],
          locationId,
          role === "owner" ? null : Math.round(1800 + rand() * 1400),
          hiredOn,
          passwordHash,
          new Date(Math.max(hired, windowStart - 30 * DAY)).toISOString(),
        ).lastInsertRowid,
      );
      people.push({ id, role, locationId });
      hiredAt.set(id, hired);
      counts.employees = (counts.employees ?? 0) + 1;

      // Lessons in library order, then again as a yearly refresher, at each person's own pace
      // (a lesson every few days to one a month), with the odd failed first try.
      const lessonsPerWeek = 0.25 + rand() * 1.75;
      let t = Math.max(hired, windowStart) + rand() * 14 * DAY;
      let next = 0;
      for (let steps = 0; steps < 1000 && t < now.getTime() - DAY; steps++) {
        const lesson = lessons[next % lessons.length] as SeedLesson;
        next++;
        const seconds = Math.round((minutesOf.get(lesson.slug) ?? 5) * 60 * (0.6 + rand() * 0.9));
        const seen = new Date(t).toISOString();
        upsertVisit.run(id, lesson.slug, seen, new Date(t + seconds * 1000).toISOString(), seconds);
        upsertDay.run(id, seen.slice(0, 10), seconds);
        counts.lesson_visits = (counts.lesson_visits ?? 0) + 1;
        if (lesson.quiz) {
          const tries = rand() < 0.2 ? [2, 0] : [rand() < 0.3 ? 1 : 0];
          for (const [n, wrong] of tries.entries()) {
            const answers = answersFor(lesson.quiz, wrong ?? 0);
            const grade = gradeQuiz(lesson.quiz, answers);
            const submitted = new Date(t + seconds * 1000 + n * 15 * 60_000).toISOString();
            const attemptId = Number(
              insertAttempt.run(
                id,
                lesson.slug,
                lesson.contentHash,
                JSON.stringify(answers),
                grade.correctCount,
                grade.questionCount,
                grade.score,
                grade.passed ? 1 : 0,
                submitted,
                randomUUID(),
              ).lastInsertRowid,
            );
            counts.quiz_attempts = (counts.quiz_attempts ?? 0) + 1;
            if (grade.passed) {
              insertCompletion.run(id, lesson.slug, submitted, attemptId, lesson.contentHash);
              counts.completions = (counts.completions ?? 0) + 1;
            }
          }
        } else {
          insertCompletion.run(id, lesson.slug, seen, null, lesson.contentHash);
          counts.completions = (counts.completions ?? 0) + 1;
        }
        t += (7 * DAY * (0.5 + rand())) / lessonsPerWeek;
      }
    }
    insertAudit.run(now.toISOString(), null, "bench.seeded", "practice:Bench Family Medicine", JSON.stringify(counts));
  })();

  sqlite.transaction(() => {
    counts.assignment_rows = seedAssignments(
      sqlite,
      people.map((p) => ({ ...p, hiredAt: hiredAt.get(p.id) ?? windowStart })),
      content.modules.map((m) => m.slug),
      windowStart,
    );
    Object.assign(counts, seedSpend(sqlite, people, now, rand));
  })();
  const notes: string[] = [];
  sqlite.pragma("optimize");

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
function seedAssignments(sqlite: SQLite.Database, people: (SeedPerson & { hiredAt: number })[], modules: string[], windowStart: number): number {
  const creator = people.find((p) => p.role === "manager")?.id ?? people[0]?.id;
  const insertAssignment = sqlite.prepare(
    `insert into assignment (module_slug, due_days, recur_months, created_by, created_at) values (?, 30, ?, ?, ?)`,
  );
  const insertRow = sqlite.prepare("insert into assignment_person (assignment_id, user_id, assigned_at, due_on) values (?, ?, ?, ?)");
  let rows = 0;
  modules.forEach((slug, k) => {
    const created = windowStart + k * 60 * DAY;
    const id = Number(insertAssignment.run(slug, slug.includes("privacy") ? 12 : null, creator, new Date(created).toISOString()).lastInsertRowid);
    for (const person of people) {
      if (person.role === "owner") continue;
      const start = Math.max(created, person.hiredAt);
      insertRow.run(id, person.id, new Date(start).toISOString(), new Date(start + 30 * DAY).toISOString().slice(0, 10));
      rows++;
    }
  });
  return rows;
}

/**
 * Spend: a plan per category for each of five fiscal years, and a few expenses a month across
 * them, a third of them belonging to one to five named people (split exactly).
 */
function seedSpend(sqlite: SQLite.Database, people: SeedPerson[], now: Date, rand: () => number): Record<string, number> {
  const categories = ["training-materials", "online-courses", "customer-service-software", "virtual-instructor-led", "in-person-training", "conferences-and-workshops", "other"];
  const insertPlan = sqlite.prepare("insert into budget_plan (fiscal_year, category, planned_cents, per_employee) values (?, ?, ?, ?)");
  const insertExpense = sqlite.prepare(
    `insert into expense (spent_on, category, vendor, description, amount_cents, source, created_by, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'bench', ?, ?, ?)`,
  );
  const insertShare = sqlite.prepare("insert into expense_share (expense_id, user_id, amount_cents) values (?, ?, ?)");
  const owner = people.find((p) => p.role === "owner")?.id ?? 1;
  const employees = people.filter((p) => p.role !== "owner");
  const year = now.getUTCFullYear();
  let expenses = 0;
  for (let fy = year - 4; fy <= year; fy++) {
    categories.forEach((category, i) => insertPlan.run(fy, category, i === 1 ? 2500 : 150_000 + i * 50_000, i === 1 ? 1 : 0));
    for (let month = 0; month < 12; month++) {
      for (let n = 0; n < 4; n++) {
        const day = new Date(Date.UTC(fy, month, 1 + Math.floor(rand() * 28)));
        if (day.getTime() > now.getTime()) continue;
        const at = day.toISOString();
        const amount = 2_000 + Math.floor(rand() * 120_000);
        const id = Number(insertExpense.run(at.slice(0, 10), categories[Math.floor(rand() * categories.length)], `Vendor ${n}`, `Bench expense ${fy}-${month + 1}-${n}`, amount, owner, at, at).lastInsertRowid);
        expenses++;
        if (rand() < 0.33) {
          const count = 1 + Math.floor(rand() * 5);
          const chosen = [...new Set(Array.from({ length: count }, () => employees[Math.floor(rand() * employees.length)]?.id as number))];
          const base = Math.floor(amount / chosen.length);
          chosen.forEach((userId, k) => insertShare.run(id, userId, base + (k < amount - base * chosen.length ? 1 : 0)));
        }
      }
    }
  }
  return { budget_years: 5, expenses };
}
