// Reads the expense form (shared by recording and editing spend).
import { z } from "zod";
import type { SpendCategory } from "#db/schema.ts";
import { dateString, plainText } from "#app/rules/fields.ts";
import { parseAmount } from "#app/rules/money.ts";
import type { ExpenseInput } from "#app/models/spend.server.ts";
import { isCategory } from "#app/rules/spend-categories.ts";
import { formFields, formValues, type FieldErrors, type FormValues } from "./validation.ts";

const schema = z.object({
  spentOn: dateString,
  category: z.string().refine(isCategory, "Choose a category."),
  vendor: plainText("The vendor", 120).pipe(z.string().min(1, "Enter who was paid.")),
  description: plainText("The description", 200).pipe(z.string().min(1, "Say what it was for.")),
  amount: z.string(),
  belongsTo: z.enum(["practice", "equal", "explicit"], { errorMap: () => ({ message: "Choose who the spend belongs to." }) }),
});

export type ExpenseFormResult = { ok: true; input: ExpenseInput } | { ok: false; errors: FieldErrors; values: FormValues };

/** What the expense form puts back into its fields: the ticked people as one list, "3,7". */
export function expenseFormValues(form: FormData): FormValues {
  return { ...formValues(form), people: form.getAll("people").map(String).join(",") };
}

export function readExpenseForm(form: FormData, today: string): ExpenseFormResult {
  const fields = formFields(form);
  const values = expenseFormValues(form);
  const errors: FieldErrors = {};
  const parsed = schema.safeParse(fields);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const amount = parseAmount(fields.amount ?? "");
  if (!amount.ok) errors.amount = amount.message;
  else if (amount.cents === 0) errors.amount = "Enter an amount above zero.";
  if (parsed.success && parsed.data.spentOn > today) errors.spentOn = "The date is in the future.";
  if (!parsed.success || !amount.ok || Object.keys(errors).length > 0) return { ok: false, errors, values };

  const people = [...new Set(form.getAll("people").map(Number))].filter((n) => Number.isSafeInteger(n) && n > 0);
  let shares: ExpenseInput["shares"] = { mode: "practice" };
  if (parsed.data.belongsTo === "equal") {
    if (people.length === 0) return { ok: false, errors: { people: "Tick the people it belongs to." }, values };
    shares = { mode: "equal", userIds: people };
  } else if (parsed.data.belongsTo === "explicit") {
    const amounts: { userId: number; cents: number }[] = [];
    for (const [key, raw] of form.entries()) {
      const match = /^share\.(\d+)$/.exec(key);
      if (!match || typeof raw !== "string" || raw.trim() === "") continue;
      const share = parseAmount(raw);
      if (!share.ok) errors[key] = share.message;
      else amounts.push({ userId: Number(match[1]), cents: share.cents });
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors, values };
    if (amounts.length === 0) return { ok: false, errors: { people: "Enter an amount for each person it belongs to." }, values };
    shares = { mode: "explicit", amounts };
  }
  return {
    ok: true,
    input: {
      spentOn: parsed.data.spentOn,
      category: parsed.data.category as SpendCategory,
      vendor: parsed.data.vendor,
      description: parsed.data.description,
      amountCents: amount.cents,
      shares,
    },
  };
}
