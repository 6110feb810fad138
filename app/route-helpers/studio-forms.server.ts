// Reading the studio's forms: a module's fields, and the lesson editor's fields and quiz, with a
// message beside each field a person can fix.
import { z } from "zod";
import { bodySizeProblem } from "#app/models/authored-mdx.server.ts";
import type { Skill } from "#app/models/content.server.ts";
import { quizFormFromFields, sourcesFromText, type LessonFields, type QuizForm } from "#app/models/studio-files.server.ts";
import { formValues, type FormResult } from "./validation.ts";

const moduleSchema = z.object({
  title: z.string().trim().min(3, "Give the module a title of at least 3 characters.").max(100, "Keep the title under 100 characters."),
  summary: z.string().trim().min(10, "Say in one sentence what the module is for.").max(300, "Keep the summary to one sentence (under 300 characters)."),
});

export function readModuleForm(form: FormData, skills: Skill[]): FormResult<{ title: string; summary: string; skills: string[] }> {
  const known = new Set(skills.map((s) => s.id));
  const chosen = form.getAll("skills").filter((v): v is string => typeof v === "string");
  const parsed = moduleSchema.safeParse({ title: form.get("title") ?? "", summary: form.get("summary") ?? "" });
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  if (chosen.length === 0 || chosen.some((id) => !known.has(id))) errors.skills = "Choose at least one skill from the list.";
  if (!parsed.success || errors.skills) return { ok: false, errors, values: formValues(form) };
  return { ok: true, data: { ...parsed.data, skills: chosen } };
}

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The editor's fields as the lesson file will hold them. Only sizes are refused here (so nothing
 * huge is stored); everything else is the lesson rules' to judge, beside each field.
 */
export function readLessonForm(form: FormData): { ok: true; fields: LessonFields; quiz: QuizForm } | { ok: false; errors: Record<string, string> } {
  const body = String(form.get("body") ?? "");
  const errors: Record<string, string> = {};
  const size = bodySizeProblem(body);
  if (size) errors.body = `line ${size.line}: ${size.message}`;
  const minutesText = String(form.get("minutes") ?? "").trim();
  const minutes = /^\d{1,2}$/.test(minutesText) ? Number(minutesText) : null;
  if (minutes === null) errors.minutes = "Enter the minutes it takes to read, as a whole number (usually 5).";
  for (const name of ["title", "summary", "objectives", "sources"]) {
    if (String(form.get(name) ?? "").length > 4_000) errors[name] = "This is far longer than the field allows.";
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const get = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v.slice(0, 4_000) : null;
  };
  return {
    ok: true,
    fields: {
      title: String(form.get("title") ?? "").trim(),
      summary: String(form.get("summary") ?? "").trim(),
      minutes,
      objectives: lines(form.get("objectives")),
      skills: form.getAll("skills").filter((v): v is string => typeof v === "string"),
      sources: sourcesFromText(String(form.get("sources") ?? "")),
      body,
    },
    quiz: quizFormFromFields(get),
  };
}
