// npm run db:restore -- <backup file> [--yes] — replaces the database named by DATABASE_URL with a
// backup. DeskCoach must be stopped first: the restore refuses while anything has the database
// open. It verifies the backup, asks for confirmation (the practice's name, or "restore"; --yes
// skips the question for scripts), keeps the current database in BACKUP_DIR as
// pre-restore-<time>.sqlite, and swaps the file in with one rename.
// On PostgreSQL (a .dump from db:backup) it restores only into a database that holds no practice
// yet, so nothing is replaced and there is nothing to confirm; see postgres-backup.server.ts.
import path from "node:path";
import readline from "node:readline/promises";
import { databaseFileFromUrl, dialectOfUrl } from "#db/connection.ts";
import { describeUrl, formatChecks } from "#db/copy.ts";
import { readEnvFor } from "#app/env.server.ts";
import { databaseInUse, formatCounts, restoreDatabase, verifyDatabaseFile } from "#app/models/backup.server.ts";
import { restorePostgres } from "#app/models/postgres-backup.server.ts";
import { run } from "./run.ts";

const USAGE = "Usage: npm run db:restore -- <backup file> [--yes]";

await run(async () => {
  const args = process.argv.slice(2);
  const yes = args.includes("--yes");
  const files = args.filter((a) => a !== "--yes");
  const unknown = files.filter((a) => a.startsWith("--"));
  if (unknown.length > 0 || files.length !== 1) {
    console.error(unknown.length > 0 ? `Unknown option ${unknown.join(", ")}. ${USAGE}` : USAGE);
    return 2;
  }
  const from = path.resolve(files[0] as string);
  const env = readEnvFor(["DATABASE_URL", "BACKUP_DIR"]);
  if (dialectOfUrl(env.DATABASE_URL) === "postgres") {
    const result = await restorePostgres(from, env.DATABASE_URL);
    console.log(`Restored ${from} into ${describeUrl(env.DATABASE_URL)}.`);
    if (result.check.tables) {
      console.log("Verified against the dump (restored again into a scratch database, since dropped):");
      console.log(formatChecks(result.check.tables, ["database", "dump"]));
    } else {
      console.log(`pg_restore read the whole dump; the rows were not compared with it: ${result.check.skipped}.`);
    }
    console.log("Start DeskCoach on it; it applies any newer migrations as it starts.");
    return;
  }
  const target = databaseFileFromUrl(env.DATABASE_URL);
  const dir = env.BACKUP_DIR;

  const check = verifyDatabaseFile(from);
  if (!check.ok) {
    console.error(`${from} cannot be restored: ${check.problems.join("; ")}`);
    return 1;
  }
  console.log(`${from} verified: integrity ok, no broken references. Rows per table:`);
  console.log(formatCounts(check.counts));
  if (databaseInUse(target)) {
    console.error(`${target} is in use. Stop DeskCoach (and anything else using the database) before restoring.`);
    return 1;
  }

  if (!yes) {
    if (!process.stdin.isTTY) {
      console.error("Not restoring: confirm with --yes when running without a terminal.");
      return 1;
    }
    const name = check.practiceName;
    const prompt = name
      ? `This replaces ${target} with the backup of "${name}". Type the practice's name (or "restore") to go on: `
      : `This replaces ${target}. Type "restore" to go on: `;
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question(prompt)).trim().toLowerCase();
    rl.close();
    if (answer !== "restore" && (!name || answer !== name.trim().toLowerCase())) {
      console.error("Not restoring: that did not match.");
      return 1;
    }
  }

  const result = restoreDatabase(from, target, { keepDir: dir });
  if (result.previous) console.log(`Kept the database it replaced as ${result.previous}.`);
  console.log(`Restored ${target} from ${from}. Start DeskCoach again; it applies any newer migrations as it starts.`);
});
