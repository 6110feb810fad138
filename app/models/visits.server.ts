// Time on a lesson: first seen, last seen and active seconds. Recorded by POST only (a GET never
// changes state): heartbeats from the page while it is visible, or, without JavaScript, the time
// between opening the lesson and submitting it. The same seconds are also kept per person per
// day (learning_day), so costs and hours can be counted for any period.
import type { DB } from "#db/connection.ts";
import { localDate } from "./clock.server.ts";
import { getPractice } from "./practice.server.ts";

/** One report never adds more than this: a tab left open over lunch is not learning. */
export const MAX_SECONDS_PER_REPORT = 30 * 60;

export async function recordLessonTime(
  db: DB,
  input: { userId: number; lessonSlug: string; seconds: number; now: Date },
): Promise<void> {
  const seconds = Math.max(0, Math.min(MAX_SECONDS_PER_REPORT, Math.round(input.seconds)));
  const at = input.now.toISOString();
  const firstSeen = new Date(input.now.getTime() - seconds * 1000).toISOString();
  // A learning day is a date where the practice is, like every period it is counted in.
  const day = localDate(input.now, (await getPractice(db))?.time_zone ?? "UTC");
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("lesson_visit")
      .values({
        user_id: input.userId,
        lesson_slug: input.lessonSlug,
        first_seen_at: firstSeen,
        last_seen_at: at,
        active_seconds: seconds,
      })
      .onConflict((oc) =>
        oc.columns(["user_id", "lesson_slug"]).doUpdateSet((eb) => ({
          last_seen_at: at,
          active_seconds: eb(eb.ref("lesson_visit.active_seconds"), "+", seconds),
        })),
      )
      .execute();
    if (seconds === 0) return;
    await trx
      .insertInto("learning_day")
      .values({ user_id: input.userId, day, seconds })
      .onConflict((oc) =>
        oc.columns(["user_id", "day"]).doUpdateSet((eb) => ({ seconds: eb(eb.ref("learning_day.seconds"), "+", seconds) })),
      )
      .execute();
  });
}
