// The sender: takes the lease (one sender at a time, across connections and processes), then
// delivers due messages one by one and marks each right after the SMTP server accepted it.
// See docs/decisions/0019-email-outbox.md for the one window in which a message can go twice.
import { randomUUID } from "node:crypto";
import nodemailer, { type SendMailOptions } from "nodemailer";
import type { DB } from "#db/connection.ts";
import { accountSecrets, ACCOUNT_KINDS, emailSetUp, isAccountKind, type MailEnv } from "./account-mail.server.ts";
import { UNSUBSCRIBE_URL } from "./outbox.server.ts";
import { issueUnsubscribeToken } from "./tokens.server.ts";

export const SENDER_LEASE = "mail-sender";
/** How long a lease lasts without renewal: a holder that died is replaced after this. */
export const LEASE_SECONDS = 120;
/** Minutes to wait after the 1st, 2nd, … failed attempt that may succeed later (4xx, no connection). */
export const RETRY_MINUTES = [1, 5, 15, 60, 240, 720] as const;
/** After this many attempts a message that keeps failing is marked failed. */
export const MAX_ATTEMPTS = RETRY_MINUTES.length + 1;

/** What the sender needs of nodemailer: send one message. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<unknown>;
  close(): void;
}

/** A transport from SMTP_URL (smtp:// or smtps://), with timeouts so that a dead server fails fast. */
export function createMailTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    pool: true,
    maxConnections: 1,
  });
}

export interface SenderOptions {
  transport: MailTransport;
  from: string;
  /** The public origin the unsubscribe links point at. */
  origin: string;
  clock: { now(): Date };
  /** Who holds the lease; one per sender instance. */
  holder?: string;
  /** At most this many messages per call. */
  limit?: number;
}

export interface SendResult {
  sent: number;
  retrying: number;
  failed: number;
  /** Another sender held the lease: this one sent nothing. */
  busy: boolean;
}

/**
 * Takes or renews the lease `name` for `holder` until now + LEASE_SECONDS, if it is free, expired
 * or already ours. One conditional UPDATE: on PostgreSQL a second taker waits for the first's
 * row lock and then finds the condition false; SQLite runs one writer at a time.
 */
export async function takeLease(db: DB, name: string, holder: string, now: Date, seconds = LEASE_SECONDS): Promise<boolean> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + seconds * 1000).toISOString();
  await db.insertInto("mail_lease").values({ name, holder: "", expires_at: at }).onConflict((oc) => oc.column("name").doNothing()).execute();
  const result = await db
    .updateTable("mail_lease")
    .set({ holder, expires_at: until })
    .where("name", "=", name)
    .where((eb) => eb.or([eb("holder", "=", holder), eb("expires_at", "<=", at)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets the lease go at once, if it is still ours, so the next round need not wait for it to expire. */
export async function releaseLease(db: DB, name: string, holder: string, now: Date): Promise<void> {
  await db.updateTable("mail_lease").set({ expires_at: now.toISOString() }).where("name", "=", name).where("holder", "=", holder).execute();
}

/** Whether an SMTP failure is worth trying again: 4xx replies and no reply at all (a dead connection). */
export function isTemporary(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code !== "number" || (code >= 400 && code < 500);
}

/** The server's own words for a failure, or the connection's. */
export function failureText(error: unknown): string {
  const e = error as { response?: unknown; message?: unknown; code?: unknown };
  const text = typeof e.response === "string" && e.response ? e.response : typeof e.message === "string" ? e.message : String(error);
  return text.slice(0, 1000);
}

/**
 * Delivers pending messages whose time has come, oldest first, while holding the lease. Each is
 * re-read and the lease renewed just before it goes, so a sender that lost the lease stops.
 */
export async function sendDue(db: DB, options: SenderOptions): Promise<SendResult> {
  const holder = options.holder ?? randomUUID();
  const result: SendResult = { sent: 0, retrying: 0, failed: 0, busy: false };
  // Nothing due, nothing written: a round a minute in every process would otherwise write the
  // lease each time, and on PostgreSQL every write moves the read caches' version.
  const due = await db
    .selectFrom("mail_message")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", options.clock.now().toISOString())
    .limit(1)
    .executeTakeFirst();
  if (!due) return result;
  if (!(await takeLease(db, SENDER_LEASE, holder, options.clock.now()))) return { ...result, busy: true };
  const limit = options.limit ?? 1000;
  try {
    let done = 0;
    // A message that will be tried again waits at least a minute (RETRY_MINUTES), so no batch
    // below picks it up twice.
    while (done < limit) {
      const now = options.clock.now();
      const batch = await db
        .selectFrom("mail_message")
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now.toISOString())
        // A person waiting for a reset link or a setup code goes before the day's reminders.
        .orderBy((eb) => eb.case().when("kind", "in", [...ACCOUNT_KINDS]).then(0).else(1).end())
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(Math.min(100, limit - done))
        .execute();
      if (batch.length === 0) break;
      for (const { id } of batch) {
        if (done >= limit) break;
        const outcome = await sendOne(db, id, holder, options);
        if (outcome === "lost-lease") return result;
        if (outcome === "unreachable") {
          // No connection to the server: the rest would fail the same way. They wait for the next round.
          result.retrying++;
          return result;
        }
        if (outcome === "gone") continue;
        done++;
        result[outcome]++;
      }
    }
    return result;
  } finally {
    await releaseLease(db, SENDER_LEASE, holder, options.clock.now()).catch(() => undefined);
  }
}

function fillIn(body: string, replacements: Record<string, string>): string {
  let out = body;
  for (const [placeholder, value] of Object.entries(replacements)) out = out.split(placeholder).join(value);
  return out;
}

async function sendOne(db: DB, id: number, holder: string, options: SenderOptions): Promise<"sent" | "retrying" | "unreachable" | "failed" | "gone" | "lost-lease"> {
  // Renew the lease, check the message still waits and make its secrets (a new unsubscribe token,
  // or an account email's link or code), together: the outbox holds only placeholders.
  const message = await db.transaction().execute(async (trx) => {
    const now = options.clock.now();
    if (!(await takeLease(trx, SENDER_LEASE, holder, now))) return "lost-lease" as const;
    const row = await trx.selectFrom("mail_message").selectAll().where("id", "=", id).where("status", "=", "pending").executeTakeFirst();
    if (!row) return "gone" as const;
    const extra = JSON.parse(row.headers) as Record<string, string>;
    if (isAccountKind(row.kind)) {
      // Transactional: no List-Unsubscribe, and no token but its own.
      const secrets = await accountSecrets(trx, row, now, options.origin);
      if ("refused" in secrets) {
        await trx.updateTable("mail_message").set({ status: "failed", last_error: secrets.refused }).where("id", "=", id).execute();
        return "refused" as const;
      }
      return { ...row, replacements: secrets.replacements, headers: extra };
    }
    const token = await issueUnsubscribeToken(trx, row.user_id, row.kind, now);
    const unsubscribe = `${options.origin}/unsubscribe/${token}`;
    const headers = { ...extra, "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
    return { ...row, replacements: { [UNSUBSCRIBE_URL]: unsubscribe }, headers };
  });
  if (message === "refused") return "failed";
  if (typeof message === "string") return message;
  try {
    await options.transport.sendMail({
      from: options.from,
      to: message.to_address,
      subject: message.subject,
      text: fillIn(message.text_body, message.replacements),
      html: fillIn(message.html_body, message.replacements),
      headers: message.headers,
    });
  } catch (error) {
    const attempts = message.attempts + 1;
    const retry = isTemporary(error) && attempts < MAX_ATTEMPTS;
    const wait = RETRY_MINUTES[Math.min(attempts, RETRY_MINUTES.length) - 1] ?? 60;
    await db
      .updateTable("mail_message")
      .set({
        status: retry ? "pending" : "failed",
        attempts,
        last_error: failureText(error),
        next_attempt_at: new Date(options.clock.now().getTime() + wait * 60_000).toISOString(),
      })
      .where("id", "=", id)
      .execute();
    if (!retry) return "failed";
    return typeof (error as { responseCode?: unknown }).responseCode === "number" ? "retrying" : "unreachable";
  }
  // The window: the server has it; until this UPDATE commits, a crash means it goes again.
  await db
    .updateTable("mail_message")
    .set({ status: "sent", attempts: message.attempts + 1, sent_at: options.clock.now().toISOString(), last_error: null })
    .where("id", "=", id)
    .execute();
  return "sent";
}

/**
 * Sends what is waiting now rather than at the next minute's round, in the background: a person
 * who asked for a reset link is looking at their inbox. The lease keeps it to one sender; when
 * another holds it, that sender is already sending and is asked again a few times, in case it was
 * just finishing. Never throws: whatever is left waits in the outbox for the next round.
 */
export async function sendSoon(db: DB, env: MailEnv, clock: { now(): Date }, log: (line: string) => void = console.error): Promise<void> {
  if (!emailSetUp(env)) return;
  const transport = createMailTransport(env.SMTP_URL);
  try {
    for (let tries = 0; tries < 5; tries++) {
      const result = await sendDue(db, { transport, from: env.MAIL_FROM, origin: env.APP_ORIGIN, clock, holder: randomUUID() });
      if (!result.busy) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } catch (error) {
    log(`Sending mail failed (the next round tries again): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    transport.close();
  }
}
