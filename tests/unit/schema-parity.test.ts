// One migration history, two databases: the same migrations run on SQLite and on PostgreSQL must
// give the same tables, columns, keys and indexes, and the same refusal to change an audit row,
// so that the two cannot drift apart. Needs a PostgreSQL server: TEST_DATABASE_URL, or
// DESKCOACH_TEST_DB=postgres (which starts one); skipped, saying so, without one.
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateToLatest, openDatabase, openPostgres, writeVersion, type Connection, type DB } from "#db/connection.ts";
import { POSTGRES_ONLY_TABLES } from "#db/dialect.ts";
import { postgresColumnTypes, schemaShape } from "#tests/support/schema-shape.ts";
import { createDatabase, databaseUrl, dropDatabase, withClient } from "#tests/support/postgres.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";

const serverUrl = inject("postgresUrl") ?? (process.env.TEST_DATABASE_URL || null);
const title = serverUrl
  ? "one migration history, two databases"
  : "one migration history, two databases (skipped: no PostgreSQL; set TEST_DATABASE_URL, or DESKCOACH_TEST_DB=postgres to start one)";

describe.skipIf(!serverUrl)(title, () => {
  const database = `deskcoach_parity_${process.pid}`;
  let sqlite: Connection;
  let postgres: Connection;

  beforeAll(async () => {
    const url = serverUrl as string;
    await withClient(url, async (client) => {
      await dropDatabase(client, database);
      await createDatabase(client, database);
    });
    sqlite = openDatabase(path.join(tempDir(), "parity.sqlite"));
    postgres = openPostgres(databaseUrl(url, database));
    // From empty, as a new practice's database is made, on each.
    expect(await migrateToLatest(postgres.db)).toEqual(await migrateToLatest(sqlite.db));
  }, 60_000);

  afterAll(async () => {
    await sqlite?.close();
    await postgres?.close();
    if (serverUrl) await withClient(serverUrl, (client) => dropDatabase(client, database));
    removeTempDirs();
  });

  it("gives the same tables, columns, nullability, keys and indexes", async () => {
    const [onSqlite, onPostgres] = await Promise.all([schemaShape(sqlite.db), schemaShape(postgres.db)]);
    // PostgreSQL's write counter and change log are its own (db/dialect.ts); everything else is on both.
    for (const table of POSTGRES_ONLY_TABLES) {
      expect(onPostgres[table]).toBeDefined();
      delete onPostgres[table];
    }
    expect(Object.keys(onPostgres).sort()).toEqual(Object.keys(onSqlite).sort());
    for (const table of Object.keys(onSqlite)) {
      expect({ table, ...onPostgres[table] }).toEqual({ table, ...onSqlite[table] });
    }
    // Not an empty comparison: the audit log and its keys are there.
    expect(onSqlite.audit_event?.foreignKeys).toEqual(["actor_id -> user(id) on delete no action"]);
  });

  it("counts writes to every table on PostgreSQL, once per transaction, as it commits", async () => {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c where c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace
        and c.relname not like 'kysely%' and c.relname <> all(${[...POSTGRES_ONLY_TABLES]})
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = c.relname || '_counts_writes')`.execute(postgres.db);
    expect(rows.map((r) => r.name)).toEqual([]);
    const before = await writeVersion(postgres.db);
    await postgres.db.transaction().execute(async (trx) => {
      await trx.insertInto("location").values([{ name: "North" }, { name: "South" }]).execute();
      await trx.updateTable("location").set({ name: "East" }).where("name", "=", "North").execute();
      // Not yet committed: nobody, this transaction included, sees a new count.
      expect(await writeVersion(trx)).toBe(before);
    });
    expect(await writeVersion(postgres.db)).toBe(Number(before) + 1);
    await postgres.db.selectFrom("location").selectAll().execute();
    expect(await writeVersion(postgres.db)).toBe(Number(before) + 1);
  });

  it("keeps money in 64-bit integers on PostgreSQL, as SQLite's integers are", async () => {
    const types = await postgresColumnTypes(postgres.db);
    const cents = Object.entries(types).flatMap(([table, columns]) =>
      Object.entries(columns)
        .filter(([column]) => column.endsWith("_cents"))
        .map(([column, type]) => `${table}.${column} ${type}`),
    );
    expect(cents.length).toBeGreaterThanOrEqual(5);
    expect(cents.filter((c) => !c.endsWith(" bigint"))).toEqual([]);
  });

  it("reads bigint cents back as exact numbers, and refuses one past 2^53 rather than round it", async () => {
    const { rows } = await sql<{ small: number; sum: number }>`select 9007199254740991::bigint as small, sum(x) as sum from (values (1::bigint), (2::bigint)) as t(x)`.execute(postgres.db);
    expect(rows).toEqual([{ small: 9007199254740991, sum: 3 }]);
    await expect(sql`select 9007199254740993::bigint as big`.execute(postgres.db)).rejects.toThrow(/past 2\^53/);
  });

  describe.each([
    ["SQLite", () => sqlite.db],
    ["PostgreSQL", () => postgres.db],
  ] as const)("the audit log on %s", (_name, database: () => DB) => {
    it("takes new rows, and refuses to change or remove one, even through raw SQL", async () => {
      const db = database();
      await sql`insert into audit_event (at, actor_id, action, subject, details) values (${new Date().toISOString()}, null, 'parity', null, '{}')`.execute(db);
      await expect(sql`update audit_event set action = 'rewritten'`.execute(db)).rejects.toThrow(/append-only|permission denied/);
      await expect(sql`delete from audit_event`.execute(db)).rejects.toThrow(/append-only|permission denied/);
      const { rows } = await sql<{ action: string }>`select action from audit_event`.execute(db);
      expect(rows.map((r) => r.action)).toContain("parity");
    });
  });

  it("on PostgreSQL, refuses by privilege as well as by trigger, TRUNCATE included", async () => {
    const db = postgres.db;
    const { rows } = await sql<{ can_update: boolean; can_delete: boolean; can_truncate: boolean; triggers: number }>`
      select has_table_privilege('audit_event', 'UPDATE') as can_update, has_table_privilege('audit_event', 'DELETE') as can_delete,
        has_table_privilege('audit_event', 'TRUNCATE') as can_truncate,
        (select count(*) from pg_trigger where tgrelid = 'audit_event'::regclass and tgname like 'audit_event_no_%') as triggers`.execute(db);
    const superuser = (await sql<{ s: string }>`select current_setting('is_superuser') as s`.execute(db)).rows[0]?.s === "on";
    // A superuser passes every privilege check; the triggers still stop it.
    if (!superuser) expect(rows[0]).toMatchObject({ can_update: false, can_delete: false, can_truncate: false });
    expect(rows[0]?.triggers).toBe(3);
    await expect(sql`truncate audit_event`.execute(db)).rejects.toThrow(/append-only|permission denied/);
    // The one column left updatable (for foreign-key checks) still meets the trigger.
    await expect(sql`update audit_event set id = id + 1000`.execute(db)).rejects.toThrow(/append-only/);
  });
});
