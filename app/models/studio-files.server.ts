// A studio lesson is kept as the two files content/ holds (the MDX file and its quiz YAML), so
// what the studio stores, checks, exports and imports is one thing. The editor's form fields are
// read from and written to those files here.
import { isMap, parse as parseYaml, parseDocument, stringify } from "yaml";
import type { LessonSourceRef } from "./content-schema.server.ts";
import { splitFrontmatter } from "./content.server.ts";

export interface LessonFields {
  title: string;
  summary: string;
  minutes: number | null;
  objectives: string[];
  skills: string[];
  sources: LessonSourceRef[];
  body: string;
}

export interface QuizChoiceForm {
  id: string;
  text: string;
  correct: boolean;
  feedback: string;
}

export interface QuizQuestionForm {
  id: string;
  type: "single" | "multiple";
  prompt: string;
  explanation: string;
  choices: QuizChoiceForm[];
}

export interface QuizForm {
  passPercent: number;
  questions: QuizQuestionForm[];
}

export const CHOICE_IDS = ["a", "b", "c", "d", "e", "f"] as const;
/** Choice slots the form shows for each question (blank ones are left out). */
export const CHOICE_SLOTS = 4;
export const MAX_QUESTIONS = 5;

/** The lesson file: frontmatter in the order content/README.md shows it, then the body. */
export function composeLesson(fields: LessonFields, meta: { order: number; reviewed: string }): string {
  const frontmatter: Record<string, unknown> = {
    title: fields.title,
    summary: fields.summary,
    minutes: fields.minutes ?? 5,
    order: meta.order,
    objectives: fields.objectives,
    skills: fields.skills,
    reviewed: meta.reviewed,
  };
  if (fields.sources.length > 0) frontmatter.sources = fields.sources;
  const yaml = stringify(frontmatter, { lineWidth: 0 }).replace(/^reviewed: "(\d{4}-\d{2}-\d{2})"$/m, "reviewed: $1");
  const body = fields.body.replace(/\r\n?/g, "\n").replace(/^\n+/, "").replace(/\s*$/, "\n");
  return `---\n${yaml}---\n\n${body}`;
}

const asString = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const asStrings = (v: unknown) => (Array.isArray(v) ? v.map(asString).filter((s) => s.length > 0) : []);

/** The form's fields from a lesson file, as far as it can be read (a broken file still opens). */
export function readLessonFields(source: string): LessonFields & { order: number | null; reviewed: string | null } {
  const split = splitFrontmatter(source);
  let fm: Record<string, unknown> = {};
  try {
    const parsed: unknown = split ? parseYaml(split.frontmatter) : null;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) fm = parsed as Record<string, unknown>;
  } catch {
    // The check names the line; the editor opens with what it could read.
  }
  const sources = Array.isArray(fm.sources)
    ? fm.sources.flatMap((s: unknown) => {
        if (!s || typeof s !== "object") return [];
        const r = s as Record<string, unknown>;
        const ref: LessonSourceRef = { title: asString(r.title) };
        if (r.citation !== undefined) ref.citation = asString(r.citation);
        if (r.url !== undefined) ref.url = asString(r.url);
        return [ref];
      })
    : [];
  const minutes = typeof fm.minutes === "number" ? fm.minutes : null;
  return {
    title: asString(fm.title),
    summary: asString(fm.summary),
    minutes,
    objectives: asStrings(fm.objectives),
    skills: asStrings(fm.skills),
    sources,
    body: split ? split.body.replace(/^\n+/, "") : source,
    order: typeof fm.order === "number" ? fm.order : null,
    reviewed: typeof fm.reviewed === "string" ? fm.reviewed : fm.reviewed instanceof Date ? fm.reviewed.toISOString().slice(0, 10) : null,
  };
}

/** Sources as the form writes them: one a line, "Title | citation or https://address". */
export function sourcesFromText(text: string): LessonSourceRef[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [title = "", ...rest] = line.split("|").map((p) => p.trim());
      const where = rest.join(" | ");
      if (!where) return { title };
      return /^[a-z][a-z0-9+.-]*:/i.test(where) ? { title, url: where } : { title, citation: where };
    });
}

export function sourcesToText(sources: LessonSourceRef[]): string {
  return sources.map((s) => [s.title, s.citation ?? s.url].filter(Boolean).join(" | ")).join("\n");
}

/** Rewrites the `order:` of a lesson file's frontmatter, leaving every other byte as it was. */
export function withOrder(source: string, order: number): string {
  const split = splitFrontmatter(source);
  if (!split) return source;
  const doc = parseDocument(split.frontmatter);
  if (!isMap(doc.contents) || doc.errors.length > 0) return source;
  const line = /^order:[^\n]*$/m;
  if (!line.test(split.frontmatter)) return source;
  const start = source.indexOf(split.frontmatter);
  return source.slice(0, start) + split.frontmatter.replace(line, `order: ${order}`) + source.slice(start + split.frontmatter.length);
}

/** The quiz file, or null when the form has no questions. */
export function composeQuiz(form: QuizForm): string | null {
  const questions = form.questions.filter((q) => q.prompt.trim() || q.choices.some((c) => c.text.trim()));
  if (questions.length === 0) return null;
  const value = {
    passPercent: form.passPercent,
    questions: questions.map((q) => ({
      id: q.id,
      type: q.type,
      prompt: q.prompt.trim(),
      choices: q.choices
        .filter((c) => c.text.trim() || c.feedback.trim())
        .map((c) => ({ id: c.id, text: c.text.trim(), ...(c.correct ? { correct: true } : {}), feedback: c.feedback.trim() })),
      ...(q.explanation.trim() ? { explanation: q.explanation.trim() } : {}),
    })),
  };
  return stringify(value, { lineWidth: 0 });
}

/** The quiz form from a quiz file, as far as it can be read. */
export function readQuizForm(text: string | null): QuizForm {
  let value: unknown = null;
  try {
    value = text ? parseYaml(text) : null;
  } catch {
    value = null;
  }
  const v = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const questions = Array.isArray(v.questions) ? v.questions : [];
  return {
    passPercent: typeof v.passPercent === "number" ? v.passPercent : 80,
    questions: questions.slice(0, MAX_QUESTIONS).map((raw: unknown, i) => {
      const q = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
      const choices = Array.isArray(q.choices) ? q.choices : [];
      return {
        id: asString(q.id) || `question-${i + 1}`,
        type: q.type === "multiple" ? "multiple" : "single",
        prompt: asString(q.prompt),
        explanation: asString(q.explanation),
        choices: choices.slice(0, CHOICE_IDS.length).map((rawChoice: unknown, j) => {
          const c = (rawChoice && typeof rawChoice === "object" ? rawChoice : {}) as Record<string, unknown>;
          return { id: asString(c.id) || (CHOICE_IDS[j] as string), text: asString(c.text), correct: c.correct === true, feedback: asString(c.feedback) };
        }),
      };
    }),
  };
}

/** The quiz form as posted: `passPercent`, `q<N>-id`, `q<N>-type`, `q<N>-prompt`, `q<N>-explanation`, `q<N>-c<M>-text|feedback|correct`. */
export function quizFormFromFields(get: (name: string) => string | null): QuizForm {
  const questions: QuizQuestionForm[] = [];
  for (let i = 0; i < MAX_QUESTIONS; i++) {
    const id = get(`q${i}-id`);
    if (id === null) continue;
    const choices: QuizChoiceForm[] = [];
    for (let j = 0; j < CHOICE_IDS.length; j++) {
      const text = get(`q${i}-c${j}-text`);
      if (text === null) continue;
      choices.push({ id: CHOICE_IDS[j] as string, text, feedback: get(`q${i}-c${j}-feedback`) ?? "", correct: get(`q${i}-c${j}-correct`) === "on" });
    }
    questions.push({
      id: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id) ? id : `question-${i + 1}`,
      type: get(`q${i}-type`) === "multiple" ? "multiple" : "single",
      prompt: get(`q${i}-prompt`) ?? "",
      explanation: get(`q${i}-explanation`) ?? "",
      choices,
    });
  }
  // Out of range or not whole, it is kept as typed for the check to name (it is a number or 0).
  const pass = Number((get("passPercent") ?? "").trim() || "80");
  return { passPercent: Number.isFinite(pass) ? pass : 0, questions };
}

/** An id for a new question that no question of this quiz has had. */
export function newQuestionId(lessonSlug: string, taken: string[]): string {
  const stem = lessonSlug.split("-").slice(0, 2).join("-") || "question";
  for (let n = taken.length + 1; ; n++) {
    const id = `${stem}-q${n}`;
    if (!taken.includes(id)) return id;
  }
}
