import { beforeEach, describe, expect, it } from "vitest";
import type { Catalog } from "#app/models/catalog.server.ts";
import { learnerRecord, lessonProgress, lessonProgressFor, libraryWithProgress, streakDays } from "#app/models/progress.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createUser } from "#tests/support/factories.ts";

describe("streaks", () => {
  it("counts consecutive days ending today, or yesterday when nothing happened yet today", () => {
    expect(streakDays(["2026-03-01", "2026-03-02", "2026-03-03"], "2026-03-03")).toBe(3);
    expect(streakDays(["2026-03-01", "2026-03-02"], "2026-03-03")).toBe(2);
    expect(streakDays(["2026-03-01"], "2026-03-03")).toBe(0);
    expect(streakDays(["2026-02-28", "2026-03-01"], "2026-03-01")).toBe(2);
    expect(streakDays([], "2026-03-03")).toBe(0);
  });
});

describe("learner progress", () => {
  const testDb = setupTestDb();
  let catalog: Catalog;
  beforeEach(async () => {
    catalog = await createCatalog(testDb.db);
  });

  it("moves a lesson from not started to in progress to done, with module percent", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    let library = libraryWithProgress(catalog, await lessonProgress(testDb.db, user.id));
    expect(library[0]?.lessons.map((l) => l.status)).toEqual(["not-started", "not-started"]);
    await recordLessonTime(testDb.db, { userId: user.id, lessonSlug: lesson.slug, seconds: 120, now: new Date() });
    library = libraryWithProgress(catalog, await lessonProgress(testDb.db, user.id));
    expect(library[0]?.lessons[0]?.status).toBe("in-progress");
    await submitQuiz(testDb.db, {
      userId: user.id,
      lesson,
      answers: { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] },
      requestId: "r",
      now: new Date(),
    });
    library = libraryWithProgress(catalog, await lessonProgress(testDb.db, user.id));
    expect(library[0]).toMatchObject({ done: 1, total: 2, percent: 50 });
  });

  it("sums minutes, caps a single report at 30 minutes, and counts the streak in the practice's time zone", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    await recordLessonTime(testDb.db, { userId: user.id, lessonSlug: lesson.slug, seconds: 300, now: new Date() });
    await recordLessonTime(testDb.db, { userId: user.id, lessonSlug: lesson.slug, seconds: 99_999, now: new Date() });
    // 23:30 in Chicago on March 1 is already March 2 in UTC.
    for (const [i, at] of ["2026-03-02T05:30:00Z", "2026-03-02T15:00:00Z"].entries()) {
      await submitQuiz(testDb.db, { userId: user.id, lesson, answers: {}, requestId: `r${i}`, now: new Date(at) });
    }
    const record = await learnerRecord(testDb.db, user.id, catalog, "America/Chicago", new Date("2026-03-02T16:00:00Z"));
    expect(record.minutes).toBe(35);
    expect(record.attempts).toBe(2);
    expect(record.streak).toBe(2);
    expect(record.lessonsDone).toBe(0);
  });

  it("gives the lesson page the same progress for one lesson as the library-wide view", async () => {
    const user = await createUser(testDb.db);
    const other = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    const right = { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] };
    const same = async () =>
      expect(await lessonProgressFor(testDb.db, user.id, lesson.slug)).toEqual(
        (await lessonProgress(testDb.db, user.id)).get(lesson.slug),
      );
    await same();
    expect(await lessonProgressFor(testDb.db, user.id, lesson.slug)).toBeUndefined();
    // Someone else's work is not this learner's.
    await submitQuiz(testDb.db, { userId: other.id, lesson, answers: right, requestId: "o", now: new Date() });
    await same();
    await recordLessonTime(testDb.db, { userId: user.id, lessonSlug: lesson.slug, seconds: 60, now: new Date() });
    await same();
    await submitQuiz(testDb.db, { userId: user.id, lesson, answers: {}, requestId: "r1", now: new Date("2026-03-01T10:00:00Z") });
    await same();
    expect(await lessonProgressFor(testDb.db, user.id, lesson.slug)).toEqual({
      status: "in-progress",
      attempts: 1,
      bestScore: 0,
      completedAt: null,
    });
    await submitQuiz(testDb.db, { userId: user.id, lesson, answers: right, requestId: "r2", now: new Date("2026-03-02T10:00:00Z") });
    await submitQuiz(testDb.db, { userId: user.id, lesson, answers: right, requestId: "r3", now: new Date("2026-03-03T10:00:00Z") });
    await same();
    expect(await lessonProgressFor(testDb.db, user.id, lesson.slug)).toEqual({
      status: "done",
      attempts: 3,
      bestScore: 100,
      completedAt: "2026-03-02T10:00:00.000Z",
    });
  });
});
