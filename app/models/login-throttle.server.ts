// Sign-in throttling: at most MAX_FAILURES failed sign-ins per account and per client address in
// a sliding window. The window slides, so an attacker can delay the real user but never lock
// them out for good; the same rule applies to unknown emails, so it reveals nothing.
import type { DB } from "#db/connection.ts";

export const MAX_FAILURES = 10;
export const WINDOW_MINUTES = 15;

export function throttleKeys(email: string, address: string): string[] {
  return [`account:${email.trim().toLowerCase()}`, `address:${address}`];
}

/** Minutes until the caller may try again, or 0 when not throttled. */
export async function throttledFor(db: DB, keys: string[], now: Date): Promise<number> {
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
  const rows = await db
    .selectFrom("login_failure")
    .select(["key", (eb) => eb.fn.countAll<number>().as("failures"), (eb) => eb.fn.min("at").as("oldest")])
    .where("key", "in", keys)
    .where("at", ">", since)
    .groupBy("key")
    .execute();
  let wait = 0;
  for (const row of rows) {
    if (Number(row.failures) >= MAX_FAILURES && row.oldest) {
      const freeAt = new Date(row.oldest).getTime() + WINDOW_MINUTES * 60_000;
      wait = Math.max(wait, Math.ceil((freeAt - now.getTime()) / 60_000));
    }
  }
  return wait;
}

export async function recordFailure(db: DB, keys: string[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("login_failure")
      .values(keys.map((key) => ({ key, at: now.toISOString() })))
      .execute();
    // Keep the table small: nothing older than a day matters.
    await trx
      .deleteFrom("login_failure")
      .where("at", "<", new Date(now.getTime() - 86_400_000).toISOString())
      .execute();
  });
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function clearAccountFailures(db: DB, email: string): Promise<void> {
  await db.deleteFrom("login_failure").where("key", "=", `account:${email.trim().toLowerCase()}`).execute();
}
