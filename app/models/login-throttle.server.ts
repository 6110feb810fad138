// Sign-in throttling that nobody can use to lock a person out (OWASP's device cookies; see
// docs/decisions/0014-device-cookies.md).
//
// An attempt from a browser holding a device cookie for the account (one where that account has
// signed in before) is counted on that cookie alone: at most DEVICE_MAX_FAILURES failures in a
// sliding window, and a cookie that keeps failing locks out only itself. Every other attempt
// (an unknown browser) is counted per account and per client address: at most MAX_FAILURES each
// in the window. Unknown emails are counted exactly like real ones, so no answer reveals whether
// an account exists. A refused attempt is refused before any password is hashed, and recorded
// for the owner (sign-in-blocks.server.ts).
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import type { SignInBlockReason } from "#db/schema.ts";
import { findDevice, rememberDevice, tokensToKeep, touchDevice, type KnownDevice } from "./device-cookies.server.ts";
import { recordBlock } from "./sign-in-blocks.server.ts";
import { normalizeEmail } from "./users.server.ts";

export const MAX_FAILURES = 10;
export const DEVICE_MAX_FAILURES = 10;
export const WINDOW_MINUTES = 15;

export function throttleKeys(email: string, address: string): string[] {
  return [`account:${normalizeEmail(email)}`, `address:${address}`];
}

export const deviceKey = (tokenHash: string) => `device:${tokenHash}`;

const LIMITS: Record<SignInBlockReason, number> = { account: MAX_FAILURES, address: MAX_FAILURES, device: DEVICE_MAX_FAILURES };
const reasonOf = (key: string) => key.slice(0, key.indexOf(":")) as SignInBlockReason;

export interface Lockout {
  reason: SignInBlockReason;
  /** Whole minutes until the oldest failure in the window ages out. */
  minutes: number;
}

/** Each key's count in the window, and the minutes until its oldest ages out. */
async function countsInWindow(db: DB, keys: string[], now: Date): Promise<{ key: string; count: number; minutes: number }[]> {
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
  const rows = await db
    .selectFrom("login_failure")
    .select(["key", (eb) => eb.fn.countAll<number>().as("failures"), (eb) => eb.fn.min("at").as("oldest")])
    .where("key", "in", keys)
    .where("at", ">", since)
    .groupBy("key")
    .execute();
  return rows.map((row) => {
    const freeAt = new Date(row.oldest ?? now).getTime() + WINDOW_MINUTES * 60_000;
    return { key: row.key, count: Number(row.failures), minutes: Math.max(1, Math.ceil((freeAt - now.getTime()) / 60_000)) };
  });
}

/** The lockout that lasts longest among `keys`, or null. */
export async function lockoutFor(db: DB, keys: string[], now: Date): Promise<Lockout | null> {
  let lockout: Lockout | null = null;
  for (const row of await countsInWindow(db, keys, now)) {
    const reason = reasonOf(row.key);
    if (row.count >= LIMITS[reason]) {
      const { minutes } = row;
      // On a tie the email's own lockout is named: it is the one a person can do least about.
      if (!lockout || minutes > lockout.minutes || (minutes === lockout.minutes && reason === "account")) lockout = { reason, minutes };
    }
  }
  return lockout;
}

/** Minutes until the caller may try again, or 0 when not throttled. */
export async function throttledFor(db: DB, keys: string[], now: Date): Promise<number> {
  return (await lockoutFor(db, keys, now))?.minutes ?? 0;
}

async function insertFailures(trx: DB, keys: string[], now: Date): Promise<number[]> {
  const rows = await trx
    .insertInto("login_failure")
    .values(keys.map((key) => ({ key, at: now.toISOString() })))
    .returning("id")
    .execute();
  // Keep the table small: nothing older than a day matters.
  await trx
    .deleteFrom("login_failure")
    .where("at", "<", new Date(now.getTime() - 86_400_000).toISOString())
    .execute();
  return rows.map((r) => r.id);
}

export async function recordFailure(db: DB, keys: string[], now: Date): Promise<void> {
  await db.transaction().execute((trx) => insertFailures(trx, keys, now));
}

/**
 * A request that is not a sign-in but must not come too often, such as asking for a password-reset
 * email: counted in the same table and window as sign-in failures, under its own keys, each with
 * its own limit (`{ key: limit }`). Every admitted request counts; a refused one does not.
 * Returns 0 when admitted, otherwise the whole minutes until the longest-waiting key frees up.
 */
export async function admitLimited(db: DB, limits: Record<string, number>, now: Date): Promise<number> {
  const keys = Object.keys(limits);
  return db.transaction().execute(async (trx) => {
    await serializeOn(trx, keys.map((key) => `limited:${key}`));
    const over = (await countsInWindow(trx, keys, now)).filter((row) => row.count >= (limits[row.key] ?? Infinity));
    if (over.length > 0) return Math.max(...over.map((row) => row.minutes));
    await insertFailures(trx, keys, now);
    return 0;
  });
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function clearAccountFailures(db: DB, email: string): Promise<void> {
  await db.deleteFrom("login_failure").where("key", "=", `account:${normalizeEmail(email)}`).execute();
}

export interface SignInAttempt {
  /** As typed. */
  email: string;
  /** The client's address (server/client-address.ts). */
  address: string;
  /** What the request's device cookie holds (readDeviceTokens). */
  deviceTokens: string[];
  now: Date;
}

export type SignInOutcome<T> =
  | { outcome: "locked"; lockout: Lockout }
  | { outcome: "refused" }
  /** `deviceTokens`: what the browser's device cookie is to hold from now on. */
  | { outcome: "signed-in"; value: T; deviceTokens: string[] };

/**
 * One sign-in attempt (a password, or a one-time code), guarded: refused at once while its
 * counters are locked, otherwise `check` decides (null: wrong), a failure is counted and a
 * success makes the browser known for the account.
 */
export async function guardSignIn<T extends { userId: number }>(
  db: DB,
  attempt: SignInAttempt,
  check: () => Promise<T | null>,
): Promise<SignInOutcome<T>> {
  const { now } = attempt;
  const account = await db.selectFrom("user").select("id").where("email", "=", normalizeEmail(attempt.email)).executeTakeFirst();
  const device: KnownDevice | null = await findDevice(db, account?.id ?? null, attempt.deviceTokens, now);
  const keys = device ? [deviceKey(device.tokenHash)] : throttleKeys(attempt.email, attempt.address);
  // The attempt counts as a failure from the moment it is let through, in the same transaction
  // as the check, so that attempts sent side by side cannot all slip in under the limit; a
  // success takes its own failure back.
  const admitted = await db.transaction().execute(async (trx): Promise<{ lockout: Lockout } | { lockout: null; ids: number[] }> => {
    await serializeOn(trx, keys.map((key) => `sign-in:${key}`));
    const lockout = await lockoutFor(trx, keys, now);
    if (lockout) return { lockout };
    return { lockout: null, ids: await insertFailures(trx, keys, now) };
  });
  if (admitted.lockout) {
    await recordBlock(db, { now, userId: account?.id ?? null, address: attempt.address, reason: admitted.lockout.reason });
    return { outcome: "locked", lockout: admitted.lockout };
  }
  const value = await check();
  if (!value) return { outcome: "refused" };
  await db.deleteFrom("login_failure").where("id", "in", admitted.ids).execute();
  let current: string;
  if (device && value.userId === account?.id) {
    // The account's own failures from unknown browsers stay: they are the attacker's.
    await db.deleteFrom("login_failure").where("key", "=", deviceKey(device.tokenHash)).execute();
    await touchDevice(db, device.tokenHash, now);
    current = device.token;
  } else {
    await clearAccountFailures(db, attempt.email);
    current = await rememberDevice(db, value.userId, now);
  }
  return { outcome: "signed-in", value, deviceTokens: await tokensToKeep(db, attempt.deviceTokens, current, now) };
}

/** What a locked-out attempt is told, beside the form. The same for every email, real or not. */
export function lockoutMessage(lockout: Lockout): string {
  const wait = `${lockout.minutes} minute${lockout.minutes === 1 ? "" : "s"}`;
  const known = "On a browser where you have signed in before, you can still sign in.";
  switch (lockout.reason) {
    case "account":
      return `Too many failed attempts for this email. Signing in to it from a new browser is paused for ${wait}. ${known}`;
    case "address":
      return `Too many failed attempts from this network. Signing in from a new browser here is paused for ${wait}. ${known}`;
    case "device":
      return `Too many failed attempts on this browser. Try again in ${wait}.`;
  }
}
