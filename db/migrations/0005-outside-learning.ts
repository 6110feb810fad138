import { sql, type Kysely } from "kysely";
import { columnTypes, generatedId } from "../dialect.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypes(db);
  // Conferences, workshops, webinars and courses taken outside DeskCoach. Their cost is kept as
  // an expense (linked here), so it is entered once and counted in spend.
  await db.schema
    .createTable("outside_learning")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('conference', 'workshop', 'webinar', 'online-course', 'in-person-course')`))
    .addColumn("held_on", "text", (c) => c.notNull())
    .addColumn("minutes", "integer", (c) => c.notNull().check(sql`minutes between 1 and 10000`))
    .addColumn("cost_cents", types.cents, (c) => c.notNull().check(sql`cost_cents >= 0`))
    .addColumn("expense_id", "integer", (c) => c.references("expense.id"))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("outside_learning_attendee")
    .addColumn("outside_learning_id", "integer", (c) => c.notNull().references("outside_learning.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addPrimaryKeyConstraint("outside_learning_attendee_pk", ["outside_learning_id", "user_id"])
    .execute();
  await db.schema.createIndex("outside_learning_attendee_user_idx").on("outside_learning_attendee").column("user_id").execute();
}
