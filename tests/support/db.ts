// A fresh, migrated SQLite file per test: the migrated base is built once per process and copied.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase, type Connection } from "#db/connection.ts";

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
