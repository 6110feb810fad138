import { sql, type Kysely } from "kysely";
import { generatedId } from "../dialect.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A manager limited to one location sees and changes only that location's people.
  await db.schema.alterTable("user").addColumn("scope_location_id", "integer", (c) => c.references("location.id")).execute();

  // One-time codes for choosing a password (new person) or resetting one. Only the hash is kept.
  await db.schema
    .createTable("access_code")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('setup', 'reset')`))
    .addColumn("created_by", "integer", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("access_code_user_idx").on("access_code").column("user_id").execute();

  // What is assigned to whom. The target is one person, or a group: everyone, a job title,
  // a location, or a job title at a location (a location-scoped manager's groups).
  await db.schema
    .createTable("assignment")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("module_slug", "text", (c) => c.references("module.slug"))
    .addColumn("lesson_slug", "text", (c) => c.references("lesson.slug"))
    .addColumn("target_user_id", "integer", (c) => c.references("user.id"))
    .addColumn("target_job_title", "text")
    .addColumn("target_location_id", "integer", (c) => c.references("location.id"))
    .addColumn("due_on", "text")
    .addColumn("due_days", "integer", (c) => c.check(sql`due_days between 1 and 366`))
    .addColumn("recur_months", "integer", (c) => c.check(sql`recur_months between 1 and 60`))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("cancelled_at", "text")
    .addColumn("cancelled_by", "integer", (c) => c.references("user.id"))
    .addCheckConstraint("assignment_one_item", sql`(module_slug is null) <> (lesson_slug is null)`)
    .addCheckConstraint("assignment_one_due_rule", sql`(due_on is null) <> (due_days is null)`)
    .execute();

  // Each person an assignment reaches, with their own start and due date. Group assignments
  // gain rows when someone joins the group later.
  await db.schema
    .createTable("assignment_person")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("assignment_id", "integer", (c) => c.notNull().references("assignment.id"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("assigned_at", "text", (c) => c.notNull())
    .addColumn("due_on", "text", (c) => c.notNull())
    .addUniqueConstraint("assignment_person_uq", ["assignment_id", "user_id"])
    .execute();
  await db.schema.createIndex("assignment_person_user_idx").on("assignment_person").column("user_id").execute();
}
