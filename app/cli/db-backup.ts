// npm run db:backup — an online backup of the database named by DATABASE_URL, safe while the app
// runs: copied with SQLite's backup API into BACKUP_DIR, verified, and the last BACKUP_KEEP kept.
import path from "node:path";
import { databaseFileFromUrl, refuseOnPostgres } from "#db/connection.ts";
import { readEnvFor } from "#app/env.server.ts";
import { backupDatabase, formatCounts } from "#app/models/backup.server.ts";
import { run } from "./run.ts";

await run(async () => {
  const env = readEnvFor(["DATABASE_URL", "BACKUP_DIR", "BACKUP_KEEP"]);
  refuseOnPostgres(env.DATABASE_URL, "db:backup");
  const source = databaseFileFromUrl(env.DATABASE_URL);
  const { BACKUP_DIR: dir, BACKUP_KEEP: keep } = env;
  const result = await backupDatabase(source, { dir, keep });
  const relative = path.relative(process.cwd(), result.file);
  const shown = relative.startsWith("..") ? result.file : relative;
  console.log(`Backed up ${source} to ${shown} (${(result.bytes / 1024).toFixed(0)} KB).`);
  console.log("Verified: integrity ok, no broken references. Rows per table (the same as the database had at that instant):");
  console.log(formatCounts(result.verification.counts));
  if (result.removed.length > 0) {
    console.log(`Keeping the newest ${keep}; removed ${result.removed.map((f) => path.basename(f)).join(", ")}.`);
  }
});
