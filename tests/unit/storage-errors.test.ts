// Which errors mean "the database cannot take this just now" (answered 503, try again) rather than
// a fault of the request or of our code (400s, 500). The errors are real ones where they can be
// had: a SQLite file that may not grow, and a PostgreSQL server of this file's own that is
// stopped under a query, refused, and out of connections. The PostgreSQL part needs its binaries
// and runs with DESKCOACH_TEST_DB=postgres (as CI's second unit run does); it is skipped, saying
// so, otherwise.
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase, openPostgres, type PostgresConnection } from "#db/connection.ts";
import { storageFailureOf } from "#db/storage-errors.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";
import { createDatabase, databaseUrl, dropDatabase, startThrowawayCluster, withClient, type ThrowawayCluster } from "#tests/support/postgres.ts";

/** The error `work` fails with; a test that expected a failure fails if there is none. */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, and it succeeded");
}

describe("storage failures on SQLite", () => {
  afterAll(() => removeTempDirs());

  it("a file that cannot grow is 'full' (SQLITE_FULL); a broken constraint or a bad query is no storage failure", async () => {
    const connection = openDatabase(path.join(tempDir(), "small.sqlite"));
    try {
      await migrateToLatest(connection.db);
      const pages = connection.sqlite.pragma("page_count", { simple: true }) as number;
      connection.sqlite.pragma(`max_page_count = ${pages}`);
      const full = await failureOf(() =>
        sql`insert into ${sql.table("location")} (name) select 'Office ' || value from json_each(${JSON.stringify(Array.from({ length: 5000 }, (_, i) => i))})`.execute(
          connection.db,
        ),
      );
      expect((full as { code?: string }).code).toBe("SQLITE_FULL");
      expect(storageFailureOf(full)).toBe("full");
      expect(storageFailureOf(new Error("a wrapper", { cause: full }))).toBe("full");

      connection.sqlite.pragma(`max_page_count = ${pages * 100}`);
      await sql`insert into ${sql.table("location")} (name) values ('Maple')`.execute(connection.db);
      const duplicate = await failureOf(() => sql`insert into ${sql.table("location")} (name) values ('Maple')`.execute(connection.db));
      expect((duplicate as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
      expect(storageFailureOf(duplicate)).toBeNull();
      expect(storageFailureOf(await failureOf(() => sql`select nothing from nowhere`.execute(connection.db)))).toBeNull();
    } finally {
      await connection.close();
    }
  });

  it("what is not an error, or not about storage, is none", () => {
    expect(storageFailureOf(new Error("Something else"))).toBeNull();
    expect(storageFailureOf(new Response("Not found", { status: 404 }))).toBeNull();
    expect(storageFailureOf("ECONNREFUSED")).toBeNull();
    expect(storageFailureOf(null)).toBeNull();
  });
});

const onPostgres = process.env.DESKCOACH_TEST_DB === "postgres";
const title = onPostgres
  ? "storage failures on PostgreSQL"
  : "storage failures on PostgreSQL (skipped: run with DESKCOACH_TEST_DB=postgres, which needs PostgreSQL's binaries)";

describe.skipIf(!onPostgres)(title, () => {
  // A server of our own, since it is stopped here: the suite's shared one must stay up.
  let cluster: ThrowawayCluster;
  let connection: PostgresConnection;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    connection = openPostgres(cluster.url);
  }, 60_000);

  afterAll(async () => {
    await connection?.close();
    cluster?.stop();
  });

  it("the server stopping under a query, a transaction, and then refusing connections: 'unreachable'", async () => {
    await sql`select 1`.execute(connection.db);
    const inQuery = failureOf(() => sql`select pg_sleep(30)`.execute(connection.db));
    const inTransaction = failureOf(() => connection.db.transaction().execute((trx) => sql`select pg_sleep(30)`.execute(trx)));
    // Both queries are running on the server before it stops.
    await withClient(cluster.url, async (client) => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'");
        if (Number(rows[0]?.n) >= 2) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error("the two queries did not start");
    });
    await cluster.halt();
    try {
      const queryCutOff = await inQuery;
      expect((queryCutOff as Error).message).toBe("Connection terminated unexpectedly");
      expect(storageFailureOf(queryCutOff)).toBe("unreachable");
      // Kysely's ROLLBACK on the dead connection fails in its turn, and that is what is thrown.
      const transactionCutOff = await inTransaction;
      expect(storageFailureOf(transactionCutOff), String(transactionCutOff)).toBe("unreachable");

      const refused = await failureOf(() => sql`select 1`.execute(connection.db));
      expect((refused as { code?: string }).code).toBe("ECONNREFUSED");
      expect(storageFailureOf(refused)).toBe("unreachable");
    } finally {
      await cluster.start();
    }
    // The same pool hands out working connections once the server is back.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(connection.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("a connection ended by the server (57P01) and a database out of connections (53300): 'unreachable'", async () => {
    const victim = new pg.Client({ connectionString: cluster.url });
    await victim.connect();
    victim.on("error", () => {});
    const pid = (await victim.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]?.pid;
    const sleeping = failureOf(() => victim.query("select pg_sleep(30)"));
    await withClient(cluster.url, async (client) => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await client.query("select 1 from pg_stat_activity where pid = $1 and state = 'active'", [pid]);
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await client.query("select pg_terminate_backend($1)", [pid]);
    });
    const terminated = await sleeping;
    expect((terminated as { code?: string }).code).toBe("57P01");
    expect(storageFailureOf(terminated)).toBe("unreachable");
    await victim.end().catch(() => {});

    const database = `deskcoach_limit_${process.pid}`;
    await withClient(cluster.url, (client) => createDatabase(client, database));
    try {
      await withClient(cluster.url, (client) => client.query(`alter database ${database} connection limit 1`));
      const url = databaseUrl(cluster.url, database);
      const tooMany = await withClient(url, () => failureOf(() => withClient(url, async () => {})));
      expect((tooMany as { code?: string }).code).toBe("53300");
      expect(storageFailureOf(tooMany)).toBe("unreachable");
    } finally {
      await withClient(cluster.url, (client) => dropDatabase(client, database));
    }
  });

  it("the server's other shutdown and connection codes are 'unreachable'; its disk full is 'full'; a request's fault is none", async () => {
    // Codes no test can make the server send on cue (a crash, a start-up in progress, a broken
    // protocol), as node-postgres hands them over: its DatabaseError with the SQLSTATE.
    const serverSays = (code: string) => Object.assign(new pg.DatabaseError("from the server", 0, "error"), { code });
    for (const code of ["57P02", "57P03", "08000", "08003", "08006", "08P01"]) expect(storageFailureOf(serverSays(code)), code).toBe("unreachable");
    for (const code of ["53100", "58030"]) expect(storageFailureOf(serverSays(code)), code).toBe("full");
    for (const code of ["57014", "40001", "40P01", "53200"]) expect(storageFailureOf(serverSays(code)), code).toBeNull();

    const unique = await failureOf(() =>
      connection.db.transaction().execute(async (trx) => {
        await sql`create temporary table t (id int primary key) on commit drop`.execute(trx);
        await sql`insert into t values (1), (1)`.execute(trx);
      }),
    );
    expect((unique as { code?: string }).code).toBe("23505");
    expect(storageFailureOf(unique)).toBeNull();
    const syntax = await failureOf(() => sql`select from from`.execute(connection.db));
    expect((syntax as { code?: string }).code).toBe("42601");
    expect(storageFailureOf(syntax)).toBeNull();
  });
});
