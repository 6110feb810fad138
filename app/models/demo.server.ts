// The demo practice, "Maple Street Family Medicine". Only `npm run demo` calls this: outside
// demo mode no account with a known password is ever created.
import { randomUUID } from "node:crypto";
import type { DB } from "#db/connection.ts";
import type { Role } from "#db/schema.ts";
import { createAssignment } from "./assignments.server.ts";
import { savePlan, type PlanLine } from "./budget.server.ts";
import { recordAudit } from "./audit.server.ts";
import type { Catalog } from "./catalog.server.ts";
import type { Quiz } from "./content.server.ts";
import { seedDemoFeedback } from "./demo-feedback.server.ts";
import { seedDemoOutbox } from "./mail/demo-outbox.server.ts";
import { DEMO_PHONE_DAYS_AGO, seedDemoOutcomes } from "./demo-outcomes.server.ts";
import { hashPassword } from "./passwords.server.ts";
import { gradeQuiz, type Answers } from "./quizzes.server.ts";
import { createExpense, type ExpenseInput } from "./spend.server.ts";

export const DEMO_PASSWORD = "demo-password";

interface DemoPerson {
  email: string;
  name: string;
  role: Role;
  jobTitle: string;
  location: "Maple Street" | "Riverside" | null;
  wageCents: number | null;
  /** Share of the library this person has completed, for a realistic spread. */
  progress: number;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { email: "owner@demo.test", name: "Dr. Priya Shah", role: "owner", jobTitle: "Physician owner", location: null, wageCents: null, progress: 0.1 },
  { email: "manager@demo.test", name: "Rosa Delgado", role: "manager", jobTitle: "Office manager", location: "Maple Street", wageCents: 3200, progress: 0.45 },
  { email: "maria@demo.test", name: "Maria Lopez", role: "staff", jobTitle: "Receptionist", location: "Maple Street", wageCents: 2100, progress: 0.75 },
  { email: "james@demo.test", name: "James Carter", role: "staff", jobTitle: "Receptionist", location: "Riverside", wageCents: 2000, progress: 0.4 },
  { email: "aisha@demo.test", name: "Aisha Rahman", role: "staff", jobTitle: "Scheduler", location: "Maple Street", wageCents: 2200, progress: 0.9 },
  { email: "tom@demo.test", name: "Tom Nguyen", role: "staff", jobTitle: "Billing clerk", location: "Riverside", wageCents: 2400, progress: 0.25 },
  { email: "lena@demo.test", name: "Lena Fischer", role: "staff", jobTitle: "Receptionist", location: "Riverside", wageCents: 1950, progress: 0.55 },
  { email: "omar@demo.test", name: "Omar Haddad", role: "staff", jobTitle: "Receptionist", location: "Maple Street", wageCents: 1900, progress: 0.1 },
];

/** A small seeded generator, so every demo practice looks the same. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function answersFor(quiz: Quiz, wrongQuestions: number): Answers {
  return Object.fromEntries(
    quiz.questions.map((q, i) => {
      const right = q.choices.filter((c) => c.correct).map((c) => c.id);
      const wrong = q.choices.filter((c) => !c.correct).map((c) => c.id);
      return [q.id, i < wrongQuestions && wrong.length > 0 ? [wrong[0] as string] : right];
    }),
  );
}

const TIME_ZONE = "America/Chicago";

export async function seedDemo(db: DB, catalog: Catalog, now: Date): Promise<void> {
  const lessons = catalog.modules.flatMap((m) => m.lessons);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const rand = random(20261126);
  const day = 86_400_000;
  await db.transaction().execute(async (trx) => {
    const at = new Date(now.getTime() - 120 * day).toISOString();
    await trx
      .insertInto("practice")
      .values({ id: 1, name: "Maple Street Family Medicine", time_zone: TIME_ZONE, fiscal_year_start_month: 1, created_at: at })
      .execute();
    const locations = new Map<string, number>();
    for (const name of ["Maple Street", "Riverside"]) {
      const row = await trx.insertInto("location").values({ name }).returning("id").executeTakeFirstOrThrow();
      locations.set(name, row.id);
    }
    for (const person of DEMO_PEOPLE) {
      const user = await trx
        .insertInto("user")
        .values({
          email: person.email,
          name: person.name,
          role: person.role,
          job_title: person.jobTitle,
          location_id: person.location ? (locations.get(person.location) ?? null) : null,
          hourly_wage_cents: person.wageCents,
          hired_on: new Date(now.getTime() - (200 + Math.floor(rand() * 900)) * day).toISOString().slice(0, 10),
          status: "active",
          password_hash: passwordHash,
          created_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();

      // Lessons in library order, spread over the past 90 days, with the odd failed first try.
      const count = Math.round(lessons.length * person.progress);
      let t = now.getTime() - 90 * day + Math.floor(rand() * 5) * day;
      const step = (85 * day) / Math.max(1, count);
      for (const lesson of lessons.slice(0, count)) {
        // Never in the future: the last lessons crowd into the final days if the walk overshoots.
        t = Math.min(t + step * (0.5 + rand()), now.getTime() - 3 * 3_600_000);
        const seconds = Math.round(lesson.minutes * 60 * (0.7 + rand() * 0.8));
        const seen = new Date(t).toISOString();
        await trx
          .insertInto("lesson_visit")
          .values({ user_id: user.id, lesson_slug: lesson.slug, first_seen_at: seen, last_seen_at: seen, active_seconds: seconds })
          .execute();
        await trx
          .insertInto("learning_day")
          .values({ user_id: user.id, day: seen.slice(0, 10), seconds })
          .onConflict((oc) => oc.columns(["user_id", "day"]).doUpdateSet((eb) => ({ seconds: eb(eb.ref("learning_day.seconds"), "+", seconds) })))
          .execute();
        if (!lesson.quiz) continue;
        const tries = rand() < 0.25 ? [2, 0] : [rand() < 0.3 ? 1 : 0];
        for (const [i, wrong] of tries.entries()) {
          const submitted = new Date(t + (i * 2 + 1) * 600_000).toISOString();
          const grade = gradeQuiz(lesson.quiz, answersFor(lesson.quiz, wrong ?? 0));
          const attempt = await trx
            .insertInto("quiz_attempt")
            .values({
              user_id: user.id,
              lesson_slug: lesson.slug,
              content_hash: lesson.contentHash,
              answers: JSON.stringify(answersFor(lesson.quiz, wrong ?? 0)),
              correct_count: grade.correctCount,
              question_count: grade.questionCount,
              score: grade.score,
              passed: grade.passed ? 1 : 0,
              submitted_at: submitted,
              request_id: randomUUID(),
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          if (grade.passed) {
            await trx
              .insertInto("completion")
              .values({ user_id: user.id, lesson_slug: lesson.slug, completed_at: submitted, attempt_id: attempt.id, content_hash: lesson.contentHash })
              .execute();
          }
        }
      }
    }
    await recordAudit(trx, { actorId: null, action: "demo.seeded", subject: "practice:Maple Street Family Medicine", at: now });
  });
  await seedAssignments(db, catalog, now);
  await seedMoney(db, now);
  await seedDemoFeedback(db, catalog, now, random(20261206));
  await seedDemoOutbox(db, catalog, now, TIME_ZONE);
  await seedDemoOutcomes(db, now, random(20261220));
}

/** A budget for this fiscal year and last, and a year of realistic spend. */
async function seedMoney(db: DB, now: Date): Promise<void> {
  const owner = await db.selectFrom("user").select("id").where("email", "=", "owner@demo.test").executeTakeFirstOrThrow();
  const people = await db.selectFrom("user").select(["id", "email"]).execute();
  const id = (email: string) => people.find((p) => p.email === email)?.id as number;
  const actor = { id: owner.id, role: "owner" as const, scopeLocationId: null };
  const year = now.getUTCFullYear();
  const plan: PlanLine[] = [
    { category: "training-materials", plannedCents: 600_00, perEmployee: false },
    { category: "online-courses", plannedCents: 25_00, perEmployee: true },
    { category: "customer-service-software", plannedCents: 960_00, perEmployee: false },
    { category: "virtual-instructor-led", plannedCents: 1_500_00, perEmployee: false },
    { category: "in-person-training", plannedCents: 0, perEmployee: false },
    { category: "conferences-and-workshops", plannedCents: 1_200_00, perEmployee: false },
    { category: "other", plannedCents: 200_00, perEmployee: false },
  ];
  await savePlan(db, actor, year - 1, plan.map((l) => ({ ...l, plannedCents: Math.round(l.plannedCents * 0.9) })), now);
  await savePlan(db, actor, year, plan, now);
  const day = (d: string) => `${year}-${d}`;
  const expenses: ExpenseInput[] = [
    { spentOn: day("01-08"), category: "customer-service-software", vendor: "DeskCoach", description: "Annual subscription", amountCents: 960_00, shares: { mode: "practice" } },
    { spentOn: day("02-12"), category: "training-materials", vendor: "Front Desk Press", description: "Phone scripts binder and posters", amountCents: 148_50, shares: { mode: "practice" } },
    { spentOn: day("03-20"), category: "virtual-instructor-led", vendor: "Calm Desk Training", description: "De-escalation live webinar (2 hours)", amountCents: 1_650_00, shares: { mode: "practice" } },
    { spentOn: day("04-15"), category: "conferences-and-workshops", vendor: "State Medical Managers Assoc.", description: "Spring workshop: billing conversations", amountCents: 790_00, shares: { mode: "equal", userIds: [id("tom@demo.test"), id("manager@demo.test")] } },
    { spentOn: day("06-03"), category: "online-courses", vendor: "LearnHealth", description: "HIPAA basics course seats", amountCents: 6 * 19_00, shares: { mode: "equal", userIds: ["maria@demo.test", "james@demo.test", "aisha@demo.test", "tom@demo.test", "lena@demo.test", "omar@demo.test"].map(id) } },
    { spentOn: day("08-22"), category: "training-materials", vendor: "Office supply store", description: "Interpreter 'I speak' cards", amountCents: 36_75, shares: { mode: "practice" } },
    { spentOn: day("09-30"), category: "other", vendor: "Bakery on Main", description: "Lunch for the service-recovery huddle", amountCents: 84_20, shares: { mode: "practice" } },
    { spentOn: day("10-14"), category: "conferences-and-workshops", vendor: "Regional Front Office Summit", description: "One-day pass", amountCents: 325_00, shares: { mode: "explicit", amounts: [{ userId: id("maria@demo.test"), cents: 325_00 }] } },
  ];
  const today = now.toISOString().slice(0, 10);
  for (const e of expenses.filter((x) => x.spentOn <= today)) await createExpense(db, actor, e, now, "demo");
}

/** A realistic mix: onboarding done (some late), a yearly privacy refresher, role-specific modules. */
async function seedAssignments(db: DB, catalog: Catalog, now: Date): Promise<void> {
  const manager = await db.selectFrom("user").select(["id"]).where("email", "=", "manager@demo.test").executeTakeFirstOrThrow();
  const maple = await db.selectFrom("location").select("id").where("name", "=", "Maple Street").executeTakeFirstOrThrow();
  const actor = { id: manager.id, role: "manager" as const, scopeLocationId: null };
  const day = 86_400_000;
  const ago = (days: number) => new Date(now.getTime() - days * day);
  const context = (at: Date) => ({ catalog, now: at, timeZone: TIME_ZONE });
  const everyone = { kind: "group" as const, jobTitle: null, locationId: null };
  await createAssignment(db, actor, { item: { kind: "module", slug: "first-impressions" }, target: everyone, due: { kind: "days", days: 30 }, recurMonths: null }, context(ago(95)));
  await createAssignment(db, actor, { item: { kind: "module", slug: "the-phone" }, target: { kind: "group", jobTitle: "Receptionist", locationId: null }, due: { kind: "days", days: 45 }, recurMonths: null }, context(ago(DEMO_PHONE_DAYS_AGO)));
  await createAssignment(db, actor, { item: { kind: "module", slug: "privacy-at-the-desk" }, target: everyone, due: { kind: "days", days: 60 }, recurMonths: 12 }, context(ago(20)));
  await createAssignment(db, actor, { item: { kind: "module", slug: "money-conversations" }, target: { kind: "group", jobTitle: "Billing clerk", locationId: null }, due: { kind: "days", days: 21 }, recurMonths: null }, context(ago(10)));
  await createAssignment(db, actor, { item: { kind: "lesson", slug: "de-escalating-an-angry-patient" }, target: { kind: "group", jobTitle: null, locationId: maple.id }, due: { kind: "days", days: 14 }, recurMonths: null }, context(ago(5)));
}
