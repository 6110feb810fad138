// The migrated SQLite file every unit test's database is copied from (tests/support/db.ts), made
// once per run by the global setup (tests/support/global-setup.ts).
import path from "node:path";
import { migrateToLatest, openDatabase, sqliteOf } from "#db/connection.ts";

/** A migrated SQLite file in `dir`, its WAL folded in so that a plain copy carries everything. */
export async function writeMigratedBase(dir: string): Promise<string> {
  const file = path.join(dir, "base.sqlite");
  const connection = openDatabase(file);
  await migrateToLatest(connection.db);
  sqliteOf(connection).pragma("wal_checkpoint(TRUNCATE)");
  await connection.close();
  return file;
}
