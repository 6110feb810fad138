// Quiz grading and recording. The answer key never leaves the server: the browser sends choice
// ids, and everything it learns about right and wrong comes back after the attempt is stored.
import { createHash } from "node:crypto";
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import { precompiled } from "#db/precompiled.ts";
import type { CatalogLesson } from "./catalog.server.ts";
import type { Quiz } from "./content.server.ts";

export type Answers = Record<string, string[]>;

export interface GradedChoice {
  id: string;
  text: string;
  correct: boolean;
  chosen: boolean;
  feedback: string;
}

export interface GradedQuestion {
  id: string;
  type: "single" | "multiple";
  prompt: string;
  correct: boolean;
  choices: GradedChoice[];
  explanation: string | null;
}

export interface Grade {
  questions: GradedQuestion[];
  correctCount: number;
  questionCount: number;
  /** Whole percent, for display; `passed` is decided on exact counts. */
  score: number;
  passed: boolean;
  passPercent: number;
}

/**
 * A question is right only when exactly its correct choices are chosen: a partial selection on a
 * multiple-answer question is wrong. Passing needs correct/total ≥ passPercent, compared exactly.
 */
export function gradeQuiz(quiz: Quiz, answers: Answers): Grade {
  const questions = quiz.questions.map((q): GradedQuestion => {
    const chosen = new Set(answers[q.id] ?? []);
    const choices = q.choices.map((c) => ({
      id: c.id,
      text: c.text,
      correct: c.correct,
      chosen: chosen.has(c.id),
      feedback: c.feedback,
    }));
    return {
      id: q.id,
      type: q.type,
      prompt: q.prompt,
      correct: choices.every((c) => c.correct === c.chosen),
      choices,
      explanation: q.explanation ?? null,
    };
  });
  const correctCount = questions.filter((q) => q.correct).length;
  const questionCount = questions.length;
  return {
    questions,
    correctCount,
    questionCount,
    score: questionCount === 0 ? 0 : Math.round((100 * correctCount) / questionCount),
    passed: correctCount * 100 >= quiz.passPercent * questionCount,
    passPercent: quiz.passPercent,
  };
}

/**
 * Reads answers from a submitted form (`q.<questionId>` fields, or another prefix). Returns
 * per-question messages for anything unanswered or not part of the quiz.
 */
export function readAnswers(
  quiz: Pick<Quiz, "questions">,
  form: FormData,
  prefix = "q.",
): { answers: Answers; errors: Record<string, string> | null } {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const q of quiz.questions) {
    const values = [...new Set(form.getAll(`${prefix}${q.id}`).map(String))];
    const known = new Set(q.choices.map((c) => c.id));
    if (values.some((v) => !known.has(v))) {
      errors[q.id] = "That answer is not one of this question's choices. Choose again.";
    } else if (values.length === 0) {
      errors[q.id] = q.type === "single" ? "Choose an answer." : "Choose at least one answer.";
    } else if (q.type === "single" && values.length > 1) {
      errors[q.id] = "Choose only one answer.";
    }
    answers[q.id] = values;
  }
  return { answers, errors: Object.keys(errors).length > 0 ? errors : null };
}

export interface SubmitInput {
  userId: number;
  lesson: CatalogLesson;
  answers: Answers;
  /** From the form: one per rendering of the quiz, so a double submit records one attempt. */
  requestId: string;
  now: Date;
}

// A submission is the busiest write: its three statements are compiled once.
const attemptByRequest = precompiled((db: DB, a: { userId: number; requestId: string }) =>
  db.selectFrom("quiz_attempt").select("id").where("user_id", "=", a.userId).where("request_id", "=", a.requestId),
);
const insertAttempt = precompiled(
  (
    db: DB,
    a: {
      userId: number;
      lessonSlug: string;
      contentHash: string;
      answers: string;
      correctCount: number;
      questionCount: number;
      score: number;
      passed: number;
      submittedAt: string;
      requestId: string;
    },
  ) =>
    db
      .insertInto("quiz_attempt")
      .values({
        user_id: a.userId,
        lesson_slug: a.lessonSlug,
        content_hash: a.contentHash,
        answers: a.answers,
        correct_count: a.correctCount,
        question_count: a.questionCount,
        score: a.score,
        passed: a.passed,
        submitted_at: a.submittedAt,
        request_id: a.requestId,
      })
      .returning("id"),
);
const insertCompletion = precompiled(
  (db: DB, a: { userId: number; lessonSlug: string; completedAt: string; attemptId: number; contentHash: string }) =>
    db.insertInto("completion").values({
      user_id: a.userId,
      lesson_slug: a.lessonSlug,
      completed_at: a.completedAt,
      attempt_id: a.attemptId,
      content_hash: a.contentHash,
    }),
);

export async function submitQuiz(db: DB, input: SubmitInput): Promise<{ attemptId: number; grade: Grade }> {
  const { lesson } = input;
  if (!lesson.quiz) throw new Error(`Lesson ${lesson.slug} has no quiz`);
  const grade = gradeQuiz(lesson.quiz, input.answers);
  const attemptId = await db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`quiz-attempt:${input.userId}:${input.requestId}`]);
    const [existing] = await attemptByRequest(trx, { userId: input.userId, requestId: input.requestId });
    if (existing) return existing.id;
    const at = input.now.toISOString();
    const [attempt] = await insertAttempt(trx, {
      userId: input.userId,
      lessonSlug: lesson.slug,
      contentHash: lesson.contentHash,
      answers: JSON.stringify(input.answers),
      correctCount: grade.correctCount,
      questionCount: grade.questionCount,
      score: grade.score,
      passed: grade.passed ? 1 : 0,
      submittedAt: at,
      requestId: input.requestId,
    });
    if (!attempt) throw new Error("The attempt was not stored");
    if (grade.passed) {
      await insertCompletion(trx, { userId: input.userId, lessonSlug: lesson.slug, completedAt: at, attemptId: attempt.id, contentHash: lesson.contentHash });
    }
    return attempt.id;
  });
  return { attemptId, grade };
}

/** Completes a lesson that has no quiz. Doing it twice for the same version records it once. */
export async function markLessonDone(db: DB, input: { userId: number; lesson: CatalogLesson; now: Date }): Promise<void> {
  const { lesson } = input;
  if (lesson.quiz) throw new Error(`Lesson ${lesson.slug} is completed by its quiz`);
  await db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`completion:${input.userId}:${lesson.slug}`]);
    const existing = await trx
      .selectFrom("completion")
      .select("id")
      .where("user_id", "=", input.userId)
      .where("lesson_slug", "=", lesson.slug)
      .where("content_hash", "=", lesson.contentHash)
      .executeTakeFirst();
    if (existing) return;
    await trx
      .insertInto("completion")
      .values({
        user_id: input.userId,
        lesson_slug: lesson.slug,
        completed_at: input.now.toISOString(),
        attempt_id: null,
        content_hash: lesson.contentHash,
      })
      .execute();
  });
}

export async function findAttempt(db: DB, attemptId: number) {
  return db
    .selectFrom("quiz_attempt")
    .select(["id", "user_id", "lesson_slug", "content_hash", "answers", "score", "passed", "submitted_at", "correct_count", "question_count"])
    .where("id", "=", attemptId)
    .executeTakeFirst();
}

export function parseStoredAnswers(json: string): Answers {
  const value: unknown = JSON.parse(json);
  if (!value || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []]),
  );
}

/**
 * The order a learner sees choices in: shuffled, but stable for one person and one version of
 * the lesson (so a form re-rendered after an error keeps its order). Authors tend to put the
 * right answer first; nobody should pass by always picking "a".
 */
export function choiceOrderFor<Q extends { id: string; choices: { id: string }[] }>(questions: Q[], seed: string): Q[] {
  return questions.map((q) => {
    const digest = createHash("sha256").update(`${seed}:${q.id}`).digest();
    const choices = [...q.choices];
    for (let i = choices.length - 1; i > 0; i--) {
      const j = (digest[i % digest.length] as number) % (i + 1);
      [choices[i], choices[j]] = [choices[j] as (typeof choices)[number], choices[i] as (typeof choices)[number]];
    }
    return { ...q, choices };
  });
}
