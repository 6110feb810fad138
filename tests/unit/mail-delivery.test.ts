// Delivery faults, against a real SMTP server: a server that is down, one that refuses, two
// senders at once; and the practice's clock across the daylight-saving changes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localTime } from "#app/models/clock.server.ts";
import { setKindSettings } from "#app/models/mail/kinds.server.ts";
import { composeDue, runMailRound } from "#app/models/mail/scheduler.server.ts";
import { createMailTransport, MAX_ATTEMPTS, sendDue } from "#app/models/mail/sender.server.ts";
import type { Connection } from "#db/connection.ts";
import { setupTestDb, testDialect } from "#tests/support/db.ts";
import { createUser } from "#tests/support/factories.ts";
import { mailPractice, ORIGIN, type MailPractice } from "#tests/support/mail.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";

const TZ = "America/New_York";
const testDb = setupTestDb();
let smtp: TestSmtp;
let practice: MailPractice;

beforeEach(async () => {
  smtp = await startTestSmtp();
  practice = await mailPractice(testDb.db, { timeZone: TZ, start: "2026-03-02T15:00:00Z", dueOn: "2026-03-05" });
});
afterEach(async () => {
  await smtp.close();
});

const at = (iso: string) => {
  practice.clock.set(iso);
  return practice.clock.now();
};
const statuses = async () =>
  (await testDb.db.selectFrom("mail_message").select(["status", "attempts", "last_error"]).orderBy("id").execute()).map((m) => ({ ...m, last_error: m.last_error ?? null }));

/** `n` more people with the basics module due, each with a message composed for Tuesday 3 March. */
async function manyDue(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const person = await createUser(testDb.db, { email: `staff${i}@clinic.example` });
    const assignment = await testDb.db.selectFrom("assignment").select("id").executeTakeFirstOrThrow();
    await testDb.db.insertInto("assignment_person").values({ assignment_id: assignment.id, user_id: person.id, assigned_at: "2026-03-02T15:00:00Z", due_on: "2026-03-05" }).execute();
  }
}

describe("delivery", () => {
  it("keeps messages while the SMTP server is down and sends each once when it is back", async () => {
    await manyDue(4);
    await smtp.stop();
    const down = await runMailRound(practice.services(testDb.connection, smtp.url), at("2026-03-03T13:05:00Z"));
    expect(down.composed).toEqual({ "staff-reminder": 5 });
    expect(down.sent).toMatchObject({ sent: 0, failed: 0 });
    expect((await statuses()).every((m) => m.status === "pending")).toBe(true);
    // Down for an hour: the rounds meanwhile keep everything waiting, and lose nothing.
    for (const time of ["2026-03-03T13:30:00Z", "2026-03-03T14:00:00Z"]) {
      await runMailRound(practice.services(testDb.connection, smtp.url), at(time));
    }
    expect((await statuses()).map((m) => m.status)).toEqual(Array(5).fill("pending"));
    // Back: everything goes, once, whatever rounds follow.
    await smtp.start();
    for (const time of ["2026-03-03T14:05:00Z", "2026-03-03T14:30:00Z", "2026-03-03T15:30:00Z"]) {
      await runMailRound(practice.services(testDb.connection, smtp.url), at(time));
    }
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(["ana@clinic.example", ...Array.from({ length: 4 }, (_, i) => `staff${i}@clinic.example`)].sort());
    expect((await statuses()).map((m) => m.status)).toEqual(Array(5).fill("sent"));
  });

  it("marks a message the server refuses for good (5xx) failed with the server's reply, and retries a 4xx later", async () => {
    smtp.failWith("550 5.1.1 Mailbox unavailable");
    await runMailRound(practice.services(testDb.connection, smtp.url), at("2026-03-03T13:05:00Z"));
    expect(await statuses()).toEqual([{ status: "failed", attempts: 1, last_error: expect.stringContaining("550 5.1.1 Mailbox unavailable") }]);
    // Not tried again.
    smtp.failWith(null);
    await runMailRound(practice.services(testDb.connection, smtp.url), at("2026-03-04T13:05:00Z"));
    // Wednesday's own reminder only.
    expect(smtp.received.map((m) => m.to)).toEqual([["ana@clinic.example"]]);
    expect((await statuses()).map((m) => m.status)).toEqual(["failed", "sent"]);

    smtp.failWith("451 4.3.0 Try again later");
    await runMailRound(practice.services(testDb.connection, smtp.url), at("2026-03-05T13:05:00Z"));
    expect((await statuses())[2]).toEqual({ status: "pending", attempts: 1, last_error: expect.stringContaining("451 4.3.0 Try again later") });
    // A 4xx every time: after the last attempt, failed.
    let time = practice.clock.now().getTime();
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      time += 13 * 60 * 60_000;
      await runMailRound(practice.services(testDb.connection, smtp.url), at(new Date(time).toISOString()));
    }
    expect((await statuses())[2]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
  });

  it("sends each message exactly once with two senders at once", async () => {
    await manyDue(29);
    await composeDue(practice.services(testDb.connection, smtp.url), at("2026-03-03T13:05:00Z"));
    // Two app processes on PostgreSQL; on SQLite (one process per database) two rounds in one.
    const other: Connection = testDialect === "postgres" ? testDb.openAnother() : testDb.connection;
    try {
      const options = { from: "coach@example.org", origin: ORIGIN, clock: practice.clock };
      const a = createMailTransport(smtp.url);
      const b = createMailTransport(smtp.url);
      const results = await Promise.all([
        sendDue(testDb.db, { ...options, transport: a, holder: "a" }),
        sendDue(other.db, { ...options, transport: b, holder: "b" }),
        sendDue(testDb.db, { ...options, transport: a, holder: "c" }),
      ]);
      a.close();
      b.close();
      // Whoever did not get the lease sent nothing; a later round by anyone finds nothing left.
      expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(30);
      const again = await sendDue(other.db, { ...options, transport: createMailTransport(smtp.url), holder: "d" });
      expect(again).toMatchObject({ busy: false, sent: 0 });
    } finally {
      if (other !== testDb.connection) await other.close();
    }
    const addresses = smtp.received.map((m) => m.to[0]);
    expect(addresses).toHaveLength(30);
    expect(new Set(addresses).size).toBe(30);
  });
});

describe("the practice's clock across daylight-saving changes", () => {
  // Every day a working day, so that the Sundays the clocks change on count.
  async function everyHalfHour(from: string, to: string): Promise<{ date: string; hour: number; minute: number }[]> {
    await setKindSettings(testDb.db, "staff-reminder", { enabled: true, hour: 8, workingDays: [1, 2, 3, 4, 5, 6, 7] }, null, practice.clock.now());
    const services = practice.services(testDb.connection);
    for (let t = Date.parse(from); t <= Date.parse(to); t += 30 * 60_000) await runMailRound(services, at(new Date(t).toISOString()));
    const rows = await testDb.db.selectFrom("mail_message").select(["local_date", "created_at"]).where("user_id", "=", practice.ana.id).orderBy("created_at").execute();
    return rows.map((r) => {
      const local = localTime(new Date(r.created_at), TZ);
      expect(local.date).toBe(r.local_date);
      return { date: r.local_date, hour: local.hour, minute: new Date(r.created_at).getUTCMinutes() };
    });
  }

  it("sends one reminder a local day at 08:00 local around the March change", async () => {
    // From Friday 6 March 00:00 EST to Tuesday 10 March 23:30 EDT; clocks go forward on Sunday the 8th.
    const sent = await everyHalfHour("2026-03-06T05:00:00Z", "2026-03-11T03:30:00Z");
    expect(sent).toEqual(["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"].map((date) => ({ date, hour: 8, minute: 0 })));
  });

  it("sends one reminder a local day at 08:00 local around the November change", async () => {
    await testDb.db.updateTable("assignment_person").set({ due_on: "2026-10-28" }).execute();
    // From Friday 30 October 00:00 EDT to Tuesday 3 November 23:30 EST; clocks go back on Sunday 1 November.
    const sent = await everyHalfHour("2026-10-30T04:00:00Z", "2026-11-04T04:30:00Z");
    expect(sent).toEqual(["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"].map((date) => ({ date, hour: 8, minute: 0 })));
  });
});
