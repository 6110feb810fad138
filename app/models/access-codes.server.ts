// One-time codes: a new person's setup code and a manager-issued password reset. A manager reads
// the code to the person, or has it emailed (mail/account-mail.server.ts makes it as the message
// goes). Stored hashed, valid 24 hours, used once.
import { createHash, randomInt } from "node:crypto";
import type { DB } from "#db/connection.ts";
import type { Role } from "#db/schema.ts";
import { recordAudit } from "./audit.server.ts";
import { endUserSessions } from "./sessions.server.ts";
import { normalizeEmail } from "./users.server.ts";

export const CODE_HOURS = 24;
// No 0/O, 1/I/L: codes are read aloud and typed by hand.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** 12 characters from 31 (about 59 bits), shown as XXXX-XXXX-XXXX. */
export function generateCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

export function hashCode(code: string): string {
  return createHash("sha256").update(normalizeCode(code)).digest("hex");
}

/**
 * Issues a code for the user; earlier unused codes stop working. Call inside the transaction that
 * records why (adding the person, or a reset).
 */
export async function issueCode(
  db: DB,
  input: { userId: number; purpose: "setup" | "reset"; createdBy: number | null; now: Date },
): Promise<string> {
  const code = generateCode();
  const at = input.now.toISOString();
  await revokeCodes(db, input.userId, input.now);
  await db
    .insertInto("access_code")
    .values({
      user_id: input.userId,
      code_hash: hashCode(code),
      purpose: input.purpose,
      created_by: input.createdBy,
      created_at: at,
      expires_at: new Date(input.now.getTime() + CODE_HOURS * 3_600_000).toISOString(),
    })
    .execute();
  return code;
}

/** Every unused code of the user stops working (a new one is on its way by email). */
export async function revokeCodes(db: DB, userId: number, now: Date): Promise<void> {
  await db.updateTable("access_code").set({ used_at: now.toISOString() }).where("user_id", "=", userId).where("used_at", "is", null).execute();
}

export class CodeError extends Error {}

/**
 * Spends a code: sets the password and ends the person's sessions, all at once. The same error for
 * every failure (unknown email, wrong, used or expired code) so nothing is learned by guessing.
 */
export async function redeemCode(
  db: DB,
  input: { email: string; code: string; passwordHash: string; now: Date },
): Promise<{ userId: number; role: Role }> {
  const at = input.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("access_code")
      .innerJoin("user", "user.id", "access_code.user_id")
      .select(["access_code.id", "access_code.user_id", "access_code.purpose", "user.role"])
      .where("access_code.code_hash", "=", hashCode(input.code))
      .where("user.email", "=", normalizeEmail(input.email))
      .where("user.status", "=", "active")
      .where("access_code.used_at", "is", null)
      .where("access_code.expires_at", ">", at)
      .executeTakeFirst();
    if (!row) throw new CodeError("That email and code do not match a valid code. Codes last 24 hours and work once.");
    await trx.updateTable("access_code").set({ used_at: at }).where("id", "=", row.id).execute();
    await trx.updateTable("user").set({ password_hash: input.passwordHash }).where("id", "=", row.user_id).execute();
    await endUserSessions(trx, row.user_id);
    await recordAudit(trx, {
      actorId: row.user_id,
      action: row.purpose === "setup" ? "person.password_set" : "person.password_reset",
      subject: `user:${row.user_id}`,
      at: input.now,
    });
    return { userId: row.user_id, role: row.role };
  });
}
