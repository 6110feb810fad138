// A kind of message: what it is called, when the practice sends it by default, and how the day's
// messages are composed for everyone who should get one. Each kind is a small composer; one
// scheduler (scheduler.server.ts) runs them all into one outbox.
import type { DB } from "#db/connection.ts";
import type { Role } from "#db/schema.ts";
import { addDaysTo, isoWeekday } from "#app/rules/dates.ts";
import type { Catalog } from "../catalog.server.ts";
import type { OutgoingMessage } from "./outbox.server.ts";

export interface KindSettings {
  enabled: boolean;
  /** The local hour (0–23) from which the day's messages go. */
  hour: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workingDays: number[];
}

/** What a composer is given: the practice's day, and who may be written to. */
export interface ComposeContext {
  db: DB;
  catalog: Catalog;
  now: Date;
  timeZone: string;
  /** The practice's date today. */
  today: string;
  /** The public origin links point at, without a trailing slash. */
  origin: string;
  /**
   * Of `userIds`, those who may get this kind now: active, with an email address, who have not
   * turned it off and have no message of it in this period (today, this week or this month) yet.
   * One query for the whole batch.
   */
  recipients(userIds: readonly number[]): Promise<Recipient[]>;
}

export interface Recipient {
  id: number;
  name: string;
  email: string;
}

/**
 * How often a kind goes to a person: once a day, a week (Monday to Sunday) or a calendar month,
 * of the practice's calendar. A message's outbox key carries the first date of its period, so a
 * weekly or monthly kind composed again later in the same period adds nothing.
 */
export type MailPeriod = "day" | "week" | "month";

export interface MailKind {
  kind: string;
  /** What a person turns off, in their words: "Reminders of training that is due". */
  label: string;
  period: MailPeriod;
  /** The least role it is for (the people who may choose it for themselves); everyone when unset. */
  audience?: Role;
  defaults: KindSettings;
  /**
   * The period's messages, in batches; the scheduler writes each batch to the outbox as it comes.
   * Only to people `context.recipients` returns, with `localDate` the period's first date
   * (`periodStart(kind.period, context.today)`).
   */
  compose(context: ComposeContext): AsyncIterable<OutgoingMessage[]>;
}

/**
 * The first date of the period holding `date`: the date itself, the Monday of its week, or the
 * first of its month. The outbox's idempotency key, so one message per person per period.
 */
export function periodStart(period: MailPeriod, date: string): string {
  if (period === "month") return `${date.slice(0, 7)}-01`;
  if (period === "week") {
    return addDaysTo(date, 1 - isoWeekday(date));
  }
  return date;
}

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/** The practice's settings for a kind: its row, or the kind's defaults. */
export async function kindSettings(db: DB, kind: MailKind): Promise<KindSettings> {
  const row = await db.selectFrom("mail_setting").select(["enabled", "send_hour", "working_days"]).where("kind", "=", kind.kind).executeTakeFirst();
  if (!row) return kind.defaults;
  return {
    enabled: row.enabled === 1,
    hour: row.send_hour,
    workingDays: row.working_days
      .split(",")
      .map(Number)
      .filter((d) => Number.isInteger(d) && d >= 1 && d <= 7),
  };
}

/** Sets the practice's settings for a kind. */
export async function setKindSettings(db: DB, kind: string, settings: KindSettings, by: number | null, now: Date): Promise<void> {
  const values = {
    enabled: settings.enabled ? 1 : 0,
    send_hour: settings.hour,
    working_days: [...new Set(settings.workingDays)].sort().join(","),
    updated_at: now.toISOString(),
    updated_by: by,
  };
  await db
    .insertInto("mail_setting")
    .values({ kind, ...values })
    .onConflict((oc) => oc.column("kind").doUpdateSet(values))
    .execute();
}

/** A person's own choice for a kind: on unless they turned it off. */
export async function setPersonChoice(db: DB, userId: number, kind: string, enabled: boolean, now: Date): Promise<void> {
  const values = { enabled: enabled ? 1 : 0, updated_at: now.toISOString() };
  await db
    .insertInto("mail_choice")
    .values({ user_id: userId, kind, ...values })
    .onConflict((oc) => oc.columns(["user_id", "kind"]).doUpdateSet(values))
    .execute();
}

export async function personChoices(db: DB, userId: number): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom("mail_choice").select(["kind", "enabled"]).where("user_id", "=", userId).execute();
  return new Map(rows.map((r) => [r.kind, r.enabled === 1]));
}
