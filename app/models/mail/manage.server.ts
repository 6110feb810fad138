// What managers and each person do with email: the practice's settings per kind (when it goes
// out), a preview of each kind as one person would get it today, the outbox with a retry for a
// failed message (/manage/reminders), and a person's own choices (/progress). Everything is read
// over MAIL_KINDS, so a kind added there shows up here by itself.
import { z } from "zod";
import type { DB } from "#db/connection.ts";
import type { MailStatus, Role } from "#db/schema.ts";
import { pageWindow, type PageWindow } from "#app/rules/paging.ts";
import { recordAudit } from "../audit.server.ts";
import type { Catalog } from "../catalog.server.ts";
import { localTime } from "../clock.server.ts";
import { FieldError } from "../field-error.ts";
import type { Actor } from "../sessions.server.ts";
import { findPerson } from "../team.server.ts";
import { roleAtLeast } from "../users.server.ts";
import { kindSettings, personChoices, setKindSettings, setPersonChoice, type KindSettings, type MailKind } from "./kinds.server.ts";
import { STATUS_LABELS, UNSUBSCRIBE_URL } from "./outbox.server.ts";
import { MAIL_KINDS } from "./scheduler.server.ts";

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** What a practice must set for email to go out (README, Email). */
export const MAIL_SETTINGS = ["SMTP_URL", "MAIL_FROM", "APP_ORIGIN"] as const;

/** Of MAIL_SETTINGS, those not set: none means email is set up. */
export function missingMailSettings(env: Partial<Record<(typeof MAIL_SETTINGS)[number], string | undefined>>): string[] {
  return MAIL_SETTINGS.filter((key) => !env[key]);
}

function kindNamed(kind: string): MailKind | undefined {
  return MAIL_KINDS.find((k) => k.kind === kind);
}

/** A kind's label, or its name for a kind this version no longer composes. */
export function kindLabel(kind: string): string {
  return kindNamed(kind)?.label ?? kind;
}

/** The kinds meant for a person of this role: those a person may choose for themselves. */
export function kindsFor(role: Role): MailKind[] {
  return MAIL_KINDS.filter((k) => roleAtLeast(role, k.audience ?? "staff"));
}

// ---------------------------------------------------------------------------------------------
// The practice's settings.

/**
 * When emails go out is the practice's, not a location's: the owner and managers of the whole
 * practice change it; a manager limited to one location sees it.
 */
export function mayChangeMailSettings(actor: Actor): boolean {
  return roleAtLeast(actor.role, "manager") && actor.scopeLocationId === null;
}

/** mayChangeMailSettings, as a refusal (403). */
export function checkMayChangeMailSettings(actor: Actor): void {
  if (!mayChangeMailSettings(actor)) throw new FieldError("form", "Only the owner or a manager of the whole practice changes when emails go out.", 403);
}

export interface KindView {
  kind: string;
  label: string;
  settings: KindSettings;
}

export async function practiceMailSettings(db: DB): Promise<KindView[]> {
  return Promise.all(MAIL_KINDS.map(async (k) => ({ kind: k.kind, label: k.label, settings: await kindSettings(db, k) })));
}

/** The settings form as sent: `days` holds every ticked day. */
export interface KindSettingsForm {
  kind: string;
  enabled: string | null;
  hour: string;
  days: string[];
}

const settingsSchema = z.object({
  enabled: z.enum(["on"], { errorMap: () => ({ message: "Tick the box to send these, or leave it empty." }) }).nullable(),
  hour: z
    .string()
    .regex(/^\d{1,2}$/, "Choose an hour from the list.")
    .transform(Number)
    .pipe(z.number().int().min(0, "Choose an hour from the list.").max(23, "Choose an hour from the list.")),
  days: z
    .array(z.string().regex(/^[1-7]$/, "Choose days from the list."))
    .min(1, "Choose at least one day.")
    .max(7, "Choose days from the list.")
    .transform((days) => [...new Set(days.map(Number))].sort((a, b) => a - b)),
});

export type SettingsResult = { ok: true; kind: MailKind; settings: KindSettings } | { ok: false; errors: Record<string, string> };

/** Checks a settings form; an unknown kind is no kind at all (404). */
export function readKindSettings(form: KindSettingsForm): SettingsResult {
  const kind = kindNamed(form.kind);
  if (!kind) throw new FieldError("kind", "There is no such kind of email.", 404);
  const parsed = settingsSchema.safeParse({ enabled: form.enabled, hour: form.hour, days: form.days });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, errors };
  }
  return { ok: true, kind, settings: { enabled: parsed.data.enabled === "on", hour: parsed.data.hour, workingDays: parsed.data.days } };
}

/** Saves a kind's settings for the practice, with an audit event. */
export async function saveKindSettings(db: DB, actor: Actor, kind: MailKind, settings: KindSettings, now: Date): Promise<void> {
  checkMayChangeMailSettings(actor);
  await db.transaction().execute(async (trx) => {
    await setKindSettings(trx, kind.kind, settings, actor.id, now);
    await recordAudit(trx, { actorId: actor.id, action: "mail.settings", subject: `mail-kind:${kind.kind}`, details: { ...settings }, at: now });
  });
}

// ---------------------------------------------------------------------------------------------
// The preview.

export interface PreviewContext {
  catalog: Catalog;
  now: Date;
  timeZone: string;
  /** The public origin links point at ("" when it is not set: links are then paths). */
  origin: string;
}

export interface KindPreview {
  kind: string;
  label: string;
  /** What the person would get today if the kind went out now; null: nothing is due for them. */
  message: { to: string; subject: string; text: string; html: string } | null;
  /** Why it would not go today after all, in a manager's words; empty when it would. */
  held: string[];
}

/** Where a message's own unsubscribe link goes, in a preview. */
export const PREVIEW_UNSUBSCRIBE = "[the person's own unsubscribe link]";

/**
 * Each kind meant for the person, composed by the kind itself as if it went out now, for this one
 * person only: what is already sent today and their own choices are set aside (and said, with the
 * practice's settings, in `held`). A person outside the actor's scope is not there (404).
 */
export async function previewFor(db: DB, actor: Actor, userId: number, context: PreviewContext): Promise<{ person: { id: number; name: string; email: string }; previews: KindPreview[] }> {
  const found = await findPerson(db, actor, userId);
  if (!found) throw new FieldError("userId", "There is no such person.", 404);
  const person = { id: found.id, name: found.name, email: found.email };
  const local = localTime(context.now, context.timeZone);
  const choices = await personChoices(db, person.id);
  const previews: KindPreview[] = [];
  for (const kind of kindsFor(found.role)) {
    let message: KindPreview["message"] = null;
    const batches = kind.compose({
      db,
      catalog: context.catalog,
      now: context.now,
      timeZone: context.timeZone,
      today: local.date,
      origin: context.origin,
      recipients: async (ids) => (ids.includes(person.id) ? [person] : []),
    });
    for await (const batch of batches) {
      const mine = batch.find((m) => m.userId === person.id);
      if (mine) {
        const fill = (body: string) => body.split(UNSUBSCRIBE_URL).join(PREVIEW_UNSUBSCRIBE);
        message = { to: mine.to, subject: mine.subject, text: fill(mine.text), html: fill(mine.html) };
      }
    }
    const settings = await kindSettings(db, kind);
    const held: string[] = [];
    if (!settings.enabled) held.push("The practice has turned these emails off.");
    else if (!settings.workingDays.includes(local.weekday)) held.push(`Today (${WEEKDAY_NAMES[local.weekday - 1]}) is not one of the days these go out.`);
    if (choices.get(kind.kind) === false) held.push(`${person.name} has turned these emails off.`);
    if (found.status !== "active") held.push(`${person.name} is deactivated.`);
    else if (!person.email.includes("@")) held.push(`${person.name} has no email address.`);
    previews.push({ kind: kind.kind, label: kind.label, message, held });
  }
  return { person, previews };
}

// ---------------------------------------------------------------------------------------------
// The outbox.

export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxRow {
  id: number;
  kind: string;
  kindLabel: string;
  to: string;
  personName: string;
  localDate: string;
  createdAt: string;
  status: MailStatus;
  statusLabel: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
}

export function isMailStatus(value: string | null | undefined): value is MailStatus {
  return typeof value === "string" && Object.hasOwn(STATUS_LABELS, value);
}

/** The messages of the people the actor may see, newest first, a page at a time; `status` keeps one status. */
function outboxQuery(db: DB, actor: Actor, status: MailStatus | null) {
  let query = db.selectFrom("mail_message").innerJoin("user", "user.id", "mail_message.user_id");
  if (actor.scopeLocationId) query = query.where("user.location_id", "=", actor.scopeLocationId);
  if (status) query = query.where("mail_message.status", "=", status);
  return query;
}

export async function outboxPage(db: DB, actor: Actor, options: { status: MailStatus | null; page: number }): Promise<{ rows: OutboxRow[]; window: PageWindow }> {
  const { n } = await outboxQuery(db, actor, options.status)
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  const window = pageWindow(Number(n), options.page, OUTBOX_PAGE_SIZE);
  if (window.total === 0) return { rows: [], window };
  const rows = await outboxQuery(db, actor, options.status)
    .select([
      "mail_message.id",
      "mail_message.kind",
      "mail_message.to_address",
      "user.name",
      "mail_message.local_date",
      "mail_message.created_at",
      "mail_message.status",
      "mail_message.attempts",
      "mail_message.next_attempt_at",
      "mail_message.last_error",
      "mail_message.sent_at",
    ])
    .orderBy("mail_message.id", "desc")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return {
    window,
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: kindLabel(r.kind),
      to: r.to_address,
      personName: r.name,
      localDate: r.local_date,
      createdAt: r.created_at,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status],
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      sentAt: r.sent_at,
    })),
  };
}

/**
 * Tries a failed message again: waiting from now, with a fresh count of attempts (so that it gets
 * every retry a new message gets), to the person's address as it is now (a manager who corrected
 * a bouncing address retries to the corrected one). Only a failed message; one of a person
 * outside the actor's scope does not exist (404).
 */
export async function retryMessage(db: DB, actor: Actor, id: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("mail_message")
      .innerJoin("user", "user.id", "mail_message.user_id")
      .select(["mail_message.id", "mail_message.kind", "mail_message.status", "mail_message.to_address", "mail_message.attempts", "mail_message.last_error", "mail_message.user_id", "user.email", "user.status as userStatus"])
      .where("mail_message.id", "=", id);
    if (actor.scopeLocationId) query = query.where("user.location_id", "=", actor.scopeLocationId);
    const message = await query.executeTakeFirst();
    if (!message) throw new FieldError("form", "There is no such message.", 404);
    if (message.status !== "failed") throw new FieldError("form", `Only a failed message can be tried again; this one is “${STATUS_LABELS[message.status]}”.`);
    if (message.userStatus !== "active") throw new FieldError("form", "This person has been deactivated: nothing more is sent to them.");
    await trx
      .updateTable("mail_message")
      .set({ status: "pending", attempts: 0, next_attempt_at: now.toISOString(), to_address: message.email })
      .where("id", "=", id)
      .where("status", "=", "failed")
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      action: "mail.retry",
      subject: `user:${message.user_id}`,
      details: { message: message.id, kind: message.kind, to: message.email, previousTo: message.to_address, attempts: message.attempts, lastError: message.last_error },
      at: now,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// A person's own choices.

export interface OwnChoice {
  kind: string;
  label: string;
  /** The person's choice: on unless they turned it off. */
  on: boolean;
  /** Whether the practice sends this kind at all. */
  practiceOn: boolean;
}

export async function ownMailChoices(db: DB, person: { id: number; role: Role }): Promise<OwnChoice[]> {
  const choices = await personChoices(db, person.id);
  return Promise.all(
    kindsFor(person.role).map(async (k) => ({ kind: k.kind, label: k.label, on: choices.get(k.kind) !== false, practiceOn: (await kindSettings(db, k)).enabled })),
  );
}

/** Sets each of the person's kinds on (those in `on`) or off. A kind not meant for them is refused. */
export async function saveOwnMailChoices(db: DB, person: { id: number; role: Role }, on: readonly string[], now: Date): Promise<void> {
  const kinds = kindsFor(person.role);
  if (on.some((k) => !kinds.some((m) => m.kind === k))) throw new FieldError("emails", "Choose from the emails listed.");
  await db.transaction().execute(async (trx) => {
    for (const k of kinds) await setPersonChoice(trx, person.id, k.kind, on.includes(k.kind), now);
  });
}
