import { sql, type Kysely } from "kysely";
// What differs between SQLite and PostgreSQL (column types, generated ids, the append-only rule)
// is said once, in db/dialect.ts.
import { columnTypes, generatedId, makeAppendOnly } from "../dialect.ts";

// Migrations take Kysely<any>: they describe the schema as it was at the time, not as it is now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypes(db);
  await db.schema
    .createTable("practice")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("fiscal_year_start_month", "integer", (c) =>
      c.notNull().check(sql`fiscal_year_start_month between 1 and 12`),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("location")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("user")
    .addColumn("id", "integer", generatedId(db))
    // Stored lower-cased by the model, so a plain unique index is case-insensitive and portable.
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'manager', 'staff')`))
    .addColumn("job_title", "text")
    .addColumn("location_id", "integer", (c) => c.references("location.id"))
    .addColumn("hourly_wage_cents", types.cents, (c) => c.check(sql`hourly_wage_cents >= 0`))
    .addColumn("hired_on", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("active").check(sql`status in ('active', 'deactivated')`),
    )
    .addColumn("password_hash", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("session")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("absolute_expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("session_user_idx").on("session").column("user_id").execute();

  await db.schema
    .createTable("login_failure")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_failure_key_at_idx").on("login_failure").columns(["key", "at"]).execute();

  await db.schema
    .createTable("module")
    .addColumn("slug", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("skills", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("retired", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("lesson")
    .addColumn("slug", "text", (c) => c.primaryKey())
    .addColumn("module_slug", "text", (c) => c.notNull().references("module.slug"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("minutes", "integer", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("skills", "text", (c) => c.notNull())
    .addColumn("has_quiz", "integer", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("retired", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("lesson_visit")
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("lesson_slug", "text", (c) => c.notNull().references("lesson.slug"))
    .addColumn("first_seen_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("active_seconds", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("lesson_visit_pk", ["user_id", "lesson_slug"])
    .execute();

  await db.schema
    .createTable("quiz_attempt")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("lesson_slug", "text", (c) => c.notNull().references("lesson.slug"))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("correct_count", "integer", (c) => c.notNull())
    .addColumn("question_count", "integer", (c) => c.notNull())
    .addColumn("score", "integer", (c) => c.notNull())
    .addColumn("passed", "integer", (c) => c.notNull())
    .addColumn("submitted_at", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.notNull())
    .addUniqueConstraint("quiz_attempt_request_uq", ["user_id", "request_id"])
    .execute();
  await db.schema
    .createIndex("quiz_attempt_user_lesson_idx")
    .on("quiz_attempt")
    .columns(["user_id", "lesson_slug"])
    .execute();

  await db.schema
    .createTable("completion")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("lesson_slug", "text", (c) => c.notNull().references("lesson.slug"))
    .addColumn("completed_at", "text", (c) => c.notNull())
    .addColumn("attempt_id", "integer", (c) => c.references("quiz_attempt.id"))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("completion_user_lesson_idx")
    .on("completion")
    .columns(["user_id", "lesson_slug"])
    .execute();

  await db.schema
    .createTable("audit_event")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("user.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text")
    .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  // The audit log is append-only: the database itself refuses to rewrite history (triggers on
  // both; on PostgreSQL, revoked privileges too).
  await makeAppendOnly(db, "audit_event");
}
