// Starts the production build on a random loopback port with its own database, the way
// `npm start` runs it. Used by the end-to-end tests (the benchmark has its own, bench/lib/processes.ts).
//
// The database is a SQLite file by default. With DESKCOACH_TEST_DB=postgres, each server gets a
// PostgreSQL database of its own, copied from the migrated template the end-to-end global setup
// made (tests/support/e2e-global-setup.ts). With DESKCOACH_E2E_APPS=2 as well, two app processes
// serve that database behind HAProxy (deploy/haproxy.cfg), and the tests talk to HAProxy.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openConnection, type Connection } from "#db/connection.ts";
import { startLoadBalancer } from "./haproxy.ts";
import { createDatabase, databaseUrl as withDatabase, dropDatabase, withClient } from "./postgres.ts";

export interface TestServer {
  url: string;
  /** The DATABASE_URL the server runs on: file:… or postgres://… */
  databaseUrl: string;
  /** SQLite only: the database file (a test that needs it runs on SQLite alone). */
  dbFile: string;
  db: Connection["db"];
  output: () => string;
  /** Stops the server; `keepDatabase` leaves the database for another server to open. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface ServerOptions {
  env?: Record<string, string>;
  /** Fill the database before the server opens it. */
  seed?: (db: Connection["db"]) => Promise<void>;
  /** Serve an existing database (a stopped server's `databaseUrl`, left in place on stop) instead of a fresh one. */
  database?: string;
  /** Serve an existing SQLite file (left in place on stop). */
  dbFile?: string;
}

/** The PostgreSQL server and template the end-to-end global setup made, when the tests run on PostgreSQL. */
function postgresForTests(): { url: string; template: string } | null {
  if (process.env.DESKCOACH_TEST_DB !== "postgres") return null;
  const url = process.env.DESKCOACH_E2E_POSTGRES_URL;
  const template = process.env.DESKCOACH_E2E_POSTGRES_TEMPLATE;
  if (!url || !template) throw new Error("DESKCOACH_TEST_DB=postgres, but the global setup (tests/support/e2e-global-setup.ts) made no database");
  return { url, template };
}

let databases = 0;

/** A fresh migrated database: a copy of the template on PostgreSQL, a new file on SQLite. */
async function freshDatabase(): Promise<{ url: string; remove: () => Promise<void> }> {
  const postgres = postgresForTests();
  if (postgres) {
    const name = `deskcoach_e2e_${process.pid}_${++databases}`;
    await withClient(postgres.url, (client) => createDatabase(client, name, postgres.template));
    return { url: withDatabase(postgres.url, name), remove: () => withClient(postgres.url, (client) => dropDatabase(client, name)) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-e2e-"));
  return { url: `file:${path.join(dir, "e2e.sqlite")}`, remove: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Databases a stopped server kept for the next (`keepDatabase`), with how to remove them. */
const handedOver = new Map<string, () => Promise<void>>();

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const reused = options.database ?? (options.dbFile ? `file:${options.dbFile}` : null);
  // A database handed over by a stopped server is this server's to remove; a file named by the test is the test's.
  const fresh = reused ? (handedOver.has(reused) ? { url: reused, remove: handedOver.get(reused)! } : null) : await freshDatabase();
  if (reused) handedOver.delete(reused);
  const databaseUrl = reused ?? (fresh as { url: string }).url;
  const connection = openConnection(databaseUrl);
  await migrateToLatest(connection.db);
  await options.seed?.(connection.db);

  const processes = process.env.DESKCOACH_E2E_APPS === "2" ? 2 : 1;
  const env = { ...(processes === 2 ? { TRUST_PROXY: "1" } : {}), ...options.env, DATABASE_URL: databaseUrl };
  const apps: AppChild[] = [];
  let balancer: Awaited<ReturnType<typeof startLoadBalancer>> | null = null;
  try {
    for (let i = 0; i < processes; i++) apps.push(await spawnApp("", env));
    if (processes === 2) balancer = await startLoadBalancer([apps[0]!.url, apps[1]!.url]);
  } catch (error) {
    for (const app of apps) app.child.kill("SIGKILL");
    await connection.close();
    await fresh?.remove();
    throw error;
  }
  return {
    url: balancer?.url ?? apps[0]!.url,
    databaseUrl,
    get dbFile(): string {
      if (connection.dialect !== "sqlite") throw new Error("This test reads the SQLite file, and runs on SQLite only");
      return connection.file;
    },
    db: connection.db,
    output: () => apps.map((app) => app.output()).join("\n"),
    async stop({ keepDatabase = false } = {}) {
      await balancer?.stop();
      for (const app of apps) {
        if (app.child.exitCode === null) {
          app.child.kill("SIGTERM");
          await app.exited;
        }
      }
      await connection.close();
      if (!fresh) return;
      if (keepDatabase) handedOver.set(databaseUrl, fresh.remove);
      else await fresh.remove();
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
 * `dbFile` (or the DATABASE_URL in `env`), once it says it is listening. A server that does not
 * start in 30 s is killed.
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
