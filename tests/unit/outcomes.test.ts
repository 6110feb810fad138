// Outcome figures: what the form and the import refuse, what is kept and audited, what a manager
// limited to one location sees, and the before and after around a roll-out.
import { describe, expect, it } from "vitest";
import { createAssignment } from "#app/models/assignments.server.ts";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import type { AnalysisItem } from "#app/models/feedback-insights.server.ts";
import { saveFeedback, type FeedbackInput } from "#app/models/feedback.server.ts";
import {
  MEASURES,
  beforeAfter,
  checkOutcomeCsv,
  checkOutcomeFields,
  deleteOutcomeMonth,
  findOutcomeMonth,
  getOutcomeValues,
  importOutcomes,
  listOutcomeMonths,
  listRollouts,
  monthFigures,
  outcomeReport,
  saveOutcomeMonth,
  saveOutcomeValues,
  trainingByMonth,
  valueRange,
  type OutcomeInput,
  type OutcomeRow,
} from "#app/models/outcomes.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { addMonthsToMonth } from "#app/rules/outcomes.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";
import { seedFullPractice } from "#tests/support/full-practice.ts";

const TODAY = "2026-06-15";
const measure = (key: string) => MEASURES.find((m) => m.key === key) as (typeof MEASURES)[number];
const blank = { visits: null, newPatients: null, returningPatients: null, noShows: null, lateCancellations: null, reviewCount: null, stars: null, complaints: null };

describe("checking a month's figures", () => {
  const ok = { month: "2026-05", locationId: "3", visits: "800", returningPatients: "560", stars: "", reviewCount: "" };
  it("keeps blanks blank and reads what was typed", () => {
    const check = checkOutcomeFields({ ...ok, newPatients: " 1,200 ", visits: "1,500" }, TODAY);
    expect(check).toEqual({ ok: true, input: { month: "2026-05", locationId: 3, figures: { ...blank, visits: 1500, newPatients: 1200, returningPatients: 560 } } });
  });
  it("refuses each bad figure beside its field", () => {
    const check = checkOutcomeFields(
      { month: "2026-07", locationId: "", visits: "100", returningPatients: "120", newPatients: "101", noShows: "-3", complaints: "2.5", stars: "4.5" },
      TODAY,
    );
    expect(check.ok).toBe(false);
    expect(!check.ok && check.errors).toEqual({
      month: "That month has not begun yet.",
      locationId: "Choose a location.",
      noShows: "Enter a count of zero or more.",
      complaints: "Enter a whole number, like 120.",
      returningPatients: "Returning patients cannot be more than the visits.",
      newPatients: "New patients cannot be more than the visits.",
      reviewCount: "Enter how many reviews the average stars come from.",
    });
  });
  it("refuses stars outside 0 to 5 and more than two decimals", () => {
    for (const [stars, message] of [
      ["5.1", "Stars go from 0 to 5."],
      ["-1", "Stars go from 0 to 5."],
      ["4.655", "Use at most two decimals, like 4.65."],
      ["four", "Enter the average like 4.6."],
    ]) {
      const check = checkOutcomeFields({ ...ok, reviewCount: "10", stars }, TODAY);
      expect(!check.ok && check.errors.stars, stars).toBe(message);
    }
    expect(checkOutcomeFields({ ...ok, reviewCount: "10", stars: "5" }, TODAY).ok).toBe(true);
  });
  it("wants at least one figure, and takes this month but not the next", () => {
    const none = checkOutcomeFields({ month: "2026-05", locationId: "3" }, TODAY);
    expect(!none.ok && none.errors.form).toMatch(/at least one figure/);
    expect(checkOutcomeFields({ ...ok, month: "2026-06" }, TODAY).ok).toBe(true);
    expect(checkOutcomeFields({ ...ok, month: "2026-13" }, TODAY).ok).toBe(false);
  });
});

describe("keeping outcome figures", () => {
  const testDb = setupTestDb();
  const now = new Date("2026-06-15T17:00:00Z");

  async function practice() {
    const db = testDb.db;
    await createPractice(db);
    const ownerRow = await createUser(db, { role: "owner" });
    const managerRow = await createUser(db, { role: "manager" });
    const north = await createLocation(db, "North");
    const south = await createLocation(db, "South");
    await placeUser(db, managerRow.id, { scopeLocationId: north });
    const owner: Actor = { id: ownerRow.id, role: "owner", scopeLocationId: null };
    const scoped: Actor = { id: managerRow.id, role: "manager", scopeLocationId: north };
    return { db, owner, scoped, north, south };
  }
  const input = (locationId: number, month = "2026-05", figures: Partial<OutcomeInput["figures"]> = { visits: 800, returningPatients: 560 }): OutcomeInput => ({
    month,
    locationId,
    figures: { ...blank, ...figures },
  });

  it("adds, edits and deletes a month, each audited, and refuses a month entered twice", async () => {
    const { db, owner, north } = await practice();
    const id = await saveOutcomeMonth(db, owner, input(north), now);
    await expect(saveOutcomeMonth(db, owner, input(north), now)).rejects.toThrow("North has figures for 2026-05 already. Edit that month instead.");
    // The refused second month wrote nothing: one row, and no audit event of its own (below).
    expect(await db.selectFrom("outcome_month").select("id").execute()).toEqual([{ id }]);
    await saveOutcomeMonth(db, owner, input(north, "2026-05", { visits: 810, returningPatients: 570, stars: 4.65, reviewCount: 12 }), now, id);
    const row = await findOutcomeMonth(db, owner, id);
    expect(row?.figures).toEqual({ ...blank, visits: 810, returningPatients: 570, stars: 4.65, reviewCount: 12 });
    await deleteOutcomeMonth(db, owner, id, now);
    expect(await findOutcomeMonth(db, owner, id)).toBeUndefined();
    const audit = await db.selectFrom("audit_event").select(["action", "subject", "details"]).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["outcome.add", "outcome.edit", "outcome.delete"]);
    expect(JSON.parse(audit[1]?.details ?? "{}")).toMatchObject({ before: { figures: { visits: 800 } }, figures: { visits: 810 } });
  });

  it("refuses a location that does not exist, with nothing saved", async () => {
    const { db, owner } = await practice();
    const error = await saveOutcomeMonth(db, owner, input(9999), now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldError);
    expect(error).toMatchObject({ field: "locationId", status: 400 });
    expect(await db.selectFrom("outcome_month").select("id").execute()).toEqual([]);
  });

  it("shows a location-limited manager their location only; another's rows do not exist for them", async () => {
    const { db, owner, scoped, north, south } = await practice();
    await saveOutcomeMonth(db, owner, input(north), now);
    const theirs = await saveOutcomeMonth(db, owner, input(south), now);
    expect((await listOutcomeMonths(db, scoped, { locationId: null })).map((r) => r.locationName)).toEqual(["North"]);
    expect((await listOutcomeMonths(db, owner, { locationId: null })).map((r) => r.locationName)).toEqual(["North", "South"]);
    expect(await findOutcomeMonth(db, scoped, theirs)).toBeUndefined();
    await expect(saveOutcomeMonth(db, scoped, input(south, "2026-04"), now)).rejects.toMatchObject({ status: 404 });
    await expect(saveOutcomeMonth(db, scoped, input(north, "2026-04"), now, theirs)).rejects.toMatchObject({ status: 404 });
    await expect(deleteOutcomeMonth(db, scoped, theirs, now)).rejects.toMatchObject({ status: 404 });
    expect(await findOutcomeMonth(db, owner, theirs)).toBeDefined();
  });

  it("lets only the owner set the values", async () => {
    const { db, owner, scoped } = await practice();
    expect(await getOutcomeValues(db)).toEqual({ returningPatientCents: null, noShowCents: null });
    await saveOutcomeValues(db, owner, { returningPatientCents: 150_00, noShowCents: null }, now);
    expect(await getOutcomeValues(db)).toEqual({ returningPatientCents: 150_00, noShowCents: null });
    await expect(saveOutcomeValues(db, scoped, { returningPatientCents: 1, noShowCents: 1 }, now)).rejects.toMatchObject({ status: 403 });
  });

  it("imports a documented layout, refusing bad rows each on its line with nothing added", async () => {
    const { db, owner, scoped, north } = await practice();
    await saveOutcomeMonth(db, owner, input(north, "2026-01"), now);
    const header = "month,location,visits,new patients,returning patients,no-shows,late cancellations,reviews,average stars,complaints\n";
    const bad = new TextEncoder().encode(
      header +
        "2026-02,North,800,90,560,40,,20,4.6,1\n" +
        "2026-01,North,700,,,,,,,\n" +
        "2026-03,Nowhere,700,,,,,,,\n" +
        "2026-03,North,100,,120,,,,,\n" +
        "2026-02,north,800,,,,,,,\n" +
        "2026-03,North,700,,,,,,6,\n",
    );
    const check = await checkOutcomeCsv(db, owner, bad, TODAY);
    expect(check.ok).toBe(false);
    expect(check.rows.map((r) => r.errors)).toEqual([
      [],
      ["North has figures for 2026-01 already. Edit that month instead."],
      ['No location is called "Nowhere".'],
      ["returning patients: Returning patients cannot be more than the visits."],
      ["north 2026-02 is in the file twice."],
      ["average stars: Stars go from 0 to 5."],
    ]);
    // South is not the scoped manager's: it does not exist for them.
    const theirs = await checkOutcomeCsv(db, scoped, new TextEncoder().encode(header + "2026-02,South,800,,,,,,,\n"), TODAY);
    expect(theirs.rows[0]?.errors).toEqual(['No location is called "South".']);
    const good = await checkOutcomeCsv(db, owner, new TextEncoder().encode(header + "2026-02,North,800,90,560,40,,20,4.6,1\n2026-03,North,820,,575,,,,,\n"), TODAY);
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    const requestId = "0b6f1d2e-6a4c-4f9e-9c61-2d1f3b7a8e90";
    expect(await importOutcomes(db, owner, good.inputs, now, requestId)).toBe(2);
    expect(await importOutcomes(db, owner, good.inputs, now, requestId)).toBe(2);
    const kept = await listOutcomeMonths(db, owner, { locationId: north });
    expect(kept.map((r) => [r.month, r.figures.visits, r.figures.stars, r.figures.lateCancellations])).toEqual([
      ["2026-03", 820, null, null],
      ["2026-02", 800, 4.6, null],
      ["2026-01", 800, null, null],
    ]);
  });

  it("dates a roll-out by the first assignment reaching the location, in the practice's time zone", async () => {
    const { db, owner, scoped, north, south } = await practice();
    const catalog = await createCatalog(db);
    const moduleSlug = catalog.modules[0]?.slug as string;
    const a = await createUser(db);
    const b = await createUser(db);
    await placeUser(db, a.id, { locationId: north });
    await placeUser(db, b.id, { locationId: south });
    // 9 pm in Chicago on March 31 is April 1 in UTC: the roll-out is in March.
    const first = new Date("2026-04-01T02:00:00Z");
    await createAssignment(db, owner, { item: { kind: "module", slug: moduleSlug }, target: { kind: "person", userId: b.id }, due: { kind: "days", days: 14 }, recurMonths: null }, { catalog, now: first, timeZone: "America/Chicago" });
    await createAssignment(db, owner, { item: { kind: "module", slug: moduleSlug }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 14 }, recurMonths: null }, { catalog, now: new Date("2026-05-10T15:00:00Z"), timeZone: "America/Chicago" });
    expect(localDate(first, "America/Chicago")).toBe("2026-03-31");
    expect((await listRollouts(db, owner, null, "America/Chicago")).map((r) => [r.moduleSlug, r.on, r.month])).toEqual([[moduleSlug, "2026-03-31", "2026-03"]]);
    expect((await listRollouts(db, owner, south, "America/Chicago")).map((r) => r.on)).toEqual(["2026-03-31"]);
    expect((await listRollouts(db, scoped, null, "America/Chicago")).map((r) => r.on)).toEqual(["2026-05-10"]);
  });
});

describe("before and after a roll-out", () => {
  const row = (month: string, figures: Partial<OutcomeRow["figures"]>, locationId = 1): OutcomeRow => ({
    id: 0,
    month,
    locationId,
    locationName: `L${locationId}`,
    figures: { ...blank, ...figures },
  });
  const months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"];

  it("pools each period's months and calls a change that its interval supports", () => {
    // Roll-out in April. Before (Jan–Mar): 48 of 80 returning. After (May–Jul): 56 of 70.
    // Newcombe's published example: +20 points, 5.24 to 33.39.
    const rows = [
      row("2026-01", { visits: 30, returningPatients: 18 }),
      row("2026-02", { visits: 25, returningPatients: 15 }),
      row("2026-03", { visits: 25, returningPatients: 15 }),
      row("2026-04", { visits: 999, returningPatients: 999 }),
      row("2026-05", { visits: 20, returningPatients: 16 }),
      row("2026-06", { visits: 20, returningPatients: 16 }),
      row("2026-07", { visits: 30, returningPatients: 24 }),
    ];
    const change = beforeAfter(monthFigures(rows, months), measure("returnRate"), "2026-04", 3, "2026-12");
    expect(change.before).toMatchObject({ from: "2026-01", to: "2026-03", months: 3, hits: 48, n: 80, estimate: 0.6 });
    expect(change.after).toMatchObject({ from: "2026-05", to: "2026-07", months: 3, hits: 56, n: 70, estimate: 0.8 });
    expect(change.change?.low).toBeCloseTo(0.0524, 4);
    expect(change.change?.high).toBeCloseTo(0.3339, 4);
    expect(change.verdict).toBe("up");
    expect(change.afterIncomplete).toBe(false);
    // $150 a returning patient; 70 visits in 3 months is 280 a year:
    // 0.0524 × 280 × $150 = $2,202 to 0.3339 × 280 × $150 = $14,023.
    const value = valueRange(change, { returningPatientCents: 150_00, noShowCents: null });
    expect(value?.perYear).toBe(280);
    expect(value?.lowCents).toBe(Math.round(change.change!.low * 280 * 150_00));
    expect((value?.lowCents ?? 0) / 100).toBeCloseTo(2202, -1);
    expect((value?.highCents ?? 0) / 100).toBeCloseTo(14023, -1);
  });

  it("says too little data to tell when the interval takes in zero", () => {
    // Before: 6 of 10; after: 8 of 10. The same 20 points, far too few visits.
    const rows = [row("2026-03", { visits: 10, returningPatients: 6 }), row("2026-05", { visits: 10, returningPatients: 8 })];
    const change = beforeAfter(monthFigures(rows, months), measure("returnRate"), "2026-04", 3, "2026-12");
    expect(change.verdict).toBe("unclear");
    expect(change.change!.low).toBeLessThan(0);
    expect(change.before.months).toBe(1);
    expect(change.afterIncomplete).toBe(true);
    // A range that runs from a loss to a gain, never one number.
    const value = valueRange(change, { returningPatientCents: 100_00, noShowCents: null });
    expect(value!.lowCents).toBeLessThan(0);
    expect(value!.highCents).toBeGreaterThan(0);
  });

  it("has nothing to compare without figures on one side", () => {
    const rows = [row("2026-05", { visits: 10, returningPatients: 8 })];
    const change = beforeAfter(monthFigures(rows, months), measure("returnRate"), "2026-04", 3, "2026-12");
    expect(change.verdict).toBe("no-data");
    expect(change.change).toBeNull();
  });

  it("turns fewer no-shows into money saved", () => {
    // Before: 100 of 1,000 booked (900 visits + 100 no-shows); after: 60 of 1,000.
    const rows = [row("2026-03", { visits: 900, noShows: 100 }), row("2026-05", { visits: 940, noShows: 60 })];
    const change = beforeAfter(monthFigures(rows, months), measure("noShowRate"), "2026-04", 1, "2026-12");
    expect(change.verdict).toBe("down");
    expect(change.change!.estimate).toBeCloseTo(-0.04, 10);
    const value = valueRange(change, { returningPatientCents: null, noShowCents: 50_00 });
    // 12,000 booked visits a year at the after pace; both ends a saving.
    expect(value?.perYear).toBe(12_000);
    expect(value!.lowCents).toBeGreaterThan(0);
    expect(value!.lowCents).toBe(Math.round(-change.change!.high * 12_000 * 50_00));
    expect(value!.highCents).toBe(Math.round(-change.change!.low * 12_000 * 50_00));
  });

  it("adds locations up, and weighs stars by reviews", () => {
    const figures = monthFigures(
      [row("2026-05", { visits: 100, returningPatients: 70, reviewCount: 10, stars: 4 }, 1), row("2026-05", { visits: 300, reviewCount: 30, stars: 5 }, 2)],
      ["2026-05"],
    );
    // The return rate only from the location that has both parts; visits from both.
    expect(figures[0]?.totals.visits).toBe(400);
    expect(figures[0]?.rates.returnRate).toEqual({ hits: 70, n: 100 });
    expect(figures[0]?.stars).toEqual({ average: 4.75, reviews: 40 });
    expect(figures[0]?.totals.complaints).toBeNull();
  });

  it("compares stars as the months' averages with Welch's interval", () => {
    const stars = (values: number[], from: string) => values.map((s, i) => row(addMonthsToMonth(from, i), { reviewCount: 10, stars: s }));
    const rows = [...stars([4.0, 4.2, 4.1], "2026-01"), ...stars([4.5, 4.7, 4.6], "2026-05")];
    const change = beforeAfter(monthFigures(rows, months), measure("stars"), "2026-04", 3, "2026-12");
    expect(change.verdict).toBe("up");
    expect(change.change?.low).toBeCloseTo(0.27334, 4);
    expect(change.before.n).toBe(3);
  });
});

describe("the patient feedback as outcome measures", () => {
  const item = (receivedOn: string, rating: number, comment: string | null, themes: string[] = []): AnalysisItem => ({
    receivedOn,
    rating,
    locationId: null,
    hasComment: comment !== null,
    themes,
  });

  it("averages every item's rating and counts comments with a theme rated 3 or lower, month by month", () => {
    const figures = monthFigures(
      [],
      ["2026-04", "2026-05"],
      [
        item("2026-05-02", 5, "On hold forever but worth it", ["phone"]), // a theme, rated well: no complaint
        item("2026-05-09", 4, null), // no comment: in the average, not among the comments
        item("2026-05-20", 2, "Waited an hour", ["wait-times"]), // a complaint
        item("2026-05-31", 1, "Just bad", []), // low, but no theme: not a complaint theme
      ],
    );
    expect(figures[0]?.feedback).toBeNull();
    expect(figures[0]?.rates.feedbackComplaintShare).toBeNull();
    // (5 + 4 + 2 + 1) / 4 = 3; 1 complaint among 3 comments.
    expect(figures[1]?.feedback).toEqual({ items: 4, averageRating: 3, comments: 3, complaints: 1 });
    expect(figures[1]?.rates.feedbackComplaintShare).toEqual({ hits: 1, n: 3 });
  });

  const months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"];
  /** `complaints` of 10 comments in each month, every comment about waiting. */
  const comments = (month: string, complaints: number) =>
    Array.from({ length: 10 }, (_, i) => item(`${month}-1${i}`, i < complaints ? 2 : 5, "About the wait", ["wait-times"]));

  it("pools the complaint share's months with Wilson intervals and Newcombe's change", () => {
    // Before (Jan–Mar): 4 + 3 + 3 = 10 of 30 comments. After (May–Jul): 1 + 1 + 0 = 2 of 30.
    // Wilson 10/30: centre (1/3 + z²/60) / (1 + z²/30) = 0.35225, half 0.15995 → 0.19230 to 0.51220.
    // Wilson 2/30: 0.01848 to 0.21323. Change −0.26667; low −0.26667 − √(0.04819² + 0.17887²) = −0.45191,
    // high −0.26667 + √(0.14657² + 0.14103²) = −0.06327: leaves out zero, so it went down.
    const items = [...comments("2026-01", 4), ...comments("2026-02", 3), ...comments("2026-03", 3), ...comments("2026-05", 1), ...comments("2026-06", 1), ...comments("2026-07", 0)];
    const change = beforeAfter(monthFigures([], months, items), measure("feedbackComplaintShare"), "2026-04", 3, "2026-12");
    expect(change.before).toMatchObject({ months: 3, hits: 10, n: 30 });
    expect(change.before.interval?.low).toBeCloseTo(0.1923, 4);
    expect(change.before.interval?.high).toBeCloseTo(0.5122, 4);
    expect(change.after).toMatchObject({ months: 3, hits: 2, n: 30 });
    expect(change.change?.estimate).toBeCloseTo(-0.26667, 4);
    expect(change.change?.low).toBeCloseTo(-0.45191, 4);
    expect(change.change?.high).toBeCloseTo(-0.06327, 4);
    expect(change.verdict).toBe("down");
  });

  it("says too little data to tell when the complaint share moves within its noise", () => {
    // 3 of 30 before, 1 of 30 after: −6.7 points, from −22.5 to +8.2.
    const items = [...comments("2026-01", 1), ...comments("2026-02", 1), ...comments("2026-03", 1), ...comments("2026-05", 1), ...comments("2026-06", 0), ...comments("2026-07", 0)];
    const change = beforeAfter(monthFigures([], months, items), measure("feedbackComplaintShare"), "2026-04", 3, "2026-12");
    expect(change.change?.low).toBeCloseTo(-0.22527, 4);
    expect(change.change?.high).toBeCloseTo(0.08188, 4);
    expect(change.verdict).toBe("unclear");
  });

  it("compares the average rating as the months' averages with Welch's interval, as the stars", () => {
    // Month averages 3.0, 3.5, 3.25 before and 4.0, 4.5, 4.25 after: +1.00. Each side's sd is 0.25
    // with n = 3; se = √(2 × 0.0625 / 3) = 0.20412; df = 4; t(0.975, 4) = 2.77645; half 0.56673.
    const month = (m: string, ratings: number[]) => ratings.map((r, i) => item(`${m}-0${i + 1}`, r, null));
    const items = [
      ...month("2026-01", [3, 3]),
      ...month("2026-02", [3, 4]),
      ...month("2026-03", [3, 3, 3, 4]),
      ...month("2026-05", [4, 4]),
      ...month("2026-06", [4, 5]),
      ...month("2026-07", [4, 4, 4, 5]),
    ];
    const change = beforeAfter(monthFigures([], months, items), measure("feedbackRating"), "2026-04", 3, "2026-12");
    expect(change.before).toMatchObject({ months: 3, n: 3, estimate: 3.25 });
    expect(change.change?.estimate).toBeCloseTo(1, 6);
    expect(change.change?.low).toBeCloseTo(0.43327, 4);
    expect(change.change?.high).toBeCloseTo(1.56673, 4);
    expect(change.verdict).toBe("up");
    // One month after: no spread to measure, so no interval and nothing called.
    const short = beforeAfter(monthFigures([], months, items.filter((i) => i.receivedOn < "2026-06")), measure("feedbackRating"), "2026-04", 3, "2026-12");
    expect(short.change).toBeNull();
    expect(short.verdict).toBe("unclear");
  });
});

describe("the report", () => {
  const testDb = setupTestDb();
  it("runs from the first month kept to this month, blanks left blank", async () => {
    const db = testDb.db;
    await createPractice(db);
    const ownerRow = await createUser(db, { role: "owner" });
    const owner: Actor = { id: ownerRow.id, role: "owner", scopeLocationId: null };
    const north = await createLocation(db, "North");
    await saveOutcomeMonth(db, owner, { month: "2026-03", locationId: north, figures: { ...blank, visits: 500 } }, new Date());
    const report = await outcomeReport(db, owner, { locationId: null, window: 3, today: TODAY, timeZone: "America/Chicago" });
    expect(report.months).toEqual(["2026-03", "2026-04", "2026-05", "2026-06"]);
    expect(report.figures.map((f) => f.totals.visits)).toEqual([500, null, null, null]);
    expect(report.training.map((t) => t.spendCents)).toEqual([0, 0, 0, 0]);
  });

  it("joins the feedback in by itself, for the location shown and within a manager's scope", async () => {
    const db = testDb.db;
    await createPractice(db);
    const ownerRow = await createUser(db, { role: "owner" });
    const managerRow = await createUser(db, { role: "manager" });
    const north = await createLocation(db, "North");
    const south = await createLocation(db, "South");
    await placeUser(db, managerRow.id, { scopeLocationId: north });
    const owner: Actor = { id: ownerRow.id, role: "owner", scopeLocationId: null };
    const scoped: Actor = { id: managerRow.id, role: "manager", scopeLocationId: north };
    const catalog = { ...(await createCatalog(db)), themes: [{ skill: "greeting", phrases: ["rude"] }] };
    const fb = (receivedOn: string, rating: number, comment: string, locationId: number | null): FeedbackInput => ({ receivedOn, source: "Survey", rating, comment, redactions: {}, locationId });
    await saveFeedback(
      db,
      owner,
      [fb("2026-05-03", 2, "The man at the desk was rude", north), fb("2026-05-04", 5, "Lovely visit", north), fb("2026-05-05", 1, "Rude again", south), fb("2026-05-06", 4, "", null)],
      { now: new Date("2026-05-07T12:00:00Z"), requestId: "f1", via: "csv" },
    );
    const options = { window: 3, today: TODAY, timeZone: "America/Chicago", catalog, now: new Date("2026-06-15T17:00:00Z") };
    const may = async (actor: Actor, locationId: number | null) => {
      const report = await outcomeReport(db, actor, { ...options, locationId });
      return { months: report.months, feedback: report.figures[0]?.feedback, share: report.figures[0]?.rates.feedbackComplaintShare };
    };
    // With no outcome figures typed, the months run from the first feedback.
    expect(await may(owner, null)).toEqual({ months: ["2026-05", "2026-06"], feedback: { items: 4, averageRating: 3, comments: 3, complaints: 2 }, share: { hits: 2, n: 3 } });
    expect(await may(owner, north)).toMatchObject({ feedback: { items: 2, averageRating: 3.5, comments: 2, complaints: 1 }, share: { hits: 1, n: 2 } });
    expect(await may(owner, south)).toMatchObject({ feedback: { items: 1, averageRating: 1, comments: 1, complaints: 1 } });
    expect(await may(scoped, null)).toMatchObject({ feedback: { items: 2, averageRating: 3.5 } });
    // The monthly summary (no library) keeps to the typed figures.
    expect((await outcomeReport(db, owner, { ...options, catalog: undefined, locationId: null })).months).toEqual([]);
  });

  it("puts the completion percentage on the time axis: work done by each month's end out of the work due by then", async () => {
    const db = testDb.db;
    await createPractice(db, { timeZone: "America/Chicago" });
    const ownerRow = await createUser(db, { role: "owner" });
    const owner: Actor = { id: ownerRow.id, role: "owner", scopeLocationId: null };
    const north = await createLocation(db, "North");
    const south = await createLocation(db, "South");
    const catalog = await createCatalog(db);
    const a = await createUser(db);
    const b = await createUser(db);
    await placeUser(db, a.id, { locationId: north });
    await placeUser(db, b.id, { locationId: south });
    // Both lessons of the module, due March 16 (14 days after March 2), for both people.
    await createAssignment(db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 14 }, recurMonths: null }, { catalog, now: new Date("2026-03-02T15:00:00Z"), timeZone: "America/Chicago" });
    const complete = (userId: number, at: string) =>
      db.insertInto("completion").values(["greeting-basics", "reading-only"].map((lesson_slug) => ({ user_id: userId, lesson_slug, completed_at: at, attempt_id: null, content_hash: "x" }))).execute();
    await complete(a.id, "2026-03-10T15:00:00Z"); // on time
    await complete(b.id, "2026-04-05T15:00:00Z"); // late, in April
    const context = { timeZone: "America/Chicago", now: new Date("2026-06-15T17:00:00Z"), catalog };
    const months = ["2026-02", "2026-03", "2026-04"];
    const percent = async (actor: Actor, locationId: number | null) => (await trainingByMonth(db, actor, locationId, months, context)).map((t) => [t.assigned?.due, t.assigned?.done, t.donePercent]);
    // February: nothing due yet. March: 1 of 2 done by the 31st. April: both.
    expect(await percent(owner, null)).toEqual([[0, 0, null], [2, 1, 50], [2, 2, 100]]);
    expect(await percent(owner, south)).toEqual([[0, 0, null], [1, 0, 0], [1, 1, 100]]);
    expect(await percent({ ...owner, role: "manager", scopeLocationId: north }, null)).toEqual([[0, 0, null], [1, 1, 100], [1, 1, 100]]);
    // Without the library (the monthly summary), no percentage.
    expect((await trainingByMonth(db, owner, null, months, { timeZone: "America/Chicago" })).map((t) => t.donePercent)).toEqual([null, null, null]);
  });
});

describe("the demo practice", () => {
  const testDb = setupTestDb();
  it("shows a modest change after the phone module, and too little data for stars and complaints", async () => {
    const db = testDb.db;
    // At 10 pm in Chicago on December 6: already December 7 in UTC.
    const now = new Date("2026-12-07T04:00:00Z");
    await seedFullPractice(db, now);
    const owner = await db.selectFrom("user").select("id").where("role", "=", "owner").executeTakeFirstOrThrow();
    const actor: Actor = { id: owner.id, role: "owner", scopeLocationId: null };
    const report = await outcomeReport(db, actor, { locationId: null, window: 3, today: "2026-12-06", timeZone: "America/Chicago" });
    expect(report.months).toHaveLength(25);
    expect(report.months.at(-1)).toBe("2026-12");
    // The month in progress has no figures yet; late cancellations were counted only from the second year.
    expect(report.figures.at(-1)?.totals.visits).toBeNull();
    expect(report.figures[0]?.totals.lateCancellations).toBeNull();
    expect(report.figures.at(-2)?.totals.lateCancellations).not.toBeNull();
    const phone = report.rollouts.find((r) => r.moduleSlug === "the-phone");
    expect(phone?.month).toBe("2026-10");
    const verdicts = Object.fromEntries(phone?.changes.map((c) => [c.measure.key, c.verdict]) ?? []);
    expect(verdicts).toEqual({ returnRate: "up", noShowRate: "down", lateCancelRate: "unclear", complaintRate: "unclear", stars: "unclear" });
    const returnRate = phone?.changes.find((c) => c.measure.key === "returnRate");
    // Modest: a few points, not a transformation.
    expect(returnRate?.change?.estimate).toBeGreaterThan(0.01);
    expect(returnRate?.change?.estimate).toBeLessThan(0.08);
    const value = returnRate ? valueRange(returnRate, await getOutcomeValues(db)) : null;
    expect(value?.lowCents).toBeGreaterThan(0);
    expect(value?.highCents).toBeGreaterThan(value?.lowCents ?? 0);
  });

  it("shows the demo practice's feedback on its outcomes", async () => {
    const db = testDb.db;
    const now = new Date("2026-12-07T04:00:00Z");
    await seedFullPractice(db, now);
    const { content } = loadContent("content");
    const catalog = buildCatalog(content, () => "");
    const owner = await db.selectFrom("user").select("id").where("role", "=", "owner").executeTakeFirstOrThrow();
    const actor: Actor = { id: owner.id, role: "owner", scopeLocationId: null };
    const report = await outcomeReport(db, actor, { locationId: null, window: 3, today: "2026-12-06", timeZone: "America/Chicago", catalog, now });
    const withFeedback = report.figures.filter((f) => f.feedback !== null);
    expect(withFeedback.length).toBeGreaterThan(3);
    expect(withFeedback.every((f) => f.feedback!.averageRating! >= 1 && f.feedback!.averageRating! <= 5)).toBe(true);
    const phone = report.rollouts.find((r) => r.moduleSlug === "the-phone");
    expect(phone?.changes.map((c) => c.measure.key)).toEqual(MEASURES.map((m) => m.key));
    const share = phone?.changes.find((c) => c.measure.key === "feedbackComplaintShare");
    expect(share?.before.n).toBeGreaterThan(0);
    expect(share?.after.n).toBeGreaterThan(0);
    expect(report.training.some((t) => t.donePercent !== null)).toBe(true);
  });
});
