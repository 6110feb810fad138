import { beforeEach, describe, expect, it } from "vitest";
import { getLearningSettings, monthProgress, setMonthlyGoal, setRankings } from "#app/models/team-goal.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const NOW = new Date("2026-03-20T15:00:00Z");
const testDb = setupTestDb();
let owner: Actor;
let manager: Actor;

beforeEach(async () => {
  await createPractice(testDb.db, { timeZone: TZ });
  await createCatalog(testDb.db);
  owner = { id: (await createUser(testDb.db, { role: "owner", name: "Owner" })).id, role: "owner", scopeLocationId: null };
  manager = { id: (await createUser(testDb.db, { role: "manager", name: "Manager" })).id, role: "manager", scopeLocationId: null };
});

const complete = (userId: number, lessonSlug: string, at: string) =>
  testDb.db.insertInto("completion").values({ user_id: userId, lesson_slug: lessonSlug, completed_at: at, attempt_id: null, content_hash: "h" }).execute();

describe("the team goal and rankings", () => {
  it("start with no goal and rankings off", async () => {
    expect(await getLearningSettings(testDb.db)).toEqual({ monthlyLessonGoal: null, rankingsEnabled: false });
  });

  it("let the owner or a whole-practice manager set the goal, audited; rankings are the owner's", async () => {
    await setMonthlyGoal(testDb.db, manager, 40, NOW);
    await setMonthlyGoal(testDb.db, manager, 40, NOW); // no change, no event
    await setMonthlyGoal(testDb.db, owner, null, NOW);
    await expect(setRankings(testDb.db, manager, true, NOW)).rejects.toMatchObject({ status: 403 });
    await setRankings(testDb.db, owner, true, NOW);
    expect(await getLearningSettings(testDb.db)).toEqual({ monthlyLessonGoal: null, rankingsEnabled: true });
    const maple = await createLocation(testDb.db, "Maple");
    const scoped = { ...manager, scopeLocationId: maple };
    await expect(setMonthlyGoal(testDb.db, scoped, 10, NOW)).rejects.toMatchObject({ status: 403 });
    await expect(setMonthlyGoal(testDb.db, owner, 0, NOW)).rejects.toMatchObject({ status: 400 });
    await expect(setMonthlyGoal(testDb.db, owner, 10_001, NOW)).rejects.toMatchObject({ status: 400 });
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "details"]).orderBy("id").execute();
    expect(audit).toEqual([
      { action: "team_goal.set", details: JSON.stringify({ from: null, to: 40 }) },
      { action: "team_goal.set", details: JSON.stringify({ from: 40, to: null }) },
      { action: "rankings.on", details: "{}" },
    ]);
  });

  it("count each person's lessons once per practice month, and rank only when rankings are on", async () => {
    const ana = (await createUser(testDb.db, { name: "Ana" })).id;
    const ben = (await createUser(testDb.db, { name: "Ben" })).id;
    const cy = (await createUser(testDb.db, { name: "Cy", status: "deactivated" })).id;
    await complete(ana, "greeting-basics", "2026-03-02T15:00:00Z");
    await complete(ana, "greeting-basics", "2026-03-09T15:00:00Z"); // the same lesson again
    await complete(ana, "reading-only", "2026-03-10T15:00:00Z");
    await complete(ben, "greeting-basics", "2026-03-01T05:00:00Z"); // 1 March in UTC, still 28 February in Chicago
    await complete(ben, "reading-only", "2026-04-01T04:00:00Z"); // 31 March in Chicago
    await complete(cy, "reading-only", "2026-03-03T15:00:00Z");
    await setMonthlyGoal(testDb.db, owner, 40, NOW);
    const off = await monthProgress(testDb.db, ana, { now: NOW, timeZone: TZ });
    expect(off).toEqual({ month: "2026-03", goal: 40, lessons: 4, mine: 2, daysLeft: 12, ranking: null });
    await setRankings(testDb.db, owner, true, NOW);
    const on = await monthProgress(testDb.db, ben, { now: NOW, timeZone: TZ });
    expect(on.mine).toBe(1);
    expect(on.ranking).toEqual([
      { name: "Ana", lessons: 2 },
      { name: "Ben", lessons: 1 },
    ]);
  });
});
