// Backups of the SQLite file: an online copy taken while the app runs, verified before it counts,
// the last N kept; and a restore that verifies first, keeps what it replaces, and swaps the file
// in one rename. See the Backups section of README.md.
//
// The copy uses SQLite's backup API inside one read transaction on the source connection: every
// step of the backup reads the same snapshot (WAL lets the app keep writing meanwhile), so the
// copy is exactly the database as of that snapshot, and the row counts taken in the same
// transaction are the copy's counts.
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { migrations } from "#db/migrations/index.ts";

/** deskcoach-<UTC time>.sqlite (a SQLite backup) or .dump (PostgreSQL's, postgres-backup.server.ts). */
const backupName = (extension: string) => new RegExp(`^deskcoach-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z)${extension.replace(".", "\\.")}$`);

export interface Verification {
  ok: boolean;
  /** Why the file cannot be trusted; empty when ok. */
  problems: string[];
  /** Rows per table, by table name (empty when the file could not be read). */
  counts: Record<string, number>;
  /** The practice's name, when the file has one (what a person confirms a restore with). */
  practiceName: string | null;
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** Rows per table in the source at the instant the copy reflects. */
  sourceCounts: Record<string, number>;
  verification: Verification;
  /** Older backups deleted after this one verified. */
  removed: string[];
}

export class BackupError extends Error {}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function tableCounts(db: SQLite.Database): Record<string, number> {
  const tables = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number(db.prepare(`select count(*) from ${quote(table)}`).pluck().get());
  return counts;
}

/**
 * Opens a database file read-only and checks it: SQLite's integrity check, every foreign key,
 * and a schema this version of DeskCoach knows (no migration it has never heard of).
 */
export function verifyDatabaseFile(file: string): Verification {
  const failed = (problem: string): Verification => ({ ok: false, problems: [problem], counts: {}, practiceName: null });
  if (!fs.existsSync(file)) return failed(`${file} does not exist.`);
  if (!fs.statSync(file).isFile()) return failed(`${file} is not a file.`);
  // A file in WAL mode would need its -wal and -shm beside it (and read-only opening would create
  // them); backups are written in rollback mode, so such a file is not one of ours.
  const header = Buffer.alloc(100);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, header, 0, 100, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.subarray(0, 16).toString("latin1") !== "SQLite format 3\0") return failed(`${file} is not a SQLite database.`);
  if (header[18] === 2 || header[19] === 2) {
    return failed(`${file} is in WAL mode: copy it with \`npm run db:backup\` rather than by hand, so that nothing stays behind in its -wal file.`);
  }
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return failed(`${file} cannot be opened: ${(error as Error).message}`);
  }
  try {
    const problems: string[] = [];
    const integrity = db.pragma("integrity_check") as { integrity_check: string }[];
    const messages = integrity.map((r) => r.integrity_check);
    if (messages.length !== 1 || messages[0] !== "ok") {
      problems.push(`integrity check failed: ${messages.slice(0, 5).join("; ")}${messages.length > 5 ? "; …" : ""}`);
    }
    const orphans = db.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[];
    if (orphans.length > 0) {
      const first = orphans[0] as { table: string; rowid: number; parent: string };
      problems.push(`${orphans.length} row(s) point at missing rows (first: ${first.table} row ${first.rowid} → ${first.parent})`);
    }
    const counts = problems.length === 0 ? tableCounts(db) : {};
    if ("kysely_migration" in counts) {
      const applied = db.prepare("select name from kysely_migration order by name").pluck().all() as string[];
      const unknown = applied.filter((name) => !(name in migrations));
      if (unknown.length > 0) problems.push(`it was written by a newer DeskCoach (migrations ${unknown.join(", ")})`);
    } else if (problems.length === 0) {
      problems.push("it is not a DeskCoach database (no migrations table)");
    }
    const practiceName =
      "practice" in counts ? ((db.prepare("select name from practice order by id limit 1").pluck().get() as string | undefined) ?? null) : null;
    return { ok: problems.length === 0, problems, counts, practiceName };
  } catch (error) {
    return failed(`${file} cannot be read: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/** Flushes a file, or a folder's list of names (after a rename), to disk. */
export function fsyncPath(target: string, kind: "file" | "dir"): void {
  // A folder can be opened only for reading; a file is opened for writing, as some systems need.
  const fd = fs.openSync(target, kind === "dir" ? "r" : "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function stamp(now: Date): string {
  return now.toISOString().replace(/:/g, "-").replace(".", "-");
}

/** Backups in `dir` (of one kind: `.sqlite` or `.dump`), oldest first (their names sort by time). */
export function listBackups(dir: string, extension = ".sqlite"): string[] {
  if (!fs.existsSync(dir)) return [];
  const pattern = backupName(extension);
  return fs
    .readdirSync(dir)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Deletes all but the newest `keep` backups (of one kind) in `dir`; returns what it deleted. */
export function pruneBackups(dir: string, keep: number, extension = ".sqlite"): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new BackupError(`Keep at least one backup (BACKUP_KEEP is ${keep}).`);
  const all = listBackups(dir, extension);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const file of old) fs.rmSync(file, { force: true });
  if (old.length > 0) fsyncPath(dir, "dir");
  return old;
}

/**
 * Takes an online backup of `source` into `dir` as deskcoach-<UTC time>.sqlite, verifies it, and
 * only then prunes to the newest `keep`. A copy that fails verification is deleted and nothing is
 * pruned.
 */
export async function backupDatabase(source: string, options: { dir: string; keep: number; now?: Date }): Promise<BackupResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new BackupError(`Keep at least one backup (BACKUP_KEEP is ${options.keep}).`);
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}.`);
  fs.mkdirSync(options.dir, { recursive: true });
  const now = options.now ?? new Date();
  const file = path.join(options.dir, `deskcoach-${stamp(now)}.sqlite`);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists.`);
  // Written under a name pruning never matches, and renamed once it has verified.
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });

  const db = new SQLite(source, { fileMustExist: true });
  let sourceCounts: Record<string, number>;
  try {
    db.pragma("busy_timeout = 5000");
    db.exec("begin");
    try {
      // The first read fixes the snapshot; the backup's steps all read from it.
      sourceCounts = tableCounts(db);
      await db.backup(partial);
    } finally {
      db.exec("commit");
    }
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`The backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }

  // The copy carries the source's WAL flag; a backup is one self-contained file instead.
  const copy = new SQLite(partial, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = delete");
  } finally {
    copy.close();
  }
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${partial}${suffix}`, { force: true });
  fsyncPath(partial, "file");

  const verification = verifyDatabaseFile(partial);
  const mismatched = Object.keys({ ...sourceCounts, ...verification.counts }).filter((t) => sourceCounts[t] !== verification.counts[t]);
  if (verification.ok && mismatched.length > 0) {
    verification.ok = false;
    verification.problems.push(`row counts differ from the source in ${mismatched.join(", ")}`);
  }
  if (!verification.ok) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`The backup did not verify, so it was not kept: ${verification.problems.join("; ")}`);
  }
  fs.renameSync(partial, file);
  fsyncPath(options.dir, "dir");
  const removed = pruneBackups(options.dir, options.keep);
  return { file, bytes: fs.statSync(file).size, sourceCounts, verification, removed };
}

/**
 * Whether another connection has the database open. Leaving WAL mode needs the file to itself,
 * so it fails at once while the app (or anything else) has it open; as a side effect it folds
 * any leftover WAL into the file. Returns false for a file that is not a readable database.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true });
  } catch {
    return false;
  }
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("journal_mode = delete");
    return false;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  target: string;
  /** The copy of the database that was replaced, or null when there was none. */
  previous: string | null;
  verification: Verification;
}

/**
 * Replaces `target` with the verified backup `from`. Refuses while the database is in use.
 * Keeps the current database (and any -wal) in `keepDir` as pre-restore-<UTC time>.sqlite,
 * then writes the backup to a temporary file beside the target, syncs it, removes the old
 * -wal/-shm and renames it into place, so the target is at every moment either the old
 * database or the whole new one.
 */
export function restoreDatabase(from: string, target: string, options: { keepDir: string; now?: Date }): RestoreResult {
  const verification = verifyDatabaseFile(from);
  if (!verification.ok) throw new BackupError(`${from} cannot be restored: ${verification.problems.join("; ")}`);
  if (path.resolve(from) === path.resolve(target)) throw new BackupError("That file is the database itself.");
  if (databaseInUse(target)) {
    throw new BackupError(`${target} is in use. Stop DeskCoach (and anything else using the database) before restoring.`);
  }
  const now = options.now ?? new Date();
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });

  let previous: string | null = null;
  if (fs.existsSync(target)) {
    fs.mkdirSync(options.keepDir, { recursive: true });
    previous = path.join(options.keepDir, `pre-restore-${stamp(now)}.sqlite`);
    // A plain copy keeps the file exactly as it was, even one too damaged to open.
    for (const suffix of ["", "-wal"]) {
      if (!fs.existsSync(`${target}${suffix}`)) continue;
      fs.copyFileSync(`${target}${suffix}`, `${previous}${suffix}`, fs.constants.COPYFILE_EXCL);
      fsyncPath(`${previous}${suffix}`, "file");
    }
    fsyncPath(options.keepDir, "dir");
  }

  const temp = path.join(dir, `.${path.basename(target)}.restore-${process.pid}.tmp`);
  fs.rmSync(temp, { force: true });
  try {
    fs.copyFileSync(from, temp);
    fsyncPath(temp, "file");
    const copied = verifyDatabaseFile(temp);
    if (!copied.ok) throw new BackupError(`The copy did not verify: ${copied.problems.join("; ")}`);
    // A -wal left beside the new file would be replayed into it.
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(temp, target);
    fsyncPath(dir, "dir");
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return { target, previous, verification };
}

/** Rows per table as aligned text, for the command-line tools. */
export function formatCounts(counts: Record<string, number>): string {
  const names = Object.keys(counts);
  const width = Math.max(5, ...names.map((n) => n.length));
  return names.map((n) => `  ${n.padEnd(width)}  ${String(counts[n]).padStart(8)}`).join("\n");
}
