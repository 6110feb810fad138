// The demo practice's outcome figures: two years, month by month, for both locations, so that
// every state of the outcomes page shows. After the phone module the return rate rises and
// no-shows fall a little (visible, modest); complaints are too few to tell anything from; late
// cancellations were only counted from the second year; and stars come from a handful of reviews.
import type { DB } from "#db/connection.ts";
import { addMonthsToMonth } from "#app/rules/outcomes.ts";
import { localDate } from "./clock.server.ts";

const TIME_ZONE = "America/Chicago";
const DAY = 86_400_000;
/** The demo assigns the phone module this many days before "now" (demo.server.ts, seedAssignments). */
export const DEMO_PHONE_DAYS_AGO = 60;

export async function seedDemoOutcomes(db: DB, now: Date, rand: () => number): Promise<void> {
  const owner = await db.selectFrom("user").select("id").where("email", "=", "owner@demo.test").executeTakeFirstOrThrow();
  const locations = await db.selectFrom("location").select(["id", "name"]).orderBy("id").execute();
  const current = localDate(now, TIME_ZONE).slice(0, 7);
  const phone = localDate(new Date(now.getTime() - DEMO_PHONE_DAYS_AGO * DAY), TIME_ZONE).slice(0, 7);
  const at = now.toISOString();
  const rows = [];
  for (let back = 24; back >= 1; back--) {
    const month = addMonthsToMonth(current, -back);
    const season = Math.sin(((Number(month.slice(5)) - 1) / 12) * 2 * Math.PI);
    const after = month > phone;
    for (const [i, location] of locations.entries()) {
      const size = i === 0 ? 820 : 540;
      const visits = Math.round(size * (1 + 0.06 * season + (rand() - 0.5) * 0.08));
      const returnRate = 0.655 + (after ? 0.045 : 0) + (rand() - 0.5) * 0.015;
      const noShowRate = 0.07 - (after ? 0.02 : 0) + (rand() - 0.5) * 0.006;
      const returning = Math.round(visits * returnRate);
      const reviews = Math.floor(rand() * 5) + (i === 0 ? 3 : 1);
      rows.push({
        month,
        location_id: location.id,
        visits,
        new_patients: Math.round(visits * (0.12 + (rand() - 0.5) * 0.02)),
        returning_patients: returning,
        no_shows: Math.round((visits * noShowRate) / (1 - noShowRate)),
        late_cancellations: back <= 12 ? Math.round(visits * (0.03 + (rand() - 0.5) * 0.01)) : null,
        review_count: reviews,
        stars_hundredths: Math.round((4.3 + (rand() - 0.5) * 0.9) * 100),
        complaints: Math.floor(rand() * 4),
        created_by: owner.id,
        created_at: at,
        updated_by: owner.id,
        updated_at: at,
        source: "demo",
      });
    }
  }
  await db.insertInto("outcome_month").values(rows).execute();
  await db.insertInto("outcome_value").values({ id: 1, returning_patient_cents: 180_00, no_show_cents: 95_00, updated_by: owner.id, updated_at: at }).execute();
}
