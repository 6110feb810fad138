// The staff reminder, received by a real SMTP server: one a day at most, on the practice's working
// days from its morning hour, only for people with something due, with a plain-text part and
// one-click unsubscribe headers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localTime } from "#app/models/clock.server.ts";
import { setKindSettings, setPersonChoice } from "#app/models/mail/kinds.server.ts";
import { runMailRound } from "#app/models/mail/scheduler.server.ts";
import { findUnsubscription, unsubscribe } from "#app/models/mail/unsubscribe.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { mailPractice, ORIGIN, type MailPractice } from "#tests/support/mail.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";

const TZ = "America/New_York";
const testDb = setupTestDb();
let smtp: TestSmtp;
let practice: MailPractice;

beforeEach(async () => {
  smtp = await startTestSmtp();
  // Monday 2 March 2026, 10:00 in New York; the basics module is due Thursday.
  practice = await mailPractice(testDb.db, { timeZone: TZ, start: "2026-03-02T15:00:00Z", dueOn: "2026-03-05" });
});
afterEach(async () => {
  await smtp.close();
});

const round = async (iso: string) => {
  practice.clock.set(iso);
  return runMailRound(practice.services(testDb.connection, smtp.url), practice.clock.now());
};

describe("the staff reminder", () => {
  it("goes once on a working day from the practice's hour, to the person with work due, and never on a day off", async () => {
    // Tuesday 07:30 in New York: before the hour.
    await round("2026-03-03T12:30:00Z");
    expect(smtp.received).toEqual([]);
    // 08:05: Ana's module is due in two days. Ben has nothing due and gets nothing.
    const first = await round("2026-03-03T13:05:00Z");
    expect(first.composed).toEqual({ "staff-reminder": 1 });
    expect(smtp.received.map((m) => m.to)).toEqual([["ana@clinic.example"]]);
    // Later rounds the same day add and send nothing.
    await round("2026-03-03T13:06:00Z");
    await round("2026-03-03T21:00:00Z");
    expect(smtp.received).toHaveLength(1);
    // Saturday: a day off, though the module is overdue by then.
    await round("2026-03-07T15:00:00Z");
    expect(smtp.received).toHaveLength(1);
    // Monday: overdue.
    await round("2026-03-09T12:30:00Z");
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]?.subject).toMatch(/overdue/i);
  });

  it("has a plain-text part, HTML, links to the public address and one-click unsubscribe headers, and nothing about anyone else", async () => {
    await round("2026-03-03T13:05:00Z");
    const [mail] = smtp.received;
    expect(mail).toBeDefined();
    if (!mail) return;
    expect(mail.text).toContain("Due in the next 3 days:");
    expect(mail.text).toContain("- Basics (due Mar 5)");
    expect(mail.text).toContain(`${ORIGIN}/learn`);
    expect(mail.html).toContain(`href="${ORIGIN}/learn"`);
    expect(mail.headers.get("list-unsubscribe")).toMatch(new RegExp(`^<${ORIGIN}/unsubscribe/[A-Za-z0-9_-]{43}>$`));
    expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const link = /<(.*)>/.exec(mail.headers.get("list-unsubscribe") ?? "")?.[1] ?? "";
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(link);
    for (const other of ["Ben", "Olivia", "ben@clinic.example"]) {
      expect(mail.text).not.toContain(other);
      expect(mail.html).not.toContain(other);
    }
    // The outbox keeps no usable token: only a placeholder where the link goes.
    const kept = await testDb.db.selectFrom("mail_message").select(["text_body", "html_body", "headers", "status"]).executeTakeFirstOrThrow();
    expect(kept.status).toBe("sent");
    expect(`${kept.text_body}${kept.html_body}${kept.headers}`).not.toContain(link.split("/").at(-1));
  });

  it("is not sent when the practice turned it off, to a person who turned it off, or to a deactivated person", async () => {
    await setKindSettings(testDb.db, "staff-reminder", { enabled: false, hour: 8, workingDays: [1, 2, 3, 4, 5] }, practice.owner.id, practice.clock.now());
    await round("2026-03-03T13:05:00Z");
    expect(smtp.received).toEqual([]);
    await setKindSettings(testDb.db, "staff-reminder", { enabled: true, hour: 8, workingDays: [1, 2, 3, 4, 5] }, practice.owner.id, practice.clock.now());
    await setPersonChoice(testDb.db, practice.ana.id, "staff-reminder", false, practice.clock.now());
    await round("2026-03-03T13:10:00Z");
    expect(smtp.received).toEqual([]);
    await setPersonChoice(testDb.db, practice.ana.id, "staff-reminder", true, practice.clock.now());
    await testDb.db.updateTable("user").set({ status: "deactivated" }).where("id", "=", practice.ana.id).execute();
    await round("2026-03-03T13:15:00Z");
    expect(smtp.received).toEqual([]);
    await testDb.db.updateTable("user").set({ status: "active" }).where("id", "=", practice.ana.id).execute();
    await round("2026-03-03T13:20:00Z");
    expect(smtp.received).toHaveLength(1);
  });

  it("keeps the messages as 'not sent: email is not set up' when there is no SMTP_URL", async () => {
    practice.clock.set("2026-03-03T13:05:00Z");
    const result = await runMailRound(practice.services(testDb.connection), practice.clock.now());
    expect(result).toEqual({ composed: { "staff-reminder": 1 }, sent: null });
    const kept = await testDb.db.selectFrom("mail_message").select(["user_id", "status", "subject"]).execute();
    expect(kept).toEqual([{ user_id: practice.ana.id, status: "not-set-up", subject: "Training due soon: 1 item on DeskCoach" }]);
    expect(smtp.received).toEqual([]);
  });
});

describe("unsubscribing", () => {
  it("turns off that kind for that person only, by the link's token alone", async () => {
    await round("2026-03-03T13:05:00Z");
    const token = /unsubscribe\/([A-Za-z0-9_-]+)>/.exec(smtp.received[0]?.headers.get("list-unsubscribe") ?? "")?.[1] ?? "";
    await setPersonChoice(testDb.db, practice.ana.id, "question-a-day", true, practice.clock.now());
    await setPersonChoice(testDb.db, practice.ben.id, "staff-reminder", true, practice.clock.now());
    const before = await testDb.db.selectFrom("mail_choice").select(["user_id", "kind", "enabled"]).orderBy("user_id").orderBy("kind").execute();
    // Opening the link changes nothing by itself.
    expect(await findUnsubscription(testDb.db, token)).toEqual({ userId: practice.ana.id, kind: "staff-reminder", label: "Reminders of training that is due", alreadyOff: false });
    expect(await testDb.db.selectFrom("mail_choice").select(["user_id", "kind", "enabled"]).orderBy("user_id").orderBy("kind").execute()).toEqual(before);
    expect(await unsubscribe(testDb.db, token, practice.clock.now())).toMatchObject({ userId: practice.ana.id, kind: "staff-reminder", alreadyOff: true });
    const after = await testDb.db.selectFrom("mail_choice").select(["user_id", "kind", "enabled"]).orderBy("user_id").orderBy("kind").execute();
    expect(after).toEqual([
      { user_id: practice.ana.id, kind: "question-a-day", enabled: 1 },
      { user_id: practice.ana.id, kind: "staff-reminder", enabled: 0 },
      { user_id: practice.ben.id, kind: "staff-reminder", enabled: 1 },
    ]);
    // A token that is not ours, or one changed by a character, turns off nothing.
    const altered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(await unsubscribe(testDb.db, altered, practice.clock.now())).toBeNull();
    expect(await unsubscribe(testDb.db, "not-a-token", practice.clock.now())).toBeNull();
    expect(await testDb.db.selectFrom("mail_choice").select(["user_id", "kind", "enabled"]).orderBy("user_id").orderBy("kind").execute()).toEqual(after);
    // And the next working day Ana gets no reminder.
    await round("2026-03-04T13:05:00Z");
    expect(smtp.received).toHaveLength(1);
  });
});

describe("the staff reminder across Chicago's daylight-saving changes", () => {
  const CHICAGO = "America/Chicago";

  /**
   * Rounds every 15 minutes from `from` to `to` (UTC instants) in a Chicago practice where every
   * day is a working day (the clocks change on Sundays) and the reminder goes from `hour`; what
   * arrived, as the practice's local date and wall-clock time of each message's round.
   */
  async function roundsEvery15Minutes(hour: number, from: string, to: string): Promise<{ date: string; time: string }[]> {
    await testDb.db.updateTable("practice").set({ time_zone: CHICAGO }).execute();
    await setKindSettings(testDb.db, "staff-reminder", { enabled: true, hour, workingDays: [1, 2, 3, 4, 5, 6, 7] }, null, practice.clock.now());
    const arrived: { date: string; time: string }[] = [];
    for (let t = Date.parse(from); t <= Date.parse(to); t += 15 * 60_000) {
      const before = smtp.received.length;
      await round(new Date(t).toISOString());
      for (const mail of smtp.received.slice(before)) {
        expect(mail.to).toEqual(["ana@clinic.example"]);
        const local = localTime(new Date(t), CHICAGO);
        const minute = new Date(t).getUTCMinutes();
        arrived.push({ date: local.date, time: `${String(local.hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}` });
      }
    }
    return arrived;
  }

  it("sends one reminder a local day at 08:00 local around the spring-forward Sunday (8 March 2026)", async () => {
    // Saturday 7 March 00:00 CST to Monday 9 March 23:45 CDT. Ana's module has been overdue since the 5th.
    const arrived = await roundsEvery15Minutes(8, "2026-03-07T06:00:00Z", "2026-03-10T04:45:00Z");
    expect(arrived).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"].map((date) => ({ date, time: "08:00" })));
  });

  it("sends one reminder on the spring-forward day when its hour is the one that does not exist (02:00 goes straight to 03:00)", async () => {
    const arrived = await roundsEvery15Minutes(2, "2026-03-08T06:00:00Z", "2026-03-09T04:45:00Z");
    expect(arrived).toEqual([{ date: "2026-03-08", time: "03:00" }]);
  });

  it("sends one reminder a local day at 08:00 local around the fall-back Sunday (1 November 2026)", async () => {
    await testDb.db.updateTable("assignment_person").set({ due_on: "2026-10-28" }).execute();
    // Saturday 31 October 00:00 CDT to Monday 2 November 23:45 CST.
    const arrived = await roundsEvery15Minutes(8, "2026-10-31T05:00:00Z", "2026-11-03T05:45:00Z");
    expect(arrived).toEqual(["2026-10-31", "2026-11-01", "2026-11-02"].map((date) => ({ date, time: "08:00" })));
  });

  it("sends one reminder on the fall-back day when its hour is the one that happens twice (01:00 CDT, then 01:00 CST)", async () => {
    await testDb.db.updateTable("assignment_person").set({ due_on: "2026-10-28" }).execute();
    const arrived = await roundsEvery15Minutes(1, "2026-11-01T05:00:00Z", "2026-11-02T05:45:00Z");
    expect(arrived).toEqual([{ date: "2026-11-01", time: "01:00" }]);
    // The first 01:00 (CDT, 06:00 UTC), not the second.
    const [kept] = await testDb.db.selectFrom("mail_message").select("created_at").execute();
    expect(new Date(kept?.created_at ?? 0).toISOString()).toBe("2026-11-01T06:00:00.000Z");
  });
});
