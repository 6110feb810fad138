// Several app processes on one PostgreSQL database: what one writes, the next request through
// another sees, however much the other has kept in memory; what must happen once (a quiz
// submission, an import, the sign-in limit) happens once whichever process is asked. Two
// connections of one test stand for two processes. SQLite is one process per database by design (its change log and write counter
// are its one connection's), so this runs on PostgreSQL only (DESKCOACH_TEST_DB=postgres).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAssignment } from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import { completionReport } from "#app/models/reports.server.ts";
import { saveFeedback } from "#app/models/feedback.server.ts";
import { guardSignIn, MAX_FAILURES } from "#app/models/login-throttle.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { createSessions, type Actor } from "#app/models/sessions.server.ts";
import { progressPage } from "#app/models/team-progress.server.ts";
import { peoplePage } from "#app/models/team.server.ts";
import type { Connection } from "#db/connection.ts";
import { setupTestDb, testDialect } from "#tests/support/db.ts";
import { createCatalog, createPractice, createUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const title =
  testDialect === "postgres" ? "two app processes on one database" : "two app processes on one database (skipped: PostgreSQL only; DESKCOACH_TEST_DB=postgres)";

describe.skipIf(testDialect !== "postgres")(title, () => {
  const testDb = setupTestDb();
  let other: Connection;
  let catalog: Catalog;
  let owner: Actor;
  const later = { now: new Date("2026-03-12T15:00:00Z"), timeZone: TZ };

  beforeEach(async () => {
    catalog = await createCatalog(testDb.db);
    await createPractice(testDb.db, { timeZone: TZ });
    owner = { id: (await createUser(testDb.db, { role: "owner", name: "Owner" })).id, role: "owner", scopeLocationId: null };
    other = testDb.openAnother();
  });

  afterEach(async () => {
    await other.close();
  });

  it("shows in one process's matrix, team and reports a write made through the other", async () => {
    const ana = await createUser(testDb.db, { name: "Ana" });
    await createUser(testDb.db, { name: "Ben" });
    await createAssignment(testDb.db, owner, { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 7 }, recurMonths: null }, { catalog, now: new Date("2026-03-02T15:00:00Z"), timeZone: TZ });
    const matrix = async () => (await progressPage(testDb.db, owner, catalog, { sort: "name" }, 1, later)).rows.map((r) => [r.person.name, r.behind]);
    const period = { start: "2026-03-01", end: "2026-03-31" };
    // Worked out and kept by the first process.
    expect(await matrix()).toEqual([
      ["Ana", 3],
      ["Ben", 3],
    ]);
    const before = await completionReport(testDb.db, owner, catalog, period, later);
    const team = async () => (await peoplePage(testDb.db, owner, { search: null, page: 1 })).people.map((p) => p.name);
    expect(await team()).toEqual(["Ana", "Ben", "Owner"]);

    // The second process records Ana's passed quiz and adds a person (with nothing assigned).
    const right = { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] };
    await submitQuiz(other.db, { userId: ana.id, lesson: catalog.lesson("greeting-basics")!, answers: right, requestId: "r1", now: new Date("2026-03-03T15:00:00Z") });
    await createUser(other.db, { name: "Cy" });

    // The first process's next request sees both.
    expect(await matrix()).toEqual([
      ["Ana", 2.5],
      ["Ben", 3],
    ]);
    expect(await team()).toEqual(["Ana", "Ben", "Cy", "Owner"]);
    const after = await completionReport(testDb.db, owner, catalog, period, later);
    expect(after.total.completions).toBe(before.total.completions + 1);
  });

  it("records a quiz submission sent through both processes at once once", async () => {
    const ana = await createUser(testDb.db, { name: "Ana" });
    const lesson = catalog.lesson("greeting-basics")!;
    const submit = (connection: Connection) =>
      submitQuiz(connection.db, { userId: ana.id, lesson, answers: { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] }, requestId: "same", now: later.now });
    const results = await Promise.all([submit(testDb.connection), submit(other), submit(testDb.connection), submit(other)]);
    expect(new Set(results.map((r) => r.attemptId)).size).toBe(1);
    const attempts = await testDb.db.selectFrom("quiz_attempt").select("id").where("user_id", "=", ana.id).execute();
    expect(attempts).toHaveLength(1);
  });

  it("lets no more than the limit of sign-in attempts through when they arrive side by side at both processes", async () => {
    let calls = 0;
    const wrong = async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
      return null;
    };
    const attempt = { email: "x@example.com", address: "10.0.0.7", deviceTokens: [], now: later.now };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => guardSignIn((i % 2 ? other : testDb.connection).db, attempt, wrong)));
    expect(calls).toBe(MAX_FAILURES);
    expect(results.filter((r) => r.outcome === "locked")).toHaveLength(30 - MAX_FAILURES);
  });

  it("stores a feedback import sent again through the other process once", async () => {
    const manager: Actor = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: null };
    const items = [1, 2, 3].map((n) => ({ receivedOn: "2026-03-0" + n, source: "survey", rating: n, comment: `Waited ${n} minutes`, redactions: {}, locationId: null }));
    const save = (connection: Connection) => saveFeedback(connection.db, manager, items, { now: later.now, requestId: "import-1", via: "csv" });
    const results = await Promise.all([save(testDb.connection), save(other)]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    const stored = await testDb.db.selectFrom("feedback_item").select("id").execute();
    expect(stored).toHaveLength(3);
  });

  it("keeps a person signed in whichever process answers, and signed out everywhere after signing out through one", async () => {
    const ana = await createUser(testDb.db, { name: "Ana" });
    const options = { idleMinutes: 15, maxHours: 12 };
    const here = createSessions(testDb.db, options);
    const there = createSessions(other.db, options);
    const token = await here.create(ana.id);
    expect((await there.validate(token))?.id).toBe(ana.id);
    await there.invalidate(token);
    expect(await here.validate(token)).toBeNull();
  });
});
