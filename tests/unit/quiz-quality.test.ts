import { describe, expect, it } from "vitest";
import type { Quiz, QuizQuestion } from "#app/models/content.server.ts";
import { copiedRun, figureProblems, lessonRuns, libraryFigures, questionFigures, reviewQuiz, testWiseOutcome } from "#app/models/quiz-quality.server.ts";

function single(id: string, correct: string, ...wrong: string[]): QuizQuestion {
  return {
    id,
    type: "single",
    prompt: "?",
    choices: [
      { id: "a", text: correct, correct: true, feedback: "f" },
      ...wrong.map((text, i) => ({ id: `w${i}`, text, correct: false, feedback: "f" })),
    ],
  };
}

function multiple(id: string, correct: string[], wrong: string[]): QuizQuestion {
  return {
    id,
    type: "multiple",
    prompt: "? Choose all that apply.",
    choices: [
      ...correct.map((text, i) => ({ id: `c${i}`, text, correct: true, feedback: "f" })),
      ...wrong.map((text, i) => ({ id: `w${i}`, text, correct: false, feedback: "f" })),
    ],
  };
}

const quiz = (...questions: QuizQuestion[]): Quiz => ({ passPercent: 80, questions });

describe("the test-wise learner", () => {
  it("picks the longest single answer, sharing a tie at random", () => {
    expect(questionFigures(single("q", "A long right answer", "Short", "Also short"))).toMatchObject({ longestCorrect: true, testWiseChance: 1 });
    expect(questionFigures(single("q", "Right", "Wrong but longer"))).toMatchObject({ longestCorrect: false, shortestCorrect: true, testWiseChance: 0 });
    // Three choices of 9 letters, one of them right: a one-in-three guess, and not "strictly" longest.
    expect(questionFigures(single("q", "Ask first", "Hold it!!", "Just wait", "No"))).toMatchObject({ longestCorrect: false, testWiseChance: 1 / 3 });
  });

  it("drops the shortest choice of a multiple-answer question", () => {
    // All but one right, and the wrong one is the shortest: the learner gets it.
    const allButOne = multiple("q", ["Use her name", "Smile at her", "Look up now"], ["Nod"]);
    expect(questionFigures(allButOne)).toMatchObject({ allButOne: true, fewCorrect: false, testWiseChance: 1 });
    // One right of four: selecting three is always wrong.
    const oneRight = multiple("q", ["Her name"], ["The weather", "Her diagnosis", "Insurance"]);
    expect(questionFigures(oneRight)).toMatchObject({ allButOne: false, fewCorrect: true, testWiseChance: 0 });
    // All but one right, but two choices tie for shortest: a coin toss.
    const tied = multiple("q", ["Abc", "Longer one", "Longest one"], ["Xyz"]);
    expect(questionFigures(tied).testWiseChance).toBe(0.5);
  });

  it("scores a quiz exactly, ties included", () => {
    // Chances 1, 1, 0.5, 0 over four questions: expected 2.5 right (62.5%); passing needs 4 of 4, impossible.
    const q = quiz(
      single("a", "The longest choice here", "Short"),
      multiple("b", ["One right", "Two right", "Three right"], ["No"]),
      single("c", "Tied", "Also", "x"),
      single("d", "No", "Longer wrong"),
    );
    expect(testWiseOutcome(q)).toEqual({ expectedRight: 2.5, expectedScore: 0.625, passChance: 0 });
    // Four sure questions and one coin toss at 80%: passes whenever 4 of 5 are right, i.e. always.
    const easy = quiz(single("a", "Long answer", "x"), single("b", "Long answer", "x"), single("c", "Long answer", "x"), single("d", "Long answer", "x"), single("e", "Tie", "Abc"));
    expect(testWiseOutcome(easy)).toMatchObject({ expectedRight: 4.5, passChance: 1 });
    // Three coin tosses, passing at 3 of 3: 1/8.
    const coins = quiz(single("a", "Tie", "Abc"), single("b", "Tie", "Abc"), single("c", "Tie", "Abc"));
    expect(testWiseOutcome(coins).passChance).toBeCloseTo(0.125, 10);
  });
});

describe("copying the lesson", () => {
  const runs = lessonRuns("<SayThis>\n\n\"Hi, this message is for Linh Tran. Please call us back.\"\n\n</SayThis>\n");
  it("finds a run of eight words, ignoring case, punctuation and markup", () => {
    expect(copiedRun("Say: hi — this message is for LINH TRAN, please call", runs)).toBe("hi this message is for linh tran please");
    expect(copiedRun("This message is for Linh Tran. Call back.", runs)).toBeNull();
  });
});

describe("library figures", () => {
  it("counts and limits, with a hand-worked library", () => {
    const body = "Make eye contact within seconds and greet every patient by name at the window.";
    const reviews = [
      reviewQuiz(quiz(single("a", "Longest right answer", "x"), single("b", "x", "Longer wrong"), multiple("c", ["A1", "B2", "C3"], ["d"])), body),
      reviewQuiz(quiz(single("a", "y", "Longer wrong"), single("b", "y", "Longer wrong"), multiple("c", ["Right"], ["Wrong one", "Wrong two", "Wrong 3"])), body),
    ];
    const f = libraryFigures(reviews);
    expect(f).toMatchObject({ quizzes: 2, single: 4, longestCorrect: 1, shortestCorrect: 3, multiple: 2, allButOne: 1, fewCorrect: 1, correctChoices: 8, copiedChoices: 0 });
    // Quiz one: chances 1, 0, 1 → 2 of 3 right (66.7%), passes never (needs 3 of 3); quiz two: 0.
    expect(f.testWiseScore).toBeCloseTo(1 / 3, 10);
    expect(f.testWisePass).toBe(0);
    // 25% longest (limit 35%), 75% shortest (limit 35%), 50% all-but-one (limit 40%), 50% few-correct (min 25%), score 33% (limit 40%).
    expect(figureProblems(f)).toEqual([
      expect.stringMatching(/the correct choice is the strictly shortest in 75% of single-answer questions/),
      expect.stringMatching(/50% of multiple-answer questions are "all but one correct"/),
    ]);
    expect(reviews[0]!.findings.map((x) => x.message)).toEqual([expect.stringMatching(/gets 2 of 3 questions right; at most 1 is expected/)]);
  });
});
