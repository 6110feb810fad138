import type { Kysely } from "kysely";

// Completions by time: a month's completions for the team goal (and any period's, for reports)
// are read from this index alone, however many years of completions a group has.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("completion_time_idx").on("completion").columns(["completed_at", "user_id", "lesson_slug"]).execute();
}

