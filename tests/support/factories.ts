// Test data made through the same tables the app uses. Passwords are hashed for real.
import type { DB } from "#db/connection.ts";
import type { Role } from "#db/schema.ts";
import { syncCatalog, buildCatalog, type Catalog } from "#app/models/catalog.server.ts";
import type { Quiz } from "#app/models/content.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";

let counter = 0;

export async function createPractice(db: DB, overrides: { timeZone?: string; name?: string } = {}): Promise<void> {
  await db
    .insertInto("practice")
    .values({
      id: 1,
      name: overrides.name ?? "Test Family Practice",
      time_zone: overrides.timeZone ?? "America/Chicago",
      fiscal_year_start_month: 1,
      created_at: new Date().toISOString(),
    })
    .execute();
}

export async function createUser(
  db: DB,
  overrides: { email?: string; name?: string; role?: Role; password?: string | null; status?: "active" | "deactivated" } = {},
): Promise<{ id: number; email: string; password: string | null }> {
  counter++;
  const email = overrides.email ?? `person${counter}@test.example`;
  const password = overrides.password === undefined ? `password-${counter}-long` : overrides.password;
  const row = await db
    .insertInto("user")
    .values({
      email,
      name: overrides.name ?? `Person ${counter}`,
      role: overrides.role ?? "staff",
      job_title: "Receptionist",
      location_id: null,
      hourly_wage_cents: null,
      hired_on: null,
      status: overrides.status ?? "active",
      password_hash: password ? await hashPassword(password) : null,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password };
}

/** A quiz with one single-answer and one multiple-answer question, and a 3rd single one. */
export const sampleQuiz: Quiz = {
  passPercent: 80,
  questions: [
    {
      id: "greet-first",
      type: "single",
      prompt: "A patient walks up while you are on the phone. What do you do first?",
      choices: [
        { id: "a", text: "Make eye contact and signal one moment.", correct: true, feedback: "They know they were seen." },
        { id: "b", text: "Finish the call first.", correct: false, feedback: "A wait with no sign feels long." },
      ],
      explanation: "Acknowledge within seconds.",
    },
    {
      id: "greet-words",
      type: "multiple",
      prompt: "Which belong in a phone greeting? Choose all that apply.",
      choices: [
        { id: "a", text: "The practice name", correct: true, feedback: "Callers know they reached the right place." },
        { id: "b", text: "Your name", correct: true, feedback: "It makes the call personal." },
        { id: "c", text: "Today's weather", correct: false, feedback: "It delays the caller." },
      ],
    },
    {
      id: "greet-hold",
      type: "single",
      prompt: "Before placing a caller on hold you…",
      choices: [
        { id: "a", text: "Ask and wait for the answer.", correct: true, feedback: "They may have an emergency." },
        { id: "b", text: "Press hold right away.", correct: false, feedback: "They may have an emergency." },
      ],
    },
  ],
};

/** A one-module catalog with a quiz lesson and a quiz-less lesson, synced into the database. */
export async function createCatalog(db: DB): Promise<Catalog> {
  const catalog = buildCatalog(
    {
      skills: [{ id: "greeting", label: "Greeting" }],
      modules: [
        {
          slug: "basics",
          title: "Basics",
          summary: "The basics.",
          order: 1,
          skills: ["greeting"],
          contentHash: "m1",
          lessons: [
            lessonSource("greeting-basics", 1, sampleQuiz),
            lessonSource("reading-only", 2, null),
          ],
        },
      ],
    },
    () => "<p>Lesson</p>",
  );
  await syncCatalog(db, catalog);
  return catalog;
}

function lessonSource(slug: string, order: number, quiz: Quiz | null) {
  return {
    slug,
    moduleSlug: "basics",
    title: `Lesson ${slug}`,
    summary: "A lesson.",
    minutes: 5,
    order,
    objectives: ["Do the thing."],
    skills: ["greeting"],
    source: "",
    quiz,
    contentHash: `hash-${slug}`,
    words: 700,
    estimatedMinutes: 5,
    readingGrade: 6,
    file: `content/basics/${slug}.mdx`,
    reviewed: "2026-01-05",
    sources: [],
    quizFile: quiz ? `content/basics/${slug}.quiz.yaml` : null,
  };
}

export async function createLocation(db: DB, name: string): Promise<number> {
  const row = await db.insertInto("location").values({ name }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** Moves a person: a job title, a location, or a manager's scope. */
export async function placeUser(
  db: DB,
  userId: number,
  place: { jobTitle?: string | null; locationId?: number | null; scopeLocationId?: number | null },
): Promise<void> {
  await db
    .updateTable("user")
    .set({
      ...(place.jobTitle !== undefined ? { job_title: place.jobTitle } : {}),
      ...(place.locationId !== undefined ? { location_id: place.locationId } : {}),
      ...(place.scopeLocationId !== undefined ? { scope_location_id: place.scopeLocationId } : {}),
    })
    .where("id", "=", userId)
    .execute();
}
