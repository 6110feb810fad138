// Sign-in attempts refused because of a lockout (login-throttle.server.ts), counted for the
// owner's page per UTC day, account, address and reason: one row per combination, its count
// going up, so an attack of a million attempts from one address is one row a day.
//
// The account is kept as the user it names; an email that names no account is not kept at all.
// Those are typos and attackers' lists: other people's addresses, of no use to the owner, who can
// do nothing for an account that does not exist. See docs/decisions/0014-device-cookies.md.
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import type { SignInBlockReason } from "#db/schema.ts";

/** Past this many rows in a day, new addresses are counted together as OTHER_ADDRESSES. */
export const MAX_BLOCK_ROWS_PER_DAY = 2_000;
export const OTHER_ADDRESSES = "*";
/** Days of blocked attempts kept. */
export const KEEP_BLOCK_DAYS = 90;
/** Days the owner's page covers. */
export const REPORT_DAYS = 30;
/** Rows of each list on the owner's page. */
export const REPORT_ROWS = 50;

const DAY_MS = 86_400_000;
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

export interface BlockInput {
  now: Date;
  /** The account the typed email names, or null. */
  userId: number | null;
  address: string;
  reason: SignInBlockReason;
}

export async function recordBlock(db: DB, input: BlockInput): Promise<void> {
  const day = dayOf(input.now);
  const at = input.now.toISOString();
  await db.transaction().execute(async (trx) => {
    const bump = async (address: string) => {
      let update = trx
        .updateTable("sign_in_block")
        .set((eb) => ({ attempts: eb("attempts", "+", 1), last_at: at }))
        .where("day", "=", day)
        .where("address", "=", address)
        .where("reason", "=", input.reason);
      update = input.userId === null ? update.where("user_id", "is", null) : update.where("user_id", "=", input.userId);
      return Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
    };
    if (await bump(input.address)) return;
    const { rows } = await trx
      .selectFrom("sign_in_block")
      .select((eb) => eb.fn.countAll<number>().as("rows"))
      .where("day", "=", day)
      .executeTakeFirstOrThrow();
    const address = Number(rows) >= MAX_BLOCK_ROWS_PER_DAY ? OTHER_ADDRESSES : input.address;
    if (address !== input.address && (await bump(address))) return;
    await trx
      .insertInto("sign_in_block")
      .values({ day, user_id: input.userId, address, reason: input.reason, attempts: 1, first_at: at, last_at: at })
      .execute();
    // A new row at most a few times a day per attacker: the moment to forget old days.
    await trx
      .deleteFrom("sign_in_block")
      .where("day", "<", dayOf(new Date(input.now.getTime() - KEEP_BLOCK_DAYS * DAY_MS)))
      .execute();
  });
}

export interface BlockedDay {
  day: string;
  attempts: number;
  /** Refused because the email had too many failures from unknown browsers. */
  account: number;
  /** Refused because the address had too many failures. */
  address: number;
  /** Refused because a known browser had too many failures. */
  device: number;
}

export interface BlockedAccount {
  /** Null for emails that name no account (counted together). */
  name: string | null;
  email: string | null;
  attempts: number;
  addresses: number;
  lastAt: string;
}

export interface BlockedAddress {
  /** Null for the addresses counted together on a day with very many (OTHER_ADDRESSES). */
  address: string | null;
  attempts: number;
  /** Accounts named (emails that name none count as one). */
  accounts: number;
  lastAt: string;
}

export interface BlockedSignIns {
  /** The first day covered (UTC). */
  since: string;
  total: number;
  days: BlockedDay[];
  accounts: BlockedAccount[];
  addresses: BlockedAddress[];
}

/** Blocked sign-in attempts over the last REPORT_DAYS days (today included), most first. */
export async function blockedSignIns(db: DB, now: Date): Promise<BlockedSignIns> {
  const since = dayOf(new Date(now.getTime() - (REPORT_DAYS - 1) * DAY_MS));
  const attempts = sql<number>`sum(attempts)`;
  const ofReason = (reason: SignInBlockReason) => sql<number>`sum(case when reason = ${reason} then attempts else 0 end)`;
  const [days, accounts, addresses] = await Promise.all([
    db
      .selectFrom("sign_in_block")
      .select(["day", attempts.as("attempts"), ofReason("account").as("account"), ofReason("address").as("address"), ofReason("device").as("device")])
      .where("day", ">=", since)
      .groupBy("day")
      .orderBy("day", "desc")
      .execute(),
    db
      .selectFrom("sign_in_block")
      .leftJoin("user", "user.id", "sign_in_block.user_id")
      .select([
        "user.name",
        "user.email",
        sql<number>`sum(sign_in_block.attempts)`.as("attempts"),
        sql<number>`count(distinct sign_in_block.address)`.as("addresses"),
        sql<string>`max(sign_in_block.last_at)`.as("lastAt"),
      ])
      .where("sign_in_block.day", ">=", since)
      // Name and email are the user's, one per user_id; PostgreSQL wants them named in the grouping.
      .groupBy(["sign_in_block.user_id", "user.name", "user.email"])
      .orderBy("attempts", "desc")
      .orderBy("lastAt", "desc")
      .limit(REPORT_ROWS)
      .execute(),
    db
      .selectFrom("sign_in_block")
      .select([
        "address",
        attempts.as("attempts"),
        sql<number>`count(distinct coalesce(user_id, 0))`.as("accounts"),
        sql<string>`max(last_at)`.as("lastAt"),
      ])
      .where("day", ">=", since)
      .groupBy("address")
      .orderBy("attempts", "desc")
      .orderBy("lastAt", "desc")
      .limit(REPORT_ROWS)
      .execute(),
  ]);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    since,
    total: days.reduce((sum, d) => sum + n(d.attempts), 0),
    days: days.map((d) => ({ day: d.day, attempts: n(d.attempts), account: n(d.account), address: n(d.address), device: n(d.device) })),
    accounts: accounts.map((a) => ({ name: a.name ?? null, email: a.email ?? null, attempts: n(a.attempts), addresses: n(a.addresses), lastAt: a.lastAt })),
    addresses: addresses.map((a) => ({ address: a.address === OTHER_ADDRESSES ? null : a.address, attempts: n(a.attempts), accounts: n(a.accounts), lastAt: a.lastAt })),
  };
}
