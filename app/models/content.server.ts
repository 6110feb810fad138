// The curriculum on disk: reading, validating and hashing modules, lessons and quizzes.
// Compilation lives in lesson-compiler.server.ts; the database catalog in catalog.server.ts.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fleschKincaid } from "flesch-kincaid";
import { syllable } from "syllable";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { phraseProblem, type ThemeRule } from "./themes.ts";

export const LESSON_COMPONENTS = [
  "Scenario",
  "SayThis",
  "NotThis",
  "Tip",
  "KeyPoint",
  "Practice",
  "Takeaways",
] as const;

/** A relaxed reading pace for a five-minute lesson: 500–900 words read in 4–6 minutes. */
export const WORDS_PER_MINUTE = 150;
export const MAX_READING_GRADE = 10;

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Skill {
  id: string;
  label: string;
}

export interface QuizChoice {
  id: string;
  text: string;
  correct: boolean;
  feedback: string;
}

export interface QuizQuestion {
  id: string;
  type: "single" | "multiple";
  prompt: string;
  choices: QuizChoice[];
  explanation?: string;
}

export interface Quiz {
  passPercent: number;
  questions: QuizQuestion[];
}

export interface LessonSource {
  slug: string;
  moduleSlug: string;
  title: string;
  summary: string;
  minutes: number;
  order: number;
  objectives: string[];
  skills: string[];
  /** The MDX file as written, frontmatter included (mdx-bundler wants the whole file). */
  source: string;
  quiz: Quiz | null;
  /** SHA-256 over the lesson and its quiz: a completion records the version it was earned on. */
  contentHash: string;
  words: number;
  estimatedMinutes: number;
  readingGrade: number;
  file: string;
}

export interface ModuleSource {
  slug: string;
  title: string;
  summary: string;
  order: number;
  skills: string[];
  contentHash: string;
  lessons: LessonSource[];
}

export interface Content {
  skills: Skill[];
  modules: ModuleSource[];
  /** Phrase rules matching patient comments to skills (content/themes.yaml, optional). */
  themes?: ThemeRule[];
}

export interface ContentResult {
  content: Content;
  problems: Problem[];
}

const slug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase words joined by hyphens");
const text = z.string().trim().min(1, "must not be empty");

const skillsFileSchema = z.array(z.object({ id: slug, label: text }).strict()).min(1);

const moduleSchema = z
  .object({
    title: text,
    summary: text,
    order: z.number().int().positive(),
    skills: z.array(z.string()).min(1, "needs at least one skill"),
  })
  .strict();

const frontmatterSchema = z
  .object({
    title: text,
    summary: text,
    minutes: z.number().int().min(1).max(15),
    order: z.number().int().positive(),
    objectives: z.array(text).min(1, "needs at least one objective").max(6),
    skills: z.array(z.string()).min(1, "needs at least one skill").max(4),
  })
  .strict();

const choiceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "must be lowercase letters, digits or hyphens"),
    text,
    correct: z.boolean().optional().default(false),
    feedback: z.string({ required_error: "every choice needs feedback" }).trim().min(1, "every choice needs feedback"),
  })
  .strict();

const questionSchema = z
  .object({
    id: slug,
    type: z.enum(["single", "multiple"], {
      errorMap: () => ({ message: 'type must be "single" or "multiple"' }),
    }),
    prompt: text,
    choices: z.array(choiceSchema).min(2, "needs at least two choices").max(6),
    explanation: text.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const correct = q.choices.filter((c) => c.correct).length;
    if (correct === 0) {
      ctx.addIssue({ code: "custom", message: `question "${q.id}" has no correct choice`, path: ["choices"] });
    } else if (q.type === "single" && correct !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `single-answer question "${q.id}" has ${correct} correct choices; it needs exactly one`,
        path: ["choices"],
      });
    }
    const seen = new Set<string>();
    q.choices.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({ code: "custom", message: `duplicate choice id "${c.id}"`, path: ["choices", i, "id"] });
      }
      seen.add(c.id);
    });
  });

const quizSchema = z
  .object({
    passPercent: z.number().int().min(1).max(100).optional().default(80),
    questions: z.array(questionSchema).min(3, "a quiz has 3–5 questions").max(5, "a quiz has 3–5 questions"),
  })
  .strict()
  .superRefine((quiz, ctx) => {
    const seen = new Set<string>();
    quiz.questions.forEach((q, i) => {
      if (seen.has(q.id)) {
        ctx.addIssue({ code: "custom", message: `duplicate question id "${q.id}"`, path: ["questions", i, "id"] });
      }
      seen.add(q.id);
    });
  });

function sha256(...parts: string[]): string {
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

/** The words a learner reads: markup, component tags and their attributes removed. */
export function proseOf(body: string): string {
  return body
    .replace(/<[^>]*>/g, " ")
    .replace(/`{3}[\s\S]*?`{3}/g, " ")
    .replace(/^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+/gm, "")
    .replace(/[*_`]/g, "");
}

export function countWords(prose: string): number {
  return prose.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * Sentences of an MDX body for the reading grade. Hard-wrapped lines join into their paragraph;
 * a heading or list item stands as a sentence of its own.
 */
export function sentencesOf(body: string): string[] {
  const units: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) units.push(paragraph.join(" "));
    paragraph = [];
  };
  for (const raw of body.replace(/<[^>]*>/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "") {
      flush();
    } else if (/^(#{1,6}|[-*+]|\d+\.)\s+/.test(line)) {
      flush();
      units.push(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return units
    .map((u) => u.replace(/^(#{1,6}|[-*+]|\d+\.|>)\s+/, "").replace(/[*_`]/g, ""))
    .flatMap((u) => u.split(/(?<=[.!?])["”’)]*\s+/))
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Flesch–Kincaid grade of an MDX body, to one decimal. */
export function readingGrade(body: string): number {
  const sentences = sentencesOf(body);
  const words = sentences.flatMap((s) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)));
  if (words.length === 0) return 0;
  const syllables = words.reduce((sum, w) => sum + Math.max(1, syllable(w.replace(/[^\p{L}'-]/gu, "") || "a")), 0);
  const grade = fleschKincaid({ sentence: sentences.length, word: words.length, syllable: syllables });
  return Math.round(grade * 10) / 10;
}

function splitFrontmatter(source: string): { frontmatter: string; body: string; bodyLine: number } | null {
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
 * returned with its file and line, and whatever was valid is in `content`.
 */
export function loadContent(contentDir: string): ContentResult {
  const root = path.resolve(contentDir);
  const problems: Problem[] = [];
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  const modules: ModuleSource[] = [];

  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    problems.push({ file: rel(root), line: 1, message: "content folder not found" });
    return { content: { skills: [], modules }, problems };
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
    for (const entry of entries) {
      if (entry === "module.yaml") continue;
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
      const lesson = loadLesson(dir, moduleSlug, entry.slice(0, -".mdx".length), problems, rel, checkSkills);
      if (!lesson) continue;
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
  return { content: { skills, modules, themes }, problems };
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

function loadLesson(
  dir: string,
  moduleSlug: string,
  lessonSlug: string,
  problems: Problem[],
  rel: (file: string) => string,
  checkSkills: (report: FileReport, list: string[], line: number) => void,
): LessonSource | null {
  const file = path.join(dir, `${lessonSlug}.mdx`);
  const report = new FileReport(problems, rel(file));
  if (!slug.safeParse(lessonSlug).success) {
    report.add("lesson file name must be lowercase words joined by hyphens");
    return null;
  }
  const source = readFile(file);
  const split = splitFrontmatter(source);
  if (!split) {
    report.add("missing frontmatter (a --- block with title, summary, minutes, order, objectives, skills)");
    return null;
  }
  // Frontmatter starts on line 2 of the file.
  const fmReport = new FileReport(problems, rel(file), 1);
  const parsed = fmReport.parseYaml(split.frontmatter);
  if (!parsed) return null;
  const fm = frontmatterSchema.safeParse(parsed.value ?? {});
  if (!fm.success) {
    fmReport.zodIssues(fm.error, parsed.lineOf, "frontmatter: ");
    return null;
  }
  checkSkills(fmReport, fm.data.skills, parsed.lineOf(["skills"]));

  // Component names used in the body must be ones the lesson page provides.
  const known = new Set<string>(LESSON_COMPONENTS);
  split.body.split("\n").forEach((lineText, i) => {
    for (const m of lineText.matchAll(/<\/?([A-Za-z][\w.]*)/g)) {
      const name = m[1] ?? "";
      if (!known.has(name)) {
        report.add(`unknown component or HTML tag <${name}> (use ${LESSON_COMPONENTS.join(", ")})`, split.bodyLine + i);
      }
    }
    if (/^\s*(import|export)\s/.test(lineText)) {
      report.add("imports and exports are not allowed in lessons", split.bodyLine + i);
    }
  });

  const prose = proseOf(split.body);
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

  const quizFile = path.join(dir, `${lessonSlug}.quiz.yaml`);
  let quiz: Quiz | null = null;
  let quizText = "";
  if (fs.existsSync(quizFile)) {
    quizText = readFile(quizFile);
    const quizReport = new FileReport(problems, rel(quizFile));
    const parsedQuiz = quizReport.parseYaml(quizText);
    if (!parsedQuiz) return null;
    const result = quizSchema.safeParse(parsedQuiz.value ?? {});
    if (!result.success) {
      quizReport.zodIssues(result.error, parsedQuiz.lineOf);
      return null;
    }
    quiz = result.data;
  }

  return {
    slug: lessonSlug,
    moduleSlug,
    ...fm.data,
    source,
    quiz,
    contentHash: sha256(source, quizText),
    words,
    estimatedMinutes,
    readingGrade: grade,
    file: rel(file),
  };
}

/** The quiz as the browser may see it: prompts and choices, never the key or the feedback. */
export interface PublicQuestion {
  id: string;
  type: "single" | "multiple";
  prompt: string;
  choices: { id: string; text: string }[];
}

export function publicQuiz(quiz: Quiz): PublicQuestion[] {
  return quiz.questions.map((q) => ({
    id: q.id,
    type: q.type,
    prompt: q.prompt,
    choices: q.choices.map((c) => ({ id: c.id, text: c.text })),
  }));
}
