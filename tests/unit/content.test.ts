import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadContent, publicQuiz, readingGrade, type Problem } from "#app/models/content.server.ts";
import { compileLessons, compileSource } from "#app/models/lesson-compiler.server.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";

afterEach(removeTempDirs);

const PARAGRAPH =
  "A patient walks up to the desk. You look up and smile. You say hello and use her name. She feels seen and calm. ";

function lesson(fields: Record<string, string> = {}, words = 700) {
  const body = PARAGRAPH.repeat(Math.ceil(words / 24));
  const fm = {
    title: "The first ten seconds",
    summary: "Greet every patient within seconds.",
    minutes: "5",
    order: "1",
    objectives: "\n  - Greet every patient.",
    skills: "[greeting]",
    reviewed: "2026-06-01",
    ...fields,
  };
  const lines = Object.entries(fm)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v}`);
  return `---\n${lines.join("\n")}\n---\n\n<Scenario title="Monday">\n\n${body}\n\n</Scenario>\n`;
}

const QUIZ = `questions:
  - id: q-one
    type: single
    prompt: What first?
    choices:
      - id: a
        text: Smile
        correct: true
        feedback: They feel seen.
      - id: b
        text: Stare
        feedback: A wait feels long.
  - id: q-two
    type: multiple
    prompt: Which? Choose all that apply.
    choices:
      - id: a
        text: Name
        correct: true
        feedback: Personal.
      - id: b
        text: Weather
        feedback: Delays.
      - id: c
        text: Their diagnosis
        feedback: Private.
      - id: d
        text: Insurance plan
        feedback: Not now.
  - id: q-three
    type: single
    prompt: Hold?
    choices:
      - id: a
        text: Ask first
        correct: true
        feedback: Safe.
      - id: b
        text: Just hold
        feedback: Risky.
`;

/** A valid one-module content folder; `files` overrides or adds files (null deletes). */
function contentDir(files: Record<string, string | null> = {}): string {
  const dir = tempDir("deskcoach-content-");
  const all: Record<string, string | null> = {
    "skills.yaml": "- id: greeting\n  label: Greeting\n- id: phone\n  label: Phone\n",
    "basics/module.yaml": "title: Basics\nsummary: The basics.\norder: 1\nskills: [greeting]\n",
    "basics/first-ten-seconds.mdx": lesson(),
    "basics/first-ten-seconds.quiz.yaml": QUIZ,
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    if (text === null) continue;
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function problemsFor(files: Record<string, string | null>): Problem[] {
  return loadContent(contentDir(files)).problems;
}

function expectProblem(problems: Problem[], file: string, message: RegExp, line?: number) {
  const hit = problems.find((p) => p.file.endsWith(file) && message.test(p.message));
  expect(hit, `expected a problem in ${file} matching ${message}; got ${JSON.stringify(problems)}`).toBeDefined();
  if (line !== undefined) expect(hit?.line).toBe(line);
}

describe("content validation", () => {
  it("accepts a valid folder", () => {
    const { problems, content } = loadContent(contentDir());
    expect(problems).toEqual([]);
    expect(content.modules[0]?.lessons[0]).toMatchObject({ slug: "first-ten-seconds", minutes: 5 });
    expect(content.modules[0]?.lessons[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts the real library: at least 10 modules and 52 lessons, each within the rules", () => {
    const { problems, content, figures } = loadContent("content");
    expect(problems).toEqual([]);
    const lessons = content.modules.flatMap((m) => m.lessons);
    expect(content.modules.length).toBeGreaterThanOrEqual(10);
    expect(lessons.length).toBeGreaterThanOrEqual(52);
    // Quizzes that measure learning: a learner who never reads a lesson fails.
    expect(figures.testWisePass).toBeLessThanOrEqual(0.05);
    expect(figures.testWiseScore).toBeLessThanOrEqual(0.4);
    const rules = new Set(content.skills.filter((s) => s.rules).map((s) => s.id));
    for (const l of lessons) {
      expect(l.reviewed, l.slug).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (l.skills.some((s) => rules.has(s))) expect(l.sources.length, l.slug).toBeGreaterThan(0);
    }
    for (const l of lessons) {
      expect(l.quiz?.questions.length ?? 0, l.slug).toBeGreaterThanOrEqual(3);
      expect(l.readingGrade, l.slug).toBeLessThanOrEqual(10);
      expect(Math.abs(l.estimatedMinutes - l.minutes), l.slug).toBeLessThanOrEqual(1);
    }
    const types = new Set(lessons.flatMap((l) => l.quiz?.questions.map((q) => q.type) ?? []));
    expect(types).toEqual(new Set(["single", "multiple"]));
  });

  it("names the file and line of broken YAML", () => {
    const problems = problemsFor({ "basics/first-ten-seconds.quiz.yaml": "questions:\n  - id: [unclosed\n" });
    expectProblem(problems, "basics/first-ten-seconds.quiz.yaml", /invalid YAML/);
    expect(problems[0]?.line).toBeGreaterThan(1);
  });

  it("refuses an unknown question type", () => {
    const problems = problemsFor({ "basics/first-ten-seconds.quiz.yaml": QUIZ.replace("type: multiple", "type: essay") });
    expectProblem(problems, "first-ten-seconds.quiz.yaml", /type must be "single" or "multiple"/, 14);
  });

  it("refuses duplicate question ids", () => {
    const problems = problemsFor({ "basics/first-ten-seconds.quiz.yaml": QUIZ.replace("id: q-two", "id: q-one") });
    expectProblem(problems, "first-ten-seconds.quiz.yaml", /duplicate question id "q-one"/, 13);
  });

  it("refuses a question with no correct choice, and a single-answer one with two", () => {
    const none = QUIZ.replace("        text: Name\n        correct: true\n", "        text: Name\n");
    expectProblem(problemsFor({ "basics/first-ten-seconds.quiz.yaml": none }), "first-ten-seconds.quiz.yaml", /"q-two" has no correct choice/);
    const two = QUIZ.replace("        text: Stare\n", "        text: Stare\n        correct: true\n");
    expectProblem(problemsFor({ "basics/first-ten-seconds.quiz.yaml": two }), "first-ten-seconds.quiz.yaml", /has 2 correct choices; it needs exactly one/);
  });

  it("refuses a choice without feedback", () => {
    const problems = problemsFor({ "basics/first-ten-seconds.quiz.yaml": QUIZ.replace("        feedback: Delays.\n", "") });
    expectProblem(problems, "first-ten-seconds.quiz.yaml", /feedback/);
  });

  it("refuses a duplicate lesson slug across modules", () => {
    const problems = problemsFor({
      "more/module.yaml": "title: More\nsummary: More.\norder: 2\nskills: [greeting]\n",
      "more/first-ten-seconds.mdx": lesson(),
    });
    expectProblem(problems, "more/first-ten-seconds.mdx", /duplicate lesson slug "first-ten-seconds" \(also .*basics\/first-ten-seconds\.mdx\)/);
  });

  it("refuses a missing frontmatter field, naming the field", () => {
    const problems = problemsFor({ "basics/first-ten-seconds.mdx": lesson({ objectives: "" }) });
    expectProblem(problems, "basics/first-ten-seconds.mdx", /frontmatter: missing field "objectives"/);
  });

  it("refuses unknown skills, wrong minutes, too few questions and unknown components", () => {
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": lesson({ skills: "[juggling]" }) }), "first-ten-seconds.mdx", /unknown skill "juggling"/, 8);
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": lesson({ minutes: "9" }) }), "first-ten-seconds.mdx", /minutes is 9 but \d+ words read in about 5/, 4);
    const twoQuestions = QUIZ.slice(0, QUIZ.indexOf("  - id: q-three"));
    expectProblem(problemsFor({ "basics/first-ten-seconds.quiz.yaml": twoQuestions }), "quiz.yaml", /3–5 questions/);
    const withTag = lesson().replace("<Scenario", "<Quiz />\n\n<Scenario");
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": withTag }), "first-ten-seconds.mdx", /<Quiz> is not allowed/);
  });

  it("reports a reading grade and refuses one above 10", () => {
    const hard =
      "Comprehensive administrative documentation requirements necessitate meticulous verification of beneficiary eligibility characteristics, notwithstanding organizational considerations. ";
    const text = lesson().replace(/<Scenario[\s\S]*<\/Scenario>/, hard.repeat(40));
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": text }), "first-ten-seconds.mdx", /reading grade [\d.]+ is above 10/);
    expect(readingGrade("The cat sat on the mat. It was warm.")).toBeLessThan(3);
  });

  it("asks a rule-teaching lesson for its sources, and checks each source", () => {
    const skills = "- id: greeting\n  label: Greeting\n- id: privacy\n  label: Privacy\n  rules: true\n";
    const bare = problemsFor({ "skills.yaml": skills, "basics/first-ten-seconds.mdx": lesson({ skills: "[greeting, privacy]" }) });
    expectProblem(bare, "first-ten-seconds.mdx", /teaches a rule \(skill "privacy"\): list its sources/, 8);
    const cited = lesson({ skills: "[greeting, privacy]", sources: "\n  - title: HIPAA Privacy Rule, minimum necessary\n    citation: 45 CFR 164.502(b)" });
    expect(problemsFor({ "skills.yaml": skills, "basics/first-ten-seconds.mdx": cited })).toEqual([]);
    const scripted = lesson({ sources: "\n  - title: A page\n    url: javascript:alert(1)" });
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": scripted }), "first-ten-seconds.mdx", /must (be a web address|start with https)/);
    const untitled = lesson({ sources: "\n  - title: HHS" });
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": untitled }), "first-ten-seconds.mdx", /needs a citation .* or a url/);
  });

  it("asks every lesson for a reviewed date and warns a year after it", () => {
    const { content } = loadContent(contentDir());
    expect(content.modules[0]?.lessons[0]).toMatchObject({ reviewed: "2026-06-01", sources: [] });
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": lesson({ reviewed: "" }) }), "first-ten-seconds.mdx", /missing field "reviewed"/);
    expectProblem(problemsFor({ "basics/first-ten-seconds.mdx": lesson({ reviewed: "2026-02-30" }) }), "first-ten-seconds.mdx", /not a real date/);
    expect(loadContent(contentDir(), { today: "2027-05-31" }).warnings).toEqual([]);
    const late = loadContent(contentDir(), { today: "2027-06-01" });
    expect(late.problems).toEqual([]);
    expect(late.warnings).toEqual([
      expect.objectContaining({ line: 9, message: expect.stringMatching(/reviewed 2026-06-01: more than 12 months ago/) }),
    ]);
    expectProblem(loadContent(contentDir(), { today: "2026-05-31" }).problems, "first-ten-seconds.mdx", /in the future/);
  });

  it("warns, with the line, about a correct choice copied from the lesson and an unexplained never", () => {
    const copied = QUIZ.replace("        text: Smile\n", "        text: You look up and smile. You say hello and use her name.\n")
      .replace("        text: Stare\n", "        text: Stare at the screen until the patient at the window speaks to you first\n")
      .replace(
      "        text: Ask first\n",
      "        text: Never hold without asking\n",
    );
    const { warnings, problems } = loadContent(contentDir({ "basics/first-ten-seconds.quiz.yaml": copied }));
    expect(warnings.map((w) => [w.line, w.message.replace(/\(.*/, "").trim()])).toEqual([
      [7, 'question "q-one": the correct choice copies the lesson word for word'],
      [35, 'question "q-three": "Never" marks a choice to a test-wise reader; reword it, or add `absolute: <why>` when the rule really is absolute'],
    ]);
    // One of the library's three correct choices copied is a third: over the library's limit.
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/33\.3% of correct choices copy 8\+ words of their lesson \(limit 5%\)/));
    const explained = copied.replace("        text: Never hold without asking\n", "        text: Never hold without asking\n        absolute: Holding without asking is refused by every caller.\n");
    expect(loadContent(contentDir({ "basics/first-ten-seconds.quiz.yaml": explained })).warnings.map((w) => w.line)).toEqual([7]);
  });

  it("keeps the key out of what the browser gets", () => {
    const { content } = loadContent(contentDir());
    const quiz = content.modules[0]?.lessons[0]?.quiz;
    expect(quiz).toBeTruthy();
    const shown = JSON.stringify(publicQuiz(quiz!));
    expect(shown).not.toContain("correct");
    expect(shown).not.toContain("They feel seen.");
  });

  it("compiles MDX and reports a compile error with the file", async () => {
    const ok = loadContent(contentDir()).content.modules[0]!.lessons;
    const compiled = await compileLessons(ok, tempDir());
    expect(compiled.problems).toEqual([]);
    expect(compiled.code.size).toBe(1);
    // Broken MDX is refused, with its line, before anything is compiled (authored-mdx.server.ts)…
    const broken = loadContent(contentDir({ "basics/first-ten-seconds.mdx": lesson().replace("</Scenario>", "") }));
    expectProblem(broken.problems, "first-ten-seconds.mdx", /MDX/);
    expect(broken.content.modules[0]?.lessons ?? []).toEqual([]);
    // …and the compiler still names the file of anything it cannot compile.
    const failed = await compileLessons([{ ...ok[0]!, source: ok[0]!.source.replace("</Scenario>", ""), contentHash: "broken" }], tempDir());
    expectProblem(failed.problems, "first-ten-seconds.mdx", /MDX/);
  });

  it("compiles in its worker thread several lessons asked for at once, each answer to its own lesson", async () => {
    const ok = loadContent(contentDir()).content.modules[0]!.lessons[0]!;
    const cache = tempDir();
    const variants = [1, 2, 3].map((n) => ({ source: `${ok.source}\nVariant number ${n} of this lesson.\n`, hash: `variant-${n}` }));
    const results = await Promise.all([
      ...variants.map((v) => compileSource(v.source, v.hash, cache)),
      compileSource(ok.source.replace("</Scenario>", ""), "broken-at-once", cache),
    ]);
    variants.forEach((v, i) => {
      const result = results[i]!;
      expect("code" in result && result.code).toContain(`Variant number ${v.hash.slice(-1)} of this lesson.`);
      for (const other of variants.filter((o) => o !== v)) expect("code" in result && result.code).not.toContain(`Variant number ${other.hash.slice(-1)} `);
    });
    expect(results[3]).toMatchObject({ problem: { message: expect.stringMatching(/^MDX: /) } });
    // What a compile produced is kept: the same source again is read from the cache.
    expect(await compileSource(variants[0]!.source, variants[0]!.hash, cache)).toEqual(results[0]);
  });
});
