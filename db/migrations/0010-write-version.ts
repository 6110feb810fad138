import type { Kysely } from "kysely";
import { countWrites, createLearningChangeLog, createWriteVersion } from "../dialect.ts";

// PostgreSQL's count of committed writes, which keys the caches of derived figures across every
// connection and process, and its log of whose assigned work changed (SQLite's one connection
// counts its own writes and keeps that log in TEMP tables: nothing to do there). Every table of
// the practice is counted; a later migration that adds a table counts it too
// (tests/unit/schema-parity.test.ts checks). See docs/decisions/0016-postgresql-beside-sqlite.md.
const TABLES = [
  "practice",
  "location",
  "user",
  "session",
  "login_failure",
  "module",
  "lesson",
  "lesson_visit",
  "quiz_attempt",
  "completion",
  "audit_event",
  "access_code",
  "assignment",
  "assignment_person",
  "budget_plan",
  "expense",
  "expense_share",
  "learning_day",
  "outside_learning",
  "outside_learning_attendee",
  "feedback_import",
  "feedback_item",
  "review_answer",
  "certificate_link",
  "learning_settings",
  "studio_state",
  "studio_module",
  "studio_lesson",
  "studio_lesson_version",
  "studio_image",
  "device_cookie",
  "sign_in_block",
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createWriteVersion(db);
  await countWrites(db, TABLES);
  await createLearningChangeLog(db);
}
