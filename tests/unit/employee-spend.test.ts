// Spend per employee is kept per period and followed after writes (employee-spend.server.ts):
// after every kind of write, what the kept report says must be what a connection that has kept
// nothing works out from the same file.
import { beforeEach, describe, expect, it } from "vitest";
import { employeeSpendReport, learningSecondsIn, type EmployeeSpendReport } from "#app/models/employee-spend.server.ts";
import { createExpense, deleteExpense, updateExpense, type ExpenseInput } from "#app/models/spend.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createPractice, createUser } from "#tests/support/factories.ts";

const period = { start: "2026-01-01", end: "2026-03-31" };
const now = new Date("2026-03-31T18:00:00Z");

const everything = (r: EmployeeSpendReport, seconds: number) => ({
  count: r.count,
  rows: r.rows(),
  totals: r.totals,
  practiceWideCents: r.practiceWideCents,
  unallocatedCents: r.unallocatedCents,
  employees: r.employees,
  averageCents: r.averageCents,
  seconds,
});

describe("spend per employee, kept and followed", () => {
  const testDb = setupTestDb();
  let owner: Actor;
  let people: number[];
  beforeEach(async () => {
    await createPractice(testDb.db);
    owner = { id: (await createUser(testDb.db, { role: "owner", password: null })).id, role: "owner", scopeLocationId: null };
    people = [];
    for (let i = 0; i < 5; i++) people.push((await createUser(testDb.db, { name: `Person ${"ECADB"[i]}`, password: null })).id);
    await testDb.db.updateTable("user").set({ hired_on: "2025-01-01", hourly_wage_cents: 21_37 }).execute();
  });
  const expense = (overrides: Partial<ExpenseInput>): ExpenseInput => ({
    spentOn: "2026-02-10",
    category: "online-courses",
    vendor: "LearnCo",
    description: "Seats",
    amountCents: 100_01,
    shares: { mode: "practice" },
    ...overrides,
  });
  const day = (userId: number, date: string, seconds: number) => testDb.db.insertInto("learning_day").values({ user_id: userId, day: date, seconds }).execute();

  /** The kept report and one worked out afresh, by a connection of its own, for both labour settings. */
  async function expectFollowed() {
    for (const labour of [true, false]) {
      const kept = everything(await employeeSpendReport(testDb.db, period, labour), await learningSecondsIn(testDb.db, period));
      const fresh = testDb.openAnother();
      try {
        expect(kept).toEqual(everything(await employeeSpendReport(fresh.db, period, labour), await learningSecondsIn(fresh.db, period)));
      } finally {
        await fresh.close();
      }
      expect(kept.totals.minutes).toBe(kept.rows.reduce((s, r) => s + r.minutes, 0));
      expect(kept.totals.labourCents).toBe(labour ? kept.rows.reduce((s, r) => s + (r.labourCents ?? 0), 0) : null);
      expect(kept.totals.totalCents).toBe(kept.rows.reduce((s, r) => s + r.totalCents, 0));
    }
  }

  it("agrees with a fresh count after learning time, spend and people are written", async () => {
    const [a, b, c, d] = people as [number, number, number, number];
    await createExpense(testDb.db, owner, expense({}), now);
    await createExpense(testDb.db, owner, expense({ amountCents: 40_00, shares: { mode: "explicit", amounts: [{ userId: b, cents: 40_00 }] } }), now);
    await day(a, "2026-02-01", 1_799);
    await day(b, "2026-02-01", 95);
    await day(owner.id, "2026-02-02", 600); // counted in the practice's learning time, not listed
    await day(c, "2025-12-31", 3_600); // before the period
    await expectFollowed();

    // Learning time: a new day, more on a day (the heartbeat's upsert), a day rewritten, one removed.
    await createCatalog(testDb.db);
    await recordLessonTime(testDb.db, { userId: c, lessonSlug: "greeting-basics", seconds: 29, now });
    await recordLessonTime(testDb.db, { userId: c, lessonSlug: "greeting-basics", seconds: 31, now });
    await expectFollowed();
    await testDb.db.updateTable("learning_day").set({ seconds: 45 }).where("user_id", "=", a).execute();
    await testDb.db.updateTable("learning_day").set({ user_id: d }).where("user_id", "=", b).execute();
    await expectFollowed();
    await testDb.db.deleteFrom("learning_day").where("user_id", "=", owner.id).execute();
    await expectFollowed();

    // Spend: a practice-wide expense, one changed to shares, one deleted.
    const id = await createExpense(testDb.db, owner, expense({ amountCents: 7_77 }), now);
    await expectFollowed();
    await updateExpense(testDb.db, owner, id, expense({ amountCents: 9_99, shares: { mode: "equal", userIds: [c, d] } }), now);
    await expectFollowed();
    await deleteExpense(testDb.db, owner, id, now);
    await expectFollowed();

    // People: a wage changed, someone joins, someone leaves, and learning time after that.
    await testDb.db.updateTable("user").set({ hourly_wage_cents: 30_00 }).where("id", "=", a).execute();
    await expectFollowed();
    const joined = (await createUser(testDb.db, { name: "Aaron", password: null })).id;
    await testDb.db.updateTable("user").set({ hired_on: "2026-03-01" }).where("id", "=", joined).execute();
    await day(joined, "2026-03-02", 1_200);
    await expectFollowed();
    await testDb.db.updateTable("user").set({ status: "deactivated", deactivated_at: "2025-12-01T10:00:00Z" }).where("id", "=", d).execute();
    await day(d, "2026-03-03", 300);
    await expectFollowed();

    const report = await employeeSpendReport(testDb.db, period, true);
    expect(report.rows(1, 2)).toEqual(report.rows().slice(1, 3));
  });

  it("hands out reports that keep the figures they were given while later writes are followed", async () => {
    const [a] = people as [number];
    await day(a, "2026-02-01", 600);
    const before = await employeeSpendReport(testDb.db, period, false);
    const rowsBefore = before.rows();
    await day(a, "2026-02-02", 600);
    const after = await employeeSpendReport(testDb.db, period, false);
    expect(before.rows()).toEqual(rowsBefore);
    expect(before.totals.minutes).toBe(10);
    expect(after.totals.minutes).toBe(20);
    expect(after.rows().find((r) => r.userId === a)?.minutes).toBe(20);
  });
});
