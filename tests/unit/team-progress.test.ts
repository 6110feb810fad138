import { beforeEach, describe, expect, it } from "vitest";
import { createAssignment } from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { assignedItems, mostMissedQuestions, progressPage, standings } from "#app/models/team-progress.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser, placeUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const right = { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] };
const testDb = setupTestDb();
let catalog: Catalog;

beforeEach(async () => {
  catalog = await createCatalog(testDb.db);
  await createPractice(testDb.db, { timeZone: TZ });
});

describe("the progress matrix", () => {
  it("shows each person's state per assigned module, furthest behind first, within scope and filters", async () => {
    const maple = await createLocation(testDb.db, "Maple");
    const river = await createLocation(testDb.db, "River");
    const owner: Actor = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
    const ana = await createUser(testDb.db, { name: "Ana" });
    const ben = await createUser(testDb.db, { name: "Ben" });
    const cy = await createUser(testDb.db, { name: "Cy" });
    await placeUser(testDb.db, ana.id, { locationId: maple, jobTitle: "Receptionist" });
    await placeUser(testDb.db, ben.id, { locationId: maple, jobTitle: "Scheduler" });
    await placeUser(testDb.db, cy.id, { locationId: river, jobTitle: "Receptionist" });
    const start = new Date("2026-03-02T15:00:00Z");
    await createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, { catalog, now: start, timeZone: TZ });
    // Ana finishes the quiz lesson (half the module); Ben does nothing; Cy does both lessons.
    const lesson = catalog.lesson("greeting-basics")!;
    await submitQuiz(testDb.db, { userId: ana.id, lesson, answers: right, requestId: "a", now: new Date("2026-03-03T15:00:00Z") });
    await submitQuiz(testDb.db, { userId: cy.id, lesson, answers: right, requestId: "c", now: new Date("2026-03-03T15:00:00Z") });
    await testDb.db.insertInto("completion").values({ user_id: cy.id, lesson_slug: "reading-only", completed_at: "2026-03-04T15:00:00Z", attempt_id: null, content_hash: "x" }).execute();

    const late = { now: new Date("2026-03-12T15:00:00Z"), timeZone: TZ };
    const matrix = await progressPage(testDb.db, owner, catalog, {}, 1, late);
    expect(matrix.columns.map((c) => c.key)).toEqual(["module:basics"]);
    expect(matrix.rows.map((r) => [r.person.name, r.cells["module:basics"]?.state, r.cells["module:basics"]?.percent])).toEqual([
      ["Ben", "overdue", 0],
      ["Ana", "overdue", 50],
      ["Cy", "done", 100],
    ]);
    const scoped: Actor = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: maple };
    const mapleOnly = await progressPage(testDb.db, scoped, catalog, {}, 1, late);
    expect(mapleOnly.rows.map((r) => r.person.name)).toEqual(["Ben", "Ana"]);
    const receptionists = await progressPage(testDb.db, owner, catalog, { jobTitle: "Receptionist", sort: "name" }, 1, late);
    expect(receptionists.rows.map((r) => r.person.name)).toEqual(["Ana", "Cy"]);
    const done = await progressPage(testDb.db, owner, catalog, { state: "done" }, 1, late);
    expect(done.rows.map((r) => r.person.name)).toEqual(["Cy"]);

    const anaItems = await assignedItems(testDb.db, ana.id, catalog, late);
    expect(anaItems).toEqual([expect.objectContaining({ title: "Basics", state: "overdue", nextLessonSlug: "reading-only", done: 1, total: 2 })]);
  });

  it("tells an item in progress from one not started by what the person opened or tried, until it is overdue", async () => {
    const owner: Actor = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
    const dee = await createUser(testDb.db, { name: "Dee" });
    const eve = await createUser(testDb.db, { name: "Eve" });
    const fay = await createUser(testDb.db, { name: "Fay" });
    const start = new Date("2026-03-02T15:00:00Z");
    await createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, { catalog, now: start, timeZone: TZ });
    // Dee does nothing; Eve opens the reading; Fay only tries the quiz, and misses.
    await recordLessonTime(testDb.db, { userId: eve.id, lessonSlug: "reading-only", seconds: 60, now: new Date("2026-03-03T15:00:00Z") });
    const wrong = { "greet-first": ["b"], "greet-words": ["a"], "greet-hold": ["b"] };
    await submitQuiz(testDb.db, { userId: fay.id, lesson: catalog.lesson("greeting-basics")!, answers: wrong, requestId: "f", now: new Date("2026-03-03T16:00:00Z") });

    const stateOf = async (now: string) => {
      const rows = (await progressPage(testDb.db, owner, catalog, { sort: "name" }, 1, { now: new Date(now), timeZone: TZ })).rows;
      return rows.map((r) => [r.person.name, r.cells["module:basics"]?.state]);
    };
    expect(await stateOf("2026-03-04T15:00:00Z")).toEqual([
      ["Dee", "not-started"],
      ["Eve", "in-progress"],
      ["Fay", "in-progress"],
    ]);
    expect((await assignedItems(testDb.db, eve.id, catalog, { now: new Date("2026-03-04T15:00:00Z"), timeZone: TZ }))[0]?.state).toBe("in-progress");
    expect((await assignedItems(testDb.db, dee.id, catalog, { now: new Date("2026-03-04T15:00:00Z"), timeZone: TZ }))[0]?.state).toBe("not-started");
    // Dee opens it later: only she is worked out again, and she is in progress.
    await recordLessonTime(testDb.db, { userId: dee.id, lessonSlug: "greeting-basics", seconds: 30, now: new Date("2026-03-05T15:00:00Z") });
    expect((await stateOf("2026-03-05T16:00:00Z"))[0]).toEqual(["Dee", "in-progress"]);
    // Past the due date, opening it does not matter.
    expect(await stateOf("2026-03-12T15:00:00Z")).toEqual([
      ["Dee", "overdue"],
      ["Eve", "overdue"],
      ["Fay", "overdue"],
    ]);
    expect((await standings(testDb.db, catalog, { now: new Date("2026-03-12T15:00:00Z"), timeZone: TZ })).size).toBe(3);
  });

  it("lists the questions a person misses most", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    const wrongOnce = { ...right, "greet-words": ["a"] };
    const wrongTwice = { ...right, "greet-words": ["c"], "greet-hold": ["b"] };
    for (const [i, answers] of [wrongOnce, wrongTwice, right].entries()) {
      await submitQuiz(testDb.db, { userId: user.id, lesson, answers, requestId: `r${i}`, now: new Date() });
    }
    const missed = await mostMissedQuestions(testDb.db, user.id, catalog);
    expect(missed.map((m) => [m.questionId, m.missed, m.answered])).toEqual([
      ["greet-words", 2, 3],
      ["greet-hold", 1, 3],
    ]);
  });
});
