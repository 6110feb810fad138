// What a manager does on /manage/reminders and a person on /progress: the practice's settings per
// kind (checked, kept to managers of the whole practice, audited), the preview of each kind as one
// person would get it today, the outbox as far as the manager's scope reaches, retrying a failed
// message (delivered by a real SMTP server afterwards), and each person's own choices.
import { beforeEach, describe, expect, it } from "vitest";
import { FieldError } from "#app/models/field-error.ts";
import { kindSettings } from "#app/models/mail/kinds.server.ts";
import {
  kindsFor,
  missingMailSettings,
  outboxPage,
  ownMailChoices,
  PREVIEW_UNSUBSCRIBE,
  previewFor,
  readKindSettings,
  retryMessage,
  saveKindSettings,
  saveOwnMailChoices,
} from "#app/models/mail/manage.server.ts";
import { composeDue, MAIL_KINDS, runMailRound } from "#app/models/mail/scheduler.server.ts";
import { staffReminder } from "#app/models/mail/staff-reminder.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import type { MailStatus } from "#db/schema.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createUser, placeUser } from "#tests/support/factories.ts";
import { mailPractice, ORIGIN, type MailPractice } from "#tests/support/mail.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";

const TZ = "America/New_York";
const testDb = setupTestDb();
let practice: MailPractice;
let manager: Actor;
/** A manager limited to Ben's location. */
let scoped: Actor;
// Tuesday 3 March 2026, 10:00 in New York: Ana's module is due on Thursday.
const NOW = "2026-03-03T15:00:00Z";

beforeEach(async () => {
  practice = await mailPractice(testDb.db, { timeZone: TZ, start: NOW, dueOn: "2026-03-05" });
  const north = await createLocation(testDb.db, "North");
  const south = await createLocation(testDb.db, "South");
  await placeUser(testDb.db, practice.ana.id, { locationId: north });
  await placeUser(testDb.db, practice.ben.id, { locationId: south });
  manager = { id: (await createUser(testDb.db, { role: "manager", name: "Mona Manager" })).id, role: "manager", scopeLocationId: null };
  const scopedUser = await createUser(testDb.db, { role: "manager", name: "Sam South" });
  await placeUser(testDb.db, scopedUser.id, { locationId: south, scopeLocationId: south });
  scoped = { id: scopedUser.id, role: "manager", scopeLocationId: south };
});

const context = () => ({ catalog: practice.catalog, now: practice.clock.now(), timeZone: TZ, origin: ORIGIN });
const refusal = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FieldError);
  return error as FieldError;
};

describe("the practice's settings", () => {
  it("are checked field by field, and an unknown kind is no kind at all", () => {
    const form = { kind: "staff-reminder", enabled: "on", hour: "7", days: ["1", "3", "5", "3"] };
    expect(readKindSettings(form)).toMatchObject({ ok: true, settings: { enabled: true, hour: 7, workingDays: [1, 3, 5] } });
    expect(readKindSettings({ ...form, enabled: null })).toMatchObject({ ok: true, settings: { enabled: false } });
    expect(readKindSettings({ ...form, hour: "24" })).toEqual({ ok: false, errors: { hour: "Choose an hour from the list." } });
    expect(readKindSettings({ ...form, hour: "" })).toEqual({ ok: false, errors: { hour: "Choose an hour from the list." } });
    expect(readKindSettings({ ...form, hour: "-1", days: [] })).toEqual({ ok: false, errors: { hour: "Choose an hour from the list.", days: "Choose at least one day." } });
    expect(readKindSettings({ ...form, days: ["8"] })).toEqual({ ok: false, errors: { days: "Choose days from the list." } });
    expect(readKindSettings({ ...form, enabled: "yes" })).toMatchObject({ ok: false, errors: { enabled: expect.any(String) } });
    expect(() => readKindSettings({ ...form, kind: "no-such-kind" })).toThrow(FieldError);
  });

  it("are changed by the owner or a manager of the whole practice, with an audit event, and only seen by a manager of one location", async () => {
    const read = readKindSettings({ kind: "staff-reminder", enabled: "on", hour: "7", days: ["6"] });
    if (!read.ok) throw new Error("valid settings refused");
    expect((await refusal(saveKindSettings(testDb.db, scoped, read.kind, read.settings, practice.clock.now()))).status).toBe(403);
    expect(await kindSettings(testDb.db, staffReminder)).toEqual(staffReminder.defaults);
    await saveKindSettings(testDb.db, manager, read.kind, read.settings, practice.clock.now());
    expect(await kindSettings(testDb.db, staffReminder)).toEqual({ enabled: true, hour: 7, workingDays: [6] });
    const audit = await testDb.db.selectFrom("audit_event").select(["actor_id", "action", "subject", "details"]).where("action", "=", "mail.settings").execute();
    expect(audit).toEqual([{ actor_id: manager.id, action: "mail.settings", subject: "mail-kind:staff-reminder", details: JSON.stringify({ enabled: true, hour: 7, workingDays: [6] }) }]);
    // Saturdays only from now on: nothing goes on this Tuesday.
    expect(await composeDue(practice.services(testDb.connection), practice.clock.now())).toEqual({});
  });

  it("say what a practice has not set for email to go out", () => {
    expect(missingMailSettings({})).toEqual(["SMTP_URL", "MAIL_FROM", "APP_ORIGIN"]);
    expect(missingMailSettings({ APP_ORIGIN: ORIGIN })).toEqual(["SMTP_URL", "MAIL_FROM"]);
    expect(missingMailSettings({ SMTP_URL: "smtp://mail.example:587", MAIL_FROM: "coach@example.org", APP_ORIGIN: ORIGIN })).toEqual([]);
  });
});

describe("the preview", () => {
  it("shows what the person would get today, composed by the kind itself, even after it went or when they turned it off, and writes nothing", async () => {
    const first = await previewFor(testDb.db, manager, practice.ana.id, context());
    expect(first.person).toEqual({ id: practice.ana.id, name: "Ana Alvarez", email: "ana@clinic.example" });
    const [reminder] = first.previews;
    expect(reminder).toMatchObject({ kind: "staff-reminder", held: [], message: { to: "ana@clinic.example", subject: "Training due soon: 1 item on DeskCoach" } });
    expect(reminder?.message?.text).toContain("- Basics (due Mar 5)");
    expect(reminder?.message?.text).toContain(PREVIEW_UNSUBSCRIBE);
    expect(reminder?.message?.html).toContain(`href="${ORIGIN}/learn"`);
    // Where to turn it back on: the person's own choices.
    expect(reminder?.message?.text).toContain(`You can turn them back on from your progress page: ${ORIGIN}/progress#emails`);
    expect(reminder?.message?.html).toContain(`href="${ORIGIN}/progress#emails"`);
    expect(await testDb.db.selectFrom("mail_message").select("id").execute()).toEqual([]);

    // Today's reminder went out, and then Ana turned reminders off: the preview still shows it, and says so.
    await runMailRound(practice.services(testDb.connection), practice.clock.now());
    await saveOwnMailChoices(testDb.db, { id: practice.ana.id, role: "staff" }, [], practice.clock.now());
    const again = await previewFor(testDb.db, manager, practice.ana.id, context());
    expect(again.previews[0]?.message?.subject).toBe("Training due soon: 1 item on DeskCoach");
    expect(again.previews[0]?.held).toEqual(["Ana Alvarez has turned these emails off."]);
  });

  it("says when nothing is due, and a person outside a manager's location is not there", async () => {
    const ben = await previewFor(testDb.db, scoped, practice.ben.id, context());
    expect(ben.previews.map((p) => [p.kind, p.message])).toEqual([["staff-reminder", null], ["question-a-day", null]]);
    expect((await refusal(previewFor(testDb.db, scoped, practice.ana.id, context()))).status).toBe(404);
    expect((await refusal(previewFor(testDb.db, manager, 999_999, context()))).status).toBe(404);
  });
});

/** A message of `kind` for a person on a day, as the outbox keeps it. */
async function message(userId: number, day: string, status: MailStatus, lastError: string | null = null): Promise<number> {
  const row = await testDb.db
    .insertInto("mail_message")
    .values({
      user_id: userId,
      to_address: "old-address@clinic.example",
      kind: "staff-reminder",
      local_date: day,
      subject: `Reminder of ${day}`,
      text_body: "Hello",
      html_body: "<p>Hello</p>",
      headers: "{}",
      status,
      attempts: status === "failed" ? 7 : status === "sent" ? 1 : 0,
      next_attempt_at: `${day}T13:00:00.000Z`,
      last_error: lastError,
      created_at: `${day}T13:00:00.000Z`,
      sent_at: status === "sent" ? `${day}T13:00:02.000Z` : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const day = (n: number) => `2026-01-${String(n).padStart(2, "0")}`;

describe("the outbox", () => {
  it("lists the newest first, 50 a page, with each message's status, and filters by status", async () => {
    for (let n = 1; n <= 30; n++) await message(practice.ana.id, day(n), "sent");
    for (let n = 1; n <= 25; n++) await message(practice.ben.id, day(n), n === 25 ? "failed" : "not-set-up", n === 25 ? "550 5.1.1 No such user" : null);
    const first = await outboxPage(testDb.db, manager, { status: null, page: 1 });
    expect(first.window).toMatchObject({ page: 1, pageCount: 2, total: 55 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]).toMatchObject({ personName: "Ben Brooks", localDate: day(25), status: "failed", statusLabel: "Failed", attempts: 7, lastError: "550 5.1.1 No such user", kindLabel: "Reminders of training that is due" });
    expect(first.rows[1]).toMatchObject({ statusLabel: "Not sent: email is not set up" });
    const second = await outboxPage(testDb.db, manager, { status: null, page: 2 });
    expect(second.rows.map((r) => r.localDate)).toEqual([day(5), day(4), day(3), day(2), day(1)]);
    const failed = await outboxPage(testDb.db, manager, { status: "failed", page: 1 });
    expect(failed.rows.map((r) => r.personName)).toEqual(["Ben Brooks"]);
  });

  it("shows a manager of one location only their location's people's messages", async () => {
    await message(practice.ana.id, day(1), "sent");
    await message(practice.ben.id, day(1), "sent");
    const seen = await outboxPage(testDb.db, scoped, { status: null, page: 1 });
    expect(seen.window.total).toBe(1);
    expect(seen.rows.map((r) => r.personName)).toEqual(["Ben Brooks"]);
  });
});

describe("retrying a failed message", () => {
  it("makes it wait again from now with a fresh count, to the person's address as it is now, audited, and the sender delivers it", async () => {
    const failed = await message(practice.ana.id, day(2), "failed", "550 5.1.1 <old-address@clinic.example>: Recipient address rejected");
    await retryMessage(testDb.db, manager, failed, practice.clock.now());
    const row = await testDb.db.selectFrom("mail_message").select(["status", "attempts", "next_attempt_at", "to_address"]).where("id", "=", failed).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "pending", attempts: 0, next_attempt_at: practice.clock.now().toISOString(), to_address: "ana@clinic.example" });
    const audit = await testDb.db.selectFrom("audit_event").select(["actor_id", "subject", "details"]).where("action", "=", "mail.retry").executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(manager.id);
    expect(audit.subject).toBe(`user:${practice.ana.id}`);
    expect(JSON.parse(audit.details)).toMatchObject({ message: failed, to: "ana@clinic.example", previousTo: "old-address@clinic.example", attempts: 7 });

    const smtp: TestSmtp = await startTestSmtp();
    try {
      // On a Saturday, so that only the retried message goes.
      practice.clock.set("2026-03-07T15:00:00Z");
      const round = await runMailRound(practice.services(testDb.connection, smtp.url), practice.clock.now());
      expect(round.sent).toMatchObject({ sent: 1, failed: 0 });
      expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[["ana@clinic.example"], `Reminder of ${day(2)}`]]);
    } finally {
      await smtp.close();
    }
  });

  it("is refused for a message that has not failed, and a message of someone outside the manager's location does not exist", async () => {
    const sent = await message(practice.ben.id, day(3), "sent");
    expect((await refusal(retryMessage(testDb.db, scoped, sent, practice.clock.now()))).status).toBe(400);
    const anas = await message(practice.ana.id, day(3), "failed", "550 No");
    expect((await refusal(retryMessage(testDb.db, scoped, anas, practice.clock.now()))).status).toBe(404);
    expect((await refusal(retryMessage(testDb.db, manager, 999_999, practice.clock.now()))).status).toBe(404);
    const rows = await testDb.db.selectFrom("mail_message").select(["id", "status"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: sent, status: "sent" },
      { id: anas, status: "failed" },
    ]);
    expect(await testDb.db.selectFrom("audit_event").select("id").where("action", "=", "mail.retry").execute()).toEqual([]);
  });
});

describe("a person's own choices", () => {
  it("offer the kinds meant for their role, all on until turned off", async () => {
    expect(kindsFor("owner").map((k) => k.kind)).toEqual(MAIL_KINDS.map((k) => k.kind));
    for (const role of ["staff", "manager"] as const) {
      expect(kindsFor(role).map((k) => k.kind)).toEqual(MAIL_KINDS.filter((k) => (k.audience ?? "staff") === "staff" || (role === "manager" && k.audience === "manager")).map((k) => k.kind));
    }
    expect(kindsFor("staff").map((k) => k.kind)).toContain("staff-reminder");
    expect(await ownMailChoices(testDb.db, { id: practice.ana.id, role: "staff" })).toContainEqual({ kind: "staff-reminder", label: "Reminders of training that is due", on: true, practiceOn: true });
  });

  it("turned off, keep the scheduler from composing that kind for them; turned on again, it comes back", async () => {
    const ana = { id: practice.ana.id, role: "staff" as const };
    await saveOwnMailChoices(testDb.db, ana, [], practice.clock.now());
    expect((await ownMailChoices(testDb.db, ana)).find((c) => c.kind === "staff-reminder")?.on).toBe(false);
    expect(await composeDue(practice.services(testDb.connection), practice.clock.now())).toEqual({ "staff-reminder": 0 });
    await saveOwnMailChoices(testDb.db, ana, ["staff-reminder"], practice.clock.now());
    expect(await composeDue(practice.services(testDb.connection), practice.clock.now())).toEqual({ "staff-reminder": 1 });
  });

  it("refuse a kind that is not offered, and change nothing", async () => {
    const ana = { id: practice.ana.id, role: "staff" as const };
    expect((await refusal(saveOwnMailChoices(testDb.db, ana, ["staff-reminder", "everything-else"], practice.clock.now()))).status).toBe(400);
    expect(await testDb.db.selectFrom("mail_choice").select("kind").execute()).toEqual([]);
  });
});
