// The production build as a child process whose pid the durability rounds can reach: they
// `kill -9` it mid-write and start another on the same database file (tests/support/server.ts
// starts it; its own TestServer hides the process). Every child started here is killed
// when the test process ends, however it ends, so a failed round leaves no server behind.
import type { ChildProcess } from "node:child_process";
import { migrateToLatest, openConnection, openDatabase, type DB } from "#db/connection.ts";
import { spawnApp } from "#tests/support/server.ts";

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export interface AppProcess {
  url: string;
  pid: number;
  output: () => string;
  /** SIGKILL: no shutdown code runs, as in a crash or a power cut of the process. */
  kill9(): Promise<void>;
  /** SIGTERM, the way a deployment stops it. */
  stop(): Promise<void>;
  /** Whether the process is still running (a crash on a full disk would end it). */
  running(): boolean;
}

/** Migrates and fills a database file before any server opens it. */
export async function prepareDatabase(dbFile: string, seed?: (db: DB) => Promise<void>): Promise<void> {
  const connection = openDatabase(dbFile);
  try {
    await migrateToLatest(connection.db);
    await seed?.(connection.db);
  } finally {
    await connection.close();
  }
}

/** The same for a PostgreSQL database (`postgres://…`), before any server opens it. */
export async function preparePostgres(url: string, seed?: (db: DB) => Promise<void>): Promise<void> {
  const connection = openConnection(url);
  try {
    await migrateToLatest(connection.db);
    await seed?.(connection.db);
  } finally {
    await connection.close();
  }
}

export async function startApp(dbFile: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const { child, url, output, exited } = await spawnApp(dbFile, env);
  live.add(child);
  void exited.then(() => live.delete(child));

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    pid: child.pid as number,
    output,
    kill9: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

/** Kills every server still running (a failed test's cleanup). */
export async function killAllApps(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
