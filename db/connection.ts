import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import pg from "pg";
import { dialectOf, writeCount, type DialectName } from "./dialect.ts";
import { migrationProvider } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export type DB = Kysely<Database>;

/**
 * An open database. The app and the models use `db` (and `close`) only, and never learn which
 * database it is; what only one of them has (SQLite's file, pragmas and backup API; PostgreSQL's
 * pool) is reached by narrowing on `dialect`, in the few places that need it (backups, tests).
 */
export type Connection = SqliteConnection | PostgresConnection;

interface OpenDatabase {
  db: DB;
  close(): Promise<void>;
}

export interface SqliteConnection extends OpenDatabase {
  dialect: "sqlite";
  /** The better-sqlite3 handle the Kysely dialect runs on: pragmas, checkpoints, the backup API. */
  sqlite: SQLite.Database;
  file: string;
}

export interface PostgresConnection extends OpenDatabase {
  dialect: "postgres";
  pool: pg.Pool;
}

/** Which database a DATABASE_URL names. */
export function dialectOfUrl(url: string): DialectName {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must look like file:<path> or postgres://user@host:5432/database, got "${url}"`);
}

/** Opens the database a DATABASE_URL names: `file:<path>` (SQLite) or `postgres://…` (PostgreSQL). */
export function openConnection(url: string): Connection {
  return dialectOfUrl(url) === "postgres" ? openPostgres(url) : openDatabase(databaseFileFromUrl(url));
}

/** The SQLite handle of a connection, for what only SQLite has; refuses a PostgreSQL connection. */
export function sqliteOf(connection: Connection): SQLite.Database {
  if (connection.dialect !== "sqlite") throw new Error("This needs a SQLite database (DATABASE_URL=file:…)");
  return connection.sqlite;
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

/** Opens (creating if need be) the SQLite file at `file`. */
export function openDatabase(file: string): SqliteConnection {
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
    dialect: "sqlite",
    db,
    sqlite,
    file,
    // Kysely's destroy closes the better-sqlite3 handle too.
    close: () => db.destroy(),
  };
}

// PostgreSQL's type codes for the values that node-postgres hands back as strings by default.
const INT8 = 20;
const NUMERIC = 1700;

/**
 * A whole number from PostgreSQL's `bigint` (cents, and every count() and sum() of integers) or
 * `numeric` (a sum() of bigints), as a JavaScript number, which is exact up to 2^53: past that it
 * is refused rather than rounded, since a rounded amount of money would be wrong without a sign.
 */
export function exactNumber(text: string): number {
  const value = Number(text);
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new RangeError(`${text} is too large to read exactly as a number (past 2^53)`);
  }
  return value;
}

/**
 * Connections each process keeps at most: a request does a few short queries, and several app
 * processes share one server (whose max_connections defaults to 100).
 */
const POOL_SIZE = 10;

/**
 * Opens a pool of connections to the PostgreSQL database at `url`. Everything in the URL is
 * honoured as libpq would (host, port, user, password, database, and `sslmode`: `disable`,
 * `require`, `verify-full`…; see node-postgres' pg-connection-string).
 */
export function openPostgres(url: string): PostgresConnection {
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8 || oid === NUMERIC) return exactNumber;
      return pg.types.getTypeParser(oid, format);
    },
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, types });
  // An idle connection the server drops (a restart) is an error on the pool; the next query
  // opens a new connection, so it is not worth more than a line.
  pool.on("error", (error) => console.error(`PostgreSQL: an idle connection failed: ${error.message}`));
  // A connection that drops while a request holds it is an 'error' event on its client, which
  // the pool listens for only while the client is idle: unheard, Node ends the process. The
  // query it was running fails with that same error (answered as "cannot reach the database",
  // app/server/storage-failures.ts), and the pool discards the broken client when it is given
  // back, so there is nothing more to do here than listen.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { dialect: "postgres", db, pool, close: () => db.destroy() };
}

/**
 * A value that changes whenever the database has been written, for keys of caches of derived
 * figures (read-cache.server.ts). SQLite: total_changes(), the writes made through this
 * connection, which is the only one the process has. PostgreSQL: the count of committed
 * writes in the database (write_version, db/dialect.ts), which every process's writes move.
 */
export async function writeVersion(db: Kysely<Database>): Promise<number> {
  if (dialectOf(db) === "postgres") return writeCount(db);
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
