// Errors that mean the disk under the database is full or failing, not that a request or our
// code is wrong: the same write may well succeed in a few minutes. better-sqlite3 raises them as
// SqliteError with SQLite's (extended) result code; a wrapper may carry one as its cause.
const STORAGE_CODE = /^SQLITE_(FULL|IOERR)(_|$)/;

export function isStorageFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && STORAGE_CODE.test(code)) return true;
  }
  return false;
}
