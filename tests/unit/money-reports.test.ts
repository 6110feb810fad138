import { beforeEach, describe, expect, it } from "vitest";
import { headcountOn, savePlan } from "#app/models/budget.server.ts";
import { fiscalYear, fiscalYearOf } from "#app/rules/fiscal.ts";
import { mulDiv, splitEqually } from "#app/rules/money.ts";
import { projectFormats } from "#app/models/planner.ts";
import { employeeSpendReport } from "#app/models/employee-spend.server.ts";
import { budgetReport, costPer, projectYear, valueReport } from "#app/models/reports.server.ts";
import { checkExpenseCsv, createExpense, deleteExpense, importExpenses, listExpenses, updateExpense, type ExpenseInput } from "#app/models/spend.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createPractice, createUser } from "#tests/support/factories.ts";

describe("money arithmetic", () => {
  it("splits equally with leftover cents so the shares add up exactly", () => {
    expect(splitEqually(100, 3)).toEqual([34, 33, 33]);
    expect(splitEqually(79000, 2)).toEqual([39500, 39500]);
    expect(splitEqually(1, 4)).toEqual([1, 0, 0, 0]);
    for (const [total, n] of [[99_999, 7], [1_234_567, 13], [5, 5]] as const) {
      expect(splitEqually(total, n).reduce((s, x) => s + x, 0)).toBe(total);
    }
    expect(splitEqually(100, 0)).toEqual([]);
  });
  it("projects the year at the run rate", () => {
    // $1,000 in the first 73 days of a 365-day year runs to $5,000.
    expect(projectYear(1000_00, 73, 365)).toBe(5000_00);
    expect(projectYear(0, 0, 365)).toBe(0);
    expect(mulDiv(1, 1, 3)).toBe(0);
    expect(costPer(1000_00, 0)).toBeNull();
    expect(costPer(1000_00, 3)).toBe(333_33);
    expect(costPer(1000_00, 7200, 3600)).toBe(500_00);
  });
});

describe("fiscal years", () => {
  it("names a year by the calendar year it starts in", () => {
    expect(fiscalYearOf("2026-06-30", 7)).toBe(2025);
    expect(fiscalYearOf("2026-07-01", 7)).toBe(2026);
    expect(fiscalYearOf("2026-01-01", 1)).toBe(2026);
    expect(fiscalYearOf("2026-12-31", 1)).toBe(2026);
    const fy = fiscalYear(2027, 7);
    expect(fy).toMatchObject({ start: "2027-07-01", end: "2028-06-30", days: 366 });
    expect(fy.months[0]).toBe("2027-07-01");
    expect(fy.months[11]).toBe("2028-06-01");
  });
});

describe("the format planner", () => {
  it("prices a mix from the published ranges", () => {
    const p = projectFormats({ "training-materials": 1, "in-person-training": 4, "virtual-instructor-led": 1 });
    expect(p.lowCents).toBe(100_00 + 4 * 500_00 + 1_500_00);
    expect(p.highCents).toBe(1_000_00 + 4 * 1_500_00 + 2_250_00);
    // Online courses are "from $10 per employee": no upper end.
    expect(projectFormats({ "online-courses": 8 })).toMatchObject({ lowCents: 80_00, highCents: null });
  });
});

describe("spend and reports", () => {
  const testDb = setupTestDb();
  let owner: Actor;
  const now = new Date("2026-03-31T18:00:00Z");
  beforeEach(async () => {
    await createPractice(testDb.db);
    owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
  });
  const expense = (overrides: Partial<ExpenseInput>): ExpenseInput => ({
    spentOn: "2026-02-10",
    category: "online-courses",
    vendor: "LearnCo",
    description: "Seats",
    amountCents: 100_00,
    shares: { mode: "practice" },
    ...overrides,
  });

  it("dates a person added in the evening by the practice's calendar, not UTC's", async () => {
    // 8 pm in Chicago on March 31 is already April 1 in UTC: she is on the books on March 31.
    const ana = await createUser(testDb.db, { name: "Ana" });
    await testDb.db.updateTable("user").set({ created_at: "2026-04-01T01:00:00.000Z" }).where("id", "=", ana.id).execute();
    expect(await headcountOn(testDb.db, "2026-03-31")).toBe(1);
    expect(await headcountOn(testDb.db, "2026-03-30")).toBe(0);
  });

  it("refuses explicit shares that do not add up, and splits equal ones exactly", async () => {
    const a = await createUser(testDb.db);
    const b = await createUser(testDb.db);
    const c = await createUser(testDb.db);
    await expect(
      createExpense(testDb.db, owner, expense({ shares: { mode: "explicit", amounts: [{ userId: a.id, cents: 50_00 }, { userId: b.id, cents: 49_99 }] } }), now),
    ).rejects.toThrow(/short by 0.01/);
    expect(await listExpenses(testDb.db, {})).toEqual([]);
    const id = await createExpense(testDb.db, owner, expense({ shares: { mode: "equal", userIds: [c.id, a.id, b.id] } }), now);
    const [saved] = await listExpenses(testDb.db, { id });
    expect(saved!.shares.map((s) => s.cents).sort()).toEqual([33_33, 33_33, 33_34]);
    await updateExpense(testDb.db, owner, id, expense({ amountCents: 90_00, shares: { mode: "practice" } }), now);
    expect((await listExpenses(testDb.db, { id }))[0]).toMatchObject({ amountCents: 90_00, shares: [] });
    await deleteExpense(testDb.db, owner, id, now);
    expect(await listExpenses(testDb.db, {})).toEqual([]);
    const actions = (await testDb.db.selectFrom("audit_event").select("action").execute()).map((e) => e.action);
    expect(actions).toEqual(["expense.create", "expense.update", "expense.delete"]);
  });

  it("imports a checked file once, however often its confirm form is sent", async () => {
    const check = checkExpenseCsv(new TextEncoder().encode("date,description,amount,category\n2026-03-01,Posters,80,Other\n2026-03-02,Seats,20,Online courses\n"), "2026-03-31");
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(await importExpenses(testDb.db, owner, check.inputs, now, "5b0e6f8e-3a52-4b55-9f0e-1f2d3c4b5a69")).toBe(2);
    expect(await importExpenses(testDb.db, owner, check.inputs, now, "5b0e6f8e-3a52-4b55-9f0e-1f2d3c4b5a69")).toBe(2);
    expect(await listExpenses(testDb.db, {})).toHaveLength(2);
  });

  it("reports budget against actual with variance, totals equal to the rows, and a run-rate projection", async () => {
    await savePlan(
      testDb.db,
      owner,
      2026,
      [
        { category: "online-courses", plannedCents: 25_00, perEmployee: true },
        { category: "training-materials", plannedCents: 500_00, perEmployee: false },
      ],
      now,
    );
    await createUser(testDb.db);
    await createUser(testDb.db);
    await testDb.db.updateTable("user").set({ hired_on: "2025-06-01" }).execute();
    await createExpense(testDb.db, owner, expense({ amountCents: 30_00, spentOn: "2026-01-15" }), now);
    await createExpense(testDb.db, owner, expense({ category: "training-materials", amountCents: 120_50, spentOn: "2026-03-01" }), now);
    await createExpense(testDb.db, owner, expense({ amountCents: 999_00, spentOn: "2025-12-31" }), now);
    const r = await budgetReport(testDb.db, 2026, 1, "2026-03-31");
    const online = r.rows.find((x) => x.category === "online-courses")!;
    expect(online).toMatchObject({ plannedCents: 50_00, actualCents: 30_00, varianceCents: 20_00 });
    expect(r.total).toEqual({ plannedCents: 550_00, actualCents: 150_50, varianceCents: 399_50 });
    expect(r.total.actualCents).toBe(r.rows.reduce((s, x) => s + x.actualCents, 0));
    // 90 days elapsed of 365: 150.50 × 365 / 90 = 610.36 → over the 550 plan.
    expect(r.projectedCents).toBe(610_36);
    expect(r.overshootCents).toBe(60_36);
    expect(r.months.slice(0, 4).map((m) => m.cumulativeCents)).toEqual([30_00, 30_00, 150_50, null]);
  });

  it("shares practice-wide spend among the people active in the period, joiners and leavers included", async () => {
    const stayed = await createUser(testDb.db, { name: "Stayed" });
    const joined = await createUser(testDb.db, { name: "Joined" });
    const left = await createUser(testDb.db, { name: "Left" });
    const gone = await createUser(testDb.db, { name: "Gone before" });
    await testDb.db.updateTable("user").set({ hired_on: "2025-01-01" }).execute();
    await testDb.db.updateTable("user").set({ hired_on: "2026-03-15" }).where("id", "=", joined.id).execute();
    await testDb.db.updateTable("user").set({ status: "deactivated", deactivated_at: "2026-02-01T10:00:00Z" }).where("id", "=", left.id).execute();
    await testDb.db.updateTable("user").set({ status: "deactivated", deactivated_at: "2025-11-01T10:00:00Z" }).where("id", "=", gone.id).execute();
    await createExpense(testDb.db, owner, expense({ amountCents: 100_00 }), now);
    await createExpense(testDb.db, owner, expense({ amountCents: 40_00, shares: { mode: "explicit", amounts: [{ userId: stayed.id, cents: 40_00 }] } }), now);
    const r = await employeeSpendReport(testDb.db, { start: "2026-01-01", end: "2026-03-31" }, false);
    expect(r.employees).toBe(3);
    const by = Object.fromEntries(r.rows().map((x) => [x.name, x]));
    expect(by.Gone).toBeUndefined();
    expect(by.Stayed).toMatchObject({ ownCents: 40_00, sharedCents: 33_34, totalCents: 73_34 });
    expect(by.Joined?.sharedCents).toBe(33_33);
    expect(by.Left?.sharedCents).toBe(33_33);
    expect(r.totals.totalCents).toBe(140_00);
    expect(r.totals.totalCents).toBe(r.rows().reduce((s, x) => s + x.totalCents, 0));
    // Before the joiner started, the same spend is shared by two.
    const january = await employeeSpendReport(testDb.db, { start: "2026-01-01", end: "2026-01-31" }, false);
    expect(january.employees).toBe(2);
  });

  it("reports labour beside spend when enabled, and cost per completed lesson and per hour", async () => {
    const catalog = await createCatalog(testDb.db);
    const person = await createUser(testDb.db);
    await testDb.db.updateTable("user").set({ hourly_wage_cents: 20_00, hired_on: "2025-01-01" }).where("id", "=", person.id).execute();
    await testDb.db.insertInto("learning_day").values({ user_id: person.id, day: "2026-03-02", seconds: 5400 }).execute();
    await testDb.db.insertInto("completion").values([
      { user_id: person.id, lesson_slug: "greeting-basics", completed_at: "2026-03-02T10:00:00Z", attempt_id: null, content_hash: "a" },
      { user_id: person.id, lesson_slug: "greeting-basics", completed_at: "2026-03-05T10:00:00Z", attempt_id: null, content_hash: "a" },
      { user_id: person.id, lesson_slug: "reading-only", completed_at: "2026-03-03T10:00:00Z", attempt_id: null, content_hash: "b" },
    ]).execute();
    expect(catalog.modules).toHaveLength(1);
    await createExpense(testDb.db, owner, expense({ amountCents: 90_00, spentOn: "2026-03-01" }), now);
    const period = { start: "2026-03-01", end: "2026-03-31" };
    const spend = await employeeSpendReport(testDb.db, period, true);
    expect(spend.rows()[0]).toMatchObject({ totalCents: 90_00, labourCents: 30_00, minutes: 90 });
    expect((await employeeSpendReport(testDb.db, period, false)).rows()[0]?.labourCents).toBeNull();
    const value = await valueReport(testDb.db, period, "America/Chicago");
    expect(value.completions).toBe(2);
    expect(value.total).toEqual({ spendCents: 90_00, perCompletionCents: 45_00, perHourCents: 60_00 });
  });
});

describe("importing spend", () => {
  const csv = (rows: string) => new TextEncoder().encode(`Date,Description,Amount,Category\n${rows}`);
  it("reads card-export rows and reports every bad one", () => {
    const good = checkExpenseCsv(csv('3/5/2026,Webinar seats,"1,234.56",Virtual instructor-led\n2026-03-06,Posters,$80,training-materials\n'), "2026-03-31");
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.inputs.map((i) => [i.spentOn, i.amountCents, i.category])).toEqual([["2026-03-05", 123456, "virtual-instructor-led"], ["2026-03-06", 8000, "training-materials"]]);
    const bad = checkExpenseCsv(csv("31/3/2026,X,10,Other\n2026-03-01,X,-5,Other\n2026-03-01,X,1.234,Other\n2026-03-01,X,10,Snacks\n2026-04-30,X,10,Other\n2026-03-01,=SUM(A1),10,Other\n"), "2026-03-31");
    expect(bad.ok).toBe(false);
    const errors = bad.rows.map((r) => r.errors.join(" "));
    expect(errors[0]).toMatch(/not a date/);
    expect(errors[1]).toMatch(/minus/);
    expect(errors[2]).toMatch(/two decimals/);
    expect(errors[3]).toMatch(/Unknown category "Snacks"/);
    expect(errors[4]).toMatch(/future/);
    expect(errors[5]).toMatch(/cannot start with =/);
  });
});
