// A practice with rows in every table: the demo practice (what `npm run demo` seeds, from the real
// content), and a few rows of its own for what the demo does not touch (sessions, the studio and
// its pictures, certificates, review answers, sign-in protection…), with text and bytes chosen to
// catch a copy that changes them: letters outside ASCII, an emoji, quotes, every byte value.
import { buildCatalog, syncCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { seedDemo } from "#app/models/demo.server.ts";
import type { DB } from "#db/connection.ts";

/** Every byte value, twice, then a PNG signature: a picture must come back byte for byte. */
export const ALL_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)), Buffer.from("89504e470d0a1a0a", "hex")]);

export async function seedFullPractice(db: DB, now = new Date("2026-11-20T15:30:00.000Z")): Promise<void> {
  const { content, problems } = loadContent("content");
  if (problems.length > 0) throw new Error("The content is invalid: run npm run content:check");
  const catalog = buildCatalog(content, () => "");
  await syncCatalog(db, catalog);
  await seedDemo(db, catalog, now);

  const at = now.toISOString();
  const owner = await db.selectFrom("user").select("id").where("role", "=", "owner").executeTakeFirstOrThrow();
  const staff = await db.selectFrom("user").select("id").where("role", "=", "staff").orderBy("id").executeTakeFirstOrThrow();
  const location = await db.selectFrom("location").select("id").orderBy("id").executeTakeFirstOrThrow();
  const lesson = await db.selectFrom("lesson").select(["slug", "module_slug"]).orderBy("slug").executeTakeFirstOrThrow();

  await db.updateTable("user").set({ name: "José Núñez-Ødegård 😀" }).where("id", "=", staff.id).execute();
  await db.insertInto("session").values({ id: "a".repeat(64), user_id: staff.id, created_at: at, expires_at: at, absolute_expires_at: at }).execute();
  await db.insertInto("login_failure").values({ key: "address:203.0.113.9", at }).execute();
  await db.insertInto("device_cookie").values({ token_hash: "b".repeat(64), user_id: staff.id, created_at: at, last_used_at: at }).execute();
  await db
    .insertInto("sign_in_block")
    .values({ day: at.slice(0, 10), user_id: null, address: "203.0.113.9", reason: "address", attempts: 3, first_at: at, last_at: at })
    .execute();
  await db
    .insertInto("access_code")
    .values({ user_id: staff.id, code_hash: "c".repeat(64), purpose: "reset", created_by: owner.id, created_at: at, expires_at: at, used_at: null })
    .execute();
  const expense = await db.selectFrom("expense").select("id").orderBy("id").executeTakeFirstOrThrow();
  const outside = await db
    .insertInto("outside_learning")
    .values({ title: "Spring \"calm desk\" workshop", provider: "Calm Desk", kind: "workshop", held_on: "2026-04-15", minutes: 240, cost_cents: 790_00, expense_id: expense.id, created_by: owner.id, created_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("outside_learning_attendee").values({ outside_learning_id: outside.id, user_id: staff.id }).execute();
  await db
    .insertInto("review_answer")
    .values({ user_id: staff.id, lesson_slug: lesson.slug, question_id: "q1", answers: '["a"]', correct: 1, answered_at: at, request_id: "r-1" })
    .execute();
  await db
    .insertInto("certificate_link")
    .values({ token_hash: "d".repeat(64), user_id: staff.id, module_slug: lesson.module_slug, name: "José Núñez-Ødegård", module_title: "First impressions", completed_on: at.slice(0, 10), created_at: at, revoked_at: null })
    .execute();
  await db
    .insertInto("learning_settings")
    .values({ id: 1, monthly_lesson_goal: 40, rankings_enabled: 1, updated_at: at, updated_by: owner.id })
    .onConflict((oc) => oc.column("id").doUpdateSet({ monthly_lesson_goal: 40, rankings_enabled: 1 }))
    .execute();
  await db.updateTable("studio_state").set({ revision: 3 }).where("id", "=", 1).execute();
  await db
    .insertInto("studio_module")
    .values({ slug: "our-desk", title: "Our desk", summary: "How we do it here.", skills: "[]", position: 1, state: "published", created_by: owner.id, created_at: at, updated_by: owner.id, updated_at: at })
    .execute();
  const studioLesson = await db
    .insertInto("studio_lesson")
    .values({ slug: "our-desk-greeting", module_slug: "our-desk", replaces_slug: null, position: 1, state: "published", source: "# Hello\n\nSay “good morning”.\n", quiz: null, version: 1, created_by: owner.id, created_at: at, updated_by: owner.id, updated_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("studio_lesson_version")
    .values({ lesson_id: studioLesson.id, version: 1, source: "# Hello\n", quiz: null, content_hash: "e".repeat(64), code: "return 1;", retake: 0, published_by: owner.id, published_at: at })
    .execute();
  await db
    .insertInto("studio_image")
    .values({ lesson_id: studioLesson.id, name: "our-desk-greeting-front.png", mime: "image/png", bytes: ALL_BYTES, width: 2, height: 1, created_by: owner.id, created_at: at })
    .execute();
  // Email: a message in the outbox (with its own headers as JSON), the sender's lease, the
  // practice's setting and a person's choice for a kind, and an unsubscribe token's hash.
  await db
    .insertInto("mail_message")
    .values({
      user_id: staff.id,
      to_address: "jose@example.test",
      kind: "staff-reminder",
      local_date: at.slice(0, 10),
      subject: "José, 2 lessons are due “soon”",
      text_body: "Hello José,\n\nDue: The first ten seconds.\n",
      html_body: "<p>Hello José</p>",
      headers: JSON.stringify({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }),
      status: "failed",
      next_attempt_at: at,
      last_error: "550 5.1.1 <jose@example.test>: mailbox unavailable",
      created_at: at,
      sent_at: null,
    })
    .execute();
  // An account email: a reset link sent, kept only as its token's hash.
  const reset = await db
    .insertInto("mail_message")
    .values({
      user_id: staff.id,
      to_address: "jose@example.test",
      kind: "password-reset",
      local_date: at,
      subject: "Reset your DeskCoach password",
      text_body: "Hello José,\n\n{{reset-url}}\n",
      html_body: "<p><a href=\"{{reset-url}}\">Choose a new password</a></p>",
      headers: "{}",
      status: "sent",
      next_attempt_at: at,
      last_error: null,
      created_at: at,
      sent_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("account_mail")
    .values({ message_id: reset.id, user_id: staff.id, purpose: "password-reset", requested_by: null, created_at: at, token_hash: "e".repeat(64), expires_at: at, used_at: null })
    .execute();
  await db.insertInto("mail_lease").values({ name: "sender", holder: "process-1", expires_at: at }).execute();
  await db.insertInto("mail_setting").values({ kind: "staff-reminder", enabled: 1, send_hour: 7, working_days: "1,2,3,4,6", updated_at: at, updated_by: owner.id }).execute();
  await db.insertInto("mail_choice").values({ user_id: staff.id, kind: "staff-reminder", enabled: 0, updated_at: at }).execute();
  await db.insertInto("mail_unsubscribe").values({ token_hash: "f".repeat(64), user_id: staff.id, kind: "staff-reminder", created_at: at }).execute();
  await db.insertInto("import_mapping").values({ kind: "spend", headers_hash: "e".repeat(64), mapping: JSON.stringify({ columns: { date: 0, description: 1, amount: 2 } }), updated_by: owner.id, updated_at: at }).execute();
  await db
    .insertInto("import_upload")
    .values({ id_hash: "d".repeat(64), user_id: owner.id, kind: "spend", file_name: "statement.csv", content: Buffer.from("Date,Description,Amount\n").toString("base64"), created_at: at, expires_at: at })
    .execute();
  // Outcome figures, if the demo kept none, and the owner's values.
  const outcome = await db.selectFrom("outcome_month").select("id").executeTakeFirst();
  if (!outcome) {
    await db
      .insertInto("outcome_month")
      .values({ month: "2026-10", location_id: location.id, visits: 812, new_patients: 97, returning_patients: 588, no_shows: 41, late_cancellations: null, review_count: 23, stars_hundredths: 463, complaints: 2, created_by: owner.id, created_at: at, updated_by: owner.id, updated_at: at })
      .execute();
  }
  await db
    .insertInto("outcome_value")
    .values({ id: 1, returning_patient_cents: 185_00, no_show_cents: 120_00, updated_by: owner.id, updated_at: at })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  // A feedback import, if the demo made none.
  const imported = await db.selectFrom("feedback_import").select("id").executeTakeFirst();
  if (!imported) {
    const batch = await db.insertInto("feedback_import").values({ request_id: "import-1", rows: 1, created_by: owner.id, created_at: at }).returning("id").executeTakeFirstOrThrow();
    await db
      .insertInto("feedback_item")
      .values({ received_on: at.slice(0, 10), source: "survey", rating: 5, comment: "Très bien", redactions: "{}", location_id: location.id, import_id: batch.id, request_id: null, created_by: owner.id, created_at: at })
      .execute();
  }
}
