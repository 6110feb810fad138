// The curriculum on disk: reading and validating modules, lessons and quizzes, naming the file and
// line of every problem, and hashing each lesson. The shapes are content-schema.server.ts's, prose
// measures readability.server.ts's, quiz quality quiz-quality.server.ts's; compilation lives in
// lesson-compiler.server.ts and the database catalog in catalog.server.ts.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import {
  frontmatterSchema,
  moduleSchema,
  quizSchema,
  skillsFileSchema,
  slug,
  type LessonSource,
  type ModuleSource,
  type Problem,
  type Quiz,
  type Skill,
} from "./content-schema.server.ts";
import { describeFigures, figureProblems, libraryFigures, reviewQuiz, type LibraryFigures, type QuizReview } from "./quiz-quality.server.ts";
import { checkLessonBody } from "./authored-mdx.server.ts";
import { countWords, MAX_READING_GRADE, proseOf, readingGrade, WORDS_PER_MINUTE } from "./readability.server.ts";
import { addMonthsTo } from "#app/rules/dates.ts";
import { phraseProblem, type ThemeRule } from "./themes.ts";

export type {
  LessonSource,
  LessonSourceRef,
  ModuleSource,
  Problem,
  PublicQuestion,
  Quiz,
  QuizChoice,
  QuizQuestion,
  Skill,
} from "./content-schema.server.ts";
export { LESSON_COMPONENTS, publicQuiz } from "./content-schema.server.ts";
export { MAX_READING_GRADE, readingGrade } from "./readability.server.ts";

/** A lesson is due for another accuracy review this many months after its `reviewed` date. */
export const REVIEW_MONTHS = 12;

export interface Content {
  skills: Skill[];
  modules: ModuleSource[];
  /** Phrase rules matching patient comments to skills (content/themes.yaml, optional). */
  themes?: ThemeRule[];
}

export interface ContentResult {
  content: Content;
  /** Errors: the content may not be served until they are fixed. */
  problems: Problem[];
  /** Advice with a line (quiz quality per quiz, a review that is due): printed, never fatal. */
  warnings: Problem[];
  /** The library's quiz-quality figures, as content:check prints them. */
  quizFigures: string[];
  figures: LibraryFigures;
}

export function sha256(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

/** Collects problems for one file, turning YAML paths into line numbers. */
class FileReport {
  constructor(
    private readonly problems: Problem[],
    readonly file: string,
    private readonly lineOffset = 0,
  ) {}

  add(message: string, line = 1): void {
    this.problems.push({ file: this.file, line: line + this.lineOffset, message });
  }

  /** Parses YAML; returns undefined (with problems recorded) when it is not valid YAML. */
  parseYaml(source: string): { value: unknown; lineOf: (p: readonly PropertyKey[]) => number } | undefined {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const line = error.linePos?.[0].line ?? 1;
        this.add(`invalid YAML: ${error.message.split("\n")[0]}`, line);
      }
      return undefined;
    }
    return { value: doc.toJS(), lineOf: (p) => lineOfPath(doc, lineCounter, p) };
  }

  zodIssues(error: z.ZodError, lineOf: (p: readonly PropertyKey[]) => number, prefix = ""): void {
    for (const issue of error.issues) {
      const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      const message =
        issue.code === "invalid_type" && issue.received === "undefined"
          ? `${prefix}missing field "${issue.path.join(".")}"`
          : issue.code === "unrecognized_keys"
            ? `${prefix}${where}unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`
            : `${prefix}${where}${issue.message}`;
      this.add(message, lineOf(issue.path));
    }
  }
}

function lineOfPath(doc: Document, lineCounter: LineCounter, p: readonly PropertyKey[]): number {
  // Walk down as far as the path exists; report the deepest node we reach.
  for (let depth = p.length; depth >= 0; depth--) {
    const node = doc.getIn(p.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && (isMap(node) || isSeq(node) || node.range)) {
      const offset = node.range?.[0];
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
  }
  return 1;
}

export function splitFrontmatter(source: string): { frontmatter: string; body: string; bodyLine: number } | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) return null;
  const frontmatter = match[1] ?? "";
  return {
    frontmatter,
    body: source.slice(match[0].length),
    bodyLine: frontmatter.split("\n").length + 3,
  };
}

function readFile(file: string): string {
  return fs.readFileSync(file, "utf8");
}

/**
 * Reads and validates the whole content folder. Never throws for bad content: every problem is
 * returned with its file and line, and whatever was valid is in `content`. `today` (YYYY-MM-DD)
 * decides which lessons are due for review.
 */
export function loadContent(contentDir: string, options: { today?: string } = {}): ContentResult {
  const root = path.resolve(contentDir);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  const modules: ModuleSource[] = [];
  const reviews: QuizReview[] = [];
  const finish = (skills: Skill[], themes?: ThemeRule[]): ContentResult => {
    const figures = libraryFigures(reviews);
    for (const message of figureProblems(figures)) problems.push({ file: rel(root), line: 1, message });
    return { content: { skills, modules, themes }, problems, warnings, quizFigures: describeFigures(figures), figures };
  };

  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    problems.push({ file: rel(root), line: 1, message: "content folder not found" });
    return finish([]);
  }

  // Skills
  const skillsFile = path.join(root, "skills.yaml");
  let skills: Skill[] = [];
  if (!fs.existsSync(skillsFile)) {
    problems.push({ file: rel(skillsFile), line: 1, message: "missing skills.yaml (the list of skills)" });
  } else {
    const report = new FileReport(problems, rel(skillsFile));
    const parsed = report.parseYaml(readFile(skillsFile));
    if (parsed) {
      const result = skillsFileSchema.safeParse(parsed.value);
      if (result.success) skills = result.data;
      else report.zodIssues(result.error, parsed.lineOf);
    }
  }
  const skillIds = new Set(skills.map((s) => s.id));
  const checkSkills = (report: FileReport, list: string[], line: number) => {
    for (const id of list) {
      if (!skillIds.has(id)) report.add(`unknown skill "${id}" (see content/skills.yaml)`, line);
    }
  };

  const lessonFiles = new Map<string, string>();
  const moduleDirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith(".") && !d.name.startsWith("_"))
    .map((d) => d.name)
    .sort();

  for (const moduleSlug of moduleDirs) {
    const dir = path.join(root, moduleSlug);
    const moduleFile = path.join(dir, "module.yaml");
    if (!slug.safeParse(moduleSlug).success) {
      problems.push({ file: rel(dir), line: 1, message: "module folder name must be lowercase words joined by hyphens" });
      continue;
    }
    if (!fs.existsSync(moduleFile)) {
      problems.push({ file: rel(moduleFile), line: 1, message: "missing module.yaml" });
      continue;
    }
    const moduleReport = new FileReport(problems, rel(moduleFile));
    const moduleText = readFile(moduleFile);
    const parsedModule = moduleReport.parseYaml(moduleText);
    if (!parsedModule) continue;
    const moduleResult = moduleSchema.safeParse(parsedModule.value);
    if (!moduleResult.success) {
      moduleReport.zodIssues(moduleResult.error, parsedModule.lineOf);
      continue;
    }
    const meta = moduleResult.data;
    checkSkills(moduleReport, meta.skills, parsedModule.lineOf(["skills"]));

    const lessons: LessonSource[] = [];
    const entries = fs.readdirSync(dir).sort();
    // The module's pictures (images/<name>.png|jpg|webp), which its lessons may show.
    const imagesDir = path.join(dir, "images");
    const imageNames = new Set<string>();
    if (fs.existsSync(imagesDir) && fs.statSync(imagesDir).isDirectory()) {
      for (const name of fs.readdirSync(imagesDir).sort()) {
        if (/^[a-z0-9][a-z0-9-]*\.(png|jpg|webp)$/.test(name) && fs.statSync(path.join(imagesDir, name)).isFile()) imageNames.add(name);
        else problems.push({ file: rel(path.join(imagesDir, name)), line: 1, message: "unexpected file (pictures are lowercase words joined by hyphens, .png, .jpg or .webp)" });
      }
    }
    for (const entry of entries) {
      if (entry === "module.yaml" || (entry === "images" && fs.statSync(imagesDir).isDirectory())) continue;
      if (entry.endsWith(".quiz.yaml")) {
        const lessonSlug = entry.slice(0, -".quiz.yaml".length);
        if (!entries.includes(`${lessonSlug}.mdx`)) {
          problems.push({ file: rel(path.join(dir, entry)), line: 1, message: `quiz without a lesson (${lessonSlug}.mdx)` });
        }
        continue;
      }
      if (!entry.endsWith(".mdx")) {
        problems.push({ file: rel(path.join(dir, entry)), line: 1, message: "unexpected file (lessons are .mdx, quizzes .quiz.yaml)" });
        continue;
      }
      const lessonSlug = entry.slice(0, -".mdx".length);
      const quizPath = path.join(dir, `${lessonSlug}.quiz.yaml`);
      const checked = checkLesson(
        {
          moduleSlug,
          lessonSlug,
          source: readFile(path.join(dir, entry)),
          quizText: fs.existsSync(quizPath) ? readFile(quizPath) : null,
          file: rel(path.join(dir, entry)),
          quizFile: rel(quizPath),
          imageNames,
        },
        { skills, today },
      );
      problems.push(...checked.problems);
      warnings.push(...checked.warnings);
      const lesson = checked.lesson;
      if (!lesson) continue;
      if (checked.review) reviews.push(checked.review);
      const earlier = lessonFiles.get(lesson.slug);
      if (earlier) {
        problems.push({
          file: lesson.file,
          line: 1,
          message: `duplicate lesson slug "${lesson.slug}" (also ${earlier}); lesson slugs are unique across modules`,
        });
        continue;
      }
      lessonFiles.set(lesson.slug, lesson.file);
      lessons.push(lesson);
    }

    lessons.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
    const orders = new Map<number, string>();
    for (const lesson of lessons) {
      const other = orders.get(lesson.order);
      if (other) {
        problems.push({ file: lesson.file, line: 1, message: `order ${lesson.order} is also used by ${other}` });
      }
      orders.set(lesson.order, lesson.slug);
    }
    if (lessons.length === 0) moduleReport.add("module has no lessons");

    modules.push({
      slug: moduleSlug,
      title: meta.title,
      summary: meta.summary,
      order: meta.order,
      skills: meta.skills,
      contentHash: sha256(moduleText, ...lessons.map((l) => l.contentHash)),
      lessons,
    });
  }

  modules.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  const themes = loadThemes(path.join(root, "themes.yaml"), skillIds, problems, rel);
  return finish(skills, themes);
}

/** content/themes.yaml: skill id → phrases. The file is optional; without it nothing is matched. */
function loadThemes(file: string, skillIds: Set<string>, problems: Problem[], rel: (file: string) => string): ThemeRule[] {
  if (!fs.existsSync(file)) return [];
  const report = new FileReport(problems, rel(file));
  const source = readFile(file);
  const parsed = report.parseYaml(source);
  if (!parsed) return [];
  // A top-level key's own line (lineOf would give the line of its value).
  const keyLine = (key: string) => {
    const index = source.split("\n").findIndex((l) => l.startsWith(`${key}:`));
    return index >= 0 ? index + 1 : parsed.lineOf([key]);
  };
  const value = parsed.value;
  if (value === null || value === undefined) return [];
  if (typeof value !== "object" || Array.isArray(value)) {
    report.add("themes.yaml must map skill ids to lists of phrases");
    return [];
  }
  const themes: ThemeRule[] = [];
  for (const [skill, phrases] of Object.entries(value as Record<string, unknown>)) {
    if (!skillIds.has(skill)) {
      report.add(`unknown skill "${skill}" (see content/skills.yaml)`, keyLine(skill));
      continue;
    }
    if (!Array.isArray(phrases) || phrases.length === 0) {
      report.add(`${skill}: needs a list of phrases`, keyLine(skill));
      continue;
    }
    const seen = new Set<string>();
    const valid: string[] = [];
    phrases.forEach((phrase: unknown, i) => {
      const problem = phraseProblem(phrase);
      if (problem) return report.add(`${skill}: ${problem}`, parsed.lineOf([skill, i]));
      const key = String(phrase).trim().toLowerCase();
      if (seen.has(key)) return report.add(`${skill}: phrase "${key}" is listed twice`, parsed.lineOf([skill, i]));
      seen.add(key);
      valid.push(String(phrase).trim());
    });
    themes.push({ skill, phrases: valid });
  }
  return themes;
}

/** One lesson as written: its MDX file and, if it has one, its quiz file. */
export interface LessonInput {
  moduleSlug: string;
  lessonSlug: string;
  source: string;
  quizText: string | null;
  /** The names problems are reported under. */
  file: string;
  quizFile: string;
  /** The pictures the lesson may show (`images/<name>`); without it, any well-formed name passes. */
  imageNames?: ReadonlySet<string>;
}

export interface LessonCheck {
  lesson: LessonSource | null;
  problems: Problem[];
  warnings: Problem[];
  review: QuizReview | null;
}

/**
 * Every rule for one lesson and its quiz, without touching the file system: content:check and
 * the server's start use it for the library, and anything else that accepts a lesson must too.
 */
export function checkLesson(input: LessonInput, context: { skills: Skill[]; today: string }): LessonCheck {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const none = (): LessonCheck => ({ lesson: null, problems, warnings, review: null });
  const report = new FileReport(problems, input.file);
  if (!slug.safeParse(input.lessonSlug).success) {
    report.add("lesson file name must be lowercase words joined by hyphens");
    return none();
  }
  const split = splitFrontmatter(input.source);
  if (!split) {
    report.add("missing frontmatter (a --- block with title, summary, minutes, order, objectives, skills, reviewed)");
    return none();
  }
  // Frontmatter starts on line 2 of the file.
  const fmReport = new FileReport(problems, input.file, 1);
  const parsed = fmReport.parseYaml(split.frontmatter);
  if (!parsed) return none();
  const fm = frontmatterSchema.safeParse(parsed.value ?? {});
  if (!fm.success) {
    fmReport.zodIssues(fm.error, parsed.lineOf, "frontmatter: ");
    return none();
  }
  const skillsById = new Map(context.skills.map((s) => [s.id, s] as const));
  for (const id of fm.data.skills) {
    if (!skillsById.has(id)) fmReport.add(`unknown skill "${id}" (see content/skills.yaml)`, parsed.lineOf(["skills"]));
  }
  const ruleSkills = fm.data.skills.filter((id) => skillsById.get(id)?.rules);
  if (ruleSkills.length > 0 && fm.data.sources.length === 0) {
    fmReport.add(
      `frontmatter: this lesson teaches a rule (skill ${ruleSkills.map((id) => `"${id}"`).join(", ")}): list its sources (sources: a title with a citation or url)`,
      parsed.lineOf(["skills"]),
    );
  }
  if (reviewDueOn(fm.data.reviewed) <= context.today) {
    new FileReport(warnings, input.file, 1).add(
      `reviewed ${fm.data.reviewed}: more than ${REVIEW_MONTHS} months ago; check the lesson is still accurate and update the date`,
      parsed.lineOf(["reviewed"]),
    );
  } else if (fm.data.reviewed > context.today) {
    fmReport.add(`frontmatter: reviewed ${fm.data.reviewed} is in the future`, parsed.lineOf(["reviewed"]));
  }

  // Before anything else reads the body as MDX: only Markdown and the lesson components (authored-mdx.server.ts).
  for (const p of checkLessonBody(split.body, { bodyLine: split.bodyLine, imageNames: input.imageNames })) report.add(p.message, p.line);

  const prose = proseOf(split.body);
  const deferrals = prose.match(/\boffice['’]s (own )?polic(y|ies)\b/gi)?.length ?? 0;
  if (deferrals > 1) {
    new FileReport(warnings, input.file).add(
      `"your office's policy" ${deferrals} times: at most once a lesson; say what the policy usually is and who decides`,
      split.bodyLine,
    );
  }
  const words = countWords(prose);
  const estimatedMinutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
  const grade = readingGrade(split.body);
  if (Math.abs(estimatedMinutes - fm.data.minutes) > 1) {
    fmReport.add(
      `minutes is ${fm.data.minutes} but ${words} words read in about ${estimatedMinutes} (at ${WORDS_PER_MINUTE} words a minute)`,
      parsed.lineOf(["minutes"]),
    );
  }
  if (grade > MAX_READING_GRADE) {
    report.add(`reading grade ${grade} is above ${MAX_READING_GRADE}: use shorter sentences and plainer words`, split.bodyLine);
  }

  let quiz: Quiz | null = null;
  let review: QuizReview | null = null;
  if (input.quizText !== null) {
    const quizReport = new FileReport(problems, input.quizFile);
    const parsedQuiz = quizReport.parseYaml(input.quizText);
    if (!parsedQuiz) return none();
    const result = quizSchema.safeParse(parsedQuiz.value ?? {});
    if (!result.success) {
      quizReport.zodIssues(result.error, parsedQuiz.lineOf);
      return none();
    }
    quiz = result.data;
    review = reviewQuiz(quiz, split.body);
    const warn = new FileReport(warnings, input.quizFile);
    for (const finding of review.findings) warn.add(finding.message, parsedQuiz.lineOf(finding.path));
  }
  if (problems.length > 0) return { lesson: null, problems, warnings, review: null };

  return {
    lesson: {
      slug: input.lessonSlug,
      moduleSlug: input.moduleSlug,
      ...fm.data,
      source: input.source,
      quiz,
      contentHash: sha256(input.source, input.quizText ?? ""),
      words,
      estimatedMinutes,
      readingGrade: grade,
      file: input.file,
      quizFile: input.quizText === null ? null : input.quizFile,
    },
    problems,
    warnings,
    review,
  };
}

/** The day a lesson reviewed on `reviewed` (YYYY-MM-DD) is due for its next accuracy review. */
export function reviewDueOn(reviewed: string): string {
  return addMonthsTo(reviewed, REVIEW_MONTHS);
}
