import { sql, type Kysely } from "kysely";
import { columnTypes, generatedId } from "../dialect.ts";

export const SPEND_CATEGORIES = [
  "training-materials",
  "online-courses",
  "customer-service-software",
  "virtual-instructor-led",
  "in-person-training",
  "conferences-and-workshops",
  "other",
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypes(db);
  const categoryCheck = sql.raw(`category in (${SPEND_CATEGORIES.map((c) => `'${c}'`).join(", ")})`);

  // Owner's settings: labour cost in reports (off by default), and what managers may do with money.
  await db.schema.alterTable("practice").addColumn("labour_cost_enabled", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("practice").addColumn("managers_record_spend", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("practice").addColumn("managers_see_costs", "integer", (c) => c.notNull().defaultTo(0)).execute();

  // The plan for a fiscal year (named by the calendar year it starts in), per category. An amount
  // is either for the whole practice or per employee (then it multiplies by headcount).
  await db.schema
    .createTable("budget_plan")
    .addColumn("fiscal_year", "integer", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull().check(categoryCheck))
    .addColumn("planned_cents", types.cents, (c) => c.notNull().check(sql`planned_cents >= 0`))
    .addColumn("per_employee", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("budget_plan_pk", ["fiscal_year", "category"])
    .execute();

  await db.schema
    .createTable("expense")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("spent_on", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull().check(categoryCheck))
    .addColumn("vendor", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("amount_cents", types.cents, (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn("source", "text", (c) => c.notNull().defaultTo("manual"))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("expense_spent_on_idx").on("expense").column("spent_on").execute();

  // Spend that belongs to named people; the shares add up to the expense exactly.
  await db.schema
    .createTable("expense_share")
    .addColumn("expense_id", "integer", (c) => c.notNull().references("expense.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("amount_cents", types.cents, (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addPrimaryKeyConstraint("expense_share_pk", ["expense_id", "user_id"])
    .execute();
  await db.schema.createIndex("expense_share_user_idx").on("expense_share").column("user_id").execute();

  // Learning time per person per day, so that labour cost can be counted for any period.
  await db.schema
    .createTable("learning_day")
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("seconds", "integer", (c) => c.notNull().check(sql`seconds >= 0`))
    .addPrimaryKeyConstraint("learning_day_pk", ["user_id", "day"])
    .execute();
  await sql`insert into learning_day (user_id, day, seconds)
    select user_id, substr(last_seen_at, 1, 10), sum(active_seconds) from lesson_visit group by user_id, substr(last_seen_at, 1, 10)`.execute(db);

  // When someone stopped working here, for "people active in the period".
  await db.schema.alterTable("user").addColumn("deactivated_at", "text").execute();
}
