// A practice's file, once its columns are mapped, turned into DeskCoach's own import: the same
// columns the imports took before (FEEDBACK_COLUMNS, PEOPLE_COLUMNS, EXPENSE_COLUMNS), each value
// converted by its column's rule (import-values.server.ts). The result is the CSV the existing
// checks read, so everything they do holds whatever the source: every row checked, comments
// scrubbed before anything is stored, all rows or none, a confirm sent twice imported once.
import { stringify } from "csv-stringify/sync";
import { EXPENSE_COLUMNS, PEOPLE_COLUMNS, type ImportKind } from "#app/rules/csv-imports.ts";
import { FEEDBACK_COLUMNS } from "#app/rules/feedback.ts";
import { OUTCOME_COLUMNS, OUTCOME_FIGURES } from "#app/rules/outcomes.ts";
import { CATEGORIES, CATEGORY_LABEL } from "#app/rules/spend-categories.ts";
import type { ImportTable } from "./import-file.server.ts";
import type { ImportField } from "./import-guess.server.ts";
import {
  convertDate,
  convertMonth,
  convertRating,
  convertSpend,
  detectDateColumn,
  detectMonthColumn,
  detectRatingScale,
  guessSpendCategory,
  joinName,
  readFullName,
  type AmountShape,
  type Converted,
  type DateOrder,
  type DecimalMark,
} from "./import-values.server.ts";

/** What the person confirmed on the mapping page. */
export interface MappingChoice {
  /** Field → column index in the table. */
  columns: Partial<Record<ImportField, number>>;
  /** The practice's time zone (practice.time_zone). */
  timeZone: string;
  /** The person's answer when the date column could be either order (detectDateColumn said ambiguous). */
  dateOrder?: DateOrder;
  /** Feedback without a source column: where it all came from ("Google review"). */
  source?: string;
  /** Spend: where the amounts are and how they are written (the guess's `amounts`, or changed). */
  amounts?: { shape: AmountShape; decimalMark: DecimalMark };
}

/** One value as converted, for the page to show beside the original. */
export interface ConvertedCell {
  field: ImportField;
  original: string;
  value: string | null;
  problem: string | null;
}

export interface MappedRow {
  /** The row's line in the uploaded file (header rows counted). */
  line: number;
  /** In DeskCoach's columns, as the existing import reads them. */
  record: Record<string, string>;
  cells: ConvertedCell[];
  /** Spend only: a guessed category the owner should confirm. */
  categoryGuessed: boolean;
}

export type MappingResult =
  | {
      ok: true;
      kind: ImportKind;
      /** DeskCoach's import CSV of the rows kept: what the existing check reads. */
      csv: string;
      rows: MappedRow[];
      /** Rows left out, with why (a statement's payments and refunds). */
      skipped: { line: number; reason: string }[];
      /** Each converted field's rule, in words. */
      rules: Partial<Record<ImportField, string>>;
    }
  /** `ask` names what the person must answer before the file can be read (the date order). */
  | { ok: false; problem: string; ask: "dateOrder" | null };

const COLUMNS: Record<ImportKind, string[]> = { feedback: FEEDBACK_COLUMNS, people: PEOPLE_COLUMNS, spend: EXPENSE_COLUMNS, outcomes: OUTCOME_COLUMNS };

/**
 * Applies a mapping to a table: judges each mapped column (rating scale, date order, amounts),
 * then converts every row. A column that cannot be judged stops the whole file with a problem (or
 * a question); a value that cannot be converted is kept as written, so that the existing check
 * names it on its row.
 */
export function applyMapping(kind: ImportKind, table: ImportTable, choice: MappingChoice): MappingResult {
  const at = (field: ImportField) => choice.columns[field];
  const valuesOf = (field: ImportField) => {
    const column = at(field);
    return column === undefined ? [] : table.rows.map((r) => r[column] ?? "");
  };
  const cell = (row: string[], field: ImportField) => {
    const column = at(field);
    return column === undefined ? "" : (row[column] ?? "");
  };
  const firstLine = table.twoHeaderRows ? 3 : 2;
  const rules: Partial<Record<ImportField, string>> = {};

  const missing = requiredFields(kind, choice).filter((f) => at(f) === undefined);
  if (missing.length > 0) return { ok: false, problem: `Choose the column for ${missing.map(fieldWords).join(" and ")}.`, ask: null };

  // The date (or month) column's order, from its values or the person's answer.
  let dateOrder: DateOrder | null = null;
  if (kind !== "people") {
    const months = kind === "outcomes";
    const column = months ? detectMonthColumn(valuesOf("month"), choice.timeZone) : detectDateColumn(valuesOf("date"), choice.timeZone);
    if (column.ok) dateOrder = column.order;
    else if (column.ambiguous && choice.dateOrder) dateOrder = choice.dateOrder;
    else return { ok: false, problem: months ? `The month column: ${column.problem}` : column.problem, ask: column.ambiguous ? "dateOrder" : null };
    const options = { order: dateOrder, timeZone: choice.timeZone };
    if (months) rules.month = convertMonth("", options).rule;
    else rules.date = convertDate("", options).rule;
  }
  const date = (row: string[]) => convertDate(cell(row, "date"), { order: dateOrder, timeZone: choice.timeZone });

  const rows: MappedRow[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const shown = (field: ImportField, c: Converted<string | number>): ConvertedCell => ({
    field,
    original: c.original,
    value: c.value === null ? null : String(c.value),
    problem: c.problem,
  });
  // A value that could not be converted goes through as written: the existing check names it.
  const text = (c: Converted<string | number>) => (c.value === null ? c.original.trim() : String(c.value));

  if (kind === "feedback") {
    const rating = detectRatingScale(valuesOf("rating"), table.headers[at("rating")!] ?? "");
    if (!rating.ok) return { ok: false, problem: `The rating column: ${rating.problem}`, ask: null };
    rules.rating = rating.rule;
    table.rows.forEach((row, i) => {
      const d = date(row);
      const r = convertRating(cell(row, "rating"), rating);
      const record = {
        date: text(d),
        source: at("source") === undefined ? (choice.source ?? "") : cell(row, "source").trim(),
        rating: text(r),
        comment: cell(row, "comment"),
        location: cell(row, "location").trim(),
      };
      rows.push({ line: firstLine + i, record, cells: [shown("date", d), shown("rating", r)], categoryGuessed: false });
    });
  } else if (kind === "people") {
    const split = at("firstName") !== undefined || at("lastName") !== undefined;
    table.rows.forEach((row, i) => {
      const name = split ? joinName(cell(row, "firstName"), cell(row, "lastName")) : readFullName(cell(row, "name"));
      rules.name ??= name.rule || undefined;
      const record = { name: text(name), email: cell(row, "email").trim(), "job title": cell(row, "jobTitle").trim(), location: cell(row, "location").trim() };
      rows.push({ line: firstLine + i, record, cells: [shown(split ? "firstName" : "name", name)], categoryGuessed: false });
    });
  } else if (kind === "outcomes") {
    table.rows.forEach((row, i) => {
      const month = convertMonth(cell(row, "month"), { order: dateOrder, timeZone: choice.timeZone });
      // Counts and stars go through as written: the outcomes' own check reads and refuses them.
      const record: Record<string, string> = { month: text(month), location: cell(row, "location").trim() };
      for (const f of OUTCOME_FIGURES) record[f.column] = cell(row, f.key).trim();
      rows.push({ line: firstLine + i, record, cells: [shown("month", month)], categoryGuessed: false });
    });
  } else {
    const amounts = choice.amounts;
    if (!amounts) return { ok: false, problem: "Choose the amount column, or the Debit and Credit columns.", ask: null };
    table.rows.forEach((row, i) => {
      const line = firstLine + i;
      const spend = convertSpend(row, amounts.shape, amounts.decimalMark);
      rules.amount ??= spend.rule;
      if (spend.moneyIn) {
        skipped.push({ line, reason: `Money coming in (${spend.original.trim()}), not spend.` });
        return;
      }
      const d = date(row);
      const description = cell(row, "description").trim();
      const given = cell(row, "category").trim().toLowerCase();
      // A category the file names in DeskCoach's words is kept; any other is guessed from the description.
      const known = CATEGORIES.find((c) => c.id === given || c.label.toLowerCase() === given);
      const guess = known ? null : guessSpendCategory(description);
      const record = {
        date: text(d),
        description,
        amount: spend.value === null ? spend.original.trim() : (spend.value / 100).toFixed(2),
        category: known?.label ?? CATEGORY_LABEL[guess!.category],
      };
      const amountCell: ConvertedCell = { field: "amount", original: spend.original, value: spend.value === null ? null : record.amount, problem: spend.problem };
      rows.push({ line, record, cells: [shown("date", d), amountCell], categoryGuessed: guess !== null });
    });
  }

  const header = COLUMNS[kind];
  const csv = stringify([header, ...rows.map((r) => header.map((h) => r.record[h] ?? ""))], { record_delimiter: "\r\n", quoted: true });
  return { ok: true, kind, csv, rows, skipped, rules };
}

function requiredFields(kind: ImportKind, choice: MappingChoice): ImportField[] {
  if (kind === "feedback") return choice.source ? ["date", "rating"] : ["date", "rating", "source"];
  if (kind === "people") {
    const named = choice.columns.name !== undefined || choice.columns.firstName !== undefined || choice.columns.lastName !== undefined;
    return named ? ["email"] : ["name", "email"];
  }
  if (kind === "outcomes") return ["month", "location"];
  return ["date", "description"];
}

function fieldWords(field: ImportField): string {
  const words: Record<ImportField, string> = {
    date: "the date",
    rating: "the rating",
    comment: "the comment",
    source: "the source (or type where the feedback came from)",
    location: "the location",
    firstName: "the first name",
    lastName: "the last name",
    name: "the name",
    email: "the email",
    jobTitle: "the job title",
    description: "the description",
    amount: "the amount",
    debit: "the debit",
    credit: "the credit",
    category: "the category",
    month: "the month",
    visits: "the visits",
    newPatients: "the new patients",
    returningPatients: "the returning patients",
    noShows: "the no-shows",
    lateCancellations: "the late cancellations",
    reviewCount: "the online reviews",
    stars: "the average stars",
    complaints: "the complaints",
  };
  return words[field];
}
