import { beforeEach, describe, expect, it } from "vitest";
import { buildCatalog, syncCatalog, type Catalog } from "#app/models/catalog.server.ts";
import { lessonProgress } from "#app/models/progress.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createUser } from "#tests/support/factories.ts";

// A rewritten lesson or quiz gets a new content hash. What people earned on the old version stays
// theirs, recorded with the version it was earned on.
describe("a lesson that changes after people completed it", () => {
  const connection = setupTestDb();
  let catalog: Catalog;
  beforeEach(async () => {
    catalog = await createCatalog(connection.db);
  });

  it("keeps earlier completions, with the version they were earned on", async () => {
    const user = await createUser(connection.db);
    const v1 = catalog.lesson("greeting-basics")!;
    const allRight = Object.fromEntries(v1.quiz!.questions.map((q) => [q.id, q.choices.filter((c) => c.correct).map((c) => c.id)]));
    await submitQuiz(connection.db, { userId: user.id, lesson: v1, answers: allRight, requestId: crypto.randomUUID(), now: new Date("2026-03-02T15:00:00Z") });

    // The quiz is rewritten: new questions, so a new hash.
    const rewritten = { ...v1.quiz!, questions: v1.quiz!.questions.map((q) => ({ ...q, id: `${q.id}-v2` })) };
    const v2catalog = buildCatalog(
      {
        skills: catalog.skills,
        modules: catalog.modules.map((m) => ({
          ...m,
          lessons: m.lessons.map((l) => ({
            ...l,
            ...(l.slug === v1.slug ? { quiz: rewritten, contentHash: "hash-greeting-basics-v2" } : {}),
            source: "",
            words: 700,
            estimatedMinutes: 5,
            readingGrade: 6,
            file: "",
            quizFile: null,
          })),
        })),
      },
      () => "<p>Lesson</p>",
    );
    await syncCatalog(connection.db, v2catalog);

    const progress = await lessonProgress(connection.db, user.id);
    expect(progress.get("greeting-basics")).toMatchObject({ status: "done", completedAt: "2026-03-02T15:00:00.000Z" });
    const completions = await connection.db.selectFrom("completion").select(["lesson_slug", "content_hash"]).execute();
    expect(completions).toEqual([{ lesson_slug: "greeting-basics", content_hash: "hash-greeting-basics" }]);
    const attempts = await connection.db.selectFrom("quiz_attempt").select(["content_hash", "passed"]).execute();
    expect(attempts).toEqual([{ content_hash: "hash-greeting-basics", passed: 1 }]);
    expect(await connection.db.selectFrom("lesson").select(["slug", "content_hash"]).where("slug", "=", "greeting-basics").executeTakeFirst()).toEqual({
      slug: "greeting-basics",
      content_hash: "hash-greeting-basics-v2",
    });
  });
});
