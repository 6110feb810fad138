// Results of expensive reads (a progress matrix, a year of cost reports, a rendered table),
// kept until the database changes. Pages like these are read far more often than anything they
// depend on is written, and any write through this process's connection — the only one the app
// has — moves `writeVersion`, which is part of every key. The promise is kept, so requests that
// arrive together share one computation; a failed one is forgotten.
import { writeVersion, type DB } from "#db/connection.ts";

export interface ReadCache {
  /** The value for `key` as of the database's current version, computed at most once. */
  read<T>(db: DB, key: string, compute: () => Promise<T> | T): Promise<T>;
}

/**
 * `version` says when an entry is stale: by default any write at all; a cache whose values read
 * only a few tables can pass a version of those tables (`tablesVersion` in
 * learning-changes.server.ts), so that writes elsewhere leave it be.
 */
export function createReadCache(size: number, version: (db: DB) => Promise<number | string> = writeVersion): ReadCache {
  const entries = new Map<string, Promise<unknown>>();
  // The version each database was last seen at: an entry of an older one is never read again, so
  // it goes at once rather than when the cache is full (a report of 10,000 rows, kept eight times
  // over, is memory for nothing).
  const seen = new Map<number, string>();
  return {
    async read<T>(db: DB, key: string, compute: () => Promise<T> | T): Promise<T> {
      const dbId = identity(db);
      const current = String(await version(db));
      if (seen.get(dbId) !== current) {
        seen.set(dbId, current);
        for (const old of [...entries.keys()]) if (old.startsWith(`${dbId}|`) && !old.startsWith(`${dbId}|${current}|`)) entries.delete(old);
      }
      const full = `${dbId}|${current}|${key}`;
      let entry = entries.get(full) as Promise<T> | undefined;
      if (entry) {
        // Most recently used last, so the oldest entry is the one to go.
        entries.delete(full);
        entries.set(full, entry);
        return entry;
      }
      entry = Promise.resolve().then(compute);
      entry.catch(() => entries.delete(full));
      entries.set(full, entry);
      while (entries.size > size) entries.delete(entries.keys().next().value as string);
      return entry;
    },
  };
}

// A name for an object (a database handle, a catalog), so two of them never share an entry.
const identities = new WeakMap<object, number>();
let identityCount = 0;
export function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = ++identityCount));
  return id;
}
