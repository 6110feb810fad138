// Account emails: a password-reset link a person asks for on the sign-in page, and a setup code a
// manager sends instead of reading it out. Transactional: no unsubscribe link, and each carries
// only its own secret. The secret is made by the sender as the message goes (the outbox keeps a
// placeholder, so no usable link or code is ever stored there); a reset link's token is kept only
// as its SHA-256. See docs/decisions/0019-email-outbox.md, "Account emails".
import { randomBytes } from "node:crypto";
import type { DB } from "#db/connection.ts";
import type { AccountMailPurpose } from "#db/schema.ts";
import { CODE_HOURS, issueCode, revokeCodes } from "../access-codes.server.ts";
import { recordAudit } from "../audit.server.ts";
import { admitLimited } from "../login-throttle.server.ts";
import { endUserSessions, hashToken } from "../sessions.server.ts";
import { normalizeEmail } from "../users.server.ts";
import { enqueue, escapeHtml } from "./outbox.server.ts";

/** Where the reset link goes, in the stored bodies; the sender puts the real link there. */
export const RESET_URL = "{{reset-url}}";
/** Where the setup code goes, in the stored bodies; the sender makes the code as it sends. */
export const SETUP_CODE = "{{setup-code}}";
/** How long a reset link works after it was sent. */
export const RESET_MINUTES = 30;

export const ACCOUNT_KINDS: readonly AccountMailPurpose[] = ["password-reset", "setup-code"];
export const isAccountKind = (kind: string): kind is AccountMailPurpose => (ACCOUNT_KINDS as readonly string[]).includes(kind);

/** The settings email needs; all three, or email is not set up. */
export interface MailEnv {
  SMTP_URL?: string;
  MAIL_FROM?: string;
  APP_ORIGIN?: string;
}

/** Whether messages can go out: a server, a sender address and the public address links point at. */
export function emailSetUp(env: MailEnv): env is Required<MailEnv> {
  return Boolean(env.SMTP_URL && env.MAIL_FROM && env.APP_ORIGIN);
}

interface Person {
  id: number;
  name: string;
  email: string;
}

const firstName = (name: string) => name.split(/\s+/)[0] || name;

/**
 * Writes an account email to the outbox with its account_mail row, in the caller's transaction.
 * Its idempotency key's date is the request's instant, not the day: a person may ask twice in a
 * day (the throttle limits how often), and each request is a message of its own.
 */
async function enqueueAccountMail(
  trx: DB,
  input: { person: Person; purpose: AccountMailPurpose; requestedBy: number | null; subject: string; text: string; html: string; now: Date },
): Promise<number | null> {
  const localDate = input.now.toISOString();
  const added = await enqueue(
    trx,
    [{ userId: input.person.id, to: input.person.email, kind: input.purpose, localDate, subject: input.subject, text: input.text, html: input.html }],
    { now: input.now, emailSetUp: true },
  );
  // The same person and purpose within the same millisecond: the first request stands.
  if (added === 0) return null;
  const { id } = await trx
    .selectFrom("mail_message")
    .select("id")
    .where("user_id", "=", input.person.id)
    .where("kind", "=", input.purpose)
    .where("local_date", "=", localDate)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("account_mail")
    .values({ message_id: id, user_id: input.person.id, purpose: input.purpose, requested_by: input.requestedBy, created_at: input.now.toISOString() })
    .execute();
  return id;
}

function resetMessage(person: Person, origin: string) {
  const name = firstName(person.name);
  const again = `${origin}/login/forgot`;
  const text = [
    `Hello ${name},`,
    "",
    `Someone asked to reset the password of the DeskCoach account for ${person.email}. If it was you, choose a new password here within ${RESET_MINUTES} minutes:`,
    "",
    RESET_URL,
    "",
    `The link works once. If it has expired, ask for a new one: ${again}`,
    "",
    "If you did not ask, ignore this email: your password stays as it is.",
    "",
  ].join("\n");
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(name)},</p>`,
    `<p>Someone asked to reset the password of the DeskCoach account for ${escapeHtml(person.email)}. If it was you, choose a new password within ${RESET_MINUTES} minutes:</p>`,
    `<p><a href="${RESET_URL}">Choose a new password</a></p>`,
    `<p>The link works once. If it has expired, <a href="${escapeHtml(again)}">ask for a new one</a>.</p>`,
    `<p>If you did not ask, ignore this email: your password stays as it is.</p>`,
    `</body></html>`,
  ].join("");
  return { subject: "Reset your DeskCoach password", text, html };
}

function setupCodeMessage(person: Person, manager: string, origin: string) {
  const name = firstName(person.name);
  const page = `${origin}/login/code`;
  const text = [
    `Hello ${name},`,
    "",
    `${manager} asked DeskCoach to send you a one-time code to choose your password.`,
    "",
    `Your code: ${SETUP_CODE}`,
    "",
    `Go to ${page}, enter your email (${person.email}), the code and a new password. The code works once, for ${CODE_HOURS} hours.`,
    "",
  ].join("\n");
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(name)},</p>`,
    `<p>${escapeHtml(manager)} asked DeskCoach to send you a one-time code to choose your password.</p>`,
    `<p>Your code: <strong style="font-family: monospace; font-size: 1.2em">${SETUP_CODE}</strong></p>`,
    `<p>Go to <a href="${escapeHtml(page)}">${escapeHtml(page)}</a>, enter your email (${escapeHtml(person.email)}), the code and a new password. `,
    `The code works once, for ${CODE_HOURS} hours.</p>`,
    `</body></html>`,
  ].join("");
  return { subject: "Your DeskCoach code to choose a password", text, html };
}

/** Reset emails one typed address may ask for, and one client address, within the sign-in throttle's window. */
export const RESET_REQUESTS_PER_EMAIL = 3;
export const RESET_REQUESTS_PER_ADDRESS = 10;

/**
 * Counts a request for a reset email with the sign-in throttle's machinery, under its own keys: per
 * typed email (whether or not it has an account, so the answer tells nothing) and per client
 * address. 0 when admitted, otherwise the minutes to wait.
 */
export function admitResetRequest(db: DB, input: { email: string; address: string; now: Date }): Promise<number> {
  return admitLimited(
    db,
    { [`reset-email:${normalizeEmail(input.email)}`]: RESET_REQUESTS_PER_EMAIL, [`reset-address:${input.address}`]: RESET_REQUESTS_PER_ADDRESS },
    input.now,
  );
}

/**
 * "Forgot your password?": queues a reset link for the active account with this email, ending
 * any earlier link of theirs. For any other address (unknown, deactivated) it does nothing; the
 * caller answers the same either way. True when a message was queued.
 */
export async function requestPasswordReset(db: DB, input: { email: string; now: Date; origin: string }): Promise<boolean> {
  const person = await db
    .selectFrom("user")
    .select(["id", "name", "email"])
    .where("email", "=", normalizeEmail(input.email))
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!person) return false;
  const message = resetMessage(person, input.origin);
  return db.transaction().execute(async (trx) => {
    // A newer request ends every earlier link, sent or still waiting.
    await endResetLinks(trx, person.id, input.now);
    const id = await enqueueAccountMail(trx, { person, purpose: "password-reset", requestedBy: null, ...message, now: input.now });
    if (id === null) return false;
    await recordAudit(trx, { actorId: null, action: "person.reset_requested", subject: `user:${person.id}`, details: { via: "email" }, at: input.now });
    return true;
  });
}

async function endResetLinks(trx: DB, userId: number, now: Date, except?: number): Promise<void> {
  let query = trx
    .updateTable("account_mail")
    .set({ used_at: now.toISOString() })
    .where("user_id", "=", userId)
    .where("purpose", "=", "password-reset")
    .where("used_at", "is", null);
  if (except !== undefined) query = query.where("message_id", "!=", except);
  await query.execute();
}

/**
 * Queues a setup code for `person`, in the caller's transaction (adding the person, or a manager's
 * reset). Earlier codes stop working now; the new one is made as the message is sent.
 */
export async function queueSetupCode(trx: DB, input: { person: Person; manager: { id: number; name: string }; now: Date; origin: string }): Promise<void> {
  await revokeCodes(trx, input.person.id, input.now);
  const message = setupCodeMessage(input.person, input.manager.name, input.origin);
  await enqueueAccountMail(trx, { person: input.person, purpose: "setup-code", requestedBy: input.manager.id, ...message, now: input.now });
}

/** What the sender puts in an account email's placeholders, or why it must not go. */
export type AccountSecrets = { replacements: Record<string, string> } | { refused: string };

/**
 * Makes an account email's secret as it is about to be sent, in the sender's transaction: a reset
 * link's token (its hash stored, working for RESET_MINUTES from now, every other link of the
 * person ended) or a setup code (issueCode, 24 hours). A message whose person was deactivated,
 * whose address changed or whose request a newer one replaced does not go.
 */
export async function accountSecrets(trx: DB, message: { id: number; to_address: string }, now: Date, origin: string): Promise<AccountSecrets> {
  const row = await trx
    .selectFrom("account_mail")
    .innerJoin("user", "user.id", "account_mail.user_id")
    .select(["account_mail.user_id", "account_mail.purpose", "account_mail.requested_by", "account_mail.used_at", "user.status", "user.email", "user.password_hash"])
    .where("account_mail.message_id", "=", message.id)
    .executeTakeFirst();
  if (!row) return { refused: "Not sent: this account email has no request behind it." };
  if (row.status !== "active") return { refused: "Not sent: the person was deactivated before it could go." };
  if (row.email !== message.to_address) return { refused: "Not sent: the person's email changed before it could go." };
  if (row.purpose === "setup-code") {
    const code = await issueCode(trx, { userId: row.user_id, purpose: row.password_hash ? "reset" : "setup", createdBy: row.requested_by, now });
    return { replacements: { [SETUP_CODE]: code } };
  }
  if (row.used_at) return { refused: "Not sent: a newer request replaced it." };
  const token = randomBytes(32).toString("base64url");
  await endResetLinks(trx, row.user_id, now, message.id);
  await trx
    .updateTable("account_mail")
    .set({ token_hash: hashToken(token), expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000).toISOString() })
    .where("message_id", "=", message.id)
    .execute();
  return { replacements: { [RESET_URL]: `${origin}/login/reset/${token}` } };
}

// Tokens are 32 random bytes in base64url; anything else is not one of ours.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

async function liveLink(db: DB, token: string, now: Date) {
  if (!TOKEN.test(token)) return undefined;
  return db
    .selectFrom("account_mail")
    .innerJoin("user", "user.id", "account_mail.user_id")
    .select(["account_mail.message_id", "account_mail.user_id", "user.email", "user.password_hash"])
    .where("account_mail.token_hash", "=", hashToken(token))
    .where("account_mail.purpose", "=", "password-reset")
    .where("account_mail.used_at", "is", null)
    .where("account_mail.expires_at", ">", now.toISOString())
    .where("user.status", "=", "active")
    .executeTakeFirst();
}

/** The email a live reset link is for (to show on its page), or null when it is unknown, used or expired. */
export async function findResetLink(db: DB, token: string, now: Date): Promise<{ email: string } | null> {
  const row = await liveLink(db, token, now);
  return row ? { email: row.email } : null;
}

/**
 * Spends a reset link: sets the password and ends the person's sessions, all at once (as a reset
 * code does). Null when the link is unknown, used or expired: nothing changes.
 */
export async function resetPasswordWithLink(db: DB, input: { token: string; passwordHash: string; now: Date }): Promise<{ userId: number } | null> {
  return db.transaction().execute(async (trx) => {
    const row = await liveLink(trx, input.token, input.now);
    if (!row) return null;
    const spent = await trx
      .updateTable("account_mail")
      .set({ used_at: input.now.toISOString() })
      .where("message_id", "=", row.message_id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    // Two uses at once: only the first changes anything.
    if (Number(spent.numUpdatedRows) !== 1) return null;
    await trx.updateTable("user").set({ password_hash: input.passwordHash }).where("id", "=", row.user_id).execute();
    await endUserSessions(trx, row.user_id);
    await recordAudit(trx, {
      actorId: row.user_id,
      action: row.password_hash ? "person.password_reset" : "person.password_set",
      subject: `user:${row.user_id}`,
      details: { via: "email" },
      at: input.now,
    });
    return { userId: row.user_id };
  });
}
