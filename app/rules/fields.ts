// What a typed value must look like, wherever it is typed: the forms, and the rows of a CSV
// import (a person, an expense's description). Messages are written for the person at the desk.
import { z } from "zod";
import { parseAmount } from "./money.ts";

const FORMULA = /^[=+\-@]/;

/** Control characters other than tab and newline. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== "\t" && ch !== "\n") || code === 0x7f;
}

/** Free text a person typed: trimmed, bounded, and never something a spreadsheet would run. */
export function plainText(label: string, max = 120) {
  return z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .refine((v) => !FORMULA.test(v), `${label} cannot start with =, +, - or @.`)
    .refine((v) => ![...v].some(isControl), `${label} contains characters that are not allowed.`);
}

const optionalId = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: "Choose from the list." });
      return z.NEVER;
    }
    return n;
  });

export const dateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date like 2026-03-31.")
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That is not a real date.");

export const personSchema = z.object({
  name: plainText("The name").pipe(z.string().min(1, "Enter the person's name.")),
  email: z.string().trim().max(254, "That email is too long.").email("Enter an email address like name@practice.com."),
  jobTitle: plainText("The job title", 80).transform((v) => v || null),
  locationId: optionalId,
  hiredOn: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(dateString.nullable()),
  hourlyWage: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return null;
      const parsed = parseAmount(v, { max: 1000_00 });
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }
      return parsed.cents;
    }),
  role: z.enum(["staff", "manager", "owner"], { errorMap: () => ({ message: "Choose a role." }) }).default("staff"),
  scopeLocationId: optionalId,
});

export type PersonForm = z.infer<typeof personSchema>;
