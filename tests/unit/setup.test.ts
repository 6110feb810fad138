import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "#db/connection.ts";
import { isSetupOpen, SetupClosedError, setupPractice } from "#app/models/practice.server.ts";
import { verifyPassword } from "#app/models/passwords.server.ts";
import { createTestDb, removeTempDirs } from "#tests/support/db.ts";

let connection: Connection;
beforeEach(async () => {
  connection = await createTestDb();
});
afterEach(async () => {
  await connection.close();
  removeTempDirs();
});

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
    expect(await isSetupOpen(connection.db)).toBe(true);
    const ownerId = await setupPractice(connection.db, input, new Date());
    expect(await isSetupOpen(connection.db)).toBe(false);
    const owner = await connection.db.selectFrom("user").selectAll().where("id", "=", ownerId).executeTakeFirstOrThrow();
    expect(owner).toMatchObject({ email: "dana@oak.example", role: "owner", status: "active" });
    expect(await verifyPassword(owner.password_hash, input.password)).toBe(true);
    const audit = await connection.db.selectFrom("audit_event").selectAll().execute();
    expect(audit).toEqual([expect.objectContaining({ actor_id: ownerId, action: "practice.setup" })]);
    await expect(setupPractice(connection.db, input, new Date())).rejects.toBeInstanceOf(SetupClosedError);
    expect(await connection.db.selectFrom("user").selectAll().execute()).toHaveLength(1);
  });
});
