import { sql, type Kysely } from "kysely";
import { countWrites } from "../dialect.ts";

// Account emails (a password-reset link, a setup code): one row per message, beside the outbox
// row that carries it. The secret itself is made by the sender as the message goes (the outbox
// keeps a placeholder); for a reset link only its SHA-256 is kept here. See
// docs/decisions/0019-email-outbox.md, "Account emails".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("account_mail")
    .addColumn("message_id", "integer", (c) => c.primaryKey().references("mail_message.id"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('password-reset', 'setup-code')`))
    // The manager who asked for a setup code to be sent; null for a person's own reset request.
    .addColumn("requested_by", "integer", (c) => c.references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    // A reset link's token, hashed, and until when it works: written when the message is sent.
    .addColumn("token_hash", "text", (c) => c.unique())
    .addColumn("expires_at", "text")
    // Spent, or ended by a newer request.
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("account_mail_user_idx").on("account_mail").columns(["user_id", "purpose"]).execute();
  await countWrites(db, ["account_mail"]);
}
