// A practice with more people than one page holds (120 staff and the test practice's three
// accounts), two locations, and three modules assigned to everyone: what the paged lists (the
// progress matrix, the team, spend per employee) are tested on, with and without JavaScript, at
// phone and desktop widths.
import { localDate } from "#app/models/clock.server.ts";
import type { DB } from "#db/connection.ts";
import { createAssignment } from "#app/models/assignments.server.ts";
import { syncCatalog } from "#app/models/catalog.server.ts";
import { PEOPLE, seedPractice } from "#tests/e2e/fixtures.ts";
import { realCatalog } from "./trust-practice.ts";

export const CROWD = {
  staff: 120,
  /** One person to search for among them. */
  needle: { name: "Nadia Quispe-Whitfield", email: "nadia.qw@practice.test" },
  modules: 3,
};

/** Today in the practice's time zone: a UTC date is tomorrow there every evening, and spending dated tomorrow is not in this year's figures yet. */
async function practiceToday(db: DB): Promise<string> {
  const practice = await db.selectFrom("practice").select("time_zone").executeTakeFirstOrThrow();
  return localDate(new Date(), practice.time_zone);
}

export async function seedCrowd(db: DB): Promise<void> {
  await seedPractice(db);
  const catalog = realCatalog();
  await syncCatalog(db, catalog);
  const [maple, river] = await Promise.all(
    ["Maple Street", "Riverside"].map(async (name) => (await db.insertInto("location").values({ name }).returning("id").executeTakeFirstOrThrow()).id),
  );
  const at = new Date().toISOString();
  const people = Array.from({ length: CROWD.staff }, (_, i) => ({
    email: i === 77 ? CROWD.needle.email : `staff${String(i + 1).padStart(3, "0")}@practice.test`,
    name: i === 77 ? CROWD.needle.name : `Staff Member ${String(i + 1).padStart(3, "0")}`,
    role: "staff" as const,
    job_title: i % 4 === 0 ? "Scheduler" : "Receptionist",
    location_id: i % 2 === 0 ? maple : river,
    hourly_wage_cents: 2000,
    hired_on: null,
    status: "active" as const,
    password_hash: null,
    created_at: at,
  }));
  await db.insertInto("user").values(people).execute();
  const owner = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.owner.email).executeTakeFirstOrThrow();
  const actor = { id: owner.id, role: "owner" as const, scopeLocationId: null };
  const now = new Date();
  for (const module of catalog.modules.slice(0, CROWD.modules)) {
    await createAssignment(
      db,
      actor,
      { item: { kind: "module", slug: module.slug }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 30 }, recurMonths: null },
      { catalog, now, timeZone: "America/Chicago" },
    );
  }
  // A third of the staff have finished the first module's first lesson: they are less far behind.
  const lesson = catalog.modules[0]?.lessons[0];
  if (!lesson) throw new Error("The library has no lesson.");
  const staff = await db.selectFrom("user").select("id").where("email", "like", "staff%").execute();
  const done = staff.filter((_, i) => i % 3 === 0).map((s) => ({ user_id: s.id, lesson_slug: lesson.slug, completed_at: at, attempt_id: null, content_hash: lesson.contentHash }));
  await db.insertInto("completion").values(done).execute();
  // Spend shared among everyone, so every employee has a row of their own.
  await db
    .insertInto("expense")
    .values({ category: "online-courses", vendor: "LearnCo", description: "Licences", amount_cents: 123_00, spent_on: await practiceToday(db), created_by: owner.id, created_at: at, updated_at: at })
    .execute();
}
