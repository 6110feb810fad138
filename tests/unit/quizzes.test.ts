import { beforeEach, describe, expect, it } from "vitest";
import type { Catalog } from "#app/models/catalog.server.ts";
import { choiceOrderFor, gradeQuiz, markLessonDone, readAnswers, submitQuiz } from "#app/models/quizzes.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createUser, sampleQuiz } from "#tests/support/factories.ts";

const allRight = { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] };

describe("grading", () => {
  it("scores a fully right single- and multiple-answer quiz as passed", () => {
    const grade = gradeQuiz(sampleQuiz, allRight);
    expect(grade).toMatchObject({ correctCount: 3, questionCount: 3, score: 100, passed: true });
    expect(grade.questions.every((q) => q.correct)).toBe(true);
  });

  it("counts a partial selection on a multiple-answer question as wrong", () => {
    const partial = gradeQuiz(sampleQuiz, { ...allRight, "greet-words": ["a"] });
    expect(partial.questions.find((q) => q.id === "greet-words")?.correct).toBe(false);
    const extra = gradeQuiz(sampleQuiz, { ...allRight, "greet-words": ["a", "b", "c"] });
    expect(extra.questions.find((q) => q.id === "greet-words")?.correct).toBe(false);
    expect(partial).toMatchObject({ correctCount: 2, score: 67, passed: false });
  });

  it("passes at exactly the threshold and fails just below it", () => {
    const quiz = { ...sampleQuiz, passPercent: 66 };
    // 2 of 3 is 66.67%: passes 66, fails 67, decided on exact counts not the rounded score.
    expect(gradeQuiz(quiz, { ...allRight, "greet-hold": ["b"] }).passed).toBe(true);
    expect(gradeQuiz({ ...quiz, passPercent: 67 }, { ...allRight, "greet-hold": ["b"] }).passed).toBe(false);
    expect(gradeQuiz({ ...quiz, passPercent: 100 }, allRight).passed).toBe(true);
  });

  it("returns the chosen choices' feedback and the explanation", () => {
    const grade = gradeQuiz(sampleQuiz, { ...allRight, "greet-first": ["b"] });
    const q = grade.questions[0];
    expect(q?.correct).toBe(false);
    expect(q?.choices.find((c) => c.chosen)?.feedback).toBe("A wait with no sign feels long.");
    expect(q?.explanation).toBe("Acknowledge within seconds.");
  });
});

describe("reading answers from a form", () => {
  const form = (entries: [string, string][]) => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  };

  it("asks for every unanswered question", () => {
    const { errors } = readAnswers(sampleQuiz, form([["q.greet-first", "a"]]));
    expect(errors).toEqual({ "greet-words": "Choose at least one answer.", "greet-hold": "Choose an answer." });
  });

  it("refuses choices that are not in the question and two answers to a single one", () => {
    const { errors } = readAnswers(
      sampleQuiz,
      form([
        ["q.greet-first", "a"],
        ["q.greet-first", "b"],
        ["q.greet-words", "z"],
        ["q.greet-hold", "a"],
      ]),
    );
    expect(errors?.["greet-first"]).toBe("Choose only one answer.");
    expect(errors?.["greet-words"]).toMatch(/not one of this question's choices/);
  });

  it("reads a complete form", () => {
    const { answers, errors } = readAnswers(
      sampleQuiz,
      form([
        ["q.greet-first", "a"],
        ["q.greet-words", "a"],
        ["q.greet-words", "b"],
        ["q.greet-hold", "a"],
      ]),
    );
    expect(errors).toBeNull();
    expect(answers).toEqual(allRight);
  });
});

describe("choice order", () => {
  it("is a stable permutation per seed", () => {
    const a = choiceOrderFor(sampleQuiz.questions, "seed-1");
    expect(choiceOrderFor(sampleQuiz.questions, "seed-1")).toEqual(a);
    for (const [i, q] of a.entries()) {
      expect(q.choices.map((c) => c.id).sort()).toEqual(sampleQuiz.questions[i]?.choices.map((c) => c.id).sort());
    }
    // Across many seeds the right answer is not always first.
    const firsts = new Set(
      Array.from({ length: 20 }, (_, i) => choiceOrderFor(sampleQuiz.questions, `s${i}`)[1]?.choices[0]?.id),
    );
    expect(firsts.size).toBeGreaterThan(1);
  });
});

describe("recording attempts", () => {
  const testDb = setupTestDb();
  let catalog: Catalog;
  beforeEach(async () => {
    catalog = await createCatalog(testDb.db);
  });

  it("keeps every attempt and records a completion with the content hash when passed", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    const now = new Date("2026-03-02T10:00:00Z");
    const failed = await submitQuiz(testDb.db, { userId: user.id, lesson, answers: {}, requestId: "r1", now });
    expect(failed.grade.passed).toBe(false);
    expect(await testDb.db.selectFrom("completion").selectAll().execute()).toHaveLength(0);
    const passed = await submitQuiz(testDb.db, { userId: user.id, lesson, answers: allRight, requestId: "r2", now });
    expect(passed.attemptId).not.toBe(failed.attemptId);
    const completions = await testDb.db.selectFrom("completion").selectAll().execute();
    expect(completions).toEqual([
      expect.objectContaining({ user_id: user.id, lesson_slug: "greeting-basics", content_hash: "hash-greeting-basics", attempt_id: passed.attemptId }),
    ]);
    expect(await testDb.db.selectFrom("quiz_attempt").selectAll().execute()).toHaveLength(2);
  });

  it("records a resubmitted form once", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("greeting-basics")!;
    const now = new Date();
    const input = { userId: user.id, lesson, answers: allRight, requestId: "same", now };
    const [a, b] = await Promise.all([submitQuiz(testDb.db, input), submitQuiz(testDb.db, input)]);
    expect(a.attemptId).toBe(b.attemptId);
    expect(await testDb.db.selectFrom("quiz_attempt").selectAll().execute()).toHaveLength(1);
    expect(await testDb.db.selectFrom("completion").selectAll().execute()).toHaveLength(1);
  });

  it("completes a lesson without a quiz once, however often it is marked done", async () => {
    const user = await createUser(testDb.db);
    const lesson = catalog.lesson("reading-only")!;
    await markLessonDone(testDb.db, { userId: user.id, lesson, now: new Date() });
    await markLessonDone(testDb.db, { userId: user.id, lesson, now: new Date() });
    const rows = await testDb.db.selectFrom("completion").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.attempt_id).toBeNull();
  });
});
