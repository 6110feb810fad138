// The mapping step of an import (issue 17): what the page shows about a file (its columns with a
// sample of each, the field each is taken for, the rules its values are converted by, the
// questions it raises) and the person's answers read back into a mapping. The guess comes from
// import-guess.server.ts, the conversion from import-mapping.server.ts.
import { EXPENSE_COLUMNS, PEOPLE_COLUMNS, type ImportKind } from "#app/rules/csv-imports.ts";
import { FEEDBACK_COLUMNS, MAX_SOURCE_LENGTH } from "#app/rules/feedback.ts";
import { OUTCOME_COLUMNS, OUTCOME_FIGURES } from "#app/rules/outcomes.ts";
import { DELIMITER_NAME, type ImportTable } from "./import-file.server.ts";
import { guessMapping, IMPORT_FIELDS, normaliseHeader, type ImportField } from "./import-guess.server.ts";
import { applyMapping, type MappingChoice, type MappingResult } from "./import-mapping.server.ts";
import type { SavedMapping } from "./import-uploads.server.ts";
import { amountRule, detectDateColumn, detectDecimalMark, detectMonthColumn, detectOutgoingSign, detectRatingScale, type AmountShape } from "./import-values.server.ts";

/** DeskCoach's own columns, by kind, and the field each is. */
const OWN_COLUMNS: Record<ImportKind, Record<string, ImportField>> = {
  feedback: { date: "date", source: "source", rating: "rating", comment: "comment", location: "location" },
  people: { name: "name", email: "email", "job title": "jobTitle", location: "location" },
  spend: { date: "date", description: "description", amount: "amount", category: "category" },
  outcomes: { month: "month", location: "location", ...Object.fromEntries(OUTCOME_FIGURES.map((f) => [f.column, f.key])) },
};
// The table above is the columns the imports always took, in other words.
void [FEEDBACK_COLUMNS, PEOPLE_COLUMNS, EXPENSE_COLUMNS, OUTCOME_COLUMNS];

/** What each kind of import needs at least, in words, for the page. */
export const REQUIRED_WORDS: Record<ImportKind, string> = {
  feedback: "a date and a rating, and a source (a column, or typed below)",
  people: "an email, and a name (one column, or first and last name in two)",
  spend: "a date, a description, and an amount (one signed column, or Debit and Credit)",
  outcomes: "a month and a location, and the figures the file has (a column for each)",
};

/** Whether the headers are DeskCoach's own columns for this kind (in any order). */
export function ownColumnsMapping(kind: ImportKind, headers: readonly string[]): SavedMapping | null {
  const own = OWN_COLUMNS[kind];
  const names = headers.map(normaliseHeader);
  const wanted = Object.keys(own).map(normaliseHeader);
  if (names.length !== wanted.length || !wanted.every((w) => names.includes(w))) return null;
  const columns: Partial<Record<ImportField, number>> = {};
  for (const [name, field] of Object.entries(own)) columns[field] = names.indexOf(normaliseHeader(name));
  return { columns };
}

/** The guess, as a mapping the person starts from. */
export function guessedMapping(kind: ImportKind, table: ImportTable): SavedMapping {
  const guess = guessMapping(kind, table);
  const saved: SavedMapping = { columns: { ...guess.mapping } };
  if (guess.amounts?.shape.kind === "signed") saved.outgoing = guess.amounts.shape.outgoing;
  return saved;
}

function amountsOf(table: ImportTable, saved: SavedMapping): MappingChoice["amounts"] {
  const values = (column: number | undefined) => (column === undefined ? [] : table.rows.map((r) => r[column] ?? "").filter((v) => v.trim() !== ""));
  const { debit, credit, amount } = saved.columns;
  if (debit !== undefined) {
    return { shape: { kind: "debit-credit", debit, credit: credit ?? null }, decimalMark: detectDecimalMark(table.delimiter, [...values(debit), ...values(credit)]) };
  }
  if (amount === undefined) return undefined;
  const decimalMark = detectDecimalMark(table.delimiter, values(amount));
  const shape: AmountShape = { kind: "signed", column: amount, outgoing: saved.outgoing ?? detectOutgoingSign(values(amount), decimalMark) };
  return { shape, decimalMark };
}

export function choiceOf(table: ImportTable, saved: SavedMapping, timeZone: string): MappingChoice {
  const amounts = amountsOf(table, saved);
  return {
    columns: saved.columns,
    timeZone,
    ...(saved.dateOrder ? { dateOrder: saved.dateOrder } : {}),
    ...(saved.source ? { source: saved.source } : {}),
    ...(amounts ? { amounts } : {}),
  };
}

/** The file converted to DeskCoach's own CSV by a mapping. */
export function mapWith(kind: ImportKind, table: ImportTable, saved: SavedMapping, timeZone: string): MappingResult {
  return applyMapping(kind, table, choiceOf(table, saved, timeZone));
}

export interface MappingColumnView {
  index: number;
  header: string;
  sample: string[];
  /** The field the column is taken for, or "" for none. */
  field: ImportField | "";
}

export interface MappingView {
  fileName: string;
  /** "CSV, Windows-1252, semicolons" or "Excel workbook". */
  format: string;
  rowCount: number;
  sheetNames: string[];
  sheet: string | null;
  columns: MappingColumnView[];
  fields: { id: ImportField; label: string }[];
  required: string;
  /** The rules the chosen columns are converted by, or what is wrong with a column. */
  rules: { label: string; text: string; problem: boolean }[];
  /** The question when the date column could be month/day or day/month, with the person's answer. */
  dateQuestion: string | null;
  dateOrder: "mdy" | "dmy" | null;
  /** Feedback: where it came from, when no column says. */
  source: string | null;
  /** Spend: which sign is money going out in a signed Amount column, or null without one. */
  outgoing: "negative" | "positive" | null;
}

const ENCODING_WORDS: Record<ImportTable["encoding"], string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 (Unicode text)",
  "utf-16be": "UTF-16 (Unicode text)",
  "windows-1252": "Windows-1252",
  xlsx: "Excel workbook",
};

export function mappingView(kind: ImportKind, table: ImportTable, saved: SavedMapping, fileName: string, timeZone: string): MappingView {
  const guess = guessMapping(kind, table);
  const fieldOf = new Map<number, ImportField>();
  for (const [field, column] of Object.entries(saved.columns) as [ImportField, number][]) fieldOf.set(column, field);
  const valuesOf = (field: ImportField) => {
    const column = saved.columns[field];
    return column === undefined ? null : table.rows.map((r) => r[column] ?? "");
  };
  const rules: MappingView["rules"] = [];
  let dateQuestion: string | null = null;
  const dates = kind === "people" ? null : kind === "outcomes" ? valuesOf("month") : valuesOf("date");
  if (dates) {
    const column = kind === "outcomes" ? detectMonthColumn(dates, timeZone) : detectDateColumn(dates, timeZone);
    const label = kind === "outcomes" ? "Months" : "Dates";
    if (column.ok) rules.push({ label, text: column.rule, problem: false });
    else if (column.ambiguous) dateQuestion = column.problem;
    else rules.push({ label, text: column.problem, problem: true });
  }
  const ratings = kind === "feedback" ? valuesOf("rating") : null;
  if (ratings) {
    const scale = detectRatingScale(ratings, table.headers[saved.columns.rating!] ?? "");
    rules.push(scale.ok ? { label: "Ratings", text: scale.rule, problem: false } : { label: "Ratings", text: scale.problem, problem: true });
  }
  const amounts = kind === "spend" ? amountsOf(table, saved) : undefined;
  if (amounts) rules.push({ label: "Amounts", text: amountRule(amounts.shape, amounts.decimalMark), problem: false });
  if (kind === "spend") rules.push({ label: "Categories", text: "A category column in DeskCoach's words is kept; otherwise each row's category is guessed from its description (a known course provider is Online courses), and you confirm or change it on the next page.", problem: false });
  const format = table.encoding === "xlsx" ? "Excel workbook" : `CSV, ${ENCODING_WORDS[table.encoding]}, ${table.delimiter ? DELIMITER_NAME[table.delimiter] : ""}s between columns${table.twoHeaderRows ? ", two header rows" : ""}`;
  return {
    fileName,
    format,
    rowCount: table.rows.length,
    sheetNames: table.sheetNames ?? [],
    sheet: table.sheet ?? null,
    columns: guess.columns.map((c) => ({ index: c.index, header: c.header, sample: c.sample, field: fieldOf.get(c.index) ?? "" })),
    fields: IMPORT_FIELDS[kind].map((f) => ({ id: f.id, label: f.label })),
    required: REQUIRED_WORDS[kind],
    rules,
    dateQuestion,
    dateOrder: saved.dateOrder ?? null,
    source: kind === "feedback" ? (saved.source ?? "") : null,
    outgoing: kind === "spend" && amounts?.shape.kind === "signed" ? amounts.shape.outgoing : kind === "spend" ? (saved.outgoing ?? null) : null,
  };
}

export type MappingForm = { ok: true; saved: SavedMapping } | { ok: false; saved: SavedMapping; errors: Record<string, string> };

/**
 * The mapping page's answers: `column.<n>` the field of column n (or empty), `dateOrder`,
 * `source`, `outgoing`. A field given to two columns, a value that is no field, or an answer
 * that is not one of the choices comes back with its message beside it.
 */
export function readMappingForm(kind: ImportKind, table: ImportTable, form: Record<string, string>): MappingForm {
  const known = new Set<string>(IMPORT_FIELDS[kind].map((f) => f.id));
  const label = (id: string) => IMPORT_FIELDS[kind].find((f) => f.id === id)?.label ?? id;
  const errors: Record<string, string> = {};
  const columns: Partial<Record<ImportField, number>> = {};
  table.headers.forEach((header, index) => {
    const value = form[`column.${index}`] ?? "";
    if (value === "") return;
    if (!known.has(value)) {
      errors[`column.${index}`] = "Choose one of the listed fields.";
      return;
    }
    const field = value as ImportField;
    const earlier = columns[field];
    if (earlier !== undefined) {
      errors[`column.${index}`] = `${label(field)} is already the column “${table.headers[earlier]}”. Choose one column for each field.`;
      return;
    }
    columns[field] = index;
  });
  const saved: SavedMapping = { columns };
  const dateOrder = form.dateOrder ?? "";
  if (dateOrder === "mdy" || dateOrder === "dmy") saved.dateOrder = dateOrder;
  else if (dateOrder !== "") errors.dateOrder = "Choose month/day or day/month.";
  if (kind === "feedback") {
    const source = (form.source ?? "").trim();
    if (source.length > MAX_SOURCE_LENGTH) errors.source = `At most ${MAX_SOURCE_LENGTH} characters.`;
    else if (source !== "") saved.source = source;
  }
  if (kind === "spend") {
    const outgoing = form.outgoing ?? "";
    if (outgoing === "negative" || outgoing === "positive") saved.outgoing = outgoing;
    else if (outgoing !== "") errors.outgoing = "Choose negative or positive.";
  }
  return Object.keys(errors).length > 0 ? { ok: false, saved, errors } : { ok: true, saved };
}

/** Where the page puts a problem applyMapping found: beside the question it asks, or at the top. */
export function mappingProblemField(kind: ImportKind, saved: SavedMapping, result: Extract<MappingResult, { ok: false }>): string {
  if (result.ask === "dateOrder") return "dateOrder";
  if (kind === "feedback" && saved.columns.source === undefined && !saved.source && /source/.test(result.problem)) return "source";
  return "form";
}
