import { sql, type Kysely } from "kysely";
import { generatedId } from "../dialect.ts";

// Patient feedback, spaced review, certificate links and the team goal.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One confirmed import. The request id makes a double-submitted confirm form import once.
  await db.schema
    .createTable("feedback_import")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("request_id", "text", (c) => c.notNull().unique())
    .addColumn("rows", "integer", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // A patient's rating and comment. Only the scrubbed comment is ever stored; `redactions` counts
  // what the scrubber removed, by kind (JSON), so the list can say that something was taken out.
  await db.schema
    .createTable("feedback_item")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("received_on", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("rating", "integer", (c) => c.notNull().check(sql`rating between 1 and 5`))
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("redactions", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("location_id", "integer", (c) => c.references("location.id"))
    .addColumn("import_id", "integer", (c) => c.references("feedback_import.id"))
    .addColumn("request_id", "text")
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("feedback_item_received_idx").on("feedback_item").columns(["received_on"]).execute();
  await db.schema.createIndex("feedback_item_location_idx").on("feedback_item").columns(["location_id", "received_on"]).execute();
  // A single entry form submitted twice records one item.
  await db.schema.createIndex("feedback_item_request_uq").on("feedback_item").columns(["created_by", "request_id"]).unique().execute();

  // Each answer to a daily-review question. The review queue is derived from these and from the
  // questions missed in quiz attempts; nothing else is kept in sync.
  await db.schema
    .createTable("review_answer")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("lesson_slug", "text", (c) => c.notNull().references("lesson.slug"))
    .addColumn("question_id", "text", (c) => c.notNull())
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("correct", "integer", (c) => c.notNull().check(sql`correct in (0, 1)`))
    .addColumn("answered_at", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.notNull())
    .addUniqueConstraint("review_answer_request_uq", ["user_id", "request_id", "lesson_slug", "question_id"])
    .execute();
  await db.schema.createIndex("review_answer_user_idx").on("review_answer").columns(["user_id", "answered_at"]).execute();

  // Verification links for module certificates. Only the SHA-256 of each token is stored; see
  // docs/decisions/0004-certificate-links.md.
  await db.schema
    .createTable("certificate_link")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("module_slug", "text", (c) => c.notNull().references("module.slug"))
    // What the certificate says, as printed: a later change of name or title does not alter it.
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("module_title", "text", (c) => c.notNull())
    .addColumn("completed_on", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("certificate_link_user_idx").on("certificate_link").columns(["user_id", "module_slug"]).execute();

  // The office's monthly goal and whether individual rankings show. One row at most.
  await db.schema
    .createTable("learning_settings")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("monthly_lesson_goal", "integer", (c) => c.check(sql`monthly_lesson_goal between 1 and 10000`))
    .addColumn("rankings_enabled", "integer", (c) => c.notNull().defaultTo(0).check(sql`rankings_enabled in (0, 1)`))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("user.id"))
    .execute();
}
