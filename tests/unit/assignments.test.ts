import { beforeEach, describe, expect, it } from "vitest";
import {
  cancelAssignment,
  createAssignment,
  dayMayChange,
  dueFor,
  itemProgress,
  listAssignments,
  type StateInput,
} from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { addPeople } from "#app/models/team.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { isDone, ITEM_STATES } from "#app/rules/item-states.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";

describe("item states", () => {
  it("counts an item as done whether it finished on time or late, and nothing else", () => {
    expect(ITEM_STATES.filter(isDone)).toEqual(["done", "done-late"]);
  });
});

describe("due dates", () => {
  const created = "2026-03-02T15:00:00Z";
  it("counts N days from the day it reaches the person, in the practice's time zone", () => {
    // 03:00 UTC on March 3 is still March 2 in Chicago.
    expect(dueFor({ due_on: null, due_days: 7, created_at: created }, new Date("2026-03-03T03:00:00Z"), TZ)).toBe("2026-03-09");
  });
  it("keeps a fixed date, but gives a late joiner at least 14 days", () => {
    const rule = { due_on: "2026-03-20", due_days: null, created_at: created };
    expect(dueFor(rule, new Date(created), TZ)).toBe("2026-03-20");
    expect(dueFor(rule, new Date("2026-03-15T15:00:00Z"), TZ)).toBe("2026-03-29");
    expect(dueFor(rule, new Date("2026-03-03T15:00:00Z"), TZ)).toBe("2026-03-20");
  });
});

describe("item states", () => {
  const base: StateInput = {
    lessonSlugs: ["a", "b"],
    completions: new Map(),
    lastActivity: new Map(),
    dueOn: "2026-03-10",
    recurMonths: null,
    today: "2026-03-05",
    timeZone: TZ,
  };
  it("is not started, then in progress, then done", () => {
    expect(itemProgress(base)).toMatchObject({ state: "not-started", percent: 0 });
    expect(itemProgress({ ...base, lastActivity: new Map([["a", "2026-03-04T10:00:00Z"]]) })).toMatchObject({ state: "in-progress", percent: 0 });
    const half = new Map([["a", ["2026-03-04T10:00:00Z"]]]);
    expect(itemProgress({ ...base, completions: half })).toMatchObject({ state: "in-progress", percent: 50, done: 1, total: 2 });
    const both = new Map([["a", ["2026-03-04T10:00:00Z"]], ["b", ["2026-03-06T10:00:00Z"]]]);
    expect(itemProgress({ ...base, completions: both })).toMatchObject({ state: "done", percent: 100, completedOn: "2026-03-06" });
  });
  it("is overdue after the due day, and done late when finished after it", () => {
    expect(itemProgress({ ...base, today: "2026-03-10" }).state).toBe("not-started");
    expect(itemProgress({ ...base, today: "2026-03-11" }).state).toBe("overdue");
    // 02:00 UTC on March 11 is still March 10 in Chicago: on time.
    const onTime = new Map([["a", ["2026-03-01T10:00:00Z"]], ["b", ["2026-03-11T02:00:00Z"]]]);
    expect(itemProgress({ ...base, completions: onTime, today: "2026-03-12" }).state).toBe("done");
    const late = new Map([["a", ["2026-03-01T10:00:00Z"]], ["b", ["2026-03-12T15:00:00Z"]]]);
    expect(itemProgress({ ...base, completions: late, today: "2026-03-12" }).state).toBe("done-late");
  });
  it("repeats a refresher after completion, opening 30 days before it falls due", () => {
    const done = new Map([["a", ["2026-03-04T10:00:00Z"]], ["b", ["2026-03-05T10:00:00Z"]]]);
    const yearly = { ...base, completions: done, recurMonths: 12 };
    expect(itemProgress({ ...yearly, today: "2027-02-01" })).toMatchObject({ state: "done", nextDueOn: "2027-03-05" });
    // From 30 days before, last year's completions no longer count.
    expect(itemProgress({ ...yearly, today: "2027-02-10" })).toMatchObject({ state: "not-started", dueOn: "2027-03-05", percent: 0 });
    expect(itemProgress({ ...yearly, today: "2027-03-06" })).toMatchObject({ state: "overdue", dueOn: "2027-03-05" });
    const again = new Map([["a", ["2026-03-04T10:00:00Z", "2027-02-20T10:00:00Z"]], ["b", ["2026-03-05T10:00:00Z", "2027-02-21T10:00:00Z"]]]);
    expect(itemProgress({ ...yearly, completions: again, today: "2027-03-06" })).toMatchObject({ state: "done", completedOn: "2027-02-21", nextDueOn: "2028-02-21" });
  });
});

describe("what a new day can change", () => {
  // Kept states are worked out again on a new day only where dayMayChange says so: over many
  // made-up histories, a state it says cannot change does not.
  it("names every state the next days can change, checked against itemProgress", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const day = (offset: number) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    let moved = 0;
    for (let n = 0; n < 3000; n++) {
      const completions = new Map<string, string[]>();
      for (const slug of ["a", "b"]) {
        const times = Array.from({ length: Math.floor(rand() * 3) }, () => `${day(Math.floor(rand() * 500))}T${rand() < 0.5 ? "03" : "15"}:00:00.000Z`).sort();
        if (times.length > 0) completions.set(slug, times);
      }
      const input: StateInput = {
        lessonSlugs: ["a", "b"],
        completions,
        lastActivity: rand() < 0.3 ? new Map([["a", `${day(Math.floor(rand() * 500))}T12:00:00.000Z`]]) : new Map(),
        dueOn: day(Math.floor(rand() * 500)),
        recurMonths: rand() < 0.5 ? null : [1, 6, 12][Math.floor(rand() * 3)]!,
        completionsFrom: rand() < 0.2 ? `${day(Math.floor(rand() * 300))}T12:00:00.000Z` : null,
        today: day(Math.floor(rand() * 600)),
        timeZone: TZ,
      };
      const then = itemProgress(input);
      for (const ahead of [1, 2, 30, 400]) {
        const later = day(Math.round((Date.parse(input.today) - Date.UTC(2026, 0, 1)) / 86_400_000) + ahead);
        const now = itemProgress({ ...input, today: later });
        if (!dayMayChange(then, input.today, later)) expect(now, JSON.stringify({ input: { ...input, completions: [...completions] }, later })).toEqual(then);
        else moved++;
      }
      expect(dayMayChange(then, input.today, input.today)).toBe(false);
      expect(dayMayChange(then, input.today, day(-1))).toBe(true);
    }
    // Not a predicate that says "may change" to everything.
    expect(moved).toBeGreaterThan(100);
    expect(moved).toBeLessThan(3000 * 4 * 0.8);
  });
});

describe("creating assignments", () => {
  const testDb = setupTestDb();
  let catalog: Catalog;
  let owner: Actor;
  const now = new Date("2026-03-02T15:00:00Z");
  const ctx = () => ({ catalog, now, timeZone: TZ });
  beforeEach(async () => {
    catalog = await createCatalog(testDb.db);
    await createPractice(testDb.db, { timeZone: TZ });
    owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
  });
  const rows = () => testDb.db.selectFrom("assignment_person").select(["user_id", "due_on", "assignment_id"]).orderBy("user_id").execute();

  it("reaches a group's members now and people who join the group later", async () => {
    const a = await createUser(testDb.db);
    const b = await createUser(testDb.db);
    await placeUser(testDb.db, a.id, { jobTitle: "Receptionist" });
    await placeUser(testDb.db, b.id, { jobTitle: "Scheduler" });
    await createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: "Receptionist", locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, ctx());
    expect(await rows()).toEqual([expect.objectContaining({ user_id: a.id, due_on: "2026-03-09" })]);
    const later = new Date("2026-03-05T15:00:00Z");
    const [joined] = await addPeople(
      testDb.db,
      owner,
      [{ name: "New Person", email: "new@test.example", jobTitle: "Receptionist", locationId: null, hiredOn: null, hourlyWageCents: null, role: "staff", scopeLocationId: null }],
      { now: later, timeZone: TZ, via: "form" },
    );
    expect(await rows()).toEqual([
      expect.objectContaining({ user_id: a.id }),
      expect.objectContaining({ user_id: joined!.id, due_on: "2026-03-12" }),
    ]);
    const audit = await testDb.db.selectFrom("audit_event").select("action").execute();
    expect(audit.map((e) => e.action)).toEqual(["assignment.create", "person.add"]);
  });

  it("refuses a due date in the past and an unknown module, writing nothing", async () => {
    const person = await createUser(testDb.db);
    const past = createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "person", userId: person.id }, due: { kind: "date", on: "2026-03-01" }, recurMonths: null }, ctx());
    await expect(past).rejects.toMatchObject({ field: "dueOn" });
    const unknown = createAssignment(testDb.db, owner, { item: { kind: "module", slug: "juggling" }, target: { kind: "person", userId: person.id }, due: { kind: "days", days: 3 }, recurMonths: null }, ctx());
    await expect(unknown).rejects.toBeInstanceOf(FieldError);
    expect(await testDb.db.selectFrom("assignment").select("id").execute()).toEqual([]);
    // Today itself is fine.
    await createAssignment(testDb.db, owner, { item: { kind: "lesson", slug: "reading-only" }, target: { kind: "person", userId: person.id }, due: { kind: "date", on: "2026-03-02" }, recurMonths: null }, ctx());
  });

  it("keeps a location-scoped manager to their location", async () => {
    const maple = await createLocation(testDb.db, "Maple");
    const river = await createLocation(testDb.db, "River");
    const here = await createUser(testDb.db);
    const there = await createUser(testDb.db);
    await placeUser(testDb.db, here.id, { locationId: maple });
    await placeUser(testDb.db, there.id, { locationId: river });
    const managerId = (await createUser(testDb.db, { role: "manager" })).id;
    await placeUser(testDb.db, managerId, { locationId: maple, scopeLocationId: maple });
    const manager: Actor = { id: managerId, role: "manager", scopeLocationId: maple };
    const item = { kind: "module" as const, slug: "basics" };
    const due = { kind: "days" as const, days: 7 };
    await expect(createAssignment(testDb.db, manager, { item, target: { kind: "person", userId: there.id }, due, recurMonths: null }, ctx())).rejects.toMatchObject({ status: 404 });
    await expect(createAssignment(testDb.db, manager, { item, target: { kind: "group", jobTitle: null, locationId: river }, due, recurMonths: null }, ctx())).rejects.toMatchObject({ status: 404 });
    // "Everyone" from a scoped manager means everyone at their location.
    const id = await createAssignment(testDb.db, manager, { item, target: { kind: "group", jobTitle: null, locationId: null }, due, recurMonths: null }, ctx());
    expect((await rows()).map((r) => r.user_id).sort()).toEqual([here.id, managerId].sort());
    expect((await listAssignments(testDb.db, manager)).map((a) => a.id)).toEqual([id]);
    const ownerOnly = await createAssignment(testDb.db, owner, { item, target: { kind: "person", userId: there.id }, due, recurMonths: null }, ctx());
    await expect(cancelAssignment(testDb.db, manager, ownerOnly, now)).rejects.toMatchObject({ status: 404 });
    await cancelAssignment(testDb.db, manager, id, now);
    expect(await listAssignments(testDb.db, manager)).toEqual([]);
  });
});
