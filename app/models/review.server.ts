// Spaced review: a question a person missed in a quiz comes back in a short daily review after
// 1, 3, 7 and 21 days, each interval after a right answer to the one before. A wrong review answer
// starts it over at 1 day; a right answer at the 21-day step takes it out of the queue; missing it
// again in a quiz brings it back. The queue is derived on read from quiz attempts and the
// review_answer table; nothing else is kept in sync.
//
// A right answer in a quiz retake does not move a question along: retakes usually follow right
// after reading the feedback, which says little about remembering it days later.
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import { DAILY_REVIEW_LIMIT, RETENTION_DAYS, REVIEW_INTERVALS } from "#app/rules/review.ts";
import { lessonOrder, type Catalog, type CatalogLesson } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { addDaysTo, daysBetween } from "#app/rules/dates.ts";
import { choiceOrderFor, gradeQuiz, parseStoredAnswers, readAnswers, type Answers } from "./quizzes.server.ts";

export type ReviewEvent = { at: string; kind: "missed" } | { at: string; kind: "review"; correct: boolean };

/** A question in the queue: which interval it waits for, counted from when. */
export interface ReviewState {
  /** Index into REVIEW_INTERVALS. */
  step: number;
  /** The instant the wait started (the miss or the last review answer). */
  since: string;
}

/** Where a question stands after its events, or null when it is not (or no longer) in the queue. */
export function reviewState(events: ReviewEvent[]): ReviewState | null {
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  let state: ReviewState | null = null;
  for (const event of ordered) {
    if (event.kind === "missed") {
      state = { step: 0, since: event.at };
    } else if (state) {
      if (!event.correct) state = { step: 0, since: event.at };
      else if (state.step >= REVIEW_INTERVALS.length - 1) state = null;
      else state = { step: state.step + 1, since: event.at };
    }
  }
  return state;
}

/** The practice-calendar day a question in the queue is due. */
export function reviewDueOn(state: ReviewState, timeZone: string): string {
  const from = localDate(state.since, timeZone);
  const days = REVIEW_INTERVALS[state.step] ?? 1;
  // Kept per day and step: a practice's queues ask this of a million questions, on a few
  // hundred days.
  const key = `${from}+${days}`;
  let due = dueDays.get(key);
  if (due === undefined) {
    if (dueDays.size >= 10_000) dueDays.clear();
    dueDays.set(key, (due = addDaysTo(from, days)));
  }
  return due;
}
const dueDays = new Map<string, string>();

export interface QueueEntry {
  key: string;
  lesson: CatalogLesson;
  questionId: string;
  step: number;
  dueOn: string;
}

const keyOf = (lessonSlug: string, questionId: string) => `${lessonSlug}/${questionId}`;

interface AttemptRow {
  lesson_slug: string;
  answers: string;
  submitted_at: string;
}

interface AnswerRow {
  lesson_slug: string;
  question_id: string;
  correct: number;
  answered_at: string;
}

/**
 * The attempts of the given people that can have missed a question: only an attempt graded with
 * a wrong answer can, and the others, most of a practice's attempts, are not read. (A key
 * corrected since an attempt does not make a right answer then into a miss now.)
 */
function missingAttempts(db: DB, userIds: readonly number[]) {
  return db
    .selectFrom("quiz_attempt")
    .select(["user_id", "lesson_slug", "answers", "submitted_at"])
    .where("user_id", "in", [...userIds])
    .where((eb) => eb("quiz_attempt.correct_count", "<", eb.ref("quiz_attempt.question_count")))
    .execute();
}

/** Everything in a person's review queue, soonest due first, then in library order. */
export async function reviewQueue(db: DB, userId: number, catalog: Catalog, timeZone: string): Promise<QueueEntry[]> {
  const [attempts, answers] = await Promise.all([
    missingAttempts(db, [userId]),
    db.selectFrom("review_answer").select(["lesson_slug", "question_id", "correct", "answered_at"]).where("user_id", "=", userId).execute(),
  ]);
  return queueOf(attempts, answers, catalog, timeZone);
}

/**
 * The questions of a lesson's quiz that stored answers missed, as keys. Kept per version of the
 * lesson and answers given: a practice's attempts repeat the same few answers many times over,
 * and the question a day grades every attempt of everyone.
 */
const missedKept = new WeakMap<CatalogLesson, Map<string, string[]>>();
function missedIn(lesson: CatalogLesson, quiz: NonNullable<CatalogLesson["quiz"]>, answersJson: string): string[] {
  let kept = missedKept.get(lesson);
  if (!kept) missedKept.set(lesson, (kept = new Map()));
  let missed = kept.get(answersJson);
  if (!missed) {
    const given = parseStoredAnswers(answersJson);
    // A question added after this attempt was not missed in it.
    missed = gradeQuiz(quiz, given).questions.filter((q) => q.id in given && !q.correct).map((q) => keyOf(lesson.slug, q.id));
    if (kept.size >= 10_000) kept.clear();
    kept.set(answersJson, missed);
  }
  return missed;
}

/** A person's queue from their quiz attempts and review answers. */
function queueOf(attempts: readonly AttemptRow[], answers: readonly AnswerRow[], catalog: Catalog, timeZone: string): QueueEntry[] {
  // A miss starts a question over, so only its latest miss and the review answers given since
  // can move it (reviewState, given fewer events, comes to the same state).
  const lastMiss = new Map<string, string>();
  for (const attempt of attempts) {
    const lesson = catalog.lesson(attempt.lesson_slug);
    if (!lesson?.quiz) continue;
    for (const key of missedIn(lesson, lesson.quiz, attempt.answers)) {
      const previous = lastMiss.get(key);
      if (previous === undefined || attempt.submitted_at > previous) lastMiss.set(key, attempt.submitted_at);
    }
  }
  const events = new Map<string, ReviewEvent[]>();
  for (const [key, at] of lastMiss) events.set(key, [{ at, kind: "missed" }]);
  for (const a of answers) {
    const key = keyOf(a.lesson_slug, a.question_id);
    const since = lastMiss.get(key);
    if (since !== undefined && a.answered_at < since) continue;
    const event: ReviewEvent = { at: a.answered_at, kind: "review", correct: a.correct === 1 };
    const list = events.get(key);
    if (list) list.push(event);
    else events.set(key, [event]);
  }

  const order = lessonOrder(catalog);
  const queue: (QueueEntry & { position: number })[] = [];
  for (const [key, list] of events) {
    const [lessonSlug = "", questionId = ""] = key.split("/");
    const lesson = catalog.lesson(lessonSlug);
    const index = lesson?.quiz?.questions.findIndex((q) => q.id === questionId) ?? -1;
    if (!lesson || index < 0) continue; // retired content
    const state = reviewState(list);
    if (state) queue.push({ key, lesson, questionId, step: state.step, dueOn: reviewDueOn(state, timeZone), position: (order.get(lesson.slug) ?? 0) * 100 + index });
  }
  queue.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.position - b.position));
  return queue.map(({ position: _, ...entry }) => entry);
}

/** A review question as the browser may see it: prompt and choices, never the key. */
export interface ReviewQuestionView {
  key: string;
  field: string;
  lessonSlug: string;
  lessonTitle: string;
  id: string;
  type: "single" | "multiple";
  prompt: string;
  choices: { id: string; text: string }[];
}

export interface DailyReview {
  questions: ReviewQuestionView[];
  answeredToday: number;
  /** In the queue, counting those not due yet. */
  inQueue: number;
  /** The next day something is due, when nothing is left for today. */
  nextDueOn: string | null;
}

const fieldOf = (lessonSlug: string, questionId: string) => `r.${lessonSlug}.${questionId}`;

/** Today's review: what is due, up to the daily limit less what was answered today. */
export async function dailyReview(db: DB, userId: number, catalog: Catalog, context: { now: Date; timeZone: string }): Promise<DailyReview> {
  const today = localDate(context.now, context.timeZone);
  const [queue, answered] = await Promise.all([
    reviewQueue(db, userId, catalog, context.timeZone),
    db.selectFrom("review_answer").select("answered_at").where("user_id", "=", userId).where("answered_at", ">=", addDaysTo(today, -2)).execute(),
  ]);
  return reviewOf(userId, queue, answered, today, context.timeZone);
}

/**
 * The daily reviews of many people at once (the question a day for a whole practice): two queries
 * for all of them instead of three a person, each review as dailyReview gives it.
 */
export async function dailyReviews(db: DB, userIds: readonly number[], catalog: Catalog, context: { now: Date; timeZone: string }): Promise<Map<number, DailyReview>> {
  const reviews = new Map<number, DailyReview>();
  if (userIds.length === 0) return reviews;
  const today = localDate(context.now, context.timeZone);
  const [attempts, answers] = await Promise.all([
    missingAttempts(db, userIds),
    db.selectFrom("review_answer").select(["user_id", "lesson_slug", "question_id", "correct", "answered_at"]).where("user_id", "in", [...userIds]).execute(),
  ]);
  const recent = addDaysTo(today, -2);
  const byUser = <T extends { user_id: number }>(rows: readonly T[]) => {
    const grouped = new Map<number, T[]>();
    for (const row of rows) {
      const list = grouped.get(row.user_id);
      if (list) list.push(row);
      else grouped.set(row.user_id, [row]);
    }
    return grouped;
  };
  const attemptsOf = byUser(attempts);
  const answersOf = byUser(answers);
  for (const userId of userIds) {
    const mine = answersOf.get(userId) ?? [];
    const queue = queueOf(attemptsOf.get(userId) ?? [], mine, catalog, context.timeZone);
    reviews.set(userId, reviewOf(userId, queue, mine.filter((a) => a.answered_at >= recent), today, context.timeZone));
  }
  return reviews;
}

/** What is due today from a person's queue and their recent review answers. */
function reviewOf(userId: number, queue: QueueEntry[], answered: readonly { answered_at: string }[], today: string, timeZone: string): DailyReview {
  const answeredToday = answered.filter((a) => localDate(a.answered_at, timeZone) === today).length;
  const slots = Math.max(0, DAILY_REVIEW_LIMIT - answeredToday);
  // The queue is in due order, so what is due by today is at its head.
  const firstLater = queue.findIndex((e) => e.dueOn > today);
  const dueByToday = firstLater < 0 ? queue.length : firstLater;
  const due = queue.slice(0, Math.min(slots, dueByToday));
  // The rest waits for its day; what today's slots had no room for comes back tomorrow.
  const nextDueOn = due.length === queue.length ? null : due.length < dueByToday ? addDaysTo(today, 1) : (queue[due.length]?.dueOn ?? null);
  return {
    questions: due.flatMap((e) => {
      const question = e.lesson.questions?.find((q) => q.id === e.questionId);
      if (!question) return [];
      const [shown = question] = choiceOrderFor([question], `${userId}:review:${e.lesson.contentHash}`);
      return [
        {
          key: e.key,
          field: fieldOf(e.lesson.slug, e.questionId),
          lessonSlug: e.lesson.slug,
          lessonTitle: e.lesson.title,
          id: shown.id,
          type: shown.type,
          prompt: shown.prompt,
          choices: shown.choices,
        },
      ];
    }),
    answeredToday,
    inQueue: queue.length,
    nextDueOn,
  };
}

export type SubmitReviewResult =
  | { ok: true }
  | { ok: false; stale: true }
  | { ok: false; stale: false; errors: Record<string, string>; selected: Record<string, string[]> };

/**
 * Grades and records one review form. The form names the questions it showed; they must all still
 * be due (a form from yesterday, or one already answered elsewhere, is stale). `requestId` comes
 * from the form, so a double submit records once.
 */
export async function submitReview(
  db: DB,
  userId: number,
  catalog: Catalog,
  input: { form: FormData; requestId: string; now: Date; timeZone: string },
): Promise<SubmitReviewResult> {
  const recorded = async (trx: DB) =>
    Boolean(await trx.selectFrom("review_answer").select("id").where("user_id", "=", userId).where("request_id", "=", input.requestId).executeTakeFirst());
  if (await recorded(db)) return { ok: true };

  const keys = [...new Set(input.form.getAll("item").map(String))];
  const today = await dailyReview(db, userId, catalog, input);
  const shown = new Map(today.questions.map((q) => [q.key, q]));
  if (keys.length === 0 || keys.some((k) => !shown.has(k))) {
    // The same form may have been recorded a moment ago by a double submit.
    return (await recorded(db)) ? { ok: true } : { ok: false, stale: true };
  }

  const errors: Record<string, string> = {};
  const selected: Record<string, string[]> = {};
  const graded: { lesson: CatalogLesson; questionId: string; answers: string[]; correct: boolean }[] = [];
  for (const key of keys) {
    const view = shown.get(key);
    const lesson = view && catalog.lesson(view.lessonSlug);
    const question = lesson?.quiz?.questions.find((q) => q.id === view?.id);
    if (!view || !lesson || !question) return { ok: false, stale: true };
    const read = readAnswers({ questions: [question] }, input.form, `r.${lesson.slug}.`);
    const answers: Answers = read.answers;
    selected[key] = answers[question.id] ?? [];
    if (read.errors) {
      errors[key] = read.errors[question.id] ?? "Choose an answer.";
      continue;
    }
    const grade = gradeQuiz({ passPercent: 100, questions: [question] }, answers);
    graded.push({ lesson, questionId: question.id, answers: selected[key] ?? [], correct: Boolean(grade.questions[0]?.correct) });
  }
  if (Object.keys(errors).length > 0) return { ok: false, stale: false, errors, selected };

  const at = input.now.toISOString();
  await db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`review:${userId}:${input.requestId}`]);
    if (await recorded(trx)) return; // the same form, submitted twice at once
    for (const g of graded) {
      await trx
        .insertInto("review_answer")
        .values({
          user_id: userId,
          lesson_slug: g.lesson.slug,
          question_id: g.questionId,
          answers: JSON.stringify(g.answers),
          correct: g.correct ? 1 : 0,
          answered_at: at,
          request_id: input.requestId,
        })
        .execute();
    }
  });
  return { ok: true };
}

export interface ReviewResult {
  lessonSlug: string;
  lessonTitle: string;
  prompt: string;
  correct: boolean;
  chosen: { text: string; right: boolean; feedback: string }[];
  explanation: string | null;
  /** Days until it comes back, or null when it has left the queue. */
  nextInDays: number | null;
}

/** The graded answers of one review form, with when each question comes back. */
export async function reviewResults(db: DB, userId: number, catalog: Catalog, requestId: string, timeZone: string): Promise<ReviewResult[]> {
  const rows = await db
    .selectFrom("review_answer")
    .select(["lesson_slug", "question_id", "answers", "answered_at"])
    .where("user_id", "=", userId)
    .where("request_id", "=", requestId)
    .orderBy("id")
    .execute();
  if (rows.length === 0) return [];
  const queue = new Map((await reviewQueue(db, userId, catalog, timeZone)).map((e) => [e.key, e]));
  const results: ReviewResult[] = [];
  for (const row of rows) {
    const lesson = catalog.lesson(row.lesson_slug);
    const question = lesson?.quiz?.questions.find((q) => q.id === row.question_id);
    if (!lesson || !question) continue;
    const stored: unknown = JSON.parse(row.answers);
    const chosen = Array.isArray(stored) ? stored.map(String) : [];
    const grade = gradeQuiz({ passPercent: 100, questions: [question] }, { [question.id]: chosen }).questions[0];
    const entry = queue.get(keyOf(lesson.slug, question.id));
    const answeredOn = localDate(row.answered_at, timeZone);
    results.push({
      lessonSlug: lesson.slug,
      lessonTitle: lesson.title,
      prompt: question.prompt,
      correct: Boolean(grade?.correct),
      chosen: (grade?.choices ?? []).filter((c) => c.chosen).map((c) => ({ text: c.text, right: c.correct, feedback: c.feedback })),
      explanation: question.explanation ?? null,
      nextInDays: entry ? Math.max(1, daysBetween(answeredOn, entry.dueOn)) : null,
    });
  }
  return results;
}

export interface Retention {
  right: number;
  total: number;
}

/** Per person: review answers right out of all review answers in the last RETENTION_DAYS days. */
export async function retentionByPerson(db: DB, userIds: number[], now: Date): Promise<Map<number, Retention>> {
  const result = new Map<number, Retention>();
  if (userIds.length === 0) return result;
  const since = new Date(now.getTime() - RETENTION_DAYS * 86_400_000).toISOString();
  const rows = await db
    .selectFrom("review_answer")
    .select(["user_id", (eb) => eb.fn.countAll<number>().as("total"), (eb) => eb.fn.sum<number>("correct").as("right")])
    .where("user_id", "in", userIds)
    .where("answered_at", ">=", since)
    .where("answered_at", "<=", now.toISOString())
    .groupBy("user_id")
    .execute();
  for (const r of rows) result.set(r.user_id, { right: Number(r.right ?? 0), total: Number(r.total) });
  return result;
}
