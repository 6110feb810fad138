// Unsubscribe links: each message carries its own random token (sender.server.ts); only its
// SHA-256 is stored, with the one person and kind it turns off. Opening the link shows what it
// would turn off; only a POST (the page's button, or a mail program's RFC 8058 one-click POST)
// turns it off. No sign-in: the token is the key, and it opens nothing else.
import type { DB } from "#db/connection.ts";
import { setPersonChoice } from "./kinds.server.ts";
import { MAIL_KINDS } from "./scheduler.server.ts";
import { hashToken } from "../sessions.server.ts";

export interface Unsubscription {
  userId: number;
  kind: string;
  /** What it turns off, in a person's words. */
  label: string;
  /** Whether that kind is already off for them. */
  alreadyOff: boolean;
}

// Tokens are 32 random bytes in base64url; anything else is not one of ours.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export async function findUnsubscription(db: DB, token: string): Promise<Unsubscription | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db
    .selectFrom("mail_unsubscribe")
    .leftJoin("mail_choice", (j) => j.onRef("mail_choice.user_id", "=", "mail_unsubscribe.user_id").onRef("mail_choice.kind", "=", "mail_unsubscribe.kind"))
    .select(["mail_unsubscribe.user_id", "mail_unsubscribe.kind", "mail_choice.enabled"])
    .where("mail_unsubscribe.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const label = MAIL_KINDS.find((k) => k.kind === row.kind)?.label ?? "These emails";
  return { userId: row.user_id, kind: row.kind, label, alreadyOff: row.enabled === 0 };
}

/** Turns off the token's kind for the token's person; null for a token that is not ours. */
export async function unsubscribe(db: DB, token: string, now: Date): Promise<Unsubscription | null> {
  const found = await findUnsubscription(db, token);
  if (!found) return null;
  await setPersonChoice(db, found.userId, found.kind, false, now);
  return { ...found, alreadyOff: true };
}
