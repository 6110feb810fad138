import { beforeEach, describe, expect, it } from "vitest";
import {
  checkFeedbackCsv,
  checkFeedbackEntry,
  listFeedback,
  parseFeedbackDate,
  removeFeedback,
  saveFeedback,
  type FeedbackInput,
} from "#app/models/feedback.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";

const TODAY = "2026-03-20";
const NOW = new Date("2026-03-20T15:00:00Z");
const bytes = (text: string) => new TextEncoder().encode(text);
const HEADER = "date,source,rating,comment,location\n";

const testDb = setupTestDb();
let owner: Actor;
let maple: number;
let river: number;

beforeEach(async () => {
  await createPractice(testDb.db);
  owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
  maple = await createLocation(testDb.db, "Maple");
  river = await createLocation(testDb.db, "River");
});

async function scopedManager(locationId: number): Promise<Actor> {
  const user = await createUser(testDb.db, { role: "manager" });
  await placeUser(testDb.db, user.id, { locationId, scopeLocationId: locationId });
  return { id: user.id, role: "manager", scopeLocationId: locationId };
}

describe("reading dates as exports give them", () => {
  it("accepts ISO dates, ISO timestamps and US dates; refuses the rest", () => {
    expect(parseFeedbackDate("2026-03-14")).toBe("2026-03-14");
    expect(parseFeedbackDate("2026-03-14T10:22:00Z")).toBe("2026-03-14");
    expect(parseFeedbackDate("2026-03-14 10:22:00")).toBe("2026-03-14");
    expect(parseFeedbackDate("3/14/2026")).toBe("2026-03-14");
    expect(parseFeedbackDate("2026-02-30")).toBeNull();
    expect(parseFeedbackDate("14/03/2026")).toBeNull();
    expect(parseFeedbackDate("March 14")).toBeNull();
  });
});

describe("checking an import", () => {
  it("scrubs every comment and shows what was redacted, writing nothing", async () => {
    const csv = `${HEADER}2026-03-02,Google review,2,"Mrs. Alvarez waited 45 minutes, call me at 555-201-3344",Maple\n3/3/2026,Survey,5,Lovely front desk,\n`;
    const check = await checkFeedbackCsv(testDb.db, owner, bytes(csv), TODAY);
    expect(check.ok).toBe(true);
    expect(check.rows.map((r) => [r.line, r.comment, r.redactedCount])).toEqual([
      [2, "Mrs. [name] waited 45 minutes, call me at [phone]", 2],
      [3, "Lovely front desk", 0],
    ]);
    expect(JSON.stringify(check)).not.toContain("Alvarez");
    expect(JSON.stringify(check)).not.toContain("3344");
    if (check.ok) expect(check.items.map((i) => [i.receivedOn, i.rating, i.locationId])).toEqual([["2026-03-02", 2, maple], ["2026-03-03", 5, null]]);
    expect(await testDb.db.selectFrom("feedback_item").select("id").execute()).toEqual([]);
  });

  it("names the line and the problem of every broken row", async () => {
    const csv =
      HEADER +
      [
        "2026-03-02,Google review,6,Too slow,Maple",
        "2026-03-02,Google review,4.5,ok,",
        "tomorrow,Survey,3,fine,",
        "2026-04-01,Survey,3,from the future,",
        ",,,,",
        `2026-03-02,Survey,1,"<script>alert('x')</script> rude",`,
        "2026-03-02,Survey,1,<img src=x onerror=alert(1)>,",
        "2026-03-02,Survey,2,Waited <10 minutes <3,Elsewhere",
        "2026-03-02,Survey,5,Fine,",
      ].join("\n");
    const check = await checkFeedbackCsv(testDb.db, owner, bytes(csv), TODAY);
    expect(check.ok).toBe(false);
    const errors = Object.fromEntries(check.rows.map((r) => [r.line, r.errors]));
    expect(errors[2]).toEqual(['The rating "6" is not a whole number from 1 to 5.']);
    expect(errors[3]).toEqual(['The rating "4.5" is not a whole number from 1 to 5.']);
    expect(errors[4]).toEqual(['The date "tomorrow" is not a date like 2026-03-14 or 3/14/2026.']);
    expect(errors[5]).toEqual(["The date 2026-04-01 is in the future."]);
    expect(errors[6]).toHaveLength(3);
    expect(errors[7]).toEqual(["The comment contains HTML markup (<script>). Remove it and try again; comments are kept as plain text."]);
    expect(errors[8]).toEqual(["The comment contains HTML markup (<img>). Remove it and try again; comments are kept as plain text."]);
    // "<10" and "<3" are not markup; the location is the only problem.
    expect(errors[9]).toEqual(['Unknown location "Elsewhere". Use one of: Maple, River, or leave it empty.']);
    expect(errors[10]).toEqual([]);
  });

  it("refuses a file over the row limit as a whole", async () => {
    const rows = Array.from({ length: 50_000 }, () => "2026-03-02,S,5,,").join("\n");
    const check = await checkFeedbackCsv(testDb.db, owner, bytes(HEADER + rows), TODAY);
    expect(check).toEqual({ ok: false, fileError: "The file has 50000 rows; at most 5000 can be imported at once.", rows: [] });
  });

  it("refuses a file with the wrong columns", async () => {
    const check = await checkFeedbackCsv(testDb.db, owner, bytes("date,stars,comment\n2026-03-02,5,x\n"), TODAY);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.fileError).toMatch(/^Missing columns: source, rating, location/);
  });

  it("keeps a location-scoped manager to their location", async () => {
    const sam = await scopedManager(maple);
    const csv = `${HEADER}2026-03-02,Survey,3,ok,River\n2026-03-02,Survey,3,ok,\n2026-03-02,Survey,3,ok,maple\n`;
    const check = await checkFeedbackCsv(testDb.db, sam, bytes(csv), TODAY);
    expect(check.rows[0]?.errors).toEqual(['Unknown location "River". Use one of: Maple, or leave it empty.']);
    expect(check.rows.slice(1).map((r) => r.errors)).toEqual([[], []]);
  });
});

describe("checking one item typed into the form", () => {
  it("puts each message beside its field", async () => {
    const result = await checkFeedbackEntry(testDb.db, owner, { date: "", source: "", rating: "9", comment: "<b>hi</b>", locationId: "999" }, TODAY);
    expect(result.input).toBeNull();
    expect(Object.keys(result.errors).sort()).toEqual(["comment", "date", "locationId", "rating", "source"]);
    const ok = await checkFeedbackEntry(testDb.db, owner, { date: TODAY, source: "Phone call", rating: "2", comment: "Dear Tom, my acct #12345 is wrong", locationId: String(river) }, TODAY);
    expect(ok.errors).toEqual({});
    expect(ok.input).toMatchObject({ comment: "Dear [name], my acct #[number] is wrong", redactions: { name: 1, number: 1 }, locationId: river, rating: 2 });
  });
});

describe("saving feedback", () => {
  const item = (overrides: Partial<FeedbackInput> = {}): FeedbackInput => ({
    receivedOn: "2026-03-02",
    source: "Survey",
    rating: 3,
    comment: "Waited [number] minutes",
    redactions: { number: 1 },
    locationId: null,
    ...overrides,
  });

  it("stores all rows in one go, with one audit event that holds no comment text", async () => {
    const result = await saveFeedback(testDb.db, owner, [item(), item({ rating: 5, comment: "Great", redactions: {} })], { now: NOW, requestId: "r1", via: "csv" });
    expect(result).toMatchObject({ count: 2, duplicate: false });
    const stored = await listFeedback(testDb.db, owner);
    expect(stored.map((s) => [s.comment, s.rating])).toEqual([["Great", 5], ["Waited [number] minutes", 3]]);
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "details"]).execute();
    expect(audit).toEqual([{ action: "feedback.import", details: JSON.stringify({ items: 2, redactions: { number: 1 } }) }]);
  });

  it("writes nothing when any row fails", async () => {
    // A rating the database refuses, after two good rows.
    await expect(saveFeedback(testDb.db, owner, [item(), item(), item({ rating: 9 })], { now: NOW, requestId: "r1", via: "csv" })).rejects.toThrow();
    expect(await testDb.db.selectFrom("feedback_item").select("id").execute()).toEqual([]);
    expect(await testDb.db.selectFrom("feedback_import").select("id").execute()).toEqual([]);
    expect(await testDb.db.selectFrom("audit_event").select("id").execute()).toEqual([]);
  });

  it("imports a double-submitted confirm form once, and saves a double-submitted entry once", async () => {
    await saveFeedback(testDb.db, owner, [item(), item()], { now: NOW, requestId: "same", via: "csv" });
    const again = await saveFeedback(testDb.db, owner, [item(), item()], { now: NOW, requestId: "same", via: "csv" });
    expect(again).toMatchObject({ count: 2, duplicate: true });
    await saveFeedback(testDb.db, owner, [item()], { now: NOW, requestId: "entry", via: "form" });
    await saveFeedback(testDb.db, owner, [item()], { now: NOW, requestId: "entry", via: "form" });
    expect(await testDb.db.selectFrom("feedback_item").select("id").execute()).toHaveLength(3);
  });

  it("keeps a location-scoped manager's feedback to their location", async () => {
    const sam = await scopedManager(maple);
    await expect(saveFeedback(testDb.db, sam, [item({ locationId: river })], { now: NOW, requestId: "x", via: "form" })).rejects.toThrow(FieldError);
    await saveFeedback(testDb.db, owner, [item({ locationId: river }), item({ locationId: null })], { now: NOW, requestId: "o", via: "csv" });
    await saveFeedback(testDb.db, sam, [item({ locationId: maple })], { now: NOW, requestId: "s", via: "csv" });
    expect((await listFeedback(testDb.db, sam)).map((f) => f.locationName)).toEqual(["Maple"]);
    expect(await listFeedback(testDb.db, owner)).toHaveLength(3);
    const riverItem = (await listFeedback(testDb.db, owner)).find((f) => f.locationId === river)!;
    await expect(removeFeedback(testDb.db, sam, riverItem.id, NOW)).rejects.toMatchObject({ status: 404 });
    await removeFeedback(testDb.db, owner, riverItem.id, NOW);
    expect(await listFeedback(testDb.db, owner)).toHaveLength(2);
  });
});
