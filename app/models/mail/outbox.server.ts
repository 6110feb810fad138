// The outbox: every message is a row here first, written in the same transaction as the decision
// to send it, and delivered later by the sender (sender.server.ts). See
// docs/decisions/0019-email-outbox.md.
import type { DB } from "#db/connection.ts";
import type { MailStatus } from "#db/schema.ts";

/**
 * Where a message's own unsubscribe link goes, in its bodies. The sender puts a fresh token there
 * as it sends (and in List-Unsubscribe), so that no usable token is ever kept in the outbox.
 */
export const UNSUBSCRIBE_URL = "{{unsubscribe-url}}";

/** Text made safe to put in a message's HTML part. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export interface OutgoingMessage {
  userId: number;
  to: string;
  kind: string;
  /**
   * The practice's date the message is for: the first date of its kind's period (the day, the
   * week's Monday, the month's first). (userId, kind, localDate) is its idempotency key.
   */
  localDate: string;
  subject: string;
  /** Always sent; may contain UNSUBSCRIBE_URL. */
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** "Not sent: email is not set up" for a manager's eyes. */
export const STATUS_LABELS: Record<MailStatus, string> = {
  pending: "Waiting to be sent",
  sent: "Sent",
  failed: "Failed",
  "not-set-up": "Not sent: email is not set up",
};

/**
 * Adds messages to the outbox, in the caller's transaction. A message whose key is already there
 * (the same person, kind and day) is left as it was: deciding twice sends once. `emailSetUp`
 * false keeps them as "not sent: email is not set up". Returns how many were added.
 */
export async function enqueue(trx: DB, messages: readonly OutgoingMessage[], options: { now: Date; emailSetUp: boolean }): Promise<number> {
  if (messages.length === 0) return 0;
  const at = options.now.toISOString();
  let added = 0;
  // Batches keep each statement under both databases' limits on bound values.
  for (let i = 0; i < messages.length; i += 200) {
    const result = await trx
      .insertInto("mail_message")
      .values(
        messages.slice(i, i + 200).map((m) => ({
          user_id: m.userId,
          to_address: m.to,
          kind: m.kind,
          local_date: m.localDate,
          subject: m.subject,
          text_body: m.text,
          html_body: m.html,
          headers: JSON.stringify(m.headers ?? {}),
          status: options.emailSetUp ? ("pending" as const) : ("not-set-up" as const),
          next_attempt_at: at,
          created_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(["user_id", "kind", "local_date"]).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Who already has a message of this kind for this date, among `userIds`. */
export async function alreadyQueued(db: DB, kind: string, localDate: string, userIds: readonly number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("mail_message")
    .select("user_id")
    .where("kind", "=", kind)
    .where("local_date", "=", localDate)
    .where("user_id", "in", [...userIds])
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
