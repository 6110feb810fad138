// Everything DeskCoach writes differently for SQLite and for PostgreSQL, in one place: the column
// types and append-only rule migrations ask for, and the few expressions models need that the two
// spell differently. Everything else is the same SQL on both (Kysely quotes identifiers, so the
// table named `user`, a reserved word in PostgreSQL, is safe through the query builder; in a raw
// `sql` template, name tables and columns with sql.table / sql.ref, never in the text).
// See docs/decisions/0016-postgresql-beside-sqlite.md.
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Expression, type Kysely, type RawBuilder } from "kysely";

export type DialectName = "sqlite" | "postgres";

/**
 * Which database `db` talks to. A migration receives a transaction, not the Kysely instance the
 * app opened, so this asks the adapter both share. (`getExecutor` is marked internal in Kysely's
 * types but is public at run time and stable across 0.2x.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

// ---------------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Column types that differ. Money is integer cents on both: SQLite's INTEGER is 64-bit already,
 * PostgreSQL's `integer` is 32-bit (21 million dollars), so cents are `bigint` there, read back as
 * a number (db/connection.ts refuses one past 2^53 rather than round it).
 */
export function columnTypes(db: AnyDb) {
  const pg = dialectOf(db) === "postgres";
  return {
    cents: pg ? ("bigint" as const) : ("integer" as const),
    bytes: pg ? ("bytea" as const) : ("blob" as const),
  };
}

/**
 * A generated integer key. SQLite's AUTOINCREMENT never reuses a number; PostgreSQL's identity
 * column does not either. "By default" rather than "always", so that a copy of a practice
 * (`db:copy`) can insert the ids it copies (it must then move the identity past them).
 */
export function generatedId(db: AnyDb) {
  const pg = dialectOf(db) === "postgres";
  return (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
}

/**
 * Makes `table` append-only in the database itself: rows can be added and read, never changed or
 * removed, whatever SQL the app sends. SQLite: BEFORE UPDATE / DELETE triggers that abort.
 * PostgreSQL: the same triggers (and one for TRUNCATE, which skips row triggers), and the
 * privileges to UPDATE, DELETE and TRUNCATE revoked from everyone, the migrating role included, so
 * that the refusal comes from the privilege system before a trigger is even reached. One column
 * keeps UPDATE: PostgreSQL's own foreign-key check locks the rows that point at a row being
 * deleted elsewhere (SELECT … FOR KEY SHARE), which takes UPDATE on some column; without it no
 * person could ever be deleted. An UPDATE of that column still meets the trigger.
 */
export async function makeAppendOnly(db: AnyDb, table: string, lockColumn = "id"): Promise<void> {
  const message = `${table} is append-only`;
  if (dialectOf(db) === "sqlite") {
    await sql`create trigger ${sql.id(`${table}_no_update`)} before update on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
    await sql`create trigger ${sql.id(`${table}_no_delete`)} before delete on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
    return;
  }
  const fn = sql.id(`${table}_refuse_change`);
  await sql`create function ${fn}() returns trigger language plpgsql as $$
    begin raise exception ${sql.lit(message)} using errcode = 'insufficient_privilege'; end $$`.execute(db);
  await sql`create trigger ${sql.id(`${table}_no_update`)} before update on ${sql.table(table)}
    for each row execute function ${fn}()`.execute(db);
  await sql`create trigger ${sql.id(`${table}_no_delete`)} before delete on ${sql.table(table)}
    for each row execute function ${fn}()`.execute(db);
  await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
    for each statement execute function ${fn}()`.execute(db);
  await sql`revoke update, delete, truncate on ${sql.table(table)} from public, current_user`.execute(db);
  await sql`grant update (${sql.ref(lockColumn)}) on ${sql.table(table)} to current_user`.execute(db);
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/**
 * Lower case for every letter. SQLite's lower() folds A–Z only, so SQLite connections carry
 * `unicode_lower` (db/connection.ts); PostgreSQL's lower() folds every letter in a UTF-8 database.
 */
export function lowerAll(db: AnyDb, value: Expression<string | null>): RawBuilder<string> {
  return dialectOf(db) === "postgres" ? sql<string>`lower(${value})` : sql<string>`unicode_lower(${value})`;
}

/**
 * `value` for ordering whatever the case of its letters: the same order on both databases, by
 * character code after folding case (SQLite's NOCASE; PostgreSQL's lower() in the "C" collation,
 * rather than the database's own, which would differ from one server's locale to the next).
 */
export function caseless(db: AnyDb, value: Expression<string | null>): RawBuilder<string> {
  return dialectOf(db) === "postgres" ? sql<string>`lower(${value}) collate "C"` : sql<string>`${value} collate nocase`;
}

/**
 * `value LIKE pattern`, ignoring the case of A–Z as SQLite's LIKE does (PostgreSQL's LIKE minds
 * case; ILIKE does not). `\` escapes `%`, `_` and itself in the pattern.
 */
export function likeCaseless(db: AnyDb, value: Expression<string | null>, pattern: string): RawBuilder<boolean> {
  return dialectOf(db) === "postgres" ? sql<boolean>`${value} ilike ${pattern} escape '\\'` : sql<boolean>`${value} like ${pattern} escape '\\'`;
}

/**
 * PostgreSQL only: where the server's next write-ahead-log record will go, in bytes. Every
 * committed write, from any process, moves it before its commit returns, so a read of it after a
 * commit is never below that commit's; writes to other databases of the server move it too.
 */
export async function walPosition(db: AnyDb): Promise<number> {
  const { rows } = await sql<{ at: number }>`select (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint as at`.execute(db);
  return Number(rows[0]?.at ?? 0);
}

/** The values of a group joined by `separator` (SQLite's group_concat, PostgreSQL's string_agg). */
export function joinedText(db: AnyDb, value: Expression<string>, separator: string): RawBuilder<string> {
  return dialectOf(db) === "postgres" ? sql<string>`string_agg(${value}, ${separator})` : sql<string>`group_concat(${value}, ${separator})`;
}
