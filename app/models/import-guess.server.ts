// Which column of a practice's file holds which of DeskCoach's fields: a guess from each column's
// header (against the names the common exports use) and from its values (dates, ratings, emails,
// amounts, long text), for the person to confirm or change. Deterministic: the same table gives
// the same guess.
import { type ImportKind } from "#app/rules/csv-imports.ts";
import type { OutcomeFigure } from "#app/rules/outcomes.ts";
import { isCategory, CATEGORIES } from "#app/rules/spend-categories.ts";
import type { ImportTable } from "./import-file.server.ts";
import {
  detectDecimalMark,
  detectOutgoingSign,
  looksLikeDate,
  looksLikeMonth,
  parseSignedCents,
  RATING_WORDS,
  type AmountShape,
  type DecimalMark,
} from "./import-values.server.ts";
import { scrubComment } from "./scrub.ts";

export type FeedbackField = "date" | "rating" | "comment" | "source" | "location";
export type PeopleField = "firstName" | "lastName" | "name" | "email" | "jobTitle" | "location";
export type SpendField = "date" | "description" | "amount" | "debit" | "credit" | "category";
export type OutcomesField = "month" | "location" | OutcomeFigure;
export type ImportField = FeedbackField | PeopleField | SpendField | OutcomesField;

/** What a column's values look like, for the content half of a guess. */
type Content = "date" | "rating" | "longText" | "shortText" | "email" | "personName" | "word" | "money" | "category" | "repeated" | "month" | "count" | "stars";

export interface FieldSpec {
  id: ImportField;
  label: string;
  /**
   * Whether an import of this kind needs it. People need an email and either a name or a first
   * and a last name; spend needs an amount or a debit column (see `requiredOneOf`).
   */
  required: boolean;
  /** Header names, normalised (lower case, words only), with how sure each makes the guess. */
  exact: Record<string, number>;
  /** Words that make a header likely, with their weight. */
  contains: [string, number][];
  content: Content;
  /** A column whose values do not fit is never guessed for this field, whatever its header. */
  contentRequired: boolean;
}

const spec = (id: ImportField, label: string, required: boolean, exact: Record<string, number>, contains: [string, number][], content: Content, contentRequired = false): FieldSpec => ({
  id,
  label,
  required,
  exact,
  contains,
  content,
  contentRequired,
});

const DATE_CONTAINS: [string, number][] = [
  ["date", 0.7],
  ["timestamp", 0.8],
  ["submitted", 0.7],
  ["time", 0.5],
];

export const IMPORT_FIELDS: Record<ImportKind, FieldSpec[]> = {
  feedback: [
    spec(
      "date",
      "Date",
      true,
      { timestamp: 1, date: 1, submitted: 1, "submitted at": 1, "submission date": 1, "date submitted": 1, "review date": 1, "response date": 1, created: 0.9, "created at": 0.9, "completed": 0.9, "end date": 0.9, "start date": 0.8 },
      DATE_CONTAINS,
      "date",
      true,
    ),
    spec(
      "rating",
      "Rating",
      true,
      { rating: 1, stars: 1, "star rating": 1, score: 1, "overall rating": 1, "overall satisfaction": 1, satisfaction: 1 },
      [
        ["rating", 0.8],
        ["rate", 0.8],
        ["stars", 0.8],
        ["satisf", 0.8],
        ["score", 0.7],
        ["recommend", 0.7],
        ["how likely", 0.7],
      ],
      "rating",
      true,
    ),
    spec(
      "comment",
      "Comment",
      false,
      { comment: 1, comments: 1, review: 1, "review text": 1, feedback: 1, text: 0.9, "your review": 1, "additional comments": 1 },
      [
        ["anything else", 0.8],
        ["comment", 0.8],
        ["feedback", 0.7],
        ["review", 0.6],
        ["tell us", 0.7],
        ["suggest", 0.6],
        ["improve", 0.6],
        ["better", 0.6],
        ["why", 0.5],
      ],
      "longText",
    ),
    spec("source", "Source", true, { source: 1, platform: 1, channel: 1, site: 0.7, "review site": 1 }, [["source", 0.8], ["platform", 0.7]], "shortText"),
    spec(
      "location",
      "Location",
      false,
      { location: 1, office: 1, clinic: 1, practice: 0.8, branch: 1, "business location": 1, "location name": 1 },
      [
        ["location", 0.8],
        ["office", 0.8],
        ["clinic", 0.8],
        ["branch", 0.7],
      ],
      "repeated",
    ),
  ],
  people: [
    spec("firstName", "First name", false, { "first name": 1, first: 0.9, "given name": 1, forename: 1, "legal first name": 1, "preferred first name": 0.9, "employee first name": 1 }, [["first name", 0.8], ["given", 0.6]], "word"),
    spec("lastName", "Last name", false, { "last name": 1, last: 0.9, surname: 1, "family name": 1, "legal last name": 1, "employee last name": 1 }, [["last name", 0.8], ["surname", 0.8]], "word"),
    spec("name", "Name", false, { name: 1, "full name": 1, "employee name": 1, employee: 0.8, "staff name": 1, "worker name": 1 }, [["name", 0.6]], "personName"),
    spec(
      "email",
      "Email",
      true,
      { "work email": 1, email: 1, "e mail": 1, "email address": 1, "work email address": 1, "business email": 1 },
      [
        ["work email", 0.9],
        ["email", 0.8],
        ["e mail", 0.8],
      ],
      "email",
      true,
    ),
    spec("jobTitle", "Job title", false, { "job title": 1, title: 0.9, role: 0.9, position: 1, job: 0.9, "position title": 1, "job role": 1 }, [["title", 0.7], ["role", 0.6], ["position", 0.7]], "shortText"),
    spec(
      "location",
      "Location",
      false,
      { location: 1, department: 0.9, office: 1, site: 0.9, clinic: 1, "work location": 1, branch: 1, "home department": 0.9 },
      [
        ["location", 0.8],
        ["department", 0.7],
        ["office", 0.7],
        ["clinic", 0.7],
      ],
      "repeated",
    ),
  ],
  spend: [
    spec(
      "date",
      "Date",
      true,
      { date: 1, "transaction date": 1, "trans date": 1, "posting date": 0.9, "posted date": 0.9, "post date": 0.9, "booking date": 0.9, "value date": 0.8 },
      DATE_CONTAINS,
      "date",
      true,
    ),
    spec(
      "description",
      "Description",
      true,
      { description: 1, memo: 1, payee: 1, merchant: 1, details: 0.9, narrative: 0.9, "transaction description": 1, "merchant name": 1, name: 0.6 },
      [
        ["description", 0.8],
        ["memo", 0.8],
        ["payee", 0.8],
        ["merchant", 0.8],
      ],
      "shortText",
    ),
    spec("amount", "Amount", false, { amount: 1, "transaction amount": 1, "amount usd": 1, value: 0.6 }, [["amount", 0.8]], "money", true),
    spec("debit", "Debit", false, { debit: 1, debits: 1, withdrawal: 1, withdrawals: 1, "money out": 1, "paid out": 1, charges: 0.8 }, [["debit", 0.8], ["withdraw", 0.8]], "money", true),
    spec("credit", "Credit", false, { credit: 1, credits: 1, deposit: 1, deposits: 1, "money in": 1, "paid in": 1, payments: 0.7 }, [["credit", 0.8], ["deposit", 0.8]], "money", true),
    spec("category", "Category", false, { category: 1, "spend category": 1, "training category": 1 }, [["category", 0.7]], "category", true),
  ],
  outcomes: [
    spec("month", "Month", true, { month: 1, period: 1, "report month": 1, "reporting period": 1, "month ending": 0.9, date: 0.8 }, [["month", 0.8], ["period", 0.8], ["date", 0.6]], "month", true),
    spec(
      "location",
      "Location",
      true,
      { location: 1, office: 1, clinic: 1, practice: 0.8, branch: 1, site: 0.9, "business location": 1, "location name": 1 },
      [
        ["location", 0.8],
        ["office", 0.8],
        ["clinic", 0.8],
        ["branch", 0.7],
      ],
      "repeated",
    ),
    spec(
      "visits",
      "Visits",
      false,
      { visits: 1, "kept appts": 1, "kept appointments": 1, "completed appointments": 1, "completed visits": 1, encounters: 1, "patients seen": 1, "total visits": 1, kept: 0.8, seen: 0.8 },
      [
        ["visits", 0.8],
        ["kept", 0.8],
        ["encounter", 0.7],
        ["completed", 0.6],
      ],
      "count",
      true,
    ),
    spec("newPatients", "New patients", false, { "new patients": 1, "new pts": 1, "new patient visits": 1, new: 0.8 }, [["new", 0.8]], "count", true),
    spec(
      "returningPatients",
      "Returning patients",
      false,
      { "returning patients": 1, "established patients": 1, "return patients": 1, "existing patients": 1, returning: 0.9, established: 0.9, "est pts": 1 },
      [
        ["returning", 0.8],
        ["established", 0.8],
        ["return", 0.6],
      ],
      "count",
      true,
    ),
    spec("noShows", "No-shows", false, { "no shows": 1, "no show": 1, noshows: 1, "missed appointments": 1, "missed appts": 1, dna: 0.9 }, [["no show", 0.9], ["missed", 0.7]], "count", true),
    spec(
      "lateCancellations",
      "Late cancellations",
      false,
      { "late cancellations": 1, "late cancels": 1, "late cancel": 1, "late cxl": 1, "same day cancellations": 1, "same day cancels": 1 },
      [
        ["late canc", 0.9],
        ["same day canc", 0.9],
        ["late", 0.6],
      ],
      "count",
      true,
    ),
    spec("reviewCount", "Online reviews", false, { reviews: 1, "review count": 1, "number of reviews": 1, "new reviews": 1, "google reviews": 1 }, [["reviews", 0.8]], "count", true),
    spec(
      "stars",
      "Average stars",
      false,
      { "average stars": 1, stars: 1, rating: 1, "average rating": 1, "google rating": 1, "star rating": 1, "avg rating": 1, "avg stars": 1 },
      [
        ["stars", 0.8],
        ["rating", 0.8],
      ],
      "stars",
      true,
    ),
    spec("complaints", "Complaints", false, { complaints: 1, "patient complaints": 1, grievances: 1, "complaints received": 1 }, [["complaint", 0.8], ["grievance", 0.8]], "count", true),
  ],
};

export type Confidence = "high" | "medium" | "low";

export interface ColumnSummary {
  index: number;
  header: string;
  /** The first few values that are not empty, shortened, for the page to show. */
  sample: string[];
  /** How many rows have a value in this column. */
  filled: number;
}

export interface FieldGuess {
  field: ImportField;
  label: string;
  required: boolean;
  /** The column guessed, or null when none fits. */
  column: number | null;
  confidence: Confidence | null;
  /** Why, in words: "header “Timestamp”; 5 of 5 values are dates". */
  reason: string;
}

export interface MappingGuess {
  kind: ImportKind;
  columns: ColumnSummary[];
  fields: FieldGuess[];
  /** The guessed column of each field that has one. */
  mapping: Partial<Record<ImportField, number>>;
  /** Spend only: where the amounts are and how they are written, or null without an amount column. */
  amounts: { shape: AmountShape; decimalMark: DecimalMark } | null;
}

/**
 * Values that tell a column by themselves; the rest need a header that names the field (amounts
 * too: a balance or a card number looks like one).
 */
const STRONG_CONTENT = new Set<Content>(["date", "rating", "longText", "email", "category", "month"]);

const SAMPLE_VALUES = 3;
const SAMPLE_LENGTH = 60;
/** Characters of a feedback value scrubbed for its sample: more than a sample shows. */
const SCRUBBED_SAMPLE = 300;
/** Values looked at to judge a column's content. */
const CONTENT_ROWS = 200;

/** "How likely are you to recommend…?" → "how likely are you to recommend" */
export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function headerScore(field: FieldSpec, header: string): { score: number; why: string } {
  const name = normaliseHeader(header);
  const exact = field.exact[name];
  if (exact !== undefined) return { score: exact, why: `header “${header}”` };
  let best = 0;
  for (const [word, weight] of field.contains) if (` ${name} `.includes(` ${word}`) && weight > best) best = weight;
  return best > 0 ? { score: best, why: `header “${header}”` } : { score: 0, why: "" };
}

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[a-z]{2,}$/i;
const WHOLE_0_TO_10 = /^(?:10|\d)(?:\.0+)?$/;

function fits(content: Content, value: string, all: string[]): boolean {
  switch (content) {
    case "date":
      return looksLikeDate(value);
    case "rating":
      return WHOLE_0_TO_10.test(value) || value.trim().toLowerCase().replace(/\s+/g, " ") in RATING_WORDS;
    case "longText":
      return value.length >= 20 && /\s/.test(value);
    case "shortText":
      return value.length <= 80 && /[a-z]/i.test(value) && !looksLikeDate(value);
    case "email":
      return EMAIL.test(value);
    case "personName":
      return /^[\p{L}'’.-]+(?:,?\s+[\p{L}'’.-]+){1,3}$/u.test(value);
    case "word":
      return /^[\p{L}'’.-]+(?:[\s-][\p{L}'’.-]+)?$/u.test(value);
    case "money":
      return /\d/.test(value) && !looksLikeDate(value) && (parseSignedCents(value, ".").ok || parseSignedCents(value, ",").ok);
    case "category":
      return isCategory(value.trim().toLowerCase()) || CATEGORIES.some((c) => c.label.toLowerCase() === value.trim().toLowerCase());
    case "repeated":
      // A location repeats: a short name that comes back row after row.
      return value.length <= 60 && /[a-z]/i.test(value) && all.filter((v) => v === value).length > 1;
    case "month":
      return looksLikeMonth(value) || looksLikeDate(value);
    case "count":
      return /^\d{1,3}(?:,?\d{3})*$/.test(value.trim());
    case "stars":
      return /^\d(?:\.\d+)?$/.test(value.trim()) && Number(value) <= 5;
  }
}

const CONTENT_WORDS: Record<Content, string> = {
  date: "dates",
  rating: "ratings",
  longText: "sentences",
  shortText: "short text",
  email: "email addresses",
  personName: "names",
  word: "single names",
  money: "amounts",
  category: "DeskCoach's spend categories",
  repeated: "names that repeat",
  month: "months or dates",
  count: "whole numbers",
  stars: "averages from 0 to 5",
};

interface Scored {
  field: FieldSpec;
  column: number;
  score: number;
  reason: string;
}

/**
 * The guess for one kind of import: for each of DeskCoach's fields, the column whose header and
 * values fit it best, each column used once. A header that names the field counts most (0.6);
 * values that look right count the rest (0.4), so a column is also found by its values alone
 * (then with low confidence). Ties go to the field listed first, then to the leftmost column.
 */
export function guessMapping(kind: ImportKind, table: ImportTable): MappingGuess {
  const fields = IMPORT_FIELDS[kind];
  const columns: ColumnSummary[] = table.headers.map((header, index) => {
    const values = table.rows.map((r) => (r[index] ?? "").trim()).filter((v) => v !== "");
    return { index, header, sample: values.slice(0, SAMPLE_VALUES).map((v) => sampleOf(kind, v)), filled: values.length };
  });
  const valuesOf = table.headers.map((_, index) =>
    table.rows
      .slice(0, CONTENT_ROWS)
      .map((r) => (r[index] ?? "").trim())
      .filter((v) => v !== ""),
  );

  const candidates: Scored[] = [];
  fields.forEach((field) => {
    table.headers.forEach((header, column) => {
      const values = valuesOf[column] ?? [];
      const head = headerScore(field, header);
      const fitting = values.filter((v) => fits(field.content, v, values)).length;
      const share = values.length === 0 ? 0 : fitting / values.length;
      if (field.contentRequired && share < 0.5) return;
      // Short text looks like every other column: without a header naming the field, no guess.
      if (head.score === 0 && !STRONG_CONTENT.has(field.content)) return;
      const score = 0.6 * head.score + 0.4 * share;
      if (score < 0.3) return;
      const contentWhy = values.length === 0 ? "the column is empty" : `${fitting} of ${values.length} values are ${CONTENT_WORDS[field.content]}`;
      candidates.push({ field, column, score, reason: [head.why, contentWhy].filter((s) => s !== "").join("; ") });
    });
  });
  // Highest score first; the stable sort keeps field order, then column order, among equals.
  candidates.sort((a, b) => b.score - a.score);

  const taken = new Set<number>();
  const chosen = new Map<ImportField, Scored>();
  for (const c of candidates) {
    if (chosen.has(c.field.id) || taken.has(c.column)) continue;
    chosen.set(c.field.id, c);
    taken.add(c.column);
  }
  // A full name is only wanted without first and last names, and the reverse.
  if (kind === "people" && chosen.has("firstName") && chosen.has("lastName")) chosen.delete("name");
  if (kind === "people" && chosen.has("name") && !(chosen.has("firstName") && chosen.has("lastName"))) {
    chosen.delete("firstName");
    chosen.delete("lastName");
  }

  const mapping: Partial<Record<ImportField, number>> = {};
  const guesses: FieldGuess[] = fields.map((field) => {
    const c = chosen.get(field.id);
    if (c) mapping[field.id] = c.column;
    return {
      field: field.id,
      label: field.label,
      required: field.required,
      column: c?.column ?? null,
      confidence: c ? (c.score >= 0.75 ? "high" : c.score >= 0.5 ? "medium" : "low") : null,
      reason: c?.reason ?? "No column looks like it.",
    };
  });

  return { kind, columns, fields: guesses, mapping, amounts: kind === "spend" ? amountsOf(mapping, table, valuesOf) : null };
}

/** Debit and Credit columns when the file has them (a Debit alone will do); else the Amount column. */
function amountsOf(mapping: Partial<Record<ImportField, number>>, table: ImportTable, valuesOf: string[][]): MappingGuess["amounts"] {
  const { debit, credit, amount } = mapping;
  if (debit !== undefined) {
    const values = [...(valuesOf[debit] ?? []), ...(credit === undefined ? [] : (valuesOf[credit] ?? []))];
    return { shape: { kind: "debit-credit", debit, credit: credit ?? null }, decimalMark: detectDecimalMark(table.delimiter, values) };
  }
  if (amount === undefined) return null;
  const values = valuesOf[amount] ?? [];
  const decimalMark = detectDecimalMark(table.delimiter, values);
  return { shape: { kind: "signed", column: amount, outgoing: detectOutgoingSign(values, decimalMark) }, decimalMark };
}

/**
 * A value as the page shows it. Feedback is patients' words: the page shows what the import
 * would keep, scrubbed like a comment (dates and ratings aside, which the scrubber would take for
 * a date or a number), as the preview never shows a comment as it came in.
 */
function sampleOf(kind: ImportKind, value: string): string {
  if (kind !== "feedback" || looksLikeDate(value) || /^\d{1,2}(?:\.\d+)?$/.test(value)) return shorten(value);
  // Scrubbing time grows with the square of the text; only the start is shown.
  return shorten(scrubComment(value.slice(0, SCRUBBED_SAMPLE)).text);
}

function shorten(value: string): string {
  return value.length > SAMPLE_LENGTH ? `${value.slice(0, SAMPLE_LENGTH - 1).trimEnd()}…` : value;
}
