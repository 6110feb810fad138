import { beforeEach, describe, expect, it } from "vitest";
import { deleteOutsideLearning, listOutsideLearning, logOutsideLearning, type OutsideInput } from "#app/models/outside-learning.server.ts";
import { learnerRecord } from "#app/models/progress.server.ts";
import { deleteExpense, listExpenses } from "#app/models/spend.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createPractice, createUser } from "#tests/support/factories.ts";

const testDb = setupTestDb();
let manager: Actor;
const now = new Date("2026-03-10T15:00:00Z");
beforeEach(async () => {
  await createPractice(testDb.db);
  manager = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: null };
});

const workshop = (attendeeIds: number[]): OutsideInput => ({
  title: "Billing conversations",
  provider: "State Managers Assoc.",
  kind: "workshop",
  heldOn: "2026-03-05",
  minutes: 180,
  costCents: 325_01,
  attendeeIds,
});

describe("outside learning", () => {
  it("turns the cost into spend in the right category, split among attendees, and counts the hours", async () => {
    const catalog = await createCatalog(testDb.db);
    const a = await createUser(testDb.db);
    const b = await createUser(testDb.db);
    const id = await logOutsideLearning(testDb.db, manager, workshop([a.id, b.id]), now);
    const [expense] = await listExpenses(testDb.db, {});
    expect(expense).toMatchObject({ category: "conferences-and-workshops", amountCents: 325_01, vendor: "State Managers Assoc.", source: "outside-learning" });
    expect(expense!.shares.map((s) => s.cents).sort()).toEqual([162_50, 162_51]);
    expect((await learnerRecord(testDb.db, a.id, catalog, "UTC", now)).outsideMinutes).toBe(180);

    // It is changed where it was made, not on the spend page.
    await expect(deleteExpense(testDb.db, manager, expense!.id, now)).rejects.toThrow(/outside-learning entry/);
    await deleteOutsideLearning(testDb.db, manager, id, now);
    expect(await listExpenses(testDb.db, {})).toEqual([]);
    expect(await listOutsideLearning(testDb.db, manager)).toEqual([]);
  });

  it("lets staff log only their own learning", async () => {
    const me = await createUser(testDb.db);
    const other = await createUser(testDb.db);
    const staff: Actor = { id: me.id, role: "staff", scopeLocationId: null };
    await expect(logOutsideLearning(testDb.db, staff, workshop([other.id]), now)).rejects.toMatchObject({ status: 404 });
    await logOutsideLearning(testDb.db, staff, { ...workshop([me.id]), costCents: 0 }, now);
    expect(await listExpenses(testDb.db, {})).toEqual([]);
    const mine = await listOutsideLearning(testDb.db, staff);
    expect(mine).toHaveLength(1);
    expect(await listOutsideLearning(testDb.db, { id: other.id, role: "staff", scopeLocationId: null })).toEqual([]);
  });
});
