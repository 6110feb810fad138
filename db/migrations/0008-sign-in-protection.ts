import { sql, type Kysely } from "kysely";
import { generatedId } from "../dialect.ts";

// Sign-in that nobody can lock: device cookies and the record of blocked sign-in attempts. See
// docs/decisions/0014-device-cookies.md.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A browser where a person has signed in: the SHA-256 of the token its cookie holds (the token
  // itself is never stored), whose account it is, and when it was last used to sign in.
  await db.schema
    .createTable("device_cookie")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("device_cookie_user_idx").on("device_cookie").columns(["user_id", "last_used_at"]).execute();

  // Sign-in attempts refused because of a lockout, counted per UTC day, account, address and
  // reason. `user_id` is the account the typed email names, or null when it names none: the email
  // of an account that does not exist is not kept at all.
  await db.schema
    .createTable("sign_in_block")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.references("user.id"))
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('account', 'address', 'device')`))
    .addColumn("attempts", "integer", (c) => c.notNull().check(sql`attempts > 0`))
    .addColumn("first_at", "text", (c) => c.notNull())
    .addColumn("last_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sign_in_block_day_idx").on("sign_in_block").columns(["day", "address", "user_id", "reason"]).execute();
}
