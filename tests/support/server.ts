// Starts the production build on a random loopback port with its own database file, the way
// `npm start` runs it. Used by the end-to-end tests (the benchmark has its own, bench/lib/processes.ts).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase, type Connection } from "#db/connection.ts";

export interface TestServer {
  url: string;
  dbFile: string;
  db: Connection["db"];
  output: () => string;
  /** Stops the server; `keepDatabase` leaves the file for another server to open. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface ServerOptions {
  env?: Record<string, string>;
  /** Fill the database before the server opens it. */
  seed?: (db: Connection["db"]) => Promise<void>;
  /** Serve an existing database (left in place on stop) instead of a fresh one. */
  dbFile?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = options.dbFile ? null : fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-e2e-"));
  const dbFile = options.dbFile ?? path.join(dir as string, "e2e.sqlite");
  const connection = openDatabase(dbFile);
  await migrateToLatest(connection.db);
  await options.seed?.(connection.db);

  const app = await spawnApp(dbFile, options.env);
  return {
    url: app.url,
    dbFile,
    db: connection.db,
    output: app.output,
    async stop({ keepDatabase = false } = {}) {
      if (app.child.exitCode === null) {
        app.child.kill("SIGTERM");
        await app.exited;
      }
      await connection.close();
      if (dir && !keepDatabase) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AppChild {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<void>;
}

/**
 * The production build (`build/start.js`) in a child process on a random loopback port, serving
 * `dbFile`, once it says it is listening. A server that does not start in 30 s is killed.
 */
export async function spawnApp(dbFile: string, env: Record<string, string> = {}): Promise<AppChild> {
  const root = path.resolve(import.meta.dirname, "../..");
  if (!fs.existsSync(path.join(root, "build/start.js"))) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  let output = "";
  const child = spawn(process.execPath, ["build/start.js"], {
    cwd: root,
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
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
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
  return { child, url, output: () => output, exited };
}
