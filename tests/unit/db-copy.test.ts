// db:copy moves a practice between SQLite and PostgreSQL (db/copy.ts). These tests need a
// PostgreSQL server whichever database the suite runs on: the one the global setup gave
// (DESKCOACH_TEST_DB=postgres), or else a throwaway cluster started here and removed after.
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recordAudit } from "#app/models/audit.server.ts";
import { migrateToLatest, openDatabase, openPostgres, sqliteOf, type Connection } from "#db/connection.ts";
import { copyDatabase, openForReading, practiceTables, tableChecksums, tablesWithPracticeData, type TableSum } from "#db/copy.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";
import { ALL_BYTES, seedFullPractice } from "#tests/support/full-practice.ts";
import { createDatabase, databaseUrl, dropDatabase, startThrowawayCluster, withClient, type ThrowawayCluster } from "#tests/support/postgres.ts";

let serverUrl: string;
let cluster: ThrowawayCluster | null = null;
let sourceFile: string;
let dir: string;
const databases: string[] = [];

async function emptyPostgres(): Promise<string> {
  const name = `deskcoach_copy_${process.pid}_${databases.length + 1}`;
  await withClient(serverUrl, (client) => createDatabase(client, name));
  databases.push(name);
  return databaseUrl(serverUrl, name);
}

async function checksumsOf(url: string): Promise<Map<string, TableSum>> {
  const connection = openForReading(url);
  try {
    return await tableChecksums(connection.db, await practiceTables(connection.db));
  } finally {
    await connection.close();
  }
}

async function withDb<T>(url: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = url.startsWith("file:") ? openDatabase(url.slice(5)) : openPostgres(url);
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  const provided = inject("postgresUrl");
  if (provided) serverUrl = provided;
  else {
    cluster = await startThrowawayCluster();
    serverUrl = cluster.url;
  }
  dir = tempDir("deskcoach-copy-");
  sourceFile = path.join(dir, "source.sqlite");
  const source = openDatabase(sourceFile);
  try {
    await migrateToLatest(source.db);
    await seedFullPractice(source.db);
    sqliteOf(source).pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    await source.close();
  }
}, 120_000);

afterAll(async () => {
  try {
    if (serverUrl) await withClient(serverUrl, async (client) => {
      for (const name of databases) await dropDatabase(client, name);
    });
  } finally {
    cluster?.stop();
    removeTempDirs();
  }
}, 60_000);

describe("db:copy", () => {
  it("copies a practice from SQLite to PostgreSQL and back, every table the same to the byte", async () => {
    const before = await checksumsOf(`file:${sourceFile}`);
    // A practice with rows in every table, not an empty comparison.
    expect([...before].filter(([, sum]) => sum.rows === 0).map(([name]) => name)).toEqual([]);
    expect(before.size).toBeGreaterThanOrEqual(32);

    const postgres = await emptyPostgres();
    const there = await copyDatabase(`file:${sourceFile}`, postgres);
    expect(there.ok).toBe(true);
    expect(there.tables.map((t) => t.name).sort()).toEqual([...before.keys()].sort());

    const back = path.join(tempDir(), "back", "practice.sqlite");
    const again = await copyDatabase(postgres, `file:${back}`);
    expect(again.ok).toBe(true);

    expect(await checksumsOf(postgres)).toEqual(before);
    expect(await checksumsOf(`file:${back}`)).toEqual(before);

    // What the values mean on PostgreSQL: cents as numbers, times as the same text, pictures byte for byte.
    await withDb(postgres, async ({ db }) => {
      const image = await db.selectFrom("studio_image").select("bytes").executeTakeFirstOrThrow();
      expect(Buffer.compare(Buffer.from(image.bytes), ALL_BYTES)).toBe(0);
      const expense = await db.selectFrom("expense").select(["amount_cents", "created_at"]).orderBy("id").executeTakeFirstOrThrow();
      expect(expense.amount_cents).toBe(960_00);
      expect(expense.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const names = await db.selectFrom("user").select("name").execute();
      expect(names.map((n) => n.name)).toContain("José Núñez-Ødegård 😀");
    });
    const copied = new SQLite(back, { readonly: true });
    try {
      expect(Buffer.compare(copied.prepare("select bytes from studio_image").pluck().get() as Buffer, ALL_BYTES)).toBe(0);
      expect(copied.pragma("foreign_key_check")).toEqual([]);
    } finally {
      copied.close();
    }
  });

  it("refuses a target that holds a practice, and leaves it as it was", async () => {
    const postgres = await emptyPostgres();
    expect((await copyDatabase(`file:${sourceFile}`, postgres)).ok).toBe(true);
    await withDb(postgres, (c) => c.db.insertInto("location").values({ name: "Added after the copy" }).execute().then(() => undefined));
    const held = await checksumsOf(postgres);

    await expect(copyDatabase(`file:${sourceFile}`, postgres)).rejects.toThrow(/is not empty .*changed nothing/);
    expect(await checksumsOf(postgres)).toEqual(held);

    // A SQLite target likewise, and the same database on both sides.
    const other = path.join(tempDir(), "other.sqlite");
    await copyDatabase(postgres, `file:${other}`);
    const otherHeld = await checksumsOf(`file:${other}`);
    await expect(copyDatabase(postgres, `file:${other}`)).rejects.toThrow(/is not empty/);
    expect(await checksumsOf(`file:${other}`)).toEqual(otherHeld);
    await expect(copyDatabase(`file:${sourceFile}`, `file:${sourceFile}`)).rejects.toThrow(/the same database/);
  });

  it("refuses a source that is not at the latest migration, and writes nothing to it", async () => {
    const behind = path.join(tempDir(), "behind.sqlite");
    fs.copyFileSync(sourceFile, behind);
    const db = new SQLite(behind);
    db.prepare("delete from kysely_migration where name = (select max(name) from kysely_migration)").run();
    db.close();
    const bytes = fs.readFileSync(behind);
    await expect(copyDatabase(`file:${behind}`, `file:${path.join(tempDir(), "new.sqlite")}`)).rejects.toThrow(/run npm run db:migrate against the source first/);
    expect(Buffer.compare(fs.readFileSync(behind), bytes)).toBe(0);
  });

  it("leaves the target empty when the copy fails midway", async () => {
    // PostgreSQL refuses text holding a NUL character, which SQLite keeps: a real failure, late in the copy.
    const broken = path.join(tempDir(), "broken.sqlite");
    fs.copyFileSync(sourceFile, broken);
    const db = new SQLite(broken);
    db.prepare("update sign_in_block set address = ?").run("203.0.113.9\u0000");
    db.close();
    const order = await withDb(`file:${broken}`, async (c) => (await practiceTables(c.db)).map((t) => t.name));
    expect(order.indexOf("sign_in_block")).toBeGreaterThan(order.length / 2);

    const postgres = await emptyPostgres();
    await expect(copyDatabase(`file:${broken}`, postgres)).rejects.toThrow(/Copying sign_in_block failed/);
    await withDb(postgres, async ({ db: target }) => {
      expect(await tablesWithPracticeData(target)).toEqual([]);
      expect(await target.selectFrom("user").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).toEqual({ n: 0 });
    });
    // And the empty database then takes a good copy.
    expect((await copyDatabase(`file:${sourceFile}`, postgres)).ok).toBe(true);

  });

  it("gives new rows fresh ids on PostgreSQL after the copy, and keeps the audit log append-only", async () => {
    const postgres = await emptyPostgres();
    await copyDatabase(`file:${sourceFile}`, postgres);
    await withDb(postgres, async ({ db }) => {
      const maxLocation = (await db.selectFrom("location").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow()).id as number;
      const row = await db.insertInto("location").values({ name: "Lakeside" }).returning("id").executeTakeFirstOrThrow();
      expect(row.id).toBe(maxLocation + 1);
      const maxAudit = (await db.selectFrom("audit_event").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow()).id as number;
      await recordAudit(db, { actorId: null, action: "test.after-copy", subject: null, at: new Date() });
      const last = await db.selectFrom("audit_event").select(["id", "action"]).orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(last).toEqual({ id: maxAudit + 1, action: "test.after-copy" });
      await expect(sql`update ${sql.table("audit_event")} set action = 'rewritten'`.execute(db)).rejects.toThrow(/permission denied|append-only/);
    });
  });
});
