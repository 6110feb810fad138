// npm run db:backup — an online backup of the database named by DATABASE_URL, safe while the app
// runs, into BACKUP_DIR, verified, and the last BACKUP_KEEP kept. SQLite: copied with SQLite's
// backup API. PostgreSQL: pg_dump --format=custom, checked by restoring it into a scratch database
// when the role may create one (app/models/postgres-backup.server.ts).
import path from "node:path";
import { databaseFileFromUrl, dialectOfUrl } from "#db/connection.ts";
import { describeUrl, formatChecks } from "#db/copy.ts";
import { readEnvFor } from "#app/env.server.ts";
import { backupDatabase, formatCounts } from "#app/models/backup.server.ts";
import { backupPostgres } from "#app/models/postgres-backup.server.ts";
import { run } from "./run.ts";

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

await run(async () => {
  const env = readEnvFor(["DATABASE_URL", "BACKUP_DIR", "BACKUP_KEEP"]);
  const { BACKUP_DIR: dir, BACKUP_KEEP: keep } = env;
  let removed: string[];
  if (dialectOfUrl(env.DATABASE_URL) === "postgres") {
    const result = await backupPostgres(env.DATABASE_URL, { dir, keep });
    console.log(`Backed up ${describeUrl(env.DATABASE_URL)} to ${shown(result.file)} (${(result.bytes / 1024).toFixed(0)} KB).`);
    if (result.check.tables) {
      console.log("Verified: restored into a scratch database (since dropped), every table has the rows the database had when the dump was taken:");
      console.log(formatChecks(result.check.tables, ["database", "backup"]));
    } else {
      console.log(`Verified: pg_restore reads the dump and finds every table's data in it. Its rows were not compared: ${result.check.skipped}.`);
    }
    removed = result.removed;
  } else {
    const source = databaseFileFromUrl(env.DATABASE_URL);
    const result = await backupDatabase(source, { dir, keep });
    console.log(`Backed up ${source} to ${shown(result.file)} (${(result.bytes / 1024).toFixed(0)} KB).`);
    console.log("Verified: integrity ok, no broken references. Rows per table (the same as the database had at that instant):");
    console.log(formatCounts(result.verification.counts));
    removed = result.removed;
  }
  if (removed.length > 0) {
    console.log(`Keeping the newest ${keep}; removed ${removed.map((f) => path.basename(f)).join(", ")}.`);
  }
});
