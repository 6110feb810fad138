// Does a quiz measure learning, or test-wiseness? A learner who never opens the lesson can still
// score well when the right answer is the longest, when multiple-answer questions are "all but
// one", or when the right answer repeats the lesson's script. These figures find that, per quiz
// (warnings, with lines) and for the whole library (limits; see content/README.md, "Quiz quality").
import type { Quiz, QuizQuestion } from "./content-schema.server.ts";
import { proseOf } from "./readability.server.ts";

export const QUIZ_LIMITS = {
  /** Single-answer questions whose correct choice is the strictly longest: at most this share. */
  longestCorrectShare: 0.35,
  /** ...or the strictly shortest: a reversed cue is still a cue. */
  shortestCorrectShare: 0.35,
  /** Multiple-answer questions with all choices but one correct: at most this share. */
  allButOneShare: 0.4,
  /** Multiple-answer questions with one or two correct choices (of more than three): at least this share. */
  fewCorrectShare: 0.25,
  /** The test-wise learner's average chance of passing a quiz. */
  testWisePassShare: 0.05,
  /** The test-wise learner's average score. */
  testWiseScore: 0.4,
  /** Correct choices that copy a run of COPY_RUN words from their lesson: at most this share. */
  copiedShare: 0.05,
} as const;

/** A correct choice that repeats this many words of the lesson in a row tests recall of a phrase. */
export const COPY_RUN = 8;

/** Words that mark a wrong choice to a test-wise reader, unless the rule really is absolute. */
const ABSOLUTE = /\b(always|never)\b/i;

export interface QuestionFigures {
  type: "single" | "multiple";
  /** Single: the correct choice is longer than every other. */
  longestCorrect: boolean;
  /** Single: the correct choice is shorter than every other. */
  shortestCorrect: boolean;
  /** Multiple: every choice but one is correct (with three or more choices). */
  allButOne: boolean;
  /** Multiple: one or two correct of more than three choices. */
  fewCorrect: boolean;
  /** The chance that the test-wise learner answers it right (ties are broken at random). */
  testWiseChance: number;
}

const length = (s: string) => [...s.trim()].length;

/**
 * The test-wise learner picks the longest choice of a single-answer question, and every choice
 * but the shortest of a multiple-answer one. Choices are shuffled per person, so a tie is a coin
 * toss among the tied choices.
 */
export function questionFigures(q: QuizQuestion): QuestionFigures {
  const lengths = q.choices.map((c) => length(c.text));
  const correct = q.choices.filter((c) => c.correct).length;
  if (q.type === "single") {
    const max = Math.max(...lengths);
    const longest = q.choices.filter((_, i) => lengths[i] === max);
    const correctIsLongest = longest.some((c) => c.correct);
    const min = Math.min(...lengths);
    const shortest = q.choices.filter((_, i) => lengths[i] === min);
    return {
      type: "single",
      longestCorrect: correctIsLongest && longest.length === 1,
      shortestCorrect: shortest.length === 1 && shortest[0]!.correct,
      allButOne: false,
      fewCorrect: false,
      testWiseChance: correctIsLongest ? 1 / longest.length : 0,
    };
  }
  const min = Math.min(...lengths);
  const shortest = q.choices.filter((_, i) => lengths[i] === min);
  const wrong = q.choices.filter((c) => !c.correct);
  // Dropping one shortest choice is right only when it is the one wrong choice.
  const chance = wrong.length === 1 && shortest.includes(wrong[0]!) ? 1 / shortest.length : 0;
  return {
    type: "multiple",
    longestCorrect: false,
    shortestCorrect: false,
    allButOne: q.choices.length >= 3 && correct === q.choices.length - 1,
    fewCorrect: q.choices.length > 3 && correct <= 2,
    testWiseChance: chance,
  };
}

/** The test-wise learner's expected score (0–1) and chance of passing one quiz. */
export function testWiseOutcome(quiz: Quiz): { expectedScore: number; passChance: number; expectedRight: number } {
  const chances = quiz.questions.map((q) => questionFigures(q).testWiseChance);
  // Distribution of the number answered right: questions are independent coin tosses.
  let dist = [1];
  for (const p of chances) {
    const next = new Array<number>(dist.length + 1).fill(0);
    dist.forEach((w, k) => {
      next[k] = (next[k] ?? 0) + w * (1 - p);
      next[k + 1] = (next[k + 1] ?? 0) + w * p;
    });
    dist = next;
  }
  const n = chances.length;
  const passChance = dist.reduce((sum, w, k) => (k * 100 >= quiz.passPercent * n ? sum + w : sum), 0);
  const expectedRight = chances.reduce((a, b) => a + b, 0);
  return { expectedScore: n === 0 ? 0 : expectedRight / n, passChance, expectedRight };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter(Boolean);
}

/** Every run of COPY_RUN words in a lesson body, to look choices up in. */
export function lessonRuns(body: string): Set<string> {
  const w = words(proseOf(body));
  const runs = new Set<string>();
  for (let i = 0; i + COPY_RUN <= w.length; i++) runs.add(w.slice(i, i + COPY_RUN).join(" "));
  return runs;
}

/** The first run of COPY_RUN words that a choice copies from its lesson, or null. */
export function copiedRun(text: string, runs: Set<string>): string | null {
  const w = words(text);
  for (let i = 0; i + COPY_RUN <= w.length; i++) {
    const run = w.slice(i, i + COPY_RUN).join(" ");
    if (runs.has(run)) return run;
  }
  return null;
}

/** A finding about one quiz, with the YAML path it belongs to (for its line). */
export interface QuizFinding {
  path: (string | number)[];
  message: string;
}

export interface QuizReview {
  questions: QuestionFigures[];
  testWise: ReturnType<typeof testWiseOutcome>;
  correctChoices: number;
  copiedChoices: number;
  findings: QuizFinding[];
}

/** Everything the quality rules say about one quiz, given its lesson's body. */
export function reviewQuiz(quiz: Quiz, lessonBody: string): QuizReview {
  const runs = lessonRuns(lessonBody);
  const findings: QuizFinding[] = [];
  let correctChoices = 0;
  let copiedChoices = 0;
  quiz.questions.forEach((q, qi) => {
    q.choices.forEach((c, ci) => {
      if (c.correct) {
        correctChoices++;
        const run = copiedRun(c.text, runs);
        if (run) {
          copiedChoices++;
          findings.push({
            path: ["questions", qi, "choices", ci, "text"],
            message: `question "${q.id}": the correct choice copies the lesson word for word ("${run}"); test judgment in a new situation, not recall of a phrase`,
          });
        }
      }
      const absolute = ABSOLUTE.exec(c.text);
      if (absolute && !c.absolute) {
        findings.push({
          path: ["questions", qi, "choices", ci, "text"],
          message: `question "${q.id}": "${absolute[1]}" marks a choice to a test-wise reader; reword it, or add \`absolute: <why>\` when the rule really is absolute`,
        });
      }
    });
  });
  const testWise = testWiseOutcome(quiz);
  if (testWise.expectedRight > 1) {
    findings.push({
      path: ["questions"],
      message: `a learner who never read the lesson (longest choice; all but the shortest) gets ${round(testWise.expectedRight, 1)} of ${quiz.questions.length} questions right${testWise.passChance > 0 ? ` and passes ${percent(testWise.passChance)} of the time` : ""}; at most 1 is expected. Make a wrong choice the longest, and give multiple-answer questions one or two correct choices`,
    });
  }
  return { questions: quiz.questions.map(questionFigures), testWise, correctChoices, copiedChoices, findings };
}

export interface LibraryFigures {
  quizzes: number;
  single: number;
  longestCorrect: number;
  shortestCorrect: number;
  multiple: number;
  allButOne: number;
  fewCorrect: number;
  testWisePass: number;
  testWiseScore: number;
  correctChoices: number;
  copiedChoices: number;
}

export function libraryFigures(reviews: QuizReview[]): LibraryFigures {
  const questions = reviews.flatMap((r) => r.questions);
  const single = questions.filter((q) => q.type === "single");
  const multiple = questions.filter((q) => q.type === "multiple");
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    quizzes: reviews.length,
    single: single.length,
    longestCorrect: single.filter((q) => q.longestCorrect).length,
    shortestCorrect: single.filter((q) => q.shortestCorrect).length,
    multiple: multiple.length,
    allButOne: multiple.filter((q) => q.allButOne).length,
    fewCorrect: multiple.filter((q) => q.fewCorrect).length,
    testWisePass: mean(reviews.map((r) => r.testWise.passChance)),
    testWiseScore: mean(reviews.map((r) => r.testWise.expectedScore)),
    correctChoices: reviews.reduce((a, r) => a + r.correctChoices, 0),
    copiedChoices: reviews.reduce((a, r) => a + r.copiedChoices, 0),
  };
}

const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
const percent = (x: number) => `${round(100 * x, 1)}%`;
function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The library's figures as lines for content:check, each with its limit. */
export function describeFigures(f: LibraryFigures): string[] {
  return [
    `correct choice is the strictly longest: ${f.longestCorrect} of ${f.single} single-answer questions (${percent(share(f.longestCorrect, f.single))}; limit ${percent(QUIZ_LIMITS.longestCorrectShare)}); the strictly shortest: ${f.shortestCorrect} (${percent(share(f.shortestCorrect, f.single))}; limit ${percent(QUIZ_LIMITS.shortestCorrectShare)})`,
    `"all but one correct": ${f.allButOne} of ${f.multiple} multiple-answer questions (${percent(share(f.allButOne, f.multiple))}; limit ${percent(QUIZ_LIMITS.allButOneShare)}); one or two correct of four or more: ${f.fewCorrect} (${percent(share(f.fewCorrect, f.multiple))}; at least ${percent(QUIZ_LIMITS.fewCorrectShare)})`,
    `a test-wise learner who never reads a lesson passes ${percent(f.testWisePass)} of ${f.quizzes} quizzes (limit ${percent(QUIZ_LIMITS.testWisePassShare)}) and averages ${percent(f.testWiseScore)} (limit ${percent(QUIZ_LIMITS.testWiseScore)})`,
    `correct choices copying ${COPY_RUN}+ words of their lesson: ${f.copiedChoices} of ${f.correctChoices} (${percent(share(f.copiedChoices, f.correctChoices))}; limit ${percent(QUIZ_LIMITS.copiedShare)})`,
  ];
}

/** Library-wide limits that fail the check. */
export function figureProblems(f: LibraryFigures): string[] {
  const problems: string[] = [];
  if (share(f.longestCorrect, f.single) > QUIZ_LIMITS.longestCorrectShare) {
    problems.push(`quiz quality: the correct choice is the strictly longest in ${percent(share(f.longestCorrect, f.single))} of single-answer questions (limit ${percent(QUIZ_LIMITS.longestCorrectShare)})`);
  }
  if (share(f.shortestCorrect, f.single) > QUIZ_LIMITS.shortestCorrectShare) {
    problems.push(`quiz quality: the correct choice is the strictly shortest in ${percent(share(f.shortestCorrect, f.single))} of single-answer questions (limit ${percent(QUIZ_LIMITS.shortestCorrectShare)}): a reversed cue is still a cue`);
  }
  if (share(f.allButOne, f.multiple) > QUIZ_LIMITS.allButOneShare) {
    problems.push(`quiz quality: ${percent(share(f.allButOne, f.multiple))} of multiple-answer questions are "all but one correct" (limit ${percent(QUIZ_LIMITS.allButOneShare)})`);
  }
  if (f.multiple > 0 && share(f.fewCorrect, f.multiple) < QUIZ_LIMITS.fewCorrectShare) {
    problems.push(`quiz quality: only ${percent(share(f.fewCorrect, f.multiple))} of multiple-answer questions have one or two correct choices of four or more (at least ${percent(QUIZ_LIMITS.fewCorrectShare)})`);
  }
  if (f.testWisePass > QUIZ_LIMITS.testWisePassShare) {
    problems.push(`quiz quality: a test-wise learner passes ${percent(f.testWisePass)} of quizzes (limit ${percent(QUIZ_LIMITS.testWisePassShare)})`);
  }
  if (f.testWiseScore > QUIZ_LIMITS.testWiseScore) {
    problems.push(`quiz quality: a test-wise learner averages ${percent(f.testWiseScore)} (limit ${percent(QUIZ_LIMITS.testWiseScore)})`);
  }
  if (share(f.copiedChoices, f.correctChoices) > QUIZ_LIMITS.copiedShare) {
    problems.push(`quiz quality: ${percent(share(f.copiedChoices, f.correctChoices))} of correct choices copy ${COPY_RUN}+ words of their lesson (limit ${percent(QUIZ_LIMITS.copiedShare)})`);
  }
  return problems;
}
