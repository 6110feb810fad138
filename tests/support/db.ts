// A fresh, migrated SQLite file per test: the migrated base is built once per process and copied.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { migrateToLatest, openDatabase, type Connection, type DB } from "#db/connection.ts";

let base: string | null = null;
const dirs: string[] = [];

export function tempDir(prefix = "deskcoach-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function migratedBase(): Promise<string> {
  if (base) return base;
  // Not in `dirs`: the base outlives each test's clean-up and goes when the process does.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-base-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "base.sqlite");
  const connection = openDatabase(file);
  await migrateToLatest(connection.db);
  // Fold the WAL into the main file so a plain copy carries everything.
  connection.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await connection.close();
  base = file;
  return file;
}

export async function createTestDb(): Promise<Connection> {
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
  /** The database's file, for tests that copy, back up or reopen it. */
  readonly file: string;
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
      return open().file;
    },
  };
}
