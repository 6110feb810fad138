// Backups of a PostgreSQL database with the server's own tools: `pg_dump --format=custom` into
// BACKUP_DIR, verified before it counts, the last N kept; and a restore with `pg_restore` into a
// database that holds no practice yet, verified after. The SQLite path (backup.server.ts) copies
// a file instead. See docs/decisions/0018-copy-and-backups-on-postgresql.md.
//
// Verifying means: pg_restore can read the dump's table of contents and finds every table's data
// in it; and, when the role may create a database, the dump restored into a scratch database holds
// the same rows (per-table row counts and checksums, db/copy.ts) as what it is compared with. The
// backup's comparison is with the source as of the dump's own snapshot (pg_dump --snapshot), so an
// app writing meanwhile does not make a good backup look bad.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { openPostgres, type DB } from "#db/connection.ts";
import {
  compareChecksums,
  describeUrl,
  inSnapshot,
  practiceTables,
  tableChecksums,
  tablesWithPracticeData,
  type TableCheck,
  type TableInfo,
  type TableSum,
} from "#db/copy.ts";
import { BackupError, fsyncPath, pruneBackups, stamp } from "./backup.server.ts";

export const DUMP_EXTENSION = ".dump";

type PgTool = "pg_dump" | "pg_restore";

/** A PostgreSQL client tool: on PATH, else where Debian puts it (/usr/lib/postgresql/<version>/bin). */
export function findPgTool(name: PgTool): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = path.join(root, version, "bin", name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new BackupError(
    `${name} was not found (on PATH or in /usr/lib/postgresql/<version>/bin). Install PostgreSQL's client tools, of the server's version or newer (on Debian: apt-get install -y postgresql-client).`,
  );
}

/**
 * The environment a client tool connects with, from a postgres:// URL: the password goes in
 * PGPASSWORD, never on the command line (where `ps` would show it) nor in any output.
 */
export function pgEnvironment(url: string, database?: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const host = parsed.searchParams.get("host") ?? parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host) env.PGHOST = host;
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  env.PGDATABASE = database ?? decodeURIComponent(parsed.pathname.slice(1));
  const sslmode = parsed.searchParams.get("sslmode");
  // node-postgres' "no-verify" (encrypted, unverified) is libpq's "require".
  if (sslmode) env.PGSSLMODE = sslmode === "no-verify" ? "require" : sslmode;
  return env;
}

function runTool(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => reject(new BackupError(`${path.basename(bin)} could not be started: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const lines = Buffer.concat(err).toString("utf8").trim().split("\n").filter(Boolean);
      reject(new BackupError(`${path.basename(bin)} failed: ${lines.slice(-3).join(" ") || `exit code ${code}`}`));
    });
  });
}

/** A client tool that can work with the server at `db`: refused when older than the server. */
async function pgTool(db: DB, name: PgTool): Promise<string> {
  const bin = findPgTool(name);
  const version = await runTool(bin, ["--version"], process.env);
  const client = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1] ?? /(\d+)/.exec(version)?.[1]);
  const { rows } = await sql<{ v: string }>`show server_version_num`.execute(db);
  const server = Math.floor(Number(rows[0]?.v) / 10000);
  if (client < server) {
    throw new BackupError(`${bin} is from PostgreSQL ${client}, older than the server (${server}); it cannot read that server. Install the client tools of version ${server} or newer and put them first on PATH.`);
  }
  return bin;
}

/** The tables whose data the dump holds, by pg_restore's reading of its table of contents. */
async function dumpContents(pgRestore: string, file: string): Promise<Set<string>> {
  let listing: string;
  try {
    listing = await runTool(pgRestore, ["--list", file], process.env);
  } catch (error) {
    throw new BackupError(`${file} is not a dump pg_restore can read: ${(error as Error).message}`);
  }
  const tables = new Set<string>();
  for (const line of listing.split("\n")) {
    const match = /^\d+;\s+\d+\s+\d+\s+TABLE DATA\s+\S+\s+(\S+)\s/.exec(line);
    if (match) tables.add(match[1] as string);
  }
  return tables;
}

export interface DumpCheck {
  /** Tables of the comparison, or null when no scratch database could be made (then only the table of contents was read). */
  tables: TableCheck[] | null;
  /** Why the rows were not compared, when they were not. */
  skipped: string | null;
  ok: boolean;
}

/**
 * Checks the dump `file` against `expected` (per-table checksums of what it should hold): every
 * table's data is in its table of contents, and, restored into a scratch database on the server
 * `url` names (created and dropped here), every table has the same rows.
 */
async function checkDump(db: DB, url: string, file: string, tables: TableInfo[], expected: Map<string, TableSum>): Promise<DumpCheck> {
  const pgRestore = await pgTool(db, "pg_restore");
  const listed = await dumpContents(pgRestore, file);
  const missing = tables.filter((t) => !listed.has(t.name)).map((t) => t.name);
  if (missing.length > 0) throw new BackupError(`The dump holds no data for ${missing.join(", ")}.`);

  const scratch = `deskcoach_verify_${randomBytes(6).toString("hex")}`;
  try {
    await sql`create database ${sql.id(scratch)}`.execute(db);
  } catch (error) {
    return { tables: null, skipped: `the role may not create a scratch database to restore into (${(error as Error).message})`, ok: true };
  }
  try {
    await runTool(pgRestore, ["--no-owner", "--single-transaction", "--exit-on-error", `--dbname=${scratch}`, file], pgEnvironment(url, scratch));
    const scratchUrl = new URL(url);
    scratchUrl.pathname = `/${encodeURIComponent(scratch)}`;
    const restored = openPostgres(scratchUrl.toString());
    try {
      const checks = compareChecksums(expected, await tableChecksums(restored.db, await practiceTables(restored.db)));
      return { tables: checks, skipped: null, ok: checks.every((c) => c.match) };
    } finally {
      await restored.close();
    }
  } finally {
    await sql`drop database if exists ${sql.id(scratch)}`.execute(db);
  }
}

export interface PostgresBackupResult {
  file: string;
  bytes: number;
  check: DumpCheck;
  /** Older backups deleted after this one verified. */
  removed: string[];
}

/**
 * Dumps the database `url` names into `dir` as deskcoach-<UTC time>.dump, verifies it against
 * the source as of the dump's snapshot, and only then prunes to the newest `keep`. A dump that
 * fails verification is deleted and nothing is pruned.
 */
export async function backupPostgres(url: string, options: { dir: string; keep: number; now?: Date }): Promise<PostgresBackupResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new BackupError(`Keep at least one backup (BACKUP_KEEP is ${options.keep}).`);
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, `deskcoach-${stamp(options.now ?? new Date())}${DUMP_EXTENSION}`);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists.`);
  // Written under a name pruning never matches, and renamed once it has verified.
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  const connection = openPostgres(url);
  try {
    const pgDump = await pgTool(connection.db, "pg_dump");
    let tables: TableInfo[] = [];
    let sums = new Map<string, TableSum>();
    try {
      // The dump and the checksums it is checked against read the same snapshot: this
      // transaction exports it, pg_dump imports it, and it stays open until both are done.
      await inSnapshot(connection.db, async (snapshot) => {
        const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(snapshot);
        await runTool(pgDump, ["--format=custom", "--no-password", `--snapshot=${rows[0]?.id}`, `--file=${partial}`], pgEnvironment(url));
        tables = await practiceTables(snapshot);
        sums = await tableChecksums(snapshot, tables);
      });
    } catch (error) {
      throw new BackupError(`The backup of ${describeUrl(url)} failed: ${(error as Error).message}`);
    }
    fsyncPath(partial, "file");
    const check = await checkDump(connection.db, url, partial, tables, sums);
    if (!check.ok) {
      const different = (check.tables ?? []).filter((t) => !t.match).map((t) => t.name);
      throw new BackupError(`The backup did not verify, so it was not kept: restored, it differs from the source in ${different.join(", ")}.`);
    }
    fs.renameSync(partial, file);
    fsyncPath(options.dir, "dir");
    const removed = pruneBackups(options.dir, options.keep, DUMP_EXTENSION);
    return { file, bytes: fs.statSync(file).size, check, removed };
  } finally {
    fs.rmSync(partial, { force: true });
    await connection.close();
  }
}

export interface PostgresRestoreResult {
  check: DumpCheck;
}

/** Refused restores say how to restore safely, rather than replace a practice. */
function notEmptyMessage(url: string, tables: string[], from: string): string {
  const where = describeUrl(url);
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  return [
    `${where} already holds practice data (${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""}), so nothing was restored and nothing changed.`,
    "On PostgreSQL db:restore only restores into a database with no practice in it (empty, or only migrated). To restore safely:",
    `  1. create a new database (for example: createdb ${name}_restored),`,
    `  2. run DATABASE_URL=<its postgres:// URL> npm run db:restore -- ${from},`,
    "  3. point DeskCoach's DATABASE_URL at it and restart DeskCoach (keep the old database until you are sure).",
    `Or, if the practice in ${name} is to be thrown away: stop DeskCoach, drop and recreate that database (dropdb, createdb), and restore into it.`,
  ].join("\n");
}

/**
 * Restores the dump `from` into the database `url` names, which must hold no practice data
 * (empty, or only migrated): pg_restore in one transaction, then the database compared with the
 * dump restored into a scratch database.
 */
export async function restorePostgres(from: string, url: string): Promise<PostgresRestoreResult> {
  if (!fs.existsSync(from) || !fs.statSync(from).isFile()) throw new BackupError(`${from} does not exist.`);
  const connection = openPostgres(url);
  try {
    const full = await tablesWithPracticeData(connection.db);
    if (full.length > 0) throw new BackupError(notEmptyMessage(url, full, from));
    const pgRestore = await pgTool(connection.db, "pg_restore");
    const listed = await dumpContents(pgRestore, from);
    if (!listed.has("practice") || !listed.has("kysely_migration")) throw new BackupError(`${from} is not a backup of a DeskCoach database.`);
    // --clean --if-exists: a database that was only migrated has the tables already (empty); they
    // are replaced by the dump's. One transaction: a failure leaves the database as it was.
    await runTool(
      pgRestore,
      ["--no-owner", "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-password", `--dbname=${decodeURIComponent(new URL(url).pathname.slice(1))}`, from],
      pgEnvironment(url),
    );
    const tables = await practiceTables(connection.db);
    const check = await checkDump(connection.db, url, from, tables, await tableChecksums(connection.db, tables));
    if (!check.ok) {
      const different = (check.tables ?? []).filter((t) => !t.match).map((t) => t.name);
      throw new BackupError(`The restored database differs from the dump in ${different.join(", ")}: do not use it.`);
    }
    return { check };
  } finally {
    await connection.close();
  }
}


