// Whom a form's person picker offers: everyone in a small practice; in a large one, those a name
// search finds (a page at most) and those the form already holds, departed or not.
import { describe, expect, it } from "vitest";
import type { Actor } from "#app/models/sessions.server.ts";
import { LIST_ALL_PEOPLE_UP_TO, peopleToPick } from "#app/models/team.server.ts";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { PEOPLE_PAGE_SIZE } from "#app/rules/paging.ts";
import type { DB } from "#db/connection.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createPractice, createUser } from "#tests/support/factories.ts";

async function addStaff(db: DB, count: number, locationId: number | null, prefix = "Staff"): Promise<number[]> {
  const at = new Date().toISOString();
  const rows = await db
    .insertInto("user")
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `${prefix.toLowerCase()}${i}@pick.test`,
        name: `${prefix} ${String(i).padStart(3, "0")}`,
        role: "staff" as const,
        job_title: "Receptionist",
        location_id: locationId,
        status: "active" as const,
        created_at: at,
      })),
    )
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

describe("the person picker", () => {
  const testDb = setupTestDb();

  it("lists every active person by name in a practice of up to a hundred, whatever the search", async () => {
    const { db } = testDb;
    await createPractice(db);
    const owner: Actor = { id: (await createUser(db, { role: "owner", name: "Zoe Owner", password: null })).id, role: "owner", scopeLocationId: null };
    await addStaff(db, LIST_ALL_PEOPLE_UP_TO - 2, null);
    const gone = await createUser(db, { name: "Aaron Gone", status: "deactivated", password: null });
    const pick = await peopleToPick(db, owner, { search: "nobody" });
    expect(pick.listed).toBe("all");
    expect(pick.total).toBe(LIST_ALL_PEOPLE_UP_TO - 1);
    expect(pick.people).toHaveLength(LIST_ALL_PEOPLE_UP_TO - 1);
    expect(pick.people[0]?.name).toBe("Staff 000");
    expect(pick.people.at(-1)?.name).toBe("Zoe Owner");
    expect(pick.people.some((p) => p.id === gone.id)).toBe(false);
    // A departed person the form holds (an expense's share) is offered, in name order.
    const kept = await peopleToPick(db, owner, { search: null, keep: [gone.id] });
    expect(kept.people[0]).toEqual({ id: gone.id, name: "Aaron Gone" });
  });

  it("in a larger practice offers only a page of those the search finds, and those the form holds", async () => {
    const { db } = testDb;
    await createPractice(db);
    const owner: Actor = { id: (await createUser(db, { role: "owner", name: "Owner", password: null })).id, role: "owner", scopeLocationId: null };
    const staff = await addStaff(db, 150, null);
    const needle = await createUser(db, { name: "Núria Quispe", email: "nq@pick.test", password: null });

    const none = await peopleToPick(db, owner, { search: null });
    expect(none).toMatchObject({ listed: "found", total: 152, found: 0, people: [] });

    const found = await peopleToPick(db, owner, { search: "QUISPE" });
    expect(found.people).toEqual([{ id: needle.id, name: "Núria Quispe" }]);
    expect(found.found).toBe(1);
    // Letters beyond A–Z, in any case.
    expect((await peopleToPick(db, owner, { search: "NÚRIA" })).people.map((p) => p.id)).toEqual([needle.id]);

    const many = await peopleToPick(db, owner, { search: "staff", keep: [staff[149] as number, needle.id] });
    expect(many.found).toBe(150);
    // A page of the found, by name, with the kept ones beside them.
    expect(many.people).toHaveLength(PEOPLE_PAGE_SIZE + 2);
    expect(many.people.map((p) => p.name)).toContain("Staff 149");
    expect(many.people.map((p) => p.name)).toContain("Núria Quispe");
  });

  it("never offers people outside a manager's location, even when the form names them", async () => {
    const { db } = testDb;
    await createPractice(db);
    const [maple, river] = [await createLocation(db, "Maple"), await createLocation(db, "River")];
    await addStaff(db, 120, maple, "Maple");
    const riverStaff = await addStaff(db, 3, river, "River");
    const manager: Actor = { id: (await createUser(db, { role: "manager", password: null })).id, role: "manager", scopeLocationId: river };
    const pick = await peopleToPick(db, manager, { search: "a", keep: [riverStaff[0] as number, 1, 2, 3] });
    expect(pick.listed).toBe("all");
    expect(pick.people.map((p) => p.name)).toEqual(["River 000", "River 001", "River 002"]);
  });

  it("counts in those who left but hold a share of the period's spend, when asked", async () => {
    const { db } = testDb;
    await createPractice(db);
    const owner: Actor = { id: (await createUser(db, { role: "owner", password: null })).id, role: "owner", scopeLocationId: null };
    await addStaff(db, 5, null);
    const gone = await createUser(db, { name: "Left At Christmas", status: "deactivated", password: null });
    const at = new Date().toISOString();
    const expense = await db
      .insertInto("expense")
      .values({ spent_on: "2026-12-20", category: "online-courses", vendor: "V", description: "D", amount_cents: 1000, created_by: owner.id, created_at: at, updated_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("expense_share").values({ expense_id: expense.id, user_id: gone.id, amount_cents: 1000 }).execute();
    const inYear = await peopleToPick(db, owner, { search: null, spendBetween: { from: "2026-01-01", to: "2026-12-31" } });
    expect(inYear.people.map((p) => p.name)).toContain("Left At Christmas");
    const nextYear = await peopleToPick(db, owner, { search: null, spendBetween: { from: "2027-01-01", to: "2027-12-31" } });
    expect(nextYear.people.map((p) => p.name)).not.toContain("Left At Christmas");
  });
});

describe("the finder's request", () => {
  it("is nothing without ?find", () => {
    expect(finderRequest(new URL("http://x/owner/spend?userId=4"))).toEqual({ search: null, values: null, keep: [] });
  });

  it("puts the form's fields back, the people ticked as one list, and keeps the people the form holds", () => {
    const url = new URL("http://x/owner/spend?vendor=Acme&people=3&people=7&share.9=12.50&share.11=&userId=5&intent=create&password=x&find=%20nad%20");
    expect(finderRequest(url)).toEqual({
      search: "nad",
      values: { vendor: "Acme", people: "3,7", "share.9": "12.50", "share.11": "", userId: "5" },
      keep: [3, 7, 9, 5],
    });
  });

  it("puts back outside learning's ticked attendees as one list", () => {
    expect(finderRequest(new URL("http://x/outside-learning?title=Phones&attendees=4&attendees=9&find=ana"))).toEqual({ search: "ana", values: { title: "Phones", attendees: "4,9" }, keep: [4, 9] });
  });

  it("ignores people fields that are not ids", () => {
    expect(finderRequest(new URL("http://x/?find=&people=abc&userId=-2&people=1e9&people=0&userId=%2012")).keep).toEqual([]);
  });
});
