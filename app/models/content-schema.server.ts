// The shape of the curriculum: types and zod schemas for skills, modules, lesson frontmatter and
// quizzes. Reading files and reporting lines is content.server.ts's; prose measures are
// readability.server.ts's; quiz quality is quiz-quality.server.ts's.
import { z } from "zod";

export const LESSON_COMPONENTS = [
  "Scenario",
  "SayThis",
  "NotThis",
  "Tip",
  "KeyPoint",
  "Practice",
  "Takeaways",
] as const;

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Skill {
  id: string;
  label: string;
  /** Lessons carrying this skill teach a rule (law, regulation) and must list their sources. */
  rules?: boolean;
}

export interface QuizChoice {
  id: string;
  text: string;
  correct: boolean;
  feedback: string;
  /** Why "always" or "never" is right here: the rule really is absolute. */
  absolute?: string;
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

/** Where a lesson's rule comes from: a title with a citation, an address, or both. */
export interface LessonSourceRef {
  title: string;
  citation?: string;
  url?: string;
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
  /** When the lesson was last checked for accuracy (YYYY-MM-DD). */
  reviewed: string;
  sources: LessonSourceRef[];
  /** The MDX file as written, frontmatter included (mdx-bundler wants the whole file). */
  source: string;
  quiz: Quiz | null;
  /** SHA-256 over the lesson and its quiz: a completion records the version it was earned on. */
  contentHash: string;
  words: number;
  estimatedMinutes: number;
  readingGrade: number;
  file: string;
  /** The quiz file, when there is one (for problems that name its lines). */
  quizFile: string | null;
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

export const slug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase words joined by hyphens");
const text = z.string().trim().min(1, "must not be empty");

export const skillsFileSchema = z
  .array(z.object({ id: slug, label: text, rules: z.boolean().optional().default(false) }).strict())
  .min(1);

export const moduleSchema = z
  .object({
    title: text,
    summary: text,
    order: z.number().int().positive(),
    skills: z.array(z.string()).min(1, "needs at least one skill"),
  })
  .strict();

const isoDate = z
  .string({ invalid_type_error: "must be a date written YYYY-MM-DD" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    message: "is not a real date",
  });

/** A source a reader can open safely: https only. */
const sourceUrl = z
  .string()
  .trim()
  .url("must be a web address")
  .refine((u) => /^https:\/\//i.test(u), { message: "must start with https://" });

const sourceSchema = z
  .object({ title: text, citation: text.optional(), url: sourceUrl.optional() })
  .strict()
  .refine((s) => s.citation !== undefined || s.url !== undefined, {
    message: "a source needs a citation (e.g. 45 CFR 164.524) or a url",
  });

export const frontmatterSchema = z
  .object({
    title: text,
    summary: text,
    minutes: z.number().int().min(1).max(15),
    order: z.number().int().positive(),
    objectives: z.array(text).min(1, "needs at least one objective").max(6),
    skills: z.array(z.string()).min(1, "needs at least one skill").max(4),
    reviewed: isoDate,
    sources: z.array(sourceSchema).max(12).optional().default([]),
  })
  .strict();

const choiceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "must be lowercase letters, digits or hyphens"),
    text,
    correct: z.boolean().optional().default(false),
    feedback: z.string({ required_error: "every choice needs feedback" }).trim().min(1, "every choice needs feedback"),
    absolute: text.optional(),
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

export const quizSchema = z
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
