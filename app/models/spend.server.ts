// Training spend: expenses, practice-wide or belonging to named people, and CSV imports of card or
// bank exports. Integer cents throughout; shares always add up to the expense exactly.
import { z } from "zod";
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import type { SpendCategory } from "#db/schema.ts";
import { plainText } from "#app/rules/fields.ts";
import { EXPENSE_COLUMNS, MAX_EXPENSE_ROWS } from "#app/rules/csv-imports.ts";
import { CATEGORIES, isCategory } from "#app/rules/spend-categories.ts";
import { recordAudit } from "./audit.server.ts";
import { readCsvUpload } from "./csv.server.ts";
import { parseAmount, splitEqually } from "#app/rules/money.ts";
import { FieldError } from "./field-error.ts";
import type { Actor } from "./sessions.server.ts";

export type Shares =
  | { mode: "practice" }
  | { mode: "equal"; userIds: number[] }
  | { mode: "explicit"; amounts: { userId: number; cents: number }[] };

export interface ExpenseInput {
  spentOn: string;
  category: SpendCategory;
  vendor: string;
  description: string;
  amountCents: number;
  shares: Shares;
}

/** The per-person amounts an input asks for, checked: people the actor may see, exact total. */
async function resolveShares(db: DB, actor: Actor, input: ExpenseInput): Promise<{ userId: number; cents: number }[]> {
  const shares = input.shares;
  if (shares.mode === "practice") return [];
  const list =
    shares.mode === "equal"
      ? (() => {
          const ids = [...new Set(shares.userIds)].sort((a, b) => a - b);
          const amounts = splitEqually(input.amountCents, ids.length);
          return ids.map((userId, i) => ({ userId, cents: amounts[i] as number }));
        })()
      : shares.amounts;
  if (list.length === 0) throw new FieldError("people", "Choose at least one person, or make it practice-wide.");
  const ids = list.map((s) => s.userId);
  if (new Set(ids).size !== ids.length) throw new FieldError("people", "Each person can be listed once.");
  let people = db.selectFrom("user").select("id").where("id", "in", ids);
  if (actor.scopeLocationId) people = people.where("location_id", "=", actor.scopeLocationId);
  const known = await people.execute();
  if (known.length !== ids.length) throw new FieldError("people", "Choose people from the list.", 404);
  if (shares.mode === "explicit") {
    const sum = list.reduce((s, x) => s + x.cents, 0);
    if (sum !== input.amountCents) {
      const diff = input.amountCents - sum;
      throw new FieldError(
        "people",
        `The people's amounts add up to ${(sum / 100).toFixed(2)}, but the expense is ${(input.amountCents / 100).toFixed(2)} (${diff > 0 ? "short" : "over"} by ${(Math.abs(diff) / 100).toFixed(2)}).`,
      );
    }
  }
  return list;
}

export async function createExpense(db: DB, actor: Actor, input: ExpenseInput, now: Date, source = "manual"): Promise<number> {
  return db.transaction().execute((trx) => createExpenseIn(trx, actor, input, now, source));
}

/** The same, inside a transaction the caller already holds (for spend that another record creates). */
export async function createExpenseIn(trx: DB, actor: Actor, input: ExpenseInput, now: Date, source: string): Promise<number> {
  const shares = await resolveShares(trx, actor, input);
  const id = await insertExpense(trx, actor, input, shares, now, source);
  await recordAudit(trx, { actorId: actor.id, action: "expense.create", subject: `expense:${id}`, details: { ...input, shares, source }, at: now });
  return id;
}

async function insertExpense(
  db: DB,
  actor: Actor,
  input: ExpenseInput,
  shares: { userId: number; cents: number }[],
  now: Date,
  source: string,
): Promise<number> {
  const at = now.toISOString();
  const row = await db
    .insertInto("expense")
    .values({
      spent_on: input.spentOn,
      category: input.category,
      vendor: input.vendor,
      description: input.description,
      amount_cents: input.amountCents,
      source,
      created_by: actor.id,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (shares.length > 0) {
    await db
      .insertInto("expense_share")
      .values(shares.map((s) => ({ expense_id: row.id, user_id: s.userId, amount_cents: s.cents })))
      .execute();
  }
  return row.id;
}

export async function updateExpense(db: DB, actor: Actor, id: number, input: ExpenseInput, now: Date): Promise<void> {
  const before = await findExpense(db, id);
  if (!before) throw new FieldError("expense", "No such expense.", 404);
  if (before.source === "outside-learning") throw new FieldError("form", FROM_OUTSIDE);
  const shares = await resolveShares(db, actor, input);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("expense")
      .set({
        spent_on: input.spentOn,
        category: input.category,
        vendor: input.vendor,
        description: input.description,
        amount_cents: input.amountCents,
        updated_at: now.toISOString(),
      })
      .where("id", "=", id)
      .execute();
    await trx.deleteFrom("expense_share").where("expense_id", "=", id).execute();
    if (shares.length > 0) {
      await trx.insertInto("expense_share").values(shares.map((s) => ({ expense_id: id, user_id: s.userId, amount_cents: s.cents }))).execute();
    }
    await recordAudit(trx, { actorId: actor.id, action: "expense.update", subject: `expense:${id}`, details: { before, after: { ...input, shares } }, at: now });
  });
}

const FROM_OUTSIDE = "This expense was made by an outside-learning entry. Change or delete it on the Outside learning page.";

export async function deleteExpense(db: DB, actor: Actor, id: number, now: Date): Promise<void> {
  if ((await findExpense(db, id))?.source === "outside-learning") throw new FieldError("form", FROM_OUTSIDE);
  await db.transaction().execute((trx) => deleteExpenseIn(trx, actor, id, now));
}

/** The same, inside a transaction the caller already holds. */
export async function deleteExpenseIn(trx: DB, actor: Actor, id: number, now: Date): Promise<void> {
  const before = await findExpense(trx, id);
  if (!before) throw new FieldError("expense", "No such expense.", 404);
  await trx.deleteFrom("expense_share").where("expense_id", "=", id).execute();
  await trx.deleteFrom("expense").where("id", "=", id).execute();
  await recordAudit(trx, { actorId: actor.id, action: "expense.delete", subject: `expense:${id}`, details: { before }, at: now });
}

export interface Expense {
  id: number;
  spentOn: string;
  category: SpendCategory;
  vendor: string;
  description: string;
  amountCents: number;
  source: string;
  shares: { userId: number; name: string; cents: number }[];
}

export async function findExpense(db: DB, id: number): Promise<Expense | undefined> {
  return (await listExpenses(db, { id }))[0];
}

/** Expenses in a date range (inclusive), newest first, with their shares. */
export async function listExpenses(db: DB, filter: { from?: string; to?: string; id?: number }): Promise<Expense[]> {
  let query = db
    .selectFrom("expense")
    .select(["id", "spent_on", "category", "vendor", "description", "amount_cents", "source"])
    .orderBy("spent_on", "desc")
    .orderBy("id", "desc");
  if (filter.from) query = query.where("spent_on", ">=", filter.from);
  if (filter.to) query = query.where("spent_on", "<=", filter.to);
  if (filter.id !== undefined) query = query.where("id", "=", filter.id);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const shares = await db
    .selectFrom("expense_share")
    .innerJoin("user", "user.id", "expense_share.user_id")
    .select(["expense_share.expense_id", "expense_share.user_id", "user.name", "expense_share.amount_cents"])
    .where("expense_share.expense_id", "in", rows.map((r) => r.id))
    .orderBy("user.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    spentOn: r.spent_on,
    category: r.category,
    vendor: r.vendor,
    description: r.description,
    amountCents: r.amount_cents,
    source: r.source,
    shares: shares.filter((s) => s.expense_id === r.id).map((s) => ({ userId: s.user_id, name: s.name, cents: s.amount_cents })),
  }));
}

// ---------------------------------------------------------------------------------------------
// Importing a card or bank export: date, description, amount, category


export interface ExpenseImportRow {
  line: number;
  date: string;
  description: string;
  amount: string;
  category: string;
  errors: string[];
}

/** YYYY-MM-DD or M/D/YYYY (US card exports) into YYYY-MM-DD, or null. */
export function readDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : [];
  if (!y || !m || !d) return null;
  const date = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}

function readCategory(text: string): SpendCategory | null {
  const wanted = text.trim().toLowerCase();
  if (isCategory(wanted)) return wanted;
  return CATEGORIES.find((c) => c.label.toLowerCase() === wanted)?.id ?? null;
}

export type ExpenseImportCheck =
  | { ok: true; rows: ExpenseImportRow[]; inputs: ExpenseInput[] }
  | { ok: false; fileError: string | null; rows: ExpenseImportRow[] };

const IMPORTED_DESCRIPTION = plainText("The description", 200).pipe(z.string().min(1, "The description is empty."));

export function checkExpenseCsv(bytes: Uint8Array, today: string): ExpenseImportCheck {
  const file = readCsvUpload(bytes, EXPENSE_COLUMNS, MAX_EXPENSE_ROWS);
  if ("fileError" in file) return { ok: false, fileError: file.fileError, rows: [] };
  const { records } = file;
  const rows: ExpenseImportRow[] = [];
  const inputs: ExpenseInput[] = [];
  records.forEach((r, i) => {
    const row: ExpenseImportRow = { line: i + 2, date: r.date ?? "", description: r.description ?? "", amount: r.amount ?? "", category: r.category ?? "", errors: [] };
    const date = readDate(row.date.trim());
    if (!date) row.errors.push(`"${row.date}" is not a date like 2026-03-31 or 3/31/2026.`);
    else if (date > today) row.errors.push("The date is in the future.");
    const amount = parseAmount(row.amount);
    if (!amount.ok) row.errors.push(amount.message);
    else if (amount.cents === 0) row.errors.push("The amount is zero.");
    const category = readCategory(row.category);
    if (!category) row.errors.push(`Unknown category "${row.category}". Use one of: ${CATEGORIES.map((c) => c.label).join(", ")}.`);
    // The same rule as the expense form's description, so an import cannot keep what typing cannot.
    const checked = IMPORTED_DESCRIPTION.safeParse(row.description);
    const description = checked.success ? checked.data : "";
    if (!checked.success) row.errors.push(checked.error.issues[0]?.message ?? "The description is not valid.");
    if (row.errors.length === 0 && date && amount.ok && category) {
      inputs.push({ spentOn: date, category, vendor: description, description, amountCents: amount.cents, shares: { mode: "practice" } });
    }
    rows.push(row);
  });
  return rows.some((r) => r.errors.length > 0) ? { ok: false, fileError: null, rows } : { ok: true, rows, inputs };
}

/** Adds every checked row in one transaction: all or nothing, and once per request id. */
export async function importExpenses(db: DB, actor: Actor, inputs: ExpenseInput[], now: Date, requestId: string): Promise<number> {
  const source = `import:${requestId}`;
  return db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`expense-import:${requestId}`]);
    const done = await trx.selectFrom("expense").select((eb) => eb.fn.countAll<number>().as("n")).where("source", "=", source).executeTakeFirstOrThrow();
    if (Number(done.n) > 0) return Number(done.n);
    for (const input of inputs) await insertExpense(trx, actor, input, [], now, source);
    const total = inputs.reduce((s, x) => s + x.amountCents, 0);
    await recordAudit(trx, { actorId: actor.id, action: "expense.import", subject: "practice", details: { rows: inputs.length, totalCents: total, requestId }, at: now });
    return inputs.length;
  });
}
