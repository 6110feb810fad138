import { sql, type Kysely } from "kysely";
import { countWrites, generatedId } from "../dialect.ts";

// Email: the outbox every message is written to before it is sent, the lease that makes one
// sender at a time, the practice's settings per kind of message and each person's own choices.
// See docs/decisions/0019-email-outbox.md.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One row per message, written in the transaction that decided to send it. (user_id, kind,
  // local_date) is the idempotency key: a second decision the same local day adds nothing.
  // The bodies hold a placeholder where the unsubscribe link goes; the sender puts a fresh token
  // there as it sends, so that no usable token is kept in the outbox.
  await db.schema
    .createTable("mail_message")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("local_date", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed', 'not-set-up')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .execute();
  await db.schema.createIndex("mail_message_key_idx").unique().on("mail_message").columns(["user_id", "kind", "local_date"]).execute();
  await db.schema.createIndex("mail_message_due_idx").on("mail_message").columns(["status", "next_attempt_at"]).execute();

  // Who may send now: one row per lease, held until expires_at, after which anyone may take it.
  await db.schema
    .createTable("mail_lease")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  // The practice's choice per kind. No row: the kind's defaults (app/models/mail/kinds.server.ts).
  // working_days: ISO weekdays, 1 = Monday … 7 = Sunday, comma-separated.
  await db.schema
    .createTable("mail_setting")
    .addColumn("kind", "text", (c) => c.primaryKey())
    .addColumn("enabled", "integer", (c) => c.notNull().check(sql`enabled in (0, 1)`))
    .addColumn("send_hour", "integer", (c) => c.notNull().check(sql`send_hour between 0 and 23`))
    .addColumn("working_days", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("user.id"))
    .execute();

  // A person's own choice per kind. No row: on.
  await db.schema
    .createTable("mail_choice")
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull().check(sql`enabled in (0, 1)`))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("mail_choice_pk", ["user_id", "kind"])
    .execute();

  // Unsubscribe links: the SHA-256 of each token (the token itself is only in the message sent),
  // and the one person and kind it turns off.
  await db.schema
    .createTable("mail_unsubscribe")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("mail_unsubscribe_user_idx").on("mail_unsubscribe").column("user_id").execute();

  // Every table of the practice counts writes on PostgreSQL (migration 0010).
  await countWrites(db, ["mail_message", "mail_lease", "mail_setting", "mail_choice", "mail_unsubscribe"]);
}
