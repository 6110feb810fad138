// The PostgreSQL side of `BENCH_DB=postgres npm run bench`: a server to measure on (a throwaway
// cluster, durable like a real one, or BENCH_DATABASE_URL), the databases the rows run on, what
// the server's durability settings are, and why two app processes do or do not give 1.5 times
// one's lesson throughput. The rows themselves are measured by bench/run.ts, with the same
// scenarios as the SQLite rows.
import { randomUUID } from "node:crypto";
import { createDatabase, databaseUrl, dropDatabase, startThrowawayCluster, withClient } from "#tests/support/postgres.ts";
import type { ScenarioResult } from "./report.ts";
import { sleep } from "./http.ts";

/** The scenarios measured on PostgreSQL too, in the order they run (the SQLite rows' order). */
export const POSTGRES_SCENARIOS = ["lesson", "progress", "reports", "submit"] as const;

/** Two app processes should answer at least this many times one's lesson requests per second. */
export const SCALING_TARGET = 1.5;

export interface BenchPostgres {
  /** Where it is: "throwaway cluster …" or "BENCH_DATABASE_URL". */
  source: string;
  /** The PostgreSQL server's own process (its connections are its children), when it runs here. */
  pid(): number | null;
  /** A new, empty database (or a copy of `template`), for this run; dropped by `stop`. */
  create(template?: string): Promise<{ name: string; url: string }>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  const cluster = given ? null : await startThrowawayCluster({ durable: true });
  const adminUrl = given ?? (cluster?.url as string);
  const made: string[] = [];
  const run = randomUUID().slice(0, 8);
  return {
    source: given ? "BENCH_DATABASE_URL" : "a throwaway cluster (initdb, PostgreSQL's defaults but for max_connections=200) on 127.0.0.1",
    pid: () => cluster?.pid() ?? null,
    async create(template) {
      const name = `deskcoach_bench_${run}_${made.length}`;
      // A copy needs the template to have no connections; the seeding pool's may take a moment to go.
      for (let tries = 0; ; tries++) {
        try {
          await withClient(adminUrl, (client) => createDatabase(client, name, template));
          break;
        } catch (error) {
          if (!template || tries >= 50 || !/being accessed by other users/.test(String(error))) throw error;
          await sleep(200);
        }
      }
      made.push(name);
      return { name, url: databaseUrl(adminUrl, name) };
    },
    async stop() {
      try {
        if (given) for (const name of made.reverse()) await withClient(adminUrl, (client) => dropDatabase(client, name));
      } finally {
        cluster?.stop();
      }
    },
  };
}

const SETTINGS = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers", "max_connections"] as const;

/** What the server says about itself: its version and the settings that decide what a commit costs. */
export async function serverSettings(url: string): Promise<Record<(typeof SETTINGS)[number], string>> {
  return withClient(url, async (client) => {
    const out = {} as Record<(typeof SETTINGS)[number], string>;
    for (const name of SETTINGS) out[name] = String((await client.query<Record<string, string>>(`show ${name}`)).rows[0]?.[name]);
    return out;
  });
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

/**
 * Why two processes give what they give, from the ×2 lesson row's CPU accounting: whether the
 * machine's CPUs were full (then the apps can only have what the database, HAProxy, the load
 * generator and anything else running leave them), and what a request cost each process.
 */
export function scalingBound(one: ScenarioResult | undefined, two: ScenarioResult | undefined, cores: number): string | null {
  if (one?.status !== "measured" || two?.status !== "measured" || !two.cpuMs || !two.seconds || !two.responses) return null;
  const wallMs = two.seconds * 1000;
  const capacity = wallMs * cores;
  const { machine = 0, ...ours } = two.cpuMs;
  const oursTotal = Object.values(ours).reduce((a, b) => a + b, 0);
  const others = Math.max(0, machine - oursTotal);
  const share = (ms: number) => `${(ms / wallMs).toFixed(2)} cores`;
  const parts = [
    `apps ${share(ours.apps ?? 0)}`,
    ours.postgres !== undefined ? `PostgreSQL ${share(ours.postgres)}` : null,
    ours.haproxy !== undefined ? `HAProxy ${share(ours.haproxy)}` : null,
    ours.loadGenerator !== undefined ? `load generator ${share(ours.loadGenerator)}` : null,
    `everything else on the machine (other work, the kernel's loopback traffic${ours.postgres === undefined ? ", PostgreSQL if it runs here" : ""}) ${share(others)}`,
  ].filter(Boolean);
  const counted = ["apps", ours.postgres !== undefined ? "PostgreSQL" : null, ours.haproxy !== undefined ? "HAProxy" : null, ours.loadGenerator !== undefined ? "load generator" : null].filter(Boolean);
  const perRequest = (r: ScenarioResult) => (r.cpuMs && r.responses ? Object.values({ ...r.cpuMs, machine: 0 }).reduce((a, b) => a + b, 0) / r.responses : null);
  const oneCost = perRequest(one);
  const twoCost = perRequest(two);
  const cost =
    oneCost !== null && twoCost !== null
      ? `; a lesson request cost ${oneCost.toFixed(2)} CPU ms in all (${counted.join(", ")}) with one process and ${twoCost.toFixed(2)} with two (apps alone ${(one.serverCpuMsPerRequest ?? 0).toFixed(2)} → ${(two.serverCpuMsPerRequest ?? 0).toFixed(2)} ms)`
      : "";
  const busy = machine / capacity;
  if (busy >= 0.85) {
    return `the machine's ${cores} CPUs: they were ${pct(busy)} busy during the ×2 lesson run (${parts.join(", ")}), so two processes can only have what the rest leaves them${cost}`;
  }
  return `not the CPUs alone (${pct(busy)} busy during the ×2 lesson run: ${parts.join(", ")}): look at the database's locks and the connection pools (10 connections a process)${cost}`;
}
