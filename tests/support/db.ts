// A fresh, migrated database per test. SQLite (the default): the migrated base file is built once
// per process and copied. PostgreSQL (DESKCOACH_TEST_DB=postgres): a database copied from the
// template tests/support/global-setup.ts migrated, dropped after the test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, inject } from "vitest";
import { openDatabase, openPostgres, sqliteOf, type Connection, type DB } from "#db/connection.ts";
import type { DialectName } from "#db/dialect.ts";
import { createDatabase, databaseUrl, dropDatabase } from "./postgres.ts";
import { writeMigratedBase } from "./sqlite-base.ts";

/** The database the unit tests run on. */
export const testDialect: DialectName = process.env.DESKCOACH_TEST_DB === "postgres" ? "postgres" : "sqlite";

let base: string | null = null;
const dirs: string[] = [];

export function tempDir(prefix = "deskcoach-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function migratedBase(): Promise<string> {
  if (base) return base;
  // Made once for the whole run by the global setup, which removes it at the end. Test workers
  // are threads that never see a process "exit", so a base of their own would be left behind.
  const shared = inject("sqliteBase");
  if (shared) return (base = shared);
  // Without the global setup (the durability config): one per process, gone when it ends.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-base-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  base = await writeMigratedBase(dir);
  return base;
}

// PostgreSQL: one client per test process creates and drops each test's database.
const urls = new WeakMap<DB, string>();
let admin: Promise<pg.Client> | null = null;
let databaseCount = 0;

async function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: postgresServer().url });
    await client.connect();
    return client;
  })();
  return admin;
}

function postgresServer(): { url: string; template: string } {
  const url = inject("postgresUrl");
  const template = inject("postgresTemplate");
  if (!url || !template) throw new Error("DESKCOACH_TEST_DB=postgres, but vitest's global setup (tests/support/global-setup.ts) made no database");
  return { url, template };
}

async function createPostgresTestDb(): Promise<Connection> {
  const { url, template } = postgresServer();
  const name = `deskcoach_test_${process.pid}_${++databaseCount}`;
  const client = await adminClient();
  await createDatabase(client, name, template);
  const connection = openPostgres(databaseUrl(url, name));
  urls.set(connection.db, databaseUrl(url, name));
  return {
    ...connection,
    close: async () => {
      await connection.close();
      await dropDatabase(client, name);
    },
  };
}

export async function createTestDb(): Promise<Connection> {
  if (testDialect === "postgres") return createPostgresTestDb();
  const file = path.join(tempDir(), "test.sqlite");
  fs.copyFileSync(await migratedBase(), file);
  return openDatabase(file);
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The database of the test that is running; read it inside tests and hooks, never at load time. */
export interface TestDb {
  readonly connection: Connection;
  readonly db: DB;
  /** The database's file, for tests that copy, back up or reopen it (SQLite only). */
  readonly file: string;
  /** The better-sqlite3 handle, for tests of what only SQLite has. */
  readonly sqlite: ReturnType<typeof sqliteOf>;
  /** A second connection to the same database, as another app process would have (the caller closes it). */
  openAnother(): Connection;
}

/**
 * Gives every test of the calling file (or `describe` block) a fresh, migrated database of its
 * own: opened before each test, closed and deleted after it, with any `tempDir()` of the test.
 * Hooks the caller registers afterwards run with the database already open.
 */
export function setupTestDb(): TestDb {
  let current: Connection | null = null;
  beforeEach(async () => {
    current = await createTestDb();
  });
  afterEach(async () => {
    // Closing twice is harmless, so a test may close the database itself (to restore over it).
    await current?.close();
    current = null;
    removeTempDirs();
  });
  const open = (): Connection => {
    if (!current) throw new Error("setupTestDb: the database exists only while a test runs");
    return current;
  };
  return {
    get connection() {
      return open();
    },
    get db() {
      return open().db;
    },
    get file() {
      const connection = open();
      if (connection.dialect !== "sqlite") throw new Error("This test needs a SQLite file");
      return connection.file;
    },
    get sqlite() {
      return sqliteOf(open());
    },
    openAnother() {
      const connection = open();
      if (connection.dialect === "sqlite") return openDatabase(connection.file);
      const url = urls.get(connection.db);
      if (!url) throw new Error("openAnother: no address for this database");
      return openPostgres(url);
    },
  };
}
