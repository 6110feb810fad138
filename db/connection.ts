import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import { migrationProvider } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export type DB = Kysely<Database>;

export interface Connection {
  db: DB;
  sqlite: SQLite.Database;
  file: string;
  close(): Promise<void>;
}

/** `file:<path>` → an absolute path. Anything else is refused rather than guessed at. */
export function databaseFileFromUrl(url: string): string {
  if (!url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must look like file:<path>, got "${url}"`);
  }
  const file = url.slice("file:".length);
  if (!file) throw new Error("DATABASE_URL names no file");
  return path.resolve(file);
}

/**
 * The settings every connection must have. An acknowledged quiz submission must survive a power
 * cut (synchronous=FULL in WAL mode), and a constraint is only worth declaring if it is enforced.
 */
export const REQUIRED_PRAGMAS = {
  journal_mode: "wal",
  synchronous: 2, // FULL
  foreign_keys: 1,
  busy_timeout: 5000,
} as const;

export function applyPragmas(sqlite: SQLite.Database): void {
  sqlite.pragma(`journal_mode = ${REQUIRED_PRAGMAS.journal_mode}`);
  sqlite.pragma(`synchronous = FULL`);
  sqlite.pragma(`foreign_keys = ON`);
  sqlite.pragma(`busy_timeout = ${REQUIRED_PRAGMAS.busy_timeout}`);
  verifyPragmas(sqlite);
}

/** Refuses to go on if any setting did not take (for example WAL on a file system without it). */
export function verifyPragmas(sqlite: SQLite.Database): void {
  const read = (name: string) => sqlite.pragma(name, { simple: true }) as string | number;
  const problems: string[] = [];
  const journal = String(read("journal_mode")).toLowerCase();
  if (journal !== "wal") problems.push(`journal_mode is ${journal}, expected wal`);
  if (Number(read("synchronous")) !== REQUIRED_PRAGMAS.synchronous)
    problems.push(`synchronous is ${read("synchronous")}, expected 2 (FULL)`);
  if (Number(read("foreign_keys")) !== 1) problems.push("foreign_keys is off");
  if (Number(read("busy_timeout")) < REQUIRED_PRAGMAS.busy_timeout)
    problems.push(`busy_timeout is ${read("busy_timeout")}, expected at least 5000`);
  if (problems.length > 0) {
    throw new Error(`The database is not safe to use: ${problems.join("; ")}`);
  }
}

/**
 * Kysely prepares every query it runs anew, and parsing the SQL costs SQLite more than running
 * a small query does (about 50 µs against 20 µs for a session lookup). The app runs a few dozen
 * distinct statements, so each is prepared once and reused. A statement still being iterated
 * (Kysely's `stream()`) is busy and cannot be reused; such a query gets a fresh one.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  // On SQLITE_FULL, SQLITE_IOERR and a few others SQLite may roll the transaction back itself.
  // Kysely then sends its own ROLLBACK, which fails with "no transaction is active" and is
  // thrown in place of the error that mattered (a full disk would answer as a plain 500). A
  // rollback with no transaction left to roll back has nothing to do.
  let rollback: SQLite.Statement | null = null;
  const rollbackIfActive = {
    reader: false,
    all: () => [],
    iterate: () => [][Symbol.iterator](),
    run() {
      if (!sqlite.inTransaction) return { changes: 0, lastInsertRowid: 0 };
      rollback ??= sqlite.prepare("rollback");
      return rollback.run();
    },
  };
  return {
    prepare(sql) {
      if (sql === "rollback") return rollbackIfActive;
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        // Queries are built from code, so there are few; the bound is a backstop.
        if (cache.size >= max) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
    close: () => sqlite.close(),
  };
}

/**
 * Functions SQLite lacks, on every connection. `unicode_lower`: lower case for every letter
 * (SQLite's own lower() and LIKE fold A–Z only), for a name search typed with letters such as
 * Í or Ñ (app/models/team.server.ts).
 */
export function addFunctions(sqlite: SQLite.Database): void {
  sqlite.function("unicode_lower", { deterministic: true }, (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value));
}

export function openDatabase(file: string): Connection {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  try {
    applyPragmas(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  addFunctions(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    sqlite,
    file,
    // Kysely's destroy closes the better-sqlite3 handle too.
    close: () => db.destroy(),
  };
}

/**
 * A number that changes whenever this process has written anything. The app keeps one
 * connection per process, so it keys caches of derived figures without tracking every write
 * path. (SQLite's total_changes(); another database would use its own counter.)
 */
export async function writeVersion(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select total_changes() as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
