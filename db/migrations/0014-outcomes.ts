import { sql, type ColumnDefinitionBuilder, type Kysely } from "kysely";
import { columnTypes, countWrites, generatedId } from "../dialect.ts";

// Outcomes: what the practice's patients did, month by month and location by location, as the
// owner types or imports it, and what the owner says a returning patient is worth (and a no-show
// costs) for the value estimate. Every figure may be blank: a practice types only what it has,
// and a blank is "not known", never zero.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypes(db);
  const count = (name: string) => (c: ColumnDefinitionBuilder) => c.check(sql`${sql.ref(name)} is null or ${sql.ref(name)} >= 0`);
  await db.schema
    .createTable("outcome_month")
    .addColumn("id", "integer", generatedId(db))
    // YYYY-MM, the practice's calendar month.
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("location_id", "integer", (c) => c.notNull().references("location.id"))
    .addColumn("visits", "integer", count("visits"))
    .addColumn("new_patients", "integer", count("new_patients"))
    .addColumn("returning_patients", "integer", count("returning_patients"))
    .addColumn("no_shows", "integer", count("no_shows"))
    .addColumn("late_cancellations", "integer", count("late_cancellations"))
    .addColumn("review_count", "integer", count("review_count"))
    // The month's average online rating in hundredths of a star (4.35 stars = 435): exact on both
    // databases, where a floating column would read back differently.
    .addColumn("stars_hundredths", "integer", (c) => c.check(sql`stars_hundredths is null or stars_hundredths between 0 and 500`))
    .addColumn("complaints", "integer", count("complaints"))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    // The import that added the row, if one did: a confirm sent twice adds once.
    .addColumn("source", "text", (c) => c.notNull().defaultTo("form"))
    .execute();
  await db.schema.createIndex("outcome_month_key_idx").unique().on("outcome_month").columns(["month", "location_id"]).execute();
  await db.schema.createIndex("outcome_month_location_idx").on("outcome_month").columns(["location_id", "month"]).execute();

  // The owner's values for the estimate: one row for the practice. No row: not set yet.
  await db.schema
    .createTable("outcome_value")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("returning_patient_cents", types.cents, (c) => c.check(sql`returning_patient_cents is null or returning_patient_cents >= 0`))
    .addColumn("no_show_cents", types.cents, (c) => c.check(sql`no_show_cents is null or no_show_cents >= 0`))
    .addColumn("updated_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Every table of the practice counts writes on PostgreSQL (migration 0010).
  await countWrites(db, ["outcome_month", "outcome_value"]);
}
