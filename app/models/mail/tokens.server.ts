// Unsubscribe tokens: 32 random bytes, base64url, per message; only their SHA-256 is stored, with
// the one person and kind each turns off (like session, device and setup-code tokens elsewhere).
import { randomBytes } from "node:crypto";
import type { DB } from "#db/connection.ts";
import { hashToken } from "../sessions.server.ts";

/** A new token that turns off `kind` for `userId`; call in the transaction that sends with it. */
export async function issueUnsubscribeToken(db: DB, userId: number, kind: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insertInto("mail_unsubscribe").values({ token_hash: hashToken(token), user_id: userId, kind, created_at: now.toISOString() }).execute();
  return token;
}
