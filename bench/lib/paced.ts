// A paced load: requests sent at a steady rate (one every 1000/rate ms) over a pool of
// keep-alive connections, each timed from the moment it was due to be sent, so that a server
// falling behind shows as latency. (autocannon's own rate limit sends each second's requests in
// one burst, which measures queueing behind the burst rather than a steady load.)
import http from "node:http";
import { LOOPBACK } from "./http.ts";
import type { LoadResult } from "./load.ts";

export interface PacedOptions {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  expectStatus: number;
  request(i: number): { path: string; headers: Record<string, string> };
  onTick?: (elapsed: number, responses: number) => void;
  /** Each response as it ends: when (performance.now()) and its latency. */
  onResponse?: (at: number, latencyMs: number) => void;
  /** Stops sending early once this answers true (checked before each send). */
  until?: () => boolean;
}

export async function runPaced(options: PacedOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  if (base.hostname !== LOOPBACK) throw new Error("Load goes to 127.0.0.1 only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let responses = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (i: number, due: number) => {
    const { path, headers } = options.request(i);
    const done = new Promise<void>((resolve) => {
      const req = http.get(new URL(path, base), { agent, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          responses++;
          const at = performance.now();
          latencies.push(at - due);
          options.onResponse?.(at, at - due);
          const key = String(res.statusCode ?? 0);
          statusCounts[key] = (statusCounts[key] ?? 0) + 1;
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const started = performance.now();
  let next = 0;
  let lastTick = started;
  while (next < total && performance.now() - started < (options.seconds + 5) * 1000 && !options.until?.()) {
    const now = performance.now();
    while (next < total && started + next * interval <= now) {
      send(next, started + next * interval);
      next++;
    }
    if (now - lastTick >= 1000) {
      lastTick = now;
      options.onTick?.(Math.round((now - started) / 1000), responses);
    }
    const wait = Math.max(0, started + next * interval - performance.now());
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  }
  await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const expected = statusCounts[String(options.expectStatus)] ?? 0;
  return {
    seconds,
    responses,
    requestsPerSecond: expected / seconds,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: latencies.at(-1) ?? 0,
    errors: errors + (responses - expected) + (next - responses - errors),
    statusCounts,
  };
}
