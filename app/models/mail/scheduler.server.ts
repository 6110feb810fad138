// One mail round: compose what is due for each kind of message, then send what is pending. The
// server runs a round once a minute (app/server/main.ts); `npm run reminders -- --once` runs one
// from cron. Any number of rounds may run at once, in one process or several: the outbox's
// idempotency key makes composing twice add nothing, and the sender's lease makes one sender.
import { randomUUID } from "node:crypto";
import type { DB } from "#db/connection.ts";
import type { Catalog } from "../catalog.server.ts";
import { localTime } from "../clock.server.ts";
import { getPractice } from "../practice.server.ts";
import { yieldToRequests } from "../yield.server.ts";
import { kindSettings, periodStart, type MailKind, type Recipient } from "./kinds.server.ts";
import { managerDigest } from "./manager-digest.server.ts";
import { ownerSummary } from "./owner-summary.server.ts";
import { questionADay } from "./question-a-day.server.ts";
import { alreadyQueued, enqueue } from "./outbox.server.ts";
import { createMailTransport, sendDue, type MailTransport, type SendResult } from "./sender.server.ts";
import { staffReminder } from "./staff-reminder.server.ts";

/** Every kind, in the order they are composed. */
export const MAIL_KINDS: readonly MailKind[] = [staffReminder, questionADay, managerDigest, ownerSummary];

export interface MailServices {
  db: DB;
  clock: { now(): Date };
  /** The catalog as the app serves it now. */
  catalog(): Promise<Catalog>;
  env: { SMTP_URL?: string; MAIL_FROM?: string; APP_ORIGIN?: string };
  /** A transport to use instead of one made from SMTP_URL each round. */
  transport?: MailTransport;
  /** Identifies this process's sender in the lease. */
  holder?: string;
}

export interface RoundResult {
  /** Messages added to the outbox, per kind. */
  composed: Record<string, number>;
  sent: SendResult | null;
}

/** Composes the messages due at `now` and sends what is pending. */
export async function runMailRound(services: MailServices, now: Date): Promise<RoundResult> {
  const composed = await composeDue(services, now);
  const { SMTP_URL, MAIL_FROM, APP_ORIGIN } = services.env;
  if (!SMTP_URL || !MAIL_FROM || !APP_ORIGIN) return { composed, sent: null };
  const transport = services.transport ?? createMailTransport(SMTP_URL);
  try {
    const sent = await sendDue(services.db, { transport, from: MAIL_FROM, origin: APP_ORIGIN, clock: services.clock, holder: services.holder ?? randomUUID() });
    return { composed, sent };
  } finally {
    if (!services.transport) transport.close();
  }
}

/**
 * For each kind the practice has on: if today is one of its days and its hour has come (in the
 * practice's time zone), the period's messages for everyone not yet written to in this period
 * (today, this week or this month: the kind's period). So a daily kind goes on each working day
 * from the hour; a weekly one on the week's first working day from the hour, and a monthly one on
 * the month's first working day from the hour, or on a later working day of the period for
 * whoever had none yet (the server was down, a person was added, a choice was turned on).
 */
export async function composeDue(services: MailServices, now: Date): Promise<Record<string, number>> {
  const { db } = services;
  const composed: Record<string, number> = {};
  const practice = await getPractice(db);
  if (!practice) return composed;
  const local = localTime(now, practice.time_zone);
  // Links need the public address. Without it email is not set up, nothing is sent, and the kept
  // messages' links are paths a manager's preview can show as they are.
  const origin = services.env.APP_ORIGIN ?? "";
  const emailSetUp = Boolean(services.env.SMTP_URL && services.env.MAIL_FROM && services.env.APP_ORIGIN);
  let catalog: Catalog | null = null;
  for (const kind of MAIL_KINDS) {
    const settings = await kindSettings(db, kind);
    if (!settings.enabled || !settings.workingDays.includes(local.weekday) || local.hour < settings.hour) continue;
    catalog ??= await services.catalog();
    let added = 0;
    const period = periodStart(kind.period, local.date);
    const recipients = (userIds: readonly number[]) => recipientsFor(db, kind.kind, period, userIds);
    for await (const batch of kind.compose({ db, catalog, now, timeZone: practice.time_zone, today: local.date, origin, recipients })) {
      if (batch.length > 0) added += await db.transaction().execute((trx) => enqueue(trx, batch, { now, emailSetUp }));
      await yieldToRequests();
    }
    composed[kind.kind] = added;
  }
  return composed;
}

/** Of `userIds`: active, with an address, the kind not turned off, and nothing of it in the period starting `period` yet. */
async function recipientsFor(db: DB, kind: string, period: string, userIds: readonly number[]): Promise<Recipient[]> {
  if (userIds.length === 0) return [];
  const [people, done] = await Promise.all([
    db
      .selectFrom("user")
      .leftJoin("mail_choice", (j) => j.onRef("mail_choice.user_id", "=", "user.id").on("mail_choice.kind", "=", kind))
      .select(["user.id", "user.name", "user.email"])
      .where("user.id", "in", [...userIds])
      .where("user.status", "=", "active")
      .where("user.email", "like", "%@%")
      .where((eb) => eb.or([eb("mail_choice.enabled", "is", null), eb("mail_choice.enabled", "=", 1)]))
      .orderBy("user.id")
      .execute(),
    alreadyQueued(db, kind, period, userIds),
  ]);
  return people.filter((p) => !done.has(p.id));
}

/** One line on what a round did, for the server's log and `npm run reminders`. */
export function describeRound(result: RoundResult, seconds: number): string {
  const composed = Object.entries(result.composed)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  const sent = !result.sent
    ? "email is not set up (no SMTP_URL): messages are kept in the outbox, unsent"
    : result.sent.busy
      ? "another sender is at work: it sends them"
      : `sent ${result.sent.sent}, ${result.sent.retrying} to retry, ${result.sent.failed} failed`;
  return `composed ${composed || "nothing due"}; ${sent}; in ${seconds.toFixed(2)} s`;
}

/** How often the server runs a round. */
export const ROUND_SECONDS = 60;

/**
 * Runs a round now and then once a minute until stopped (on the server's mail thread:
 * app/server/mail-worker.ts). A round that is still running when the next is due is not doubled; a
 * failed round is logged in one line and the next one tries again (whatever it left is still in
 * the outbox).
 */
export function startMailRounds(services: MailServices, log: (line: string) => void = console.error): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = async () => {
    try {
      const started = performance.now();
      const result = await runMailRound(services, services.clock.now());
      // A round that did something says so in one line; the quiet minutes stay quiet.
      const did = Object.values(result.composed).some((n) => n > 0) || (result.sent !== null && result.sent.sent + result.sent.retrying + result.sent.failed > 0);
      if (did) log(`Mail round: ${describeRound(result, (performance.now() - started) / 1000)}`);
    } catch (error) {
      log(`Mail round failed (it runs again in a minute): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), ROUND_SECONDS * 1000);
  };
  timer = setTimeout(() => void tick(), 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
