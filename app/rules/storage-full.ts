// What a person is told when the server's disk is full or failing. Shared by the error page and
// the server's last-resort answer; nothing here may name internals.
export const STORAGE_FULL = {
  title: "Storage is full",
  message:
    "DeskCoach's storage is full or unavailable right now, so nothing was saved. Please try again shortly. If it keeps happening, tell your office manager.",
} as const;

/** Long enough for someone to free space; a browser or proxy may wait this long before retrying. */
export const STORAGE_RETRY_AFTER_SECONDS = 60;
