// A throwaway PostgreSQL for tests, when none is given in TEST_DATABASE_URL: a new cluster in a
// temporary folder (initdb), started on a free port on 127.0.0.1 (pg_ctl), with a role that may
// create databases but is not a superuser, as the app's role would be. Stopped and deleted after.
//
// initdb and postgres refuse to run as root. Run as root (as CI is), both run as the `postgres`
// system user (Debian's postgresql package creates it) through `runuser`, and the folder is
// handed to that user; run as anyone else, they run as that user. The binaries are found on PATH,
// else in /usr/lib/postgresql/<version>/bin (where Debian puts them, off PATH).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface ThrowawayCluster {
  /** Connects as the test role to its own database; the role may CREATE DATABASE. */
  url: string;
  /** The server's own process (the postmaster), whose children are its connections; null once stopped. */
  pid(): number | null;
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
   * Durable like a real server (fsync, synchronous_commit and full_page_writes on, PostgreSQL's
   * defaults): for the benchmark, whose commits are compared with SQLite's synchronous=FULL.
   * Off by default: the tests throw the cluster away, and speed is all they need of it.
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
  // test needs of it.
  const durability = clusterOptions.durable ? "-c fsync=on -c synchronous_commit=on -c full_page_writes=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${durability} -c max_connections=200`;
  run("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "60", "-o", options, "start"]);
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
  return { url: `postgres://${ROLE}@127.0.0.1:${port}/${ROLE}`, pid, stop };
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
