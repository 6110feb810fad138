// Lists of people a page at a time, the name search, and exports written as they are read: the
// rules by hand, then a practice of 10,000 people built in a second with batched inserts.
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { createAssignment, cancelAssignment } from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import { csvStreamResponse, toCsv } from "#app/models/csv.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { progressCsvRows, progressPage, standings } from "#app/models/team-progress.server.ts";
import { peoplePage } from "#app/models/team.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import { STATE_LABELS } from "#app/rules/item-states.ts";
import { MAX_SEARCH_LENGTH, PEOPLE_PAGE_SIZE, pageHref, pageWindow, requestedPage, searchText } from "#app/rules/paging.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const right = { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] };
const HEADER = ["Person", "Job title", "Location", "Module or lesson", "State", "Percent complete", "Due", "Completed"];

describe("pages and the name search, by hand", () => {
  it("reads ?page=N as a whole page number, anything else as page 1, and a huge one as past the end", () => {
    expect(requestedPage("3")).toBe(3);
    expect(requestedPage(" 2 ")).toBe(2);
    expect(requestedPage("007")).toBe(7);
    for (const bad of [null, undefined, "", "0", "-4", "2.5", "abc", "1e3", "0x10", "１２"]) expect(requestedPage(bad), String(bad)).toBe(1);
    expect(requestedPage("999999999999")).toBe(1_000_000);
    expect(requestedPage("9".repeat(40))).toBe(1_000_000);
    expect(pageWindow(10_000, requestedPage("9".repeat(40))).page).toBe(200);
  });

  it("cuts 50 people a page, and a page past the end is the last page", () => {
    expect(PEOPLE_PAGE_SIZE).toBe(50);
    expect(pageWindow(10_000, 2)).toEqual({ page: 2, pageCount: 200, total: 10_000, offset: 50, limit: 50 });
    expect(pageWindow(101, 3)).toEqual({ page: 3, pageCount: 3, total: 101, offset: 100, limit: 50 });
    expect(pageWindow(101, 99).page).toBe(3);
    expect(pageWindow(100, 3).page).toBe(2);
    // Nobody: one empty page.
    expect(pageWindow(0, 5)).toEqual({ page: 1, pageCount: 1, total: 0, offset: 0, limit: 50 });
  });

  it("keeps a search as typed, minus control characters and extra spaces, cut to its length", () => {
    expect(searchText("  Maria   Lopez ")).toBe("Maria Lopez");
    expect(searchText("a\u0000b\tc\nd")).toBe("a b c d");
    expect(searchText("   ")).toBeNull();
    expect(searchText(null)).toBeNull();
    expect(searchText("x".repeat(500))).toHaveLength(MAX_SEARCH_LENGTH);
  });

  it("writes page links that keep the other parameters and leave out empty ones", () => {
    expect(pageHref("/manage/progress", { q: "ana", state: null, sort: "name", page: 7 }, 2)).toBe("/manage/progress?q=ana&sort=name&page=2");
    expect(pageHref("/manage/team", { q: null }, 1)).toBe("/manage/team");
    expect(pageHref("/owner/reports", { fy: 2026 }, 3, "#employee-heading")).toBe("/owner/reports?fy=2026&page=3#employee-heading");
    expect(pageHref("/manage/team", { q: "a&b=c" }, 2)).toBe("/manage/team?q=a%26b%3Dc&page=2");
  });
});

describe("a small practice", () => {
  const testDb = setupTestDb();
  let catalog: Catalog;
  let owner: Actor;
  const start = new Date("2026-03-02T15:00:00Z");
  const later = { now: new Date("2026-03-12T15:00:00Z"), timeZone: TZ };

  beforeEach(async () => {
    catalog = await createCatalog(testDb.db);
    await createPractice(testDb.db, { timeZone: TZ });
    owner = { id: (await createUser(testDb.db, { role: "owner", name: "Owner" })).id, role: "owner", scopeLocationId: null };
  });

  const assignEveryone = () =>
    createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, { catalog, now: start, timeZone: TZ });

  it("finds people by any part of their name or email, whatever the case, with % and _ taken literally", async () => {
    for (const [name, email] of [["Ana Íñiguez", "ana@x.test"], ["Ben Ortiz", "ben.o@x.test"], ["Cy 100%", "cy_1@x.test"], ["Dee", "dee@x.test"]]) {
      await createUser(testDb.db, { name, email });
    }
    await assignEveryone();
    const names = async (q: string) => (await progressPage(testDb.db, owner, catalog, { q, sort: "name" }, 1, later)).rows.map((r) => r.person.name);
    expect(await names("ORTIZ")).toEqual(["Ben Ortiz"]);
    expect(await names("ben.o@")).toEqual(["Ben Ortiz"]);
    expect(await names("ÍÑIG")).toEqual(["Ana Íñiguez"]);
    expect(await names("íñ")).toEqual(["Ana Íñiguez"]);
    expect(await names("100%")).toEqual(["Cy 100%"]);
    expect(await names("%")).toEqual(["Cy 100%"]);
    expect(await names("_1")).toEqual(["Cy 100%"]);
    expect(await names("a_")).toEqual([]);
    const nobody = await progressPage(testDb.db, owner, catalog, { q: "zzz" }, 4, later);
    expect(nobody.rows).toEqual([]);
    expect(nobody.window).toMatchObject({ page: 1, pageCount: 1, total: 0 });
    expect(nobody.columns.map((c) => c.key)).toEqual(["module:basics"]);
    // The team page finds the same way, deactivated people included.
    const team = await peoplePage(testDb.db, owner, { search: "ortiz", page: 1 });
    expect(team.people.map((p) => p.name)).toEqual(["Ben Ortiz"]);
  });

  it("follows each write to the person it touched, and a cancelled assignment to everyone it reached", async () => {
    const ana = await createUser(testDb.db, { name: "Ana" });
    const ben = await createUser(testDb.db, { name: "Ben" });
    const cy = await createUser(testDb.db, { name: "Cy" });
    const assignmentId = await assignEveryone();
    const order = async () => (await progressPage(testDb.db, owner, catalog, {}, 1, later)).rows.map((r) => [r.person.name, r.cells["module:basics"]?.state, r.behind]);
    // All three overdue with nothing done: by name.
    expect(await order()).toEqual([
      ["Ana", "overdue", 3],
      ["Ben", "overdue", 3],
      ["Cy", "overdue", 3],
    ]);
    // Cy passes the quiz (half the module): she moves to the end; Ana opens a lesson.
    await submitQuiz(testDb.db, { userId: cy.id, lesson: catalog.lesson("greeting-basics")!, answers: right, requestId: "c", now: new Date("2026-03-03T15:00:00Z") });
    expect(await order()).toEqual([
      ["Ana", "overdue", 3],
      ["Ben", "overdue", 3],
      ["Cy", "overdue", 2.5],
    ]);
    // Twice: the second heartbeat updates the visit (an upsert) and is followed as well.
    await recordLessonTime(testDb.db, { userId: ana.id, lessonSlug: "reading-only", seconds: 30, now: new Date("2026-03-04T15:00:00Z") });
    await recordLessonTime(testDb.db, { userId: ana.id, lessonSlug: "reading-only", seconds: 30, now: new Date("2026-03-04T15:01:00Z") });
    await testDb.db.insertInto("completion").values({ user_id: ben.id, lesson_slug: "reading-only", completed_at: "2026-03-04T15:00:00Z", attempt_id: null, content_hash: "x" }).execute();
    await testDb.db.insertInto("completion").values({ user_id: ben.id, lesson_slug: "greeting-basics", completed_at: "2026-03-05T15:00:00Z", attempt_id: null, content_hash: "x" }).execute();
    expect(await order()).toEqual([
      ["Ana", "overdue", 3],
      ["Cy", "overdue", 2.5],
      ["Ben", "done", 0],
    ]);
    const doneOnly = await progressPage(testDb.db, owner, catalog, { state: "done" }, 1, later);
    expect(doneOnly.rows.map((r) => r.person.name)).toEqual(["Ben"]);
    // Kept between pages: nothing written, the same standings object.
    expect(await standings(testDb.db, catalog, later)).toBe(await standings(testDb.db, catalog, later));
    // The assignment is cancelled: nobody is in the matrix any more.
    await cancelAssignment(testDb.db, owner, assignmentId, later.now);
    const none = await progressPage(testDb.db, owner, catalog, {}, 1, later);
    expect([none.columns, none.rows]).toEqual([[], []]);
    expect((await standings(testDb.db, catalog, later)).size).toBe(0);
  });

  it("moves states on with the day, with nothing written, and back when the clock goes back", async () => {
    await createUser(testDb.db, { name: "Ana" });
    await assignEveryone(); // due 2026-03-09
    const state = async (now: string) => (await progressPage(testDb.db, owner, catalog, {}, 1, { now: new Date(now), timeZone: TZ })).rows[0]?.cells["module:basics"]?.state;
    expect(await state("2026-03-09T15:00:00Z")).toBe("not-started");
    expect(await state("2026-03-10T15:00:00Z")).toBe("overdue");
    expect(await state("2026-03-08T15:00:00Z")).toBe("not-started");
    expect(await state("2026-04-10T15:00:00Z")).toBe("overdue");
  });

  it("streams the export with the same bytes as the whole file made at once", async () => {
    const maple = await createLocation(testDb.db, "Maple");
    const people = [];
    for (const name of ["Zoe, \"Z\"", "=HYPERLINK(\"x\")", "Ana", "Ben\nBrown"]) people.push(await createUser(testDb.db, { name }));
    await placeUser(testDb.db, people[0]!.id, { locationId: maple, jobTitle: "-Scheduler" });
    await assignEveryone();
    await submitQuiz(testDb.db, { userId: people[2]!.id, lesson: catalog.lesson("greeting-basics")!, answers: right, requestId: "a", now: new Date("2026-03-03T15:00:00Z") });
    const page = await progressPage(testDb.db, owner, catalog, {}, 1, later);
    const before = `\uFEFF${toCsv(
      HEADER,
      page.rows.flatMap((r) =>
        page.columns.flatMap((c) => {
          const cell = r.cells[c.key];
          return cell ? [[r.person.name, r.person.jobTitle, r.person.locationName, c.title, STATE_LABELS[cell.state], cell.percent, cell.dueOn, cell.completedOn]] : [];
        }),
      ),
    )}`;
    const response = await csvStreamResponse("deskcoach-progress.csv", HEADER, progressCsvRows(testDb.db, owner, catalog, {}, later));
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="deskcoach-progress.csv"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes).equals(Buffer.from(before, "utf8"))).toBe(true);
    expect(before).toContain("'=HYPERLINK");
    expect(before).toContain("'-Scheduler");
  });

  it("pulls an export's rows only as the file is read", async () => {
    const pulled: number[] = [];
    async function* rows() {
      for (let batch = 0; batch < 5; batch++) {
        pulled.push(batch);
        yield [[`row ${batch}`, batch]];
      }
    }
    const response = await csvStreamResponse("x.csv", ["Name", "N"], rows());
    expect(pulled).toEqual([0]);
    const reader = response.body!.getReader();
    const first = new TextDecoder("utf-8", { ignoreBOM: true }).decode((await reader.read()).value);
    expect(first).toBe("\uFEFFName,N\r\nrow 0,0\r\n");
    expect(pulled.length).toBeLessThanOrEqual(2);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("row 1,1\r\nrow 2,2\r\nrow 3,3\r\nrow 4,4\r\n");
    expect(pulled).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("a practice of 10,000 people", () => {
  const testDb = setupTestDb();
  const PEOPLE = 10_000;

  it("shows 50 a page, finds one person among them, and exports every row", async () => {
    const catalog = await createCatalog(testDb.db);
    await createPractice(testDb.db, { timeZone: TZ });
    const maple = await createLocation(testDb.db, "Maple");
    const river = await createLocation(testDb.db, "River");
    const owner: Actor = { id: (await createUser(testDb.db, { role: "owner", name: "Owner" })).id, role: "owner", scopeLocationId: null };
    // Batched inserts: one transaction, a thousand rows a statement.
    await testDb.db.transaction().execute(async (trx) => {
      for (let start = 0; start < PEOPLE; start += 1000) {
        const people = Array.from({ length: Math.min(1000, PEOPLE - start) }, (_, k) => {
          const i = start + k;
          const name = i === 4321 ? "Nadia Quispe-Whitfield" : `Person ${String(i).padStart(5, "0")}`;
          return {
            email: `p${i}@x.test`,
            name,
            role: "staff" as const,
            job_title: i % 3 === 0 ? "Scheduler" : "Receptionist",
            location_id: i % 2 === 0 ? maple : river,
            status: "active" as const,
            created_at: "2026-01-01T00:00:00.000Z",
          };
        });
        await trx.insertInto("user").values(people).execute();
      }
    });
    await createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, { catalog, now: new Date("2026-03-02T15:00:00Z"), timeZone: TZ });
    // After the assignment, which reaches managers too.
    const scoped: Actor = { id: (await createUser(testDb.db, { role: "manager", name: "Scoped" })).id, role: "manager", scopeLocationId: river };
    await sql`insert into completion (user_id, lesson_slug, completed_at, attempt_id, content_hash)
      select id, 'reading-only', '2026-03-03T15:00:00Z', null, 'x' from ${sql.table("user")} where role = 'staff' and id % 4 = 0`.execute(testDb.db);
    const later = { now: new Date("2026-03-12T15:00:00Z"), timeZone: TZ };

    const first = await progressPage(testDb.db, owner, catalog, {}, 1, later);
    expect(first.rows).toHaveLength(50);
    expect(first.window).toMatchObject({ page: 1, pageCount: 200, total: PEOPLE });
    // Furthest behind first: those with nothing done (3 points) before those half done.
    expect(first.rows.every((r) => r.behind === 3)).toBe(true);
    const last = await progressPage(testDb.db, owner, catalog, {}, 9_999, later);
    expect(last.window.page).toBe(200);
    expect(last.rows).toHaveLength(50);
    expect(last.rows.every((r) => r.behind === 2.5)).toBe(true);

    const byName = await progressPage(testDb.db, owner, catalog, { sort: "name" }, 3, later);
    expect(byName.rows.map((r) => r.person.name).slice(0, 2)).toEqual(["Person 00099", "Person 00100"]);
    const found = await progressPage(testDb.db, owner, catalog, { q: "quispe-WHIT" }, 1, later);
    expect(found.rows.map((r) => r.person.name)).toEqual(["Nadia Quispe-Whitfield"]);
    expect(found.window.total).toBe(1);
    const riverOnly = await progressPage(testDb.db, scoped, catalog, { jobTitle: "Scheduler", state: "in-progress" }, 1, later);
    expect(riverOnly.rows).toEqual([]);
    const riverOverdue = await progressPage(testDb.db, scoped, catalog, { jobTitle: "Scheduler", state: "overdue" }, 1, later);
    expect(riverOverdue.window.total).toBe(Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 === 0).length);

    // After a write, only the person it touched is worked out again: everyone else keeps the very
    // standing they had (what this costs is measured by the bench's growth table, not here).
    const person = first.rows[0]!.person;
    const before = new Map(await standings(testDb.db, catalog, later));
    await testDb.db.insertInto("completion").values({ user_id: person.id, lesson_slug: "reading-only", completed_at: "2026-03-11T15:00:00Z", attempt_id: null, content_hash: "x" }).execute();
    const again = await progressPage(testDb.db, owner, catalog, {}, 1, later);
    expect(again.rows.map((r) => r.person.id)).not.toContain(person.id);
    const after = await standings(testDb.db, catalog, later);
    const redone = [...after].filter(([id, standing]) => before.get(id) !== standing).map(([id]) => id);
    expect(redone).toEqual([person.id]);

    const response = await csvStreamResponse("deskcoach-progress.csv", HEADER, progressCsvRows(testDb.db, owner, catalog, {}, later));
    const reader = response.body!.getReader();
    let chunks = 0;
    let text = "";
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      chunks++;
      text += decoder.decode(r.value, { stream: true });
    }
    const lines = text.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(PEOPLE + 2);
    expect(lines[0]).toBe(`\uFEFF${HEADER.join(",")}`);
    expect(chunks).toBeGreaterThanOrEqual(PEOPLE / 500);
  }, 60_000);
});
