// What a person is told when the database cannot take a request: the server's disk is full or
// failing, or the database server is out of reach (restarting, say). Shared by the error page
// and the server's last-resort answer; nothing here may name internals.
export const STORAGE_FULL = {
  title: "Storage is full",
  message:
    "DeskCoach's storage is full or unavailable right now, so nothing was saved. Please try again shortly. If it keeps happening, tell your office manager.",
} as const;

// Not "nothing was saved": a connection can be lost after a write committed and before its
// answer came back. Sending the same form again is safe either way (it records once).
export const DATABASE_UNREACHABLE = {
  title: "Database unavailable",
  message: "DeskCoach cannot reach its database just now. Please try again in a minute. If it keeps happening, tell your office manager.",
} as const;

/** By the kinds of storage failure db/storage-errors.ts tells apart. */
export const STORAGE_NOTICES = {
  full: STORAGE_FULL,
  unreachable: DATABASE_UNREACHABLE,
} as const;

/**
 * The notice a 503 carries, from the text the server answered with (the error page gets the
 * answer's text, not its kind); a 503 that says nothing we know is about storage.
 */
export function storageNoticeFor(answerText: unknown): { title: string; message: string } {
  return Object.values(STORAGE_NOTICES).find((n) => n.message === answerText) ?? STORAGE_FULL;
}

/**
 * Long enough for someone to free space, or for a database server to restart; a browser or
 * proxy may wait this long before retrying.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 60;
