// The test practice's mail, for the specs that receive it (mail-links, mail-thread): on Monday
// 1 June 2026 Maria has a question due for review, Maria and Rosa a lesson due on Wednesday, and
// the owner May's spend; the staff reminder, the question a day and the owner summary go every day
// from midnight.
import type { DB } from "#db/connection.ts";
import { FIRST_LESSON, PEOPLE, quizKey } from "./fixtures.ts";

// Monday 1 June 2026, 10:00 in Chicago: a working day, the first of its week and of its month.
export const NOW = "2026-06-01T15:00:00Z";
const EVERY_DAY = { hour: 0, workingDays: [1, 2, 3, 4, 5, 6, 7] };

/** What the mail is about, written once the server has synced the library (attempts and assignments name its lessons). */
export async function seedMail(db: DB) {
  const person = async (email: string) => (await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  const maria = await person(PEOPLE.maria.email);
  const rosa = await person(PEOPLE.rosa.email);
  const owner = await person(PEOPLE.owner.email);
  const at = "2026-05-29T15:00:00Z";
  // Maria missed every question of the first lesson's quiz on Friday: all due for review today.
  const key = quizKey(FIRST_LESSON.quizFile);
  const wrong = Object.fromEntries(key.questions.map((q) => [q.id, [q.choices.find((c) => !c.correct)!.id]]));
  await db
    .insertInto("quiz_attempt")
    .values({
      user_id: maria,
      lesson_slug: FIRST_LESSON.slug,
      content_hash: "seed",
      answers: JSON.stringify(wrong),
      correct_count: 0,
      question_count: key.questions.length,
      score: 0,
      passed: 0,
      submitted_at: at,
      request_id: "seed-attempt",
    })
    .execute();
  // Maria and Rosa have the first lesson due on Wednesday: each gets a staff reminder.
  const assignment = await db
    .insertInto("assignment")
    .values({
      module_slug: null,
      lesson_slug: FIRST_LESSON.slug,
      target_user_id: null,
      target_job_title: null,
      target_location_id: null,
      due_on: "2026-06-03",
      due_days: null,
      recur_months: null,
      created_by: owner,
      created_at: at,
      cancelled_at: null,
      cancelled_by: null,
      completions_from: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("assignment_person")
    .values([maria, rosa].map((id) => ({ assignment_id: assignment.id, user_id: id, assigned_at: at, due_on: "2026-06-03" })))
    .execute();
  // May's spend against the year's plan, for the owner summary.
  await db
    .insertInto("budget_plan")
    .values([
      { fiscal_year: 2026, category: "online-courses", planned_cents: 240_000, per_employee: 0 },
      { fiscal_year: 2026, category: "training-materials", planned_cents: 60_000, per_employee: 0 },
    ])
    .execute();
  await db
    .insertInto("expense")
    .values([
      { spent_on: "2026-05-12", category: "online-courses", vendor: "Course Co", description: "Phone skills", amount_cents: 31_500, created_by: owner, created_at: at, updated_at: at },
      { spent_on: "2026-05-20", category: "training-materials", vendor: "Print Co", description: "Cards", amount_cents: 4_275, created_by: owner, created_at: at, updated_at: at },
    ])
    .execute();
  const settings = (kind: string) => ({ kind, enabled: 1, send_hour: EVERY_DAY.hour, working_days: EVERY_DAY.workingDays.join(","), updated_at: at, updated_by: owner });
  await db.insertInto("mail_setting").values(["staff-reminder", "question-a-day", "owner-summary"].map(settings)).execute();
}
