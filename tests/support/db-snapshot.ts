// Every row of every table, in a form two moments can be compared by: the trust suite takes one
// before an attack and one after, and expects nothing to differ.
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";

/** Each table's rows as canonical JSON text, sorted, so that row order never matters. */
export type Snapshot = Record<string, string[]>;

/** Columns left out of a snapshot, by table: `{ session: ["expires_at"] }`. */
export type IgnoredColumns = Record<string, readonly string[]>;

export interface TableChange {
  table: string;
  /** Rows present after but not before. */
  added: unknown[];
  /** Rows present before but not after. */
  removed: unknown[];
}

function canonical(value: unknown): unknown {
  // Blobs come back as Buffers; compare their bytes, not their object shape.
  if (Buffer.isBuffer(value)) return { blob: value.toString("base64") };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * Reads every table, SQLite's own bookkeeping of AUTOINCREMENT counters (`sqlite_sequence`)
 * included: an insert that was rolled back leaves no trace there either.
 */
export async function snapshotDatabase(db: DB, ignore: IgnoredColumns = {}): Promise<Snapshot> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and (substr(name, 1, 7) != 'sqlite_' or name = 'sqlite_sequence')
    order by name`.execute(db);
  const snapshot: Snapshot = {};
  for (const { name } of tables.rows) {
    const skip = new Set(ignore[name] ?? []);
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    snapshot[name] = rows.rows
      .map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !skip.has(column)).map(([column, value]) => [column, canonical(value)])))
      .sort();
  }
  for (const table of Object.keys(ignore)) {
    if (!(table in snapshot)) throw new Error(`snapshotDatabase: no table "${table}" to leave columns out of`);
  }
  return snapshot;
}

/** Rows as objects again, for readable failure messages. */
function rowsOf(texts: string[]): unknown[] {
  return texts.map((text) => Object.fromEntries(JSON.parse(text) as [string, unknown][]));
}

/** What changed between two snapshots, table by table; empty when they are identical. */
export function snapshotChanges(before: Snapshot, after: Snapshot): TableChange[] {
  const changes: TableChange[] = [];
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const table of tables) {
    const remaining = new Map<string, number>();
    for (const row of before[table] ?? []) remaining.set(row, (remaining.get(row) ?? 0) + 1);
    const added: string[] = [];
    for (const row of after[table] ?? []) {
      const count = remaining.get(row) ?? 0;
      if (count > 0) remaining.set(row, count - 1);
      else added.push(row);
    }
    const removed = [...remaining].flatMap(([row, count]) => Array<string>(count).fill(row));
    if (added.length > 0 || removed.length > 0 || (table in before) !== (table in after)) {
      changes.push({ table, added: rowsOf(added), removed: rowsOf(removed) });
    }
  }
  return changes;
}
