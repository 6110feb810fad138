import { beforeEach, describe, expect, it } from "vitest";
import { buildCatalog, syncCatalog, type Catalog } from "#app/models/catalog.server.ts";
import {
  dailyReview,
  dailyReviews,
  retentionByPerson,
  reviewDueOn,
  reviewQueue,
  reviewResults,
  reviewState,
  submitReview,
  type ReviewEvent,
} from "#app/models/review.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createPractice, createUser, sampleQuiz } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const missed = (at: string): ReviewEvent => ({ at, kind: "missed" });
const review = (at: string, correct: boolean): ReviewEvent => ({ at, kind: "review", correct });

describe("the review schedule", () => {
  it("brings a missed question back after 1, 3, 7 and 21 days, and lets it go after the 21-day step", () => {
    const events = [missed("2026-03-01T15:00:00Z")];
    expect(reviewState(events)).toEqual({ step: 0, since: "2026-03-01T15:00:00Z" });
    events.push(review("2026-03-02T15:00:00Z", true));
    expect(reviewState(events)).toEqual({ step: 1, since: "2026-03-02T15:00:00Z" });
    events.push(review("2026-03-05T15:00:00Z", true));
    expect(reviewState(events)).toEqual({ step: 2, since: "2026-03-05T15:00:00Z" });
    events.push(review("2026-03-12T15:00:00Z", true));
    expect(reviewState(events)).toEqual({ step: 3, since: "2026-03-12T15:00:00Z" });
    events.push(review("2026-04-02T15:00:00Z", true));
    expect(reviewState(events)).toBeNull();
  });

  it("starts over at 1 day after a wrong review answer or a new miss in a quiz", () => {
    expect(reviewState([missed("2026-03-01T15:00:00Z"), review("2026-03-02T15:00:00Z", true), review("2026-03-05T15:00:00Z", false)])).toEqual({
      step: 0,
      since: "2026-03-05T15:00:00Z",
    });
    expect(reviewState([missed("2026-03-01T15:00:00Z"), review("2026-03-02T15:00:00Z", true), missed("2026-03-03T15:00:00Z")])).toEqual({
      step: 0,
      since: "2026-03-03T15:00:00Z",
    });
    // Events arrive in any order; time decides.
    expect(reviewState([review("2026-03-02T15:00:00Z", true), missed("2026-03-01T15:00:00Z")])).toEqual({ step: 1, since: "2026-03-02T15:00:00Z" });
  });

  it("has nothing to review for a question never missed, and takes back one missed again after it left", () => {
    expect(reviewState([])).toBeNull();
    expect(reviewState([review("2026-03-02T15:00:00Z", true)])).toBeNull();
    const left = [missed("2026-03-01T15:00:00Z"), ...["03-02", "03-05", "03-12", "04-02"].map((d) => review(`2026-${d}T15:00:00Z`, true))];
    expect(reviewState([...left, missed("2026-05-01T15:00:00Z")])).toEqual({ step: 0, since: "2026-05-01T15:00:00Z" });
  });

  it("counts days on the practice's calendar", () => {
    // 03:00 UTC on 2 March is still 1 March in Chicago: due on 2 March, not 3 March.
    expect(reviewDueOn({ step: 0, since: "2026-03-02T03:00:00Z" }, TZ)).toBe("2026-03-02");
    expect(reviewDueOn({ step: 1, since: "2026-03-02T15:00:00Z" }, TZ)).toBe("2026-03-05");
    expect(reviewDueOn({ step: 2, since: "2026-03-02T15:00:00Z" }, TZ)).toBe("2026-03-09");
    expect(reviewDueOn({ step: 3, since: "2026-03-02T15:00:00Z" }, TZ)).toBe("2026-03-23");
  });
});

describe("the daily review", () => {
  const testDb = setupTestDb();
  let catalog: Catalog;
  let userId: number;
  const allWrong = { "greet-first": ["b"], "greet-words": ["c"], "greet-hold": ["b"] };
  const at = (day: string, hour = 15) => new Date(`2026-03-${day}T${String(hour).padStart(2, "0")}:00:00Z`);
  const context = (day: string) => ({ now: at(day), timeZone: TZ });

  /** Two lessons, each with the three-question sample quiz: up to six questions to miss. */
  beforeEach(async () => {
    await createPractice(testDb.db, { timeZone: TZ });
    const lesson = (slug: string, order: number) => ({
      slug,
      moduleSlug: "basics",
      title: `Lesson ${slug}`,
      summary: "A lesson.",
      minutes: 5,
      order,
      objectives: ["Do it."],
      skills: ["greeting"],
      source: "",
      quiz: sampleQuiz,
      contentHash: `hash-${slug}`,
      words: 700,
      estimatedMinutes: 5,
      readingGrade: 6,
      file: `content/basics/${slug}.mdx`,
      reviewed: "2026-01-05",
      sources: [],
      quizFile: `content/basics/${slug}.quiz.yaml`,
    });
    catalog = buildCatalog(
      {
        skills: [{ id: "greeting", label: "Greeting" }],
        modules: [{ slug: "basics", title: "Basics", summary: "The basics.", order: 1, skills: ["greeting"], contentHash: "m", lessons: [lesson("one", 1), lesson("two", 2)] }],
      },
      () => "<p>Lesson</p>",
    );
    await syncCatalog(testDb.db, catalog);
    userId = (await createUser(testDb.db)).id;
  });

  const miss = (slug: string, answers: Record<string, string[]>, day: string) =>
    submitQuiz(testDb.db, { userId, lesson: catalog.lesson(slug)!, answers, requestId: `${slug}-${day}`, now: at(day) });

  function form(questions: { key: string; field: string }[], choice: (field: string) => string[], requestId: string) {
    const data = new FormData();
    for (const q of questions) {
      data.append("item", q.key);
      for (const c of choice(q.field)) data.append(q.field, c);
    }
    return { form: data, requestId };
  }
  const rightFor = (field: string) => (field.endsWith("greet-words") ? ["a", "b"] : ["a"]);
  const wrongFor = () => ["b"];

  it("shows a missed question the next day, without the key, then 3 days after a right answer", async () => {
    await miss("one", { "greet-first": ["a"], "greet-words": ["a"], "greet-hold": ["a"] }, "02");
    const sameDay = await dailyReview(testDb.db, userId, catalog, context("02"));
    expect(sameDay).toMatchObject({ questions: [], inQueue: 1, nextDueOn: "2026-03-03" });

    const nextDay = await dailyReview(testDb.db, userId, catalog, context("03"));
    expect(nextDay.questions.map((q) => q.key)).toEqual(["one/greet-words"]);
    const shown = JSON.stringify(nextDay.questions);
    expect(shown).not.toContain("correct");
    expect(shown).not.toContain("feedback");
    expect(shown).not.toContain("Callers know they reached the right place.");

    const result = await submitReview(testDb.db, userId, catalog, { ...form(nextDay.questions, rightFor, "11111111-1111-4111-8111-111111111111"), ...context("03") });
    expect(result).toEqual({ ok: true });
    const results = await reviewResults(testDb.db, userId, catalog, "11111111-1111-4111-8111-111111111111", TZ);
    expect(results).toMatchObject([{ prompt: "Which belong in a phone greeting? Choose all that apply.", correct: true, nextInDays: 3 }]);
    expect((await dailyReview(testDb.db, userId, catalog, context("05"))).questions).toEqual([]);
    expect((await dailyReview(testDb.db, userId, catalog, context("06"))).questions.map((q) => q.key)).toEqual(["one/greet-words"]);
  });

  it("works out many people's reviews at once exactly as one at a time", async () => {
    // This person: six missed, two reviewed today. Another: one missed. A third: nothing.
    await miss("one", allWrong, "02");
    await miss("two", allWrong, "02");
    const first = await dailyReview(testDb.db, userId, catalog, context("03"));
    await submitReview(testDb.db, userId, catalog, { ...form(first.questions.slice(0, 2), wrongFor, "44444444-4444-4444-8444-444444444444"), ...context("03") });
    const me = userId;
    const other = (await createUser(testDb.db)).id;
    userId = other;
    await miss("two", { ...allWrong, "greet-first": ["a"], "greet-words": ["a", "b"] }, "01");
    const quiet = (await createUser(testDb.db)).id;
    for (const when of [{ now: at("03", 20), timeZone: TZ }, context("05")]) {
      const many = await dailyReviews(testDb.db, [me, other, quiet], catalog, when);
      for (const id of [me, other, quiet]) expect(many.get(id), String(id)).toEqual(await dailyReview(testDb.db, id, catalog, when));
      expect(many.get(me)?.answeredToday).toBe(when.now.getUTCDate() === 3 ? 2 : 0);
    }
    expect((await dailyReviews(testDb.db, [me], catalog, context("03"))).get(me)?.questions.length).toBe(3);
  });

  it("brings a question answered wrong back the next day", async () => {
    await miss("one", { ...allWrong, "greet-first": ["a"], "greet-words": ["a", "b"] }, "02");
    const day = await dailyReview(testDb.db, userId, catalog, context("03"));
    await submitReview(testDb.db, userId, catalog, { ...form(day.questions, wrongFor, "22222222-2222-4222-8222-222222222222"), ...context("03") });
    const [result] = await reviewResults(testDb.db, userId, catalog, "22222222-2222-4222-8222-222222222222", TZ);
    expect(result).toMatchObject({ correct: false, nextInDays: 1, chosen: [{ text: "Press hold right away.", right: false }] });
    expect((await reviewQueue(testDb.db, userId, catalog, TZ)).map((e) => [e.key, e.step, e.dueOn])).toEqual([["one/greet-hold", 0, "2026-03-04"]]);
  });

  it("keeps to five questions a day, counting those already answered", async () => {
    await miss("one", allWrong, "02");
    await miss("two", allWrong, "02");
    const first = await dailyReview(testDb.db, userId, catalog, context("03"));
    expect(first.questions.map((q) => q.key)).toEqual(["one/greet-first", "one/greet-words", "one/greet-hold", "two/greet-first", "two/greet-words"]);
    expect(first.nextDueOn).toBe("2026-03-04");
    await submitReview(testDb.db, userId, catalog, { ...form(first.questions.slice(0, 2), rightFor, "33333333-3333-4333-8333-333333333333"), ...context("03") });
    const later = await dailyReview(testDb.db, userId, catalog, { now: at("03", 20), timeZone: TZ });
    expect(later.answeredToday).toBe(2);
    expect(later.questions.map((q) => q.key)).toEqual(["one/greet-hold", "two/greet-first", "two/greet-words"]);
  });

  it("records a double-submitted form once and refuses a form that is out of date", async () => {
    await miss("one", allWrong, "02");
    const day = await dailyReview(testDb.db, userId, catalog, context("03"));
    const submission = form(day.questions, rightFor, "44444444-4444-4444-8444-444444444444");
    const [a, b] = await Promise.all([
      submitReview(testDb.db, userId, catalog, { ...submission, ...context("03") }),
      submitReview(testDb.db, userId, catalog, { ...submission, ...context("03") }),
    ]);
    expect([a, b]).toEqual([{ ok: true }, { ok: true }]);
    expect(await testDb.db.selectFrom("review_answer").select("id").execute()).toHaveLength(3);
    // The same questions again, from a new form: no longer due.
    const stale = await submitReview(testDb.db, userId, catalog, { ...form(day.questions, rightFor, "55555555-5555-4555-8555-555555555555"), ...context("03") });
    expect(stale).toEqual({ ok: false, stale: true });
  });

  it("asks again for an unanswered question, recording nothing", async () => {
    await miss("one", allWrong, "02");
    const day = await dailyReview(testDb.db, userId, catalog, context("03"));
    const result = await submitReview(testDb.db, userId, catalog, { ...form(day.questions, (f) => (f.endsWith("greet-first") ? [] : rightFor(f)), "66666666-6666-4666-8666-666666666666"), ...context("03") });
    expect(result).toMatchObject({ ok: false, stale: false, errors: { "one/greet-first": "Choose an answer." } });
    expect(await testDb.db.selectFrom("review_answer").select("id").execute()).toEqual([]);
  });

  it("gives the manager a retention figure: review answers right in the last 30 days", async () => {
    const other = (await createUser(testDb.db)).id;
    const row = (user: number, correct: number, answeredAt: string, n: number) => ({
      user_id: user,
      lesson_slug: "one",
      question_id: "greet-first",
      answers: "[]",
      correct,
      answered_at: answeredAt,
      request_id: `r${n}`,
    });
    await testDb.db
      .insertInto("review_answer")
      .values([
        row(userId, 1, "2026-03-20T15:00:00Z", 1),
        row(userId, 1, "2026-03-10T15:00:00Z", 2),
        row(userId, 0, "2026-03-01T15:00:00Z", 3),
        row(userId, 1, "2026-02-27T15:00:00Z", 4),
        row(userId, 0, "2026-02-01T15:00:00Z", 5), // 50 days before: not counted
      ])
      .execute();
    const retention = await retentionByPerson(testDb.db, [userId, other], new Date("2026-03-22T15:00:00Z"));
    expect(retention.get(userId)).toEqual({ right: 3, total: 4 });
    expect(retention.get(other)).toBeUndefined();
  });
});
