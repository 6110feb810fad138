// The production build as a child process whose pid the durability rounds can reach: they
// `kill -9` it mid-write and start another on the same database file. Modelled on
// tests/support/server.ts, which hides its child process. Every child started here is killed
// when the test process ends, however it ends, so a failed round leaves no server behind.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { migrateToLatest, openDatabase, type DB } from "#db/connection.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

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

export async function startApp(dbFile: string, env: Record<string, string> = {}): Promise<AppProcess> {
  if (!fs.existsSync(path.join(ROOT, "build/start.js"))) {
    throw new Error("No production build: run `npm run build` first.");
  }
  let output = "";
  const child = spawn(process.execPath, ["build/start.js"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: `file:${dbFile}`,
      LOG_REQUESTS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      live.delete(child);
      resolve();
    }),
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The server did not start in time:\n${output}`));
    }, 30_000);
    child.stdout?.on("data", () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${child.exitCode ?? child.signalCode}:\n${output}`));
    });
  });

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    pid: child.pid as number,
    output: () => output,
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
