import { describe, expect, it } from "vitest";
import { isSetupOpen, moneyAccess, saveMoneySettings, SetupClosedError, setupPractice } from "#app/models/practice.server.ts";
import { verifyPassword } from "#app/models/passwords.server.ts";
import { setupTestDb } from "#tests/support/db.ts";

const testDb = setupTestDb();

const input = {
  practiceName: "Oak Clinic",
  timeZone: "America/Denver",
  fiscalYearStartMonth: 7,
  ownerName: "Dana Owner",
  ownerEmail: "Dana@Oak.example",
  password: "a long enough password",
};

describe("first-run setup", () => {
  it("creates the practice and its owner once, with an audit event", async () => {
    expect(await isSetupOpen(testDb.db)).toBe(true);
    const ownerId = await setupPractice(testDb.db, input, new Date());
    expect(await isSetupOpen(testDb.db)).toBe(false);
    const owner = await testDb.db.selectFrom("user").selectAll().where("id", "=", ownerId).executeTakeFirstOrThrow();
    expect(owner).toMatchObject({ email: "dana@oak.example", role: "owner", status: "active" });
    expect(await verifyPassword(owner.password_hash, input.password)).toBe(true);
    const audit = await testDb.db.selectFrom("audit_event").selectAll().execute();
    expect(audit).toEqual([expect.objectContaining({ actor_id: ownerId, action: "practice.setup" })]);
    await expect(setupPractice(testDb.db, input, new Date())).rejects.toBeInstanceOf(SetupClosedError);
    expect(await testDb.db.selectFrom("user").selectAll().execute()).toHaveLength(1);
  });
});

describe("training money", () => {
  it("is the owner's; a manager gets what the owner granted, staff nothing", async () => {
    const ownerId = await setupPractice(testDb.db, input, new Date());
    const none = { seeCosts: false, recordSpend: false };
    expect(await moneyAccess(testDb.db, "owner")).toEqual({ seeCosts: true, recordSpend: true });
    expect(await moneyAccess(testDb.db, "manager")).toEqual(none);
    expect(await moneyAccess(testDb.db, "staff")).toEqual(none);
    await saveMoneySettings(testDb.db, ownerId, { labourCostEnabled: false, managersRecordSpend: true, managersSeeCosts: false }, new Date());
    expect(await moneyAccess(testDb.db, "manager")).toEqual({ seeCosts: false, recordSpend: true });
    await saveMoneySettings(testDb.db, ownerId, { labourCostEnabled: false, managersRecordSpend: true, managersSeeCosts: true }, new Date());
    expect(await moneyAccess(testDb.db, "manager")).toEqual({ seeCosts: true, recordSpend: true });
    expect(await moneyAccess(testDb.db, "staff")).toEqual(none);
  });
});
