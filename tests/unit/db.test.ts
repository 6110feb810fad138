import path from "node:path";
import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { databaseFileFromUrl, dialectOfUrl, migrateToLatest, openConnection, openDatabase, verifyPragmas, withStatementCache } from "#db/connection.ts";
import { migrations } from "#db/migrations/index.ts";
import { setupTestDb, tempDir, testDialect } from "#tests/support/db.ts";

describe("database", () => {
  const testDb = setupTestDb();

  it("migrates an empty file to the latest schema, creating its folder", async () => {
    const file = path.join(tempDir(), "nested", "folder", "fresh.sqlite");
    const connection = openDatabase(file);
    const applied = await migrateToLatest(connection.db);
    expect(applied).toEqual(Object.keys(migrations));
    const tables = connection.sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'kysely%' and name not like 'sqlite%'")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(["user", "session", "lesson", "quiz_attempt", "completion", "audit_event", "practice"]),
    );
    // A second run has nothing to do.
    expect(await migrateToLatest(connection.db)).toEqual([]);
    await connection.close();
  });

  it.skipIf(testDialect !== "sqlite")("sets WAL, synchronous=FULL, foreign keys and a busy timeout on every connection (SQLite's settings)", async () => {
    const read = (name: string) => testDb.sqlite.pragma(name, { simple: true });
    expect(read("journal_mode")).toBe("wal");
    expect(read("synchronous")).toBe(2);
    expect(read("foreign_keys")).toBe(1);
    expect(Number(read("busy_timeout"))).toBeGreaterThanOrEqual(5000);
  });

  it("refuses a connection whose settings did not take", () => {
    const sqlite = new SQLite(path.join(tempDir(), "weak.sqlite"));
    sqlite.pragma("journal_mode = wal");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    expect(() => verifyPragmas(sqlite)).toThrow(/synchronous is 1/);
    sqlite.close();
    // An in-memory database cannot use WAL, so it is refused too.
    expect(() => openDatabase(":memory:")).toThrow(/journal_mode is memory/);
  });

  it("enforces foreign keys", async () => {
    await expect(
      testDb.db
        .insertInto("session")
        .values({ id: "x", user_id: 999, created_at: "t", expires_at: "t", absolute_expires_at: "t" })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY|foreign key/);
  });

  it("keeps the audit log append-only", async () => {
    await testDb.db
      .insertInto("audit_event")
      .values({ at: new Date().toISOString(), actor_id: null, action: "test", subject: null, details: "{}" })
      .execute();
    // PostgreSQL refuses by privilege first (docs/decisions/0016); tests/unit/schema-parity.test.ts checks its trigger.
    await expect(testDb.db.updateTable("audit_event").set({ action: "changed" }).execute()).rejects.toThrow(/append-only|permission denied/);
    await expect(testDb.db.deleteFrom("audit_event").execute()).rejects.toThrow(/append-only|permission denied/);
  });

  it("opens PostgreSQL from a postgres:// URL, handing node-postgres all of it, sslmode included", async () => {
    expect(dialectOfUrl("postgres://coach@db.internal/deskcoach")).toBe("postgres");
    expect(dialectOfUrl("postgresql://coach@db.internal/deskcoach")).toBe("postgres");
    expect(dialectOfUrl("file:./data/x.sqlite")).toBe("sqlite");
    expect(() => dialectOfUrl("mysql://x")).toThrow(/file:<path> or postgres:/);
    const ssl = async (mode: string) => {
      // Nothing is connected until a query runs; the pool's client reads the URL as it would.
      const connection = openConnection(`postgres://coach@db.invalid:5432/deskcoach?sslmode=${mode}`);
      expect(connection.dialect).toBe("postgres");
      const options = connection.dialect === "postgres" ? connection.pool.options : {};
      const client = new pg.Client(options) as pg.Client & { connectionParameters: { ssl: unknown } };
      await connection.close();
      return client.connectionParameters.ssl;
    };
    expect(await ssl("disable")).toBe(false);
    expect(await ssl("no-verify")).toEqual({ rejectUnauthorized: false });
    expect(await ssl("verify-full")).toEqual({});
  });

  it("reads DATABASE_URL as file:<path> only", () => {
    expect(databaseFileFromUrl("file:./data/x.sqlite")).toBe(path.resolve("data/x.sqlite"));
    expect(() => databaseFileFromUrl("postgres://x")).toThrow(/file:<path>/);
    expect(() => databaseFileFromUrl("file:")).toThrow(/names no file/);
  });

  it("prepares each query once, and never hands out a statement that is still being read", async () => {
    const { db } = testDb;
    await db.insertInto("location").values([{ name: "North" }, { name: "South" }]).execute();
    const names = () => db.selectFrom("location").select("name").orderBy("name").execute();
    expect(await names()).toEqual([{ name: "North" }, { name: "South" }]);
    expect(await names()).toEqual([{ name: "North" }, { name: "South" }]);

    const sqlite = new SQLite(":memory:");
    const cached = withStatementCache(sqlite);
    expect(cached.prepare("select 1")).toBe(cached.prepare("select 1"));
    expect(cached.prepare("select 2")).not.toBe(cached.prepare("select 1"));
    // A statement still being iterated is busy: the same SQL meanwhile gets a statement of its own.
    const rows = cached.prepare("select 1 union all select 2").iterate([]);
    rows.next();
    const meanwhile = cached.prepare("select 1 union all select 2");
    expect(meanwhile.all([])).toHaveLength(2);
    rows.return?.();
    expect(cached.prepare("select 1 union all select 2")).not.toBe(meanwhile);
    cached.close();
  });
});
