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

/**
 * PostgreSQL's count of committed writes (`write_version`, one row), which caches of derived
 * figures are keyed by (read-cache.server.ts). SQLite needs none: its one connection counts its
 * own writes (total_changes()). The parity test expects this table on PostgreSQL only.
 */
export const WRITE_VERSION_TABLE = "write_version";

/** PostgreSQL's log of whose assigned work changed (see createLearningChangeLog). */
export const LEARNING_CHANGE_TABLE = "learning_change";

/** Tables PostgreSQL has and SQLite does not: bookkeeping SQLite keeps per connection instead. */
export const POSTGRES_ONLY_TABLES: readonly string[] = [WRITE_VERSION_TABLE, LEARNING_CHANGE_TABLE];

/**
 * PostgreSQL only: creates the write counter. Each transaction that writes a counted table adds
 * one to it as it commits (a deferred trigger; later rows of the same transaction find the row
 * already theirs and change nothing). Bumped at commit, it is the last lock a transaction takes,
 * so two writers can wait on it but never deadlock over it; read under MVCC, a reader that sees
 * a new count sees that transaction's rows too.
 */
export async function createWriteVersion(db: AnyDb): Promise<void> {
  if (dialectOf(db) !== "postgres") return;
  await db.schema
    .createTable(WRITE_VERSION_TABLE)
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("n", "bigint", (c) => c.notNull())
    .addColumn("last_xid", sql`xid8`)
    .execute();
  await db.insertInto(WRITE_VERSION_TABLE).values({ id: 1, n: 0, last_xid: null }).execute();
  // Counts the calling transaction once, and says its count.
  await sql`create function write_version_counted() returns bigint language plpgsql as $$
    declare
      counted bigint;
    begin
      update write_version set n = n + 1, last_xid = pg_current_xact_id()
        where id = 1 and last_xid is distinct from pg_current_xact_id();
      select n into counted from write_version where id = 1;
      return counted;
    end $$`.execute(db);
  await sql`create function write_version_bump() returns trigger language plpgsql as $$
    begin
      perform write_version_counted();
      return null;
    end $$`.execute(db);
}

/**
 * PostgreSQL only: the learning-change log SQLite keeps in TEMP tables on its one connection
 * (app/models/learning-changes.server.ts), as a table every connection and process writes: one
 * row per person, with the write count (write_version) of the last transaction that changed what
 * their assigned work is worked out from. Marked at commit by deferred triggers, after the
 * transaction has counted itself: it then holds write_version's row until it commits, so counts
 * are given out in commit order, and whoever reads a count sees every mark up to it.
 */
export async function createLearningChangeLog(db: AnyDb): Promise<void> {
  if (dialectOf(db) !== "postgres") return;
  await db.schema
    .createTable(LEARNING_CHANGE_TABLE)
    .addColumn("user_id", "integer", (c) => c.primaryKey())
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("learning_change_version_idx").on(LEARNING_CHANGE_TABLE).column("version").execute();
  // TG_ARGV[0]: which of the row's people to mark. An assignment marks everyone it reached.
  await sql`create function learning_change_mark() returns trigger language plpgsql as $$
    declare
      version bigint := write_version_counted();
    begin
      if TG_TABLE_NAME = 'assignment' then
        insert into learning_change (user_id, version)
          select user_id, version from assignment_person where assignment_id = new.id
          on conflict (user_id) do update set version = excluded.version;
        return null;
      end if;
      if TG_OP in ('UPDATE', 'DELETE') then
        insert into learning_change (user_id, version) values (old.user_id, version)
          on conflict (user_id) do update set version = excluded.version;
      end if;
      if TG_OP in ('INSERT', 'UPDATE') then
        insert into learning_change (user_id, version) values (new.user_id, version)
          on conflict (user_id) do update set version = excluded.version;
      end if;
      return null;
    end $$`.execute(db);
  // The same writes SQLite's TEMP triggers follow.
  const marks: [table: string, events: string][] = [
    ["completion", "insert or update or delete"],
    ["quiz_attempt", "insert or delete"],
    ["lesson_visit", "insert or update or delete"],
    ["learning_day", "insert or update or delete"],
    ["assignment_person", "insert or update or delete"],
    ["assignment", "update"],
  ];
  for (const [table, events] of marks) {
    await sql`create constraint trigger ${sql.id(`${table}_marks_learning_change`)} after ${sql.raw(events)} on ${sql.table(table)}
      deferrable initially deferred for each row execute function learning_change_mark()`.execute(db);
  }
}

/** PostgreSQL only: makes every write to `tables` count in write_version (see createWriteVersion). */
export async function countWrites(db: AnyDb, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) !== "postgres") return;
  for (const table of tables) {
    await sql`create constraint trigger ${sql.id(`${table}_counts_writes`)} after insert or update or delete on ${sql.table(table)}
      deferrable initially deferred for each row execute function write_version_bump()`.execute(db);
  }
}

/** PostgreSQL only: the count of committed writes (see createWriteVersion). */
export async function writeCount(db: AnyDb): Promise<number> {
  const { rows } = await sql<{ n: number }>`select n from ${sql.table(WRITE_VERSION_TABLE)} where id = 1`.execute(db);
  return Number(rows[0]?.n ?? 0);
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
 * Makes transactions that name the same key run one after another, from here to their end, so
 * that a check-then-write (has this request been recorded? is this sign-in over the limit?) is
 * not raced by a twin on another connection or process. SQLite: nothing to do, since the app's
 * one connection runs one transaction at a time. PostgreSQL: a transaction-level advisory lock
 * per key, taken in a fixed order so that two transactions never wait on each other.
 */
export async function serializeOn(trx: AnyDb, keys: readonly string[]): Promise<void> {
  if (dialectOf(trx) !== "postgres") return;
  for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** The values of a group joined by `separator` (SQLite's group_concat, PostgreSQL's string_agg). */
export function joinedText(db: AnyDb, value: Expression<string>, separator: string): RawBuilder<string> {
  return dialectOf(db) === "postgres" ? sql<string>`string_agg(${value}, ${separator})` : sql<string>`group_concat(${value}, ${separator})`;
}
