// The disk's commit ceiling: one-row insert transactions in a loop, on better-sqlite3 with the
// app's own pragmas (WAL, synchronous=FULL), in the same folder as the bench database. A quiz
// submission is one such commit plus everything around it, so it cannot go faster than this.
import { randomUUID } from "node:crypto";
import path from "node:path";
import SQLite from "better-sqlite3";
import { applyPragmas } from "#db/connection.ts";

export interface FsyncResult {
  seconds: number;
  commits: number;
  commitsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function runFsync(
  dir: string,
  seconds: number,
  onTick?: (elapsed: number, commits: number) => void,
): Promise<FsyncResult> {
  const sqlite = new SQLite(path.join(dir, "fsync.sqlite"));
  try {
    applyPragmas(sqlite);
    sqlite.exec("create table if not exists commit_probe (id integer primary key, request_id text not null, at text not null)");
    const insert = sqlite.prepare("insert into commit_probe (request_id, at) values (?, ?)");
    const commit = sqlite.transaction((id: string, at: string) => insert.run(id, at));
    const latencies: number[] = [];
    const started = performance.now();
    const end = started + seconds * 1000;
    let lastTick = started;
    // Synchronous commits, in slices of 100 ms so the progress line can move; bounded by time
    // and by count.
    while (performance.now() < end && latencies.length < 10_000_000) {
      const sliceEnd = Math.min(end, performance.now() + 100);
      while (performance.now() < sliceEnd) {
        const t = performance.now();
        commit(randomUUID(), new Date().toISOString());
        latencies.push(performance.now() - t);
      }
      if (performance.now() - lastTick >= 1000) {
        lastTick = performance.now();
        onTick?.(Math.round((lastTick - started) / 1000), latencies.length);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      seconds: elapsed,
      commits: latencies.length,
      commitsPerSecond: latencies.length / elapsed,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
    };
  } finally {
    sqlite.close();
  }
}
