// Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): after a
// successful sign-in the browser keeps a token naming that account, and later attempts for the
// account from that browser are counted on their own, so an attacker's guesses never lock out
// the person at their usual desk. See docs/decisions/0014-device-cookies.md.
//
// A token is 32 random bytes; the database keeps only its SHA-256 and the account it was issued
// for, as for sessions and certificate links. Holding a token proves a sign-in with the right
// password on that browser; it never signs anyone in by itself.
import { createHash, randomBytes } from "node:crypto";
import type { DB } from "#db/connection.ts";

export const DEVICE_COOKIE = "deskcoach_device";
/** A browser stays known this long after its last sign-in. */
export const DEVICE_COOKIE_DAYS = 180;
/** Accounts one browser remembers (a shared front-desk PC); the oldest gives way. */
export const MAX_DEVICE_TOKENS = 8;
/** Known browsers kept per account; the least recently used give way. */
export const MAX_DEVICES_PER_ACCOUNT = 20;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;

export const hashDeviceToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The well-formed tokens the request's device cookie holds, oldest first (anything else is ignored). */
export function readDeviceTokens(cookieHeader: string | null): string[] {
  if (!cookieHeader) return [];
  const pair = cookieHeader
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${DEVICE_COOKIE}=`));
  if (!pair) return [];
  const tokens = pair.slice(DEVICE_COOKIE.length + 1).split(".").filter((t) => TOKEN.test(t));
  return [...new Set(tokens)].slice(-MAX_DEVICE_TOKENS);
}

/** The Set-Cookie value that keeps these tokens (Strict: only DeskCoach's own pages send it). */
export function deviceCookie(tokens: string[], secure: boolean): string {
  return [
    `${DEVICE_COOKIE}=${tokens.join(".")}`,
    "Path=/",
    `Max-Age=${DEVICE_COOKIE_DAYS * 86_400}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

const freshSince = (now: Date) => new Date(now.getTime() - DEVICE_COOKIE_DAYS * DAY_MS).toISOString();

export interface KnownDevice {
  token: string;
  tokenHash: string;
}

/**
 * The token among `tokens` that was issued for this account and is still good, or null. Asked
 * the same way whether or not the account exists, so that its answer time says nothing.
 */
export async function findDevice(db: DB, userId: number | null, tokens: string[], now: Date): Promise<KnownDevice | null> {
  if (tokens.length === 0) return null;
  const byHash = new Map(tokens.map((token) => [hashDeviceToken(token), token]));
  const row = await db
    .selectFrom("device_cookie")
    .select("token_hash")
    .where("token_hash", "in", [...byHash.keys()])
    .where("user_id", "=", userId ?? -1)
    .where("last_used_at", ">", freshSince(now))
    .executeTakeFirst();
  return row ? { token: byHash.get(row.token_hash) as string, tokenHash: row.token_hash } : null;
}

/** A new known browser for the account. Returns the token, which is never stored. */
export async function rememberDevice(db: DB, userId: number, now: Date): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("device_cookie").values({ token_hash: hashDeviceToken(token), user_id: userId, created_at: at, last_used_at: at }).execute();
    await trx.deleteFrom("device_cookie").where("user_id", "=", userId).where("last_used_at", "<=", freshSince(now)).execute();
    const keep = trx
      .selectFrom("device_cookie")
      .select("token_hash")
      .where("user_id", "=", userId)
      .orderBy("last_used_at", "desc")
      .orderBy("token_hash")
      .limit(MAX_DEVICES_PER_ACCOUNT);
    await trx.deleteFrom("device_cookie").where("user_id", "=", userId).where("token_hash", "not in", keep).execute();
  });
  return token;
}

/** A sign-in on a known browser keeps it known for another DEVICE_COOKIE_DAYS. */
export async function touchDevice(db: DB, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable("device_cookie").set({ last_used_at: now.toISOString() }).where("token_hash", "=", tokenHash).execute();
}

/**
 * What the browser's cookie holds after a sign-in with `current`: the tokens it already held that
 * are still good (for whichever account), then `current`, the most recent last.
 */
export async function tokensToKeep(db: DB, held: string[], current: string, now: Date): Promise<string[]> {
  const others = held.filter((t) => t !== current);
  if (others.length === 0) return [current];
  const live = new Set(
    (
      await db
        .selectFrom("device_cookie")
        .select("token_hash")
        .where("token_hash", "in", others.map(hashDeviceToken))
        .where("last_used_at", ">", freshSince(now))
        .execute()
    ).map((r) => r.token_hash),
  );
  return [...others.filter((t) => live.has(hashDeviceToken(t))), current].slice(-MAX_DEVICE_TOKENS);
}
