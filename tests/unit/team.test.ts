import { beforeEach, describe, expect, it } from "vitest";
import { hashCode, redeemCode } from "#app/models/access-codes.server.ts";
import { createSessions, type Actor } from "#app/models/sessions.server.ts";
import { checkPeopleCsv } from "#app/models/people-import.server.ts";
import { addPeople, canChange, findPerson, issueResetCode, listPeople, setStatus, updatePerson, type PersonInput } from "#app/models/team.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const testDb = setupTestDb();
let owner: Actor;
let maple: number;
let river: number;
const now = new Date("2026-03-02T15:00:00Z");
const ctx = { now, timeZone: TZ };

beforeEach(async () => {
  await createPractice(testDb.db, { timeZone: TZ });
  owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
  maple = await createLocation(testDb.db, "Maple");
  river = await createLocation(testDb.db, "River");
});

const person = (overrides: Partial<PersonInput> = {}): PersonInput => ({
  name: "Maria Lopez",
  email: "maria@test.example",
  jobTitle: "Receptionist",
  locationId: maple,
  hiredOn: null,
  hourlyWageCents: 2100,
  role: "staff",
  scopeLocationId: null,
  ...overrides,
});

async function scopedManager(locationId: number): Promise<Actor> {
  const id = (await createUser(testDb.db, { role: "manager" })).id;
  await placeUser(testDb.db, id, { locationId, scopeLocationId: locationId });
  return { id, role: "manager", scopeLocationId: locationId };
}

describe("the team", () => {
  it("adds a person with a one-time code stored only as a hash, and refuses a duplicate email", async () => {
    const [added] = await addPeople(testDb.db, owner, [person()], { ...ctx, via: "form" });
    expect(added!.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const codes = await testDb.db.selectFrom("access_code").selectAll().execute();
    expect(codes).toEqual([expect.objectContaining({ user_id: added!.id, code_hash: hashCode(added!.code), purpose: "setup", used_at: null })]);
    expect(JSON.stringify(codes)).not.toContain(added!.code);
    await expect(addPeople(testDb.db, owner, [person({ email: "MARIA@test.example" })], { ...ctx, via: "form" })).rejects.toMatchObject({ field: "email" });
  });

  it("lets a code set the password once, within 24 hours, and ends the person's sessions", async () => {
    const [added] = await addPeople(testDb.db, owner, [person()], { ...ctx, via: "form" });
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const token = await sessions.create(added!.id);
    const later = new Date(now.getTime() + 3_600_000);
    await expect(redeemCode(testDb.db, { email: "maria@test.example", code: "WRONG-CODE-0000", passwordHash: "h", now: later })).rejects.toThrow(/do not match/);
    await redeemCode(testDb.db, { email: "Maria@Test.example", code: added!.code.toLowerCase().replaceAll("-", ""), passwordHash: "h", now: later });
    expect(await sessions.validate(token)).toBeNull();
    await expect(redeemCode(testDb.db, { email: "maria@test.example", code: added!.code, passwordHash: "h2", now: later })).rejects.toThrow(/do not match/);

    const code = await issueResetCode(testDb.db, owner, (await findPerson(testDb.db, owner, added!.id))!, now);
    const dayLater = new Date(now.getTime() + 24 * 3_600_000 + 1000);
    await expect(redeemCode(testDb.db, { email: "maria@test.example", code, passwordHash: "h3", now: dayLater })).rejects.toThrow(/do not match/);
  });

  it("shows a location-scoped manager only their location's people", async () => {
    const [a, b] = await addPeople(testDb.db, owner, [person(), person({ email: "tom@test.example", name: "Tom", locationId: river })], { ...ctx, via: "form" });
    const manager = await scopedManager(maple);
    const names = (await listPeople(testDb.db, manager)).map((p) => p.id);
    expect(names).toContain(a!.id);
    expect(names).not.toContain(b!.id);
    expect(await findPerson(testDb.db, manager, b!.id)).toBeUndefined();
    await expect(addPeople(testDb.db, manager, [person({ email: "x@test.example", locationId: river })], { ...ctx, via: "form" })).rejects.toMatchObject({ field: "locationId" });
  });

  it("lets only an owner change managers and roles; a role change ends sessions", async () => {
    const [staff] = await addPeople(testDb.db, owner, [person()], { ...ctx, via: "form" });
    const manager: Actor = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: null };
    const staffPerson = (await findPerson(testDb.db, owner, staff!.id))!;
    await expect(updatePerson(testDb.db, manager, staffPerson, person({ role: "manager" }), ctx)).rejects.toMatchObject({ status: 403 });
    const managerPerson = (await findPerson(testDb.db, owner, manager.id))!;
    expect(canChange(manager, managerPerson)).toBe(false);
    expect(canChange(owner, managerPerson)).toBe(true);
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const token = await sessions.create(staff!.id);
    await updatePerson(testDb.db, owner, staffPerson, person({ role: "manager", scopeLocationId: maple }), ctx);
    expect(await sessions.validate(token)).toBeNull();
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "details"]).where("action", "=", "person.role_change").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ role: { from: "staff", to: "manager" } });
  });

  it("deactivation ends sessions at once and is audited", async () => {
    const [added] = await addPeople(testDb.db, owner, [person()], { ...ctx, via: "form" });
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const token = await sessions.create(added!.id);
    await setStatus(testDb.db, owner, (await findPerson(testDb.db, owner, added!.id))!, "deactivated", ctx);
    expect(await sessions.validate(token)).toBeNull();
    expect(await testDb.db.selectFrom("session").select("id").execute()).toEqual([]);
    const actions = (await testDb.db.selectFrom("audit_event").select("action").execute()).map((a) => a.action);
    expect(actions).toContain("person.deactivate");
  });
});

describe("importing people from CSV", () => {
  const csv = (rows: string) => new TextEncoder().encode(`name,email,job title,location\n${rows}`);
  it("reports every bad row and adds nothing", async () => {
    await createUser(testDb.db, { email: "taken@test.example" });
    const check = await checkPeopleCsv(
      testDb.db,
      owner,
      csv(
        [
          "Maria,maria@test.example,Receptionist,Maple",
          '"=HYPERLINK(""http://evil.example"")",evil@test.example,Receptionist,Maple',
          "Tom,not-an-email,Receptionist,Maple",
          "Ann,maria@test.example,Receptionist,Maple",
          "Bo,taken@test.example,,Nowhere",
        ].join("\n"),
      ),
    );
    expect(check.ok).toBe(false);
    const errors = Object.fromEntries(check.rows.map((r) => [r.line, r.errors.join(" | ")]));
    expect(errors[2]).toBe("");
    expect(errors[3]).toMatch(/cannot start with =/);
    expect(errors[4]).toMatch(/email address/);
    expect(errors[5]).toMatch(/also on line 2/);
    expect(errors[6]).toMatch(/already has an account/);
    expect(errors[6]).toMatch(/Unknown location "Nowhere"/);
  });
  it("accepts a clean file, filling a scoped manager's location", async () => {
    const manager = await scopedManager(maple);
    const check = await checkPeopleCsv(testDb.db, manager, csv("Maria,maria@test.example,Receptionist,\nTom,tom@test.example,Scheduler,maple\n"));
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.people.map((p) => p.locationId)).toEqual([maple, maple]);
  });
});
