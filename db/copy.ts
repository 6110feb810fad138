// Moving a practice between databases (`npm run db:copy`), and the checksums that prove a copy, a
// backup or a restore holds the same rows as its source. See
// docs/decisions/0018-copy-and-backups-on-postgresql.md.
//
// A table's checksum is the SHA-256 of a canonical text of its rows in primary-key order (text
// keys compared byte by byte, as SQLite does and as PostgreSQL's "C" collation does): integers
// as digits, text as JSON strings, null as null, bytes as hex. The same practice gives the same
// checksums on SQLite and on PostgreSQL, so a copy is verified by reading both sides back.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type RawBuilder } from "kysely";
import {
  addFunctions,
  databaseFileFromUrl,
  dialectOfUrl,
  migrateToLatest,
  openDatabase,
  openPostgres,
  type Connection,
  type DB,
} from "./connection.ts";
import { POSTGRES_ONLY_TABLES, dialectOf } from "./dialect.ts";
import { migrations } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export class CopyError extends Error {}

export interface TableInfo {
  name: string;
  /** Every column, sorted by name: the order values are hashed in. */
  columns: string[];
  /** The primary key's columns (every column when there is none): the order rows are read in. */
  key: string[];
  /** Whether `key` is a real primary key (keyset paging) rather than every column (offset paging). */
  hasPrimaryKey: boolean;
  textColumns: Set<string>;
  /** A column of bytes (pictures): such tables are read in small batches. */
  hasBytes: boolean;
  /** PostgreSQL: the identity column, whose sequence a copy moves past the copied ids. */
  identity: string | null;
  /** Tables this one's foreign keys point at. */
  references: string[];
}

export interface TableSum {
  rows: number;
  sha256: string;
}

export interface TableCheck {
  name: string;
  sourceRows: number | null;
  targetRows: number | null;
  match: boolean;
}

/** Rows read (and written) at a time: memory stays bounded whatever a table's size. */
const BATCH_ROWS = 500;
/** Tables with pictures: a picture may be a few megabytes. */
const BATCH_ROWS_WITH_BYTES = 20;

/**
 * Tables that are not the practice's data and are never copied or compared: the migration
 * history (each database keeps its own, and the target is migrated by its own migrator),
 * SQLite's internals (sqlite_sequence follows the copied ids by itself), and PostgreSQL's own
 * bookkeeping (write_version, learning_change: db/dialect.ts), which SQLite keeps per connection
 * and which the target's triggers bring up to date as the copy commits.
 */
function isPracticeTable(name: string): boolean {
  return !name.startsWith("kysely_") && !name.startsWith("sqlite_") && !POSTGRES_ONLY_TABLES.includes(name);
}

async function rowsOf<T>(db: DB, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

/** The practice's tables in `db`, parents before the tables whose foreign keys point at them. */
export async function practiceTables(db: DB): Promise<TableInfo[]> {
  const tables = dialectOf(db) === "postgres" ? await postgresTables(db) : await sqliteTables(db);
  return inForeignKeyOrder(tables);
}

async function sqliteTables(db: DB): Promise<TableInfo[]> {
  const names = await rowsOf<{ name: string }>(db, sql`select name from sqlite_master where type = 'table' order by name`);
  const tables: TableInfo[] = [];
  for (const { name } of names.filter((t) => isPracticeTable(t.name))) {
    const columns = await rowsOf<{ name: string; type: string; pk: number }>(db, sql`select name, type, pk from pragma_table_info(${name})`);
    const fks = await rowsOf<{ table: string }>(db, sql`select "table" from pragma_foreign_key_list(${name})`);
    const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    tables.push(describe(name, columns.map((c) => ({ name: c.name, type: c.type.toLowerCase() })), key, null, fks.map((f) => f.table)));
  }
  return tables;
}

async function postgresTables(db: DB): Promise<TableInfo[]> {
  const names = await rowsOf<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
  );
  const tables: TableInfo[] = [];
  for (const { name } of names.filter((t) => isPracticeTable(t.name))) {
    const columns = await rowsOf<{ name: string; type: string; identity: string }>(
      db,
      sql`select column_name as name, data_type as type, is_identity as identity from information_schema.columns
        where table_schema = current_schema() and table_name = ${name} order by ordinal_position`,
    );
    const key = await rowsOf<{ name: string }>(
      db,
      sql`select a.attname as name from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${sql.lit(`"${name.replace(/"/g, '""')}"`)}::regclass and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`,
    );
    const fks = await rowsOf<{ table: string }>(
      db,
      sql`select c2.relname as table from pg_constraint k join pg_class c2 on c2.oid = k.confrelid
        where k.contype = 'f' and k.conrelid = ${sql.lit(`"${name.replace(/"/g, '""')}"`)}::regclass`,
    );
    const identity = columns.find((c) => c.identity === "YES")?.name ?? null;
    tables.push(describe(name, columns, key.map((k) => k.name), identity, fks.map((f) => f.table)));
  }
  return tables;
}

function describe(name: string, columns: { name: string; type: string }[], key: string[], identity: string | null, references: string[]): TableInfo {
  const sorted = columns.map((c) => c.name).sort();
  return {
    name,
    columns: sorted,
    key: key.length > 0 ? key : sorted,
    hasPrimaryKey: key.length > 0,
    textColumns: new Set(columns.filter((c) => c.type === "text").map((c) => c.name)),
    hasBytes: columns.some((c) => c.type === "blob" || c.type === "bytea"),
    identity,
    references: [...new Set(references)].filter((t) => t !== name),
  };
}

function inForeignKeyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (table: TableInfo, path: string[]) => {
    if (state.get(table.name) === "done") return;
    if (state.get(table.name) === "visiting") throw new CopyError(`The tables' foreign keys form a cycle (${[...path, table.name].join(" → ")}); they cannot be copied in order.`);
    state.set(table.name, "visiting");
    for (const parent of table.references) {
      const info = byName.get(parent);
      if (info) visit(info, [...path, table.name]);
    }
    state.set(table.name, "done");
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

// ---------------------------------------------------------------------------------------------
// Reading in batches, and checksums
// ---------------------------------------------------------------------------------------------

/** A key column in the order both databases sort it: text byte by byte, numbers as numbers. */
function keyTerm(db: DB, table: TableInfo, column: string): RawBuilder<unknown> {
  if (!table.textColumns.has(column)) return sql`${sql.ref(column)}`;
  return dialectOf(db) === "postgres" ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)} collate binary`;
}

/** Every row of `table`, in key order, a batch at a time. */
async function* batches(db: DB, table: TableInfo): AsyncGenerator<Record<string, unknown>[]> {
  const size = table.hasBytes ? BATCH_ROWS_WITH_BYTES : BATCH_ROWS;
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const order = sql.join(table.key.map((c) => keyTerm(db, table, c)));
  let last: unknown[] | null = null;
  let offset = 0;
  for (;;) {
    let query: RawBuilder<Record<string, unknown>>;
    if (!table.hasPrimaryKey) {
      query = sql`select ${columns} from ${sql.table(table.name)} order by ${order} limit ${size} offset ${offset}`;
    } else if (last === null) {
      query = sql`select ${columns} from ${sql.table(table.name)} order by ${order} limit ${size}`;
    } else {
      query = sql`select ${columns} from ${sql.table(table.name)} where (${order}) > (${sql.join(last)}) order by ${order} limit ${size}`;
    }
    const rows = await rowsOf(db, query);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    offset += rows.length;
    const final = rows[rows.length - 1] as Record<string, unknown>;
    last = table.key.map((c) => final[c]);
  }
}

/** One value as canonical text: what it means, the same whichever database it was read from. */
function canonical(value: unknown, where: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new CopyError(`${where} holds ${value}, which is not a whole number; DeskCoach stores none.`);
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return JSON.stringify(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `x'${Buffer.from(value).toString("hex")}'`;
  throw new CopyError(`${where} holds a value of an unexpected kind (${Object.prototype.toString.call(value)}).`);
}

class TableHasher {
  private readonly hash = createHash("sha256");
  rows = 0;
  constructor(private readonly table: TableInfo) {
    this.hash.update(`${table.name}(${table.columns.join(",")})\n`);
  }
  add(rows: Record<string, unknown>[]): void {
    for (const row of rows) {
      this.hash.update(this.table.columns.map((c) => canonical(row[c], `${this.table.name}.${c}`)).join(",") + "\n");
      this.rows++;
    }
  }
  done(): TableSum {
    return { rows: this.rows, sha256: this.hash.digest("hex") };
  }
}

/** Rows and checksum of each of `tables` in `db`. */
export async function tableChecksums(db: DB, tables: TableInfo[]): Promise<Map<string, TableSum>> {
  const sums = new Map<string, TableSum>();
  for (const table of tables) {
    const hasher = new TableHasher(table);
    for await (const rows of batches(db, table)) hasher.add(rows);
    sums.set(table.name, hasher.done());
  }
  return sums;
}

/** Every table of either side, compared by rows and checksum. */
export function compareChecksums(source: Map<string, TableSum>, target: Map<string, TableSum>): TableCheck[] {
  const names = [...new Set([...source.keys(), ...target.keys()])];
  return names.map((name) => {
    const a = source.get(name);
    const b = target.get(name);
    return { name, sourceRows: a?.rows ?? null, targetRows: b?.rows ?? null, match: !!a && !!b && a.rows === b.rows && a.sha256 === b.sha256 };
  });
}

/** The per-table comparison as aligned text, for the command-line tools. */
export function formatChecks(checks: TableCheck[], labels: [string, string] = ["source", "target"]): string {
  const width = Math.max(5, ...checks.map((c) => c.name.length));
  const rows = (n: number | null) => (n === null ? "missing" : String(n)).padStart(9);
  const head = `  ${"table".padEnd(width)}  ${labels[0].padStart(9)}  ${labels[1].padStart(9)}  checksum`;
  const lines = checks.map((c) => `  ${c.name.padEnd(width)}  ${rows(c.sourceRows)}  ${rows(c.targetRows)}  ${c.match ? "same" : "DIFFERENT"}`);
  return [head, ...lines].join("\n");
}

// ---------------------------------------------------------------------------------------------
// What a database holds
// ---------------------------------------------------------------------------------------------

export type MigrationState = { kind: "latest" } | { kind: "none" } | { kind: "behind"; missing: string[] } | { kind: "newer"; unknown: string[] };

/** Where `db` stands against the migrations this version of DeskCoach has. */
export async function migrationState(db: DB): Promise<MigrationState> {
  const tables = await tableNames(db);
  if (!tables.includes("kysely_migration")) return { kind: "none" };
  const applied = (await rowsOf<{ name: string }>(db, sql`select name from ${sql.table("kysely_migration")}`)).map((r) => r.name);
  const unknown = applied.filter((name) => !(name in migrations));
  if (unknown.length > 0) return { kind: "newer", unknown };
  const missing = Object.keys(migrations).filter((name) => !applied.includes(name));
  if (missing.length > 0) return { kind: applied.length === 0 ? "none" : "behind", missing } as MigrationState;
  return { kind: "latest" };
}

async function tableNames(db: DB): Promise<string[]> {
  const query =
    dialectOf(db) === "postgres"
      ? sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`;
  return (await rowsOf(db, query)).map((r) => r.name);
}

let migratedSums: Promise<Map<string, TableSum>> | null = null;

/**
 * What the migrations themselves write (the studio's one state row), as checksums: a freshly
 * migrated SQLite file in a temporary folder, read once per process.
 */
function freshlyMigrated(): Promise<Map<string, TableSum>> {
  migratedSums ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-fresh-"));
    const connection = openDatabase(path.join(dir, "fresh.sqlite"));
    try {
      await migrateToLatest(connection.db);
      return await tableChecksums(connection.db, await practiceTables(connection.db));
    } finally {
      await connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return migratedSums;
}

/**
 * The DeskCoach tables of `db` that hold practice data: rows other than those the migrations
 * write. An empty database, or one that was only migrated, gives none.
 */
export async function tablesWithPracticeData(db: DB): Promise<string[]> {
  const fresh = await freshlyMigrated();
  const present = new Set(await tableNames(db));
  const tables = (await practiceTables(db)).filter((t) => fresh.has(t.name) && present.has(t.name));
  const found: string[] = [];
  for (const table of tables) {
    const row = await rowsOf<{ n: number }>(db, sql`select count(*) as n from ${sql.table(table.name)}`);
    const rows = Number(row[0]?.n ?? 0);
    if (rows === 0) continue;
    const seeded = fresh.get(table.name);
    if (seeded && seeded.rows === rows) {
      const [sum] = (await tableChecksums(db, [table])).values();
      if (sum?.sha256 === seeded.sha256) continue;
    }
    found.push(table.name);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Opening the two sides
// ---------------------------------------------------------------------------------------------

/** A URL with its password left out, for messages. */
export function describeUrl(url: string): string {
  if (dialectOfUrl(url) === "sqlite") return databaseFileFromUrl(url);
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

/** Whether two URLs name the same database (the same file, or the same server and database). */
export function sameDatabase(a: string, b: string): boolean {
  if (dialectOfUrl(a) !== dialectOfUrl(b)) return false;
  if (dialectOfUrl(a) === "sqlite") {
    const real = (url: string) => {
      const file = databaseFileFromUrl(url);
      return fs.existsSync(file) ? fs.realpathSync(file) : file;
    };
    return real(a) === real(b);
  }
  const key = (url: string) => {
    const parsed = new URL(url);
    const host = parsed.searchParams.get("host") ?? (parsed.hostname || "localhost");
    return `${host.replace(/^localhost$/, "127.0.0.1")}:${parsed.port || "5432"}/${decodeURIComponent(parsed.pathname.slice(1))}`;
  };
  return key(a) === key(b);
}

/**
 * Opens a database only to read it: a SQLite file read-only (it must exist; nothing about it is
 * changed, not even its journal mode), PostgreSQL as usual (only SELECTs are sent to it).
 */
export function openForReading(url: string): Connection {
  if (dialectOfUrl(url) === "postgres") return openPostgres(url);
  const file = databaseFileFromUrl(url);
  if (!fs.existsSync(file)) throw new CopyError(`There is no database at ${file}.`);
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  addFunctions(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { dialect: "sqlite", db, sqlite, file, close: () => db.destroy() };
}

/**
 * Reads `db` inside one snapshot from start to end: a read-only REPEATABLE READ transaction on
 * PostgreSQL, a read transaction on SQLite (WAL gives it one snapshot from its first read), so
 * that what is copied and what it is checked against are the same rows even while the app runs.
 */
export async function inSnapshot<T>(db: DB, fn: (snapshot: DB) => Promise<T>): Promise<T> {
  const builder = db.transaction();
  const tx = dialectOf(db) === "postgres" ? builder.setIsolationLevel("repeatable read").setAccessMode("read only") : builder;
  return tx.execute(fn);
}

// ---------------------------------------------------------------------------------------------
// The copy
// ---------------------------------------------------------------------------------------------

export interface CopyResult {
  tables: TableCheck[];
  ok: boolean;
}

export interface CopyProgress {
  (message: string): void;
}

/**
 * Copies the practice in the database `fromUrl` names into the empty database `toUrl` names:
 * migrates the target, copies every table in foreign-key order in one transaction, moves
 * PostgreSQL's identity sequences past the copied ids, then reads both sides back and compares
 * each table's rows and checksum. The source is only read.
 */
export async function copyDatabase(fromUrl: string, toUrl: string, log: CopyProgress = () => {}): Promise<CopyResult> {
  if (sameDatabase(fromUrl, toUrl)) throw new CopyError("The source and the target are the same database: give db:copy an empty database to copy into.");
  const source = openForReading(fromUrl);
  let target: Connection | null = null;
  let createdFile: string | null = null;
  let committed = false;
  try {
    const state = await migrationState(source.db);
    if (state.kind === "newer") throw new CopyError(`${describeUrl(fromUrl)} was written by a newer DeskCoach (migrations ${state.unknown.join(", ")}); copy it with that version.`);
    if (state.kind !== "latest") throw new CopyError(`${describeUrl(fromUrl)} is not at the latest migration: run npm run db:migrate against the source first.`);

    if (dialectOfUrl(toUrl) === "sqlite") {
      const file = databaseFileFromUrl(toUrl);
      if (!fs.existsSync(file)) createdFile = file;
      target = openDatabase(file);
    } else {
      target = openPostgres(toUrl);
    }
    const targetDb = target.db;
    const refuseIfNotEmpty = async (db: DB) => {
      const full = await tablesWithPracticeData(db);
      if (full.length > 0) {
        throw new CopyError(
          `${describeUrl(toUrl)} is not empty (${full.slice(0, 5).join(", ")}${full.length > 5 ? ", …" : ""} hold rows). db:copy only copies into an empty database, and changed nothing: give it a new, empty database.`,
        );
      }
    };
    // Before migrating, so that a database that is not empty is not touched at all.
    await refuseIfNotEmpty(targetDb);
    const targetState = await migrationState(targetDb);
    if (targetState.kind === "newer") throw new CopyError(`${describeUrl(toUrl)} was migrated by a newer DeskCoach (migrations ${targetState.unknown.join(", ")}).`);
    await migrateToLatest(targetDb);

    const tables = await practiceTables(source.db);
    const targetTables = await practiceTables(targetDb);
    const names = (list: TableInfo[]) => list.map((t) => t.name).sort().join(", ");
    if (names(tables) !== names(targetTables)) {
      throw new CopyError(`The two databases have different tables after migrating (source: ${names(tables)}; target: ${names(targetTables)}).`);
    }
    const targetInfo = new Map(targetTables.map((t) => [t.name, t]));

    return await inSnapshot(source.db, async (snapshot) => {
      await targetDb.transaction().execute(async (trx) => {
        // Again inside the transaction, against anything written since the first look.
        await refuseIfNotEmpty(trx);
        // What the migrations wrote (the studio's state row) gives way to the source's rows.
        for (const table of [...tables].reverse()) {
          const [row] = await rowsOf<{ n: number }>(trx, sql`select count(*) as n from ${sql.table(table.name)}`);
          if (Number(row?.n ?? 0) > 0) await sql`delete from ${sql.table(table.name)}`.execute(trx);
        }
        for (const table of tables) {
          let copied = 0;
          try {
            for await (const rows of batches(snapshot, table)) {
              const columns = sql.join(table.columns.map((c) => sql.ref(c)));
              const values = sql.join(rows.map((row) => sql`(${sql.join(table.columns.map((c) => row[c] ?? null))})`));
              await sql`insert into ${sql.table(table.name)} (${columns}) values ${values}`.execute(trx);
              copied += rows.length;
            }
          } catch (error) {
            throw new CopyError(`Copying ${table.name} failed after ${copied} rows: ${(error as Error).message}`, { cause: error });
          }
          log(`  copied ${table.name}: ${copied} rows`);
        }
        if (dialectOf(trx) === "postgres") {
          for (const table of tables) {
            const identity = targetInfo.get(table.name)?.identity;
            if (identity) await moveIdentityPastCopiedIds(trx, table.name, identity);
          }
        }
      });
      committed = true;
      const [from, to] = [await tableChecksums(snapshot, tables), await tableChecksums(targetDb, tables)];
      const checks = compareChecksums(from, to);
      return { tables: checks, ok: checks.every((c) => c.match) };
    });
  } catch (error) {
    if (!committed && createdFile && target) {
      // A file made for this copy is removed again, rather than left behind migrated and empty.
      await target.close();
      target = null;
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${createdFile}${suffix}`, { force: true });
    }
    throw error;
  } finally {
    await source.close();
    await target?.close();
  }
}

/**
 * Ids were copied as they were; the identity column would still hand out 1, 2, … and collide.
 * Its next value becomes one past the largest id (1 for an empty table). setval is not undone by
 * a rollback, which is harmless: a failed copy leaves the target empty, with fresh ids starting
 * a little higher.
 */
async function moveIdentityPastCopiedIds(db: DB, table: string, column: string): Promise<void> {
  const quoted = `"${table.replace(/"/g, '""')}"`;
  await sql`select setval(pg_get_serial_sequence(${quoted}, ${column}), coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
}
