// A throwaway PostgreSQL for tests, when none is given in TEST_DATABASE_URL: a new cluster in a
// temporary folder (initdb), started on a free port on 127.0.0.1 (pg_ctl), with a role that may
// create databases but is not a superuser, as the app's role would be. Stopped and deleted after.
//
// initdb and postgres refuse to run as root. Run as root (as CI is), both run as the `postgres`
// system user (Debian's postgresql package creates it) through `runuser`, and the folder is
// handed to that user; run as anyone else, they run as that user. The binaries are found on PATH,
// else in /usr/lib/postgresql/<version>/bin (where Debian puts them, off PATH).
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateToLatest, openPostgres } from "#db/connection.ts";

export interface ThrowawayCluster {
  /** Connects as the test role to its own database; the role may CREATE DATABASE. */
  url: string;
  /**
   * `pg_ctl restart -m immediate`: the server stops as in a crash (every connection cut, no
   * checkpoint) and comes back through crash recovery, on the same port and folder. The cluster
   * runs with fsync off, which loses nothing here: the operating system keeps the files the
   * server wrote, and only a power cut or a kernel crash would drop them.
   */
  restart(): Promise<void>;
  /** `pg_ctl stop -m immediate`, keeping the folder: the server is down until `start()`. */
  halt(): Promise<void>;
  /** Starts a halted server again (crash recovery first). */
  start(): Promise<void>;
  /** The server's own process (the postmaster), whose children are its connections; null once stopped. */
  pid(): number | null;
  /** Stops the server and deletes its folder. */
  stop(): void;
}

/** The role and database the tests use, in a cluster made here. */
const ROLE = "deskcoach";

function binDir(): string {
  const onPath = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return path.dirname(fs.realpathSync(onPath));
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, "bin", "pg_ctl"))) return path.join(root, v, "bin");
  throw new Error("No PostgreSQL found: install it (apt-get install -y postgresql) or set TEST_DATABASE_URL");
}

function asClusterUser(): { user: string | null; wrap: (cmd: string, args: string[]) => [string, string[]] } {
  if (process.getuid?.() !== 0) return { user: null, wrap: (cmd, args) => [cmd, args] };
  const known = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  if (known.status !== 0) throw new Error("Running as root, PostgreSQL needs an unprivileged user to run as, and there is no `postgres` user");
  return { user: "postgres", wrap: (cmd, args) => ["runuser", ["-u", "postgres", "--", cmd, ...args]] };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ClusterOptions {
  /**
   * Commits wait until their WAL is handed to the operating system (synchronous_commit=on), as
   * on a real server. Off by default, for speed; a test that crashes the server (`restart`,
   * `halt`) and counts on acknowledged commits must turn it on: with it off, a commit is
   * acknowledged before its WAL leaves the server's memory, and an immediate stop loses it.
   */
  durableCommits?: boolean;
  /**
   * Durable like a real server (fsync, synchronous_commit and full_page_writes on, PostgreSQL's
   * defaults): for the benchmark, whose commits are compared with SQLite's synchronous=FULL.
   */
  durable?: boolean;
}

export async function startThrowawayCluster(clusterOptions: ClusterOptions = {}): Promise<ThrowawayCluster> {
  const bin = binDir();
  const { user, wrap } = asClusterUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-pg-"));
  const data = path.join(dir, "data");
  if (user) execFileSync("chown", [user, dir]);
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = wrap(path.join(bin, cmd), args);
    execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  };
  // A UTF-8 ctype, so that lower() folds every letter (Í, Ñ), not only A–Z: the name search relies on it.
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  // Durability settings are off unless asked for: the cluster is thrown away, and speed is all a
  // test needs of it. fsync and full-page writes guard against a power cut or a kernel crash
  // only, which no test makes; synchronous_commit also guards against the server's own crash
  // (see durableCommits).
  const synchronousCommit = clusterOptions.durable || clusterOptions.durableCommits ? "on" : "off";
  const disk = clusterOptions.durable ? "on" : "off";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${disk} -c synchronous_commit=${synchronousCommit} -c full_page_writes=${disk} -c max_connections=200`;
  const startArgs = ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "60", "-o", options];
  run("pg_ctl", [...startArgs, "start"]);
  // These three leave the event loop free, so that a test's requests go on while the server stops.
  const runAsync = async (cmd: string, args: string[]) => {
    const [file, argv] = wrap(path.join(bin, cmd), args);
    await promisify(execFile)(file, argv, { cwd: dir });
  };
  const start = () => runAsync("pg_ctl", [...startArgs, "start"]);
  const halt = () => runAsync("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  const restart = () => runAsync("pg_ctl", [...startArgs, "-m", "immediate", "restart"]);
  const stop = () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await admin.connect();
    try {
      await admin.query(`create role ${ROLE} login createdb`);
      await admin.query(`create database ${ROLE} owner ${ROLE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    stop();
    throw error;
  }
  const pid = () => {
    try {
      return Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]) || null;
    } catch {
      return null;
    }
  };
  return { url: `postgres://${ROLE}@127.0.0.1:${port}/${ROLE}`, restart, halt, start, pid, stop };
}

/** `url` with its database replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Runs `fn` on a client connected to the database `url` names (the one the role may create databases from). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database `name` on the server `url` names and runs every migration in it: the template tests copy. */
export async function createMigratedTemplate(url: string, name: string): Promise<void> {
  await withClient(url, (client) => createDatabase(client, name));
  const connection = openPostgres(databaseUrl(url, name));
  try {
    await migrateToLatest(connection.db);
  } finally {
    await connection.close();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function createDatabase(client: pg.Client, name: string, template?: string): Promise<void> {
  await client.query(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ""}`);
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  // Not WITH (FORCE): that must terminate every other session first, and an autovacuum worker
  // (busy after a big insert) is not the test role's to terminate. A plain DROP asks autovacuum
  // to stop, and waits up to 5 s for the test's own closing connections to go; one still open
  // then (a connection a test forgot) makes it fail, which is worth knowing.
  await client.query(`drop database if exists ${quoteIdent(name)}`);
}
