// Errors that mean the database cannot take the request just now, not that the request or our
// code is wrong: the same request may well succeed in a minute. Two kinds, told apart because a
// person is told different things (app/rules/storage-full.ts):
//
// - "full": the disk under the database is full or failing. better-sqlite3 raises SqliteError
//   with SQLite's (extended) result code; PostgreSQL says disk_full (53100) or io_error (58030).
// - "unreachable": the PostgreSQL server cannot be reached or is not taking connections: it is
//   restarting, recovering from a crash, shutting down, or out of connections. These come from
//   node-postgres in three forms: the socket's own error (ECONNREFUSED while the server is down,
//   ECONNRESET or EPIPE when it goes away), pg's words for a connection that ended under a query
//   ("Connection terminated unexpectedly", and, for the ROLLBACK Kysely then sends on the same
//   connection, "Client has encountered a connection error and is not queryable"), and the
//   server's own SQLSTATE (class 08, connection exception; 57P01–57P03, the server shutting down,
//   crashed, or starting up; 53300, too many connections).
//
// A wrapper may carry any of these as its cause.
export type StorageFailure = "full" | "unreachable";

const SQLITE_FULL = /^SQLITE_(FULL|IOERR)(_|$)/;
const POSTGRES_FULL = new Set(["53100", "58030"]);
const POSTGRES_UNREACHABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const SOCKET_UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);
const PG_CONNECTION_LOST = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^Client has encountered a connection error and is not queryable$/,
  // pg-pool, when no connection could be had within connectionTimeoutMillis.
  /^timeout exceeded when trying to connect$/,
];

function kindOf(error: Error): StorageFailure | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (SQLITE_FULL.test(code) || POSTGRES_FULL.has(code)) return "full";
    if (POSTGRES_UNREACHABLE.test(code) || SOCKET_UNREACHABLE.has(code)) return "unreachable";
  }
  if (PG_CONNECTION_LOST.some((words) => words.test(error.message))) return "unreachable";
  // Several connection attempts failing at once (a host with more than one address).
  if (error instanceof AggregateError && error.errors.some((e) => e instanceof Error && kindOf(e) === "unreachable")) return "unreachable";
  return null;
}

/** Which storage failure `error` (or an error it wraps) is, or null when it is none. */
export function storageFailureOf(error: unknown): StorageFailure | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const kind = kindOf(e);
    if (kind) return kind;
  }
  return null;
}

export function isStorageFailure(error: unknown): boolean {
  return storageFailureOf(error) !== null;
}
