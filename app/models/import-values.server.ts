// Values as practices' files write them, converted to what DeskCoach stores: ratings on any scale
// to 1–5, dates as people write them to YYYY-MM-DD, statement amounts to the cents spent, names,
// and a spend category guessed from a description. Each conversion returns the value, the text it
// came from and the rule in words, so the mapping page can show what was done; a value that cannot
// be converted gives a problem instead, never a guess.
//
// A column is judged from all its values first (its rating scale, its date order, which sign is
// money going out); each value is then converted by that column's rule.
import { TZDate } from "@date-fns/tz";
import type { SpendCategory } from "#db/schema.ts";
import { CATEGORY_LABEL } from "#app/rules/spend-categories.ts";
import { MAX_CENTS } from "#app/rules/money.ts";

export interface Converted<T> {
  /** Null when the value could not be converted (then `problem` says why) or was empty. */
  value: T | null;
  original: string;
  /** The column's rule, in words, for the page. */
  rule: string;
  problem: string | null;
}

function converted<T>(value: T | null, original: string, rule: string, problem: string | null = null): Converted<T> {
  return { value, original, rule, problem };
}

const present = (values: readonly string[]) => values.map((v) => v.trim()).filter((v) => v !== "");

// ---------------------------------------------------------------------------------------------
// Ratings

export type RatingScale = "1-5" | "1-10" | "0-10" | "words";

export type RatingColumn = { ok: true; scale: RatingScale; rule: string } | { ok: false; problem: string };

/**
 * Answers in words, each to 1–5: the five-point scales of SurveyMonkey, Google Forms and review
 * sites. Matched whole, case and spacing aside.
 */
export const RATING_WORDS: Record<string, number> = {
  "extremely satisfied": 5,
  "very satisfied": 5,
  satisfied: 4,
  "somewhat satisfied": 4,
  "neither satisfied nor dissatisfied": 3,
  neutral: 3,
  "somewhat dissatisfied": 2,
  dissatisfied: 2,
  "very dissatisfied": 1,
  "extremely dissatisfied": 1,
  "not at all satisfied": 1,
  excellent: 5,
  "very good": 4,
  good: 3,
  fair: 2,
  poor: 1,
  "very poor": 1,
  "extremely likely": 5,
  "very likely": 4,
  likely: 4,
  "somewhat likely": 3,
  "neither likely nor unlikely": 3,
  "not so likely": 2,
  unlikely: 2,
  "very unlikely": 1,
  "not at all likely": 1,
};

const wordKey = (text: string) => text.trim().toLowerCase().replace(/\s+/g, " ").replace(/[.!]+$/, "");
const WHOLE = /^\d+(?:\.0+)?$/;
/** A header that asks the 0–10 "how likely are you to recommend" question. */
const RECOMMEND = /recommend|likely|nps|net promoter/i;

export const RATING_RULES: Record<Exclude<RatingScale, "words">, string> = {
  "1-5": "Ratings from 1 to 5, kept as they are.",
  "1-10": "A rating from 1 to 10, halved and rounded up: 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.",
  "0-10": "A 0–10 “how likely to recommend” score: 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.",
};

/**
 * The scale of a rating column, from all its values and its header: words from the table above;
 * whole numbers from 0 to 10 when a 0 appears or the header asks about recommending; from 1 to 5
 * when none is over 5; from 1 to 10 when none is over 10. Anything else is no scale DeskCoach knows.
 */
export function detectRatingScale(values: readonly string[], header = ""): RatingColumn {
  const given = present(values);
  if (given.length === 0) return { ok: false, problem: "The column is empty." };
  if (given.every((v) => wordKey(v) in RATING_WORDS)) {
    const used = [...new Set(given.map(wordKey))].sort((a, b) => (RATING_WORDS[b] ?? 0) - (RATING_WORDS[a] ?? 0));
    const shown = used.map((w) => `${given.find((v) => wordKey(v) === w)} → ${RATING_WORDS[w]}`).join(", ");
    return { ok: true, scale: "words", rule: `Answers in words, from best to worst: ${shown}.` };
  }
  if (!given.every((v) => WHOLE.test(v))) {
    const odd = given.find((v) => !WHOLE.test(v) && !(wordKey(v) in RATING_WORDS));
    return { ok: false, problem: odd === undefined ? "The column mixes numbers and words." : `“${odd}” is not a rating DeskCoach knows (whole numbers, or words such as “Very satisfied” or “Excellent”).` };
  }
  const numbers = given.map(Number);
  const max = Math.max(...numbers);
  const min = Math.min(...numbers);
  if (max > 10) return { ok: false, problem: `The column has values up to ${max}; DeskCoach reads ratings from 1 to 5, 1 to 10 or 0 to 10.` };
  const scale: RatingScale = min === 0 || RECOMMEND.test(header) ? "0-10" : max <= 5 ? "1-5" : "1-10";
  return { ok: true, scale, rule: RATING_RULES[scale] };
}

/** One rating converted by its column's scale. */
export function convertRating(text: string, column: RatingColumn): Converted<number> {
  const original = text;
  const value = text.trim();
  if (!column.ok) return converted<number>(null, original, "", column.problem);
  if (value === "") return converted<number>(null, original, column.rule, "No rating.");
  if (column.scale === "words") {
    const n = RATING_WORDS[wordKey(value)];
    return n === undefined ? converted<number>(null, original, column.rule, `“${value}” is not one of the answers DeskCoach knows.`) : converted(n, original, column.rule);
  }
  if (!WHOLE.test(value)) return converted<number>(null, original, column.rule, `“${value}” is not a whole number.`);
  const n = Number(value);
  const [low, high] = column.scale === "1-5" ? [1, 5] : column.scale === "1-10" ? [1, 10] : [0, 10];
  if (n < low || n > high) return converted<number>(null, original, column.rule, `${n} is outside the scale ${low} to ${high}.`);
  return converted(column.scale === "1-5" ? n : Math.max(1, Math.ceil(n / 2)), original, column.rule);
}

// ---------------------------------------------------------------------------------------------
// Dates

/** The order of day and month in dates written with numbers only (3/4/2026). */
export type DateOrder = "mdy" | "dmy";

export type DateColumn =
  | { ok: true; order: DateOrder | null; rule: string }
  /** Every value fits both orders: the person must say which (never guessed). */
  | { ok: false; ambiguous: true; problem: string }
  | { ok: false; ambiguous: false; problem: string };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const WEEKDAY = "(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?";
/** A time after a date: 14:05, 14:05:09, 2:05 PM, 09:14:05 AM, 2 PM. */
const TIME = "(?:[ T,]+(\\d{1,2})(?::(\\d{2}))?(?::(\\d{2})(?:\\.\\d+)?)?\\s*([ap]\\.?m\\.?)?)?";
const ZONE = "\\s*(z|utc|gmt|[+-]\\d{2}:?\\d{2})?";

const ISO = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})${TIME}${ZONE}$`, "i");
const NUMERIC = new RegExp(`^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4}|\\d{2})${TIME}${ZONE}$`, "i");
const MONTH_FIRST = new RegExp(`^${WEEKDAY}${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})${TIME}${ZONE}$`, "i");
const DAY_FIRST = new RegExp(`^${WEEKDAY}(\\d{1,2})(?:st|nd|rd|th)?[\\s-]+${MONTH}[\\s,-]+(\\d{4})${TIME}${ZONE}$`, "i");

interface DateParts {
  y: number;
  m: number;
  d: number;
  /** Hours and minutes when a time was written, and its zone when one was. */
  time: { h: number; min: number; s: number } | null;
  zone: string | null;
}

type Written = { kind: "plain"; parts: DateParts } | { kind: "numeric"; a: number; b: number; y: number; rest: Omit<DateParts, "y" | "m" | "d"> } | null;

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.toLowerCase().slice(0, 3)) + 1;
}

function timeOf(h?: string, min?: string, s?: string, ampm?: string): DateParts["time"] | "bad" {
  if (h === undefined) return null;
  let hours = Number(h);
  const minutes = Number(min ?? "0");
  const seconds = Number(s ?? "0");
  if (ampm) {
    const pm = ampm.toLowerCase().startsWith("p");
    if (hours < 1 || hours > 12) return "bad";
    hours = (hours % 12) + (pm ? 12 : 0);
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return "bad";
  return { h: hours, min: minutes, s: seconds };
}

/** What a date's text says, before the column's order is known. */
function readWritten(text: string): Written | "bad" {
  const value = text.trim().replace(/\s+/g, " ");
  let m = ISO.exec(value);
  if (m) {
    const time = timeOf(m[4], m[5], m[6], m[7]);
    if (time === "bad") return "bad";
    return { kind: "plain", parts: { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]), time, zone: m[8] ?? null } };
  }
  if ((m = NUMERIC.exec(value))) {
    const time = timeOf(m[4], m[5], m[6], m[7]);
    if (time === "bad") return "bad";
    const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return { kind: "numeric", a: Number(m[1]), b: Number(m[2]), y, rest: { time, zone: m[8] ?? null } };
  }
  if ((m = MONTH_FIRST.exec(value))) {
    const time = timeOf(m[4], m[5], m[6], m[7]);
    if (time === "bad") return "bad";
    return { kind: "plain", parts: { y: Number(m[3]), m: monthNumber(m[1]!), d: Number(m[2]), time, zone: m[8] ?? null } };
  }
  if ((m = DAY_FIRST.exec(value))) {
    const time = timeOf(m[4], m[5], m[6], m[7]);
    if (time === "bad") return "bad";
    return { kind: "plain", parts: { y: Number(m[3]), m: monthNumber(m[2]!), d: Number(m[1]), time, zone: m[8] ?? null } };
  }
  return null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2999) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The date in the practice's time zone. A time written with a zone (Z, +02:00) is an instant and
 * lands on the practice's calendar; one written without is already the practice's clock.
 */
function localDate(parts: DateParts, timeZone: string): string | null {
  if (!realDate(parts.y, parts.m, parts.d)) return null;
  const date = `${pad(parts.y, 4)}-${pad(parts.m)}-${pad(parts.d)}`;
  if (!parts.zone) return date;
  const zone = /^(z|utc|gmt)$/i.test(parts.zone) ? "+00:00" : parts.zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const t = parts.time ?? { h: 0, min: 0, s: 0 };
  const instant = Date.parse(`${date}T${pad(t.h)}:${pad(t.min)}:${pad(t.s)}${zone}`);
  if (Number.isNaN(instant)) return null;
  const local = new TZDate(instant, timeZone);
  return `${pad(local.getFullYear(), 4)}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

const ORDER_WORDS: Record<DateOrder, string> = { mdy: "month/day/year (US)", dmy: "day/month/year" };

/** The rule a date column is converted by, in words. */
export function dateRule(order: DateOrder | null, timeZone: string): string {
  const base = order ? `Dates with numbers only are read as ${ORDER_WORDS[order]}: ${order === "mdy" ? "3/4/2026 is 4 March 2026" : "3/4/2026 is 3 April 2026"}.` : "Dates are read as written (2026-03-14, March 14, 2026, 14 Mar 2026).";
  return `${base} A time with a zone (Z, +02:00) is moved to the practice's time zone (${timeZone}) before its date is taken; a time without one is already the practice's clock.`;
}

/**
 * How a column writes its dates: for dates written with numbers only (3/4/2026), whether the day
 * or the month comes first. A first number over 12 makes the column day/month; a second number
 * over 12 makes it month/day; a column where neither is ever over 12 is ambiguous and the person
 * must choose (`order` in convertDate). ISO dates and month names need no choice.
 */
export function detectDateColumn(values: readonly string[], timeZone: string): DateColumn {
  const given = present(values);
  if (given.length === 0) return { ok: false, ambiguous: false, problem: "The column is empty." };
  let dayFirst: string | null = null;
  let monthFirst: string | null = null;
  let numeric = 0;
  for (const v of given) {
    const w = readWritten(v);
    if (w === null || w === "bad") return { ok: false, ambiguous: false, problem: `“${v}” is not a date DeskCoach can read.` };
    if (w.kind !== "numeric") continue;
    numeric++;
    if (w.a > 12) dayFirst ??= v;
    if (w.b > 12) monthFirst ??= v;
  }
  if (dayFirst && monthFirst) return { ok: false, ambiguous: false, problem: `The column mixes day/month (${dayFirst}) and month/day (${monthFirst}) dates.` };
  if (numeric === 0) return { ok: true, order: null, rule: dateRule(null, timeZone) };
  if (!dayFirst && !monthFirst) {
    return {
      ok: false,
      ambiguous: true,
      problem: `Every date in this column could be month/day or day/month (${given[0]} could be ${describeBoth(given[0]!)}). Say which the file uses.`,
    };
  }
  const order: DateOrder = dayFirst ? "dmy" : "mdy";
  return { ok: true, order, rule: dateRule(order, timeZone) };
}

function describeBoth(text: string): string {
  const w = readWritten(text);
  if (!w || w === "bad" || w.kind !== "numeric") return "either";
  const name = (m: number, d: number) => `${d} ${["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][m - 1]}`;
  return `${name(w.a, w.b)} or ${name(w.b, w.a)}`;
}

/**
 * One date to YYYY-MM-DD in the practice's time zone. `order` is the column's (from
 * detectDateColumn, or the person's answer when it was ambiguous); a date with numbers only and
 * no order is a problem, never a guess.
 */
export function convertDate(text: string, options: { order: DateOrder | null; timeZone: string }): Converted<string> {
  const rule = dateRule(options.order, options.timeZone);
  const value = text.trim();
  if (value === "") return converted<string>(null, text, rule, "No date.");
  const w = readWritten(value);
  if (w === null || w === "bad") return converted<string>(null, text, rule, `“${value}” is not a date DeskCoach can read.`);
  let parts: DateParts;
  if (w.kind === "plain") parts = w.parts;
  else {
    if (!options.order) return converted<string>(null, text, rule, `“${value}” could be month/day or day/month: say which the file uses.`);
    const [m, d] = options.order === "mdy" ? [w.a, w.b] : [w.b, w.a];
    parts = { y: w.y, m, d, ...w.rest };
  }
  const date = localDate(parts, options.timeZone);
  return date ? converted(date, text, rule) : converted<string>(null, text, rule, `“${value}” is not a real date.`);
}

/** Whether a text reads as a date in some order (for guessing which column holds dates). */
export function looksLikeDate(text: string): boolean {
  const w = readWritten(text);
  if (!w || w === "bad") return false;
  if (w.kind === "plain") return realDate(w.parts.y, w.parts.m, w.parts.d);
  return realDate(w.y, w.a, w.b) || realDate(w.y, w.b, w.a);
}

// ---------------------------------------------------------------------------------------------
// Months (outcome figures are kept per month)

const MONTH_ONLY = [
  // 2026-03, 2026/03
  { pattern: /^(\d{4})[-/.](\d{1,2})$/, read: (m: RegExpExecArray) => [Number(m[1]), Number(m[2])] as const },
  // 03/2026, 3-2026
  { pattern: /^(\d{1,2})[-/.](\d{4})$/, read: (m: RegExpExecArray) => [Number(m[2]), Number(m[1])] as const },
  // Mar 2026, March 2026, Mar-2026, March, 2026
  { pattern: new RegExp(`^${MONTH}[\\s,-]+(\\d{4})$`, "i"), read: (m: RegExpExecArray) => [Number(m[2]), monthNumber(m[1]!)] as const },
  // 2026 Mar
  { pattern: new RegExp(`^(\\d{4})[\\s,-]+${MONTH}$`, "i"), read: (m: RegExpExecArray) => [Number(m[1]), monthNumber(m[2]!)] as const },
];

/** A month written without a day ("2026-03", "03/2026", "Mar 2026") as YYYY-MM, or null. */
function readMonthOnly(text: string): string | null {
  const value = text.trim().replace(/\s+/g, " ");
  for (const { pattern, read } of MONTH_ONLY) {
    const m = pattern.exec(value);
    if (!m) continue;
    const [y, month] = read(m);
    return month >= 1 && month <= 12 && y >= 1900 && y <= 2999 ? `${pad(y, 4)}-${pad(month)}` : null;
  }
  return null;
}

/** Whether a text is a month written without a day (for guessing which column holds months). */
export function looksLikeMonth(text: string): boolean {
  return readMonthOnly(text) !== null;
}

const MONTH_RULE = "Months are read as written (2026-03, 03/2026, Mar 2026); a full date gives its month.";

/**
 * How a month column writes its months: months alone need no choice; full dates (an export's
 * first or last day of each month) are judged as a date column is, the person asked for the order
 * of day and month when every date could be either. A value that is neither is left for the
 * outcomes' own check to name on its row.
 */
export function detectMonthColumn(values: readonly string[], timeZone: string): DateColumn {
  const given = present(values);
  if (given.length === 0) return { ok: false, ambiguous: false, problem: "The column is empty." };
  const dates = given.filter((v) => {
    const written = readMonthOnly(v) === null ? readWritten(v) : null;
    return written !== null && written !== "bad";
  });
  if (dates.length === 0) return { ok: true, order: null, rule: MONTH_RULE };
  const column = detectDateColumn(dates, timeZone);
  return column.ok ? { ...column, rule: `${MONTH_RULE} ${column.rule}` } : column;
}

/** One month to YYYY-MM: a month alone as written, a full date (by the column's order) to its month. */
export function convertMonth(text: string, options: { order: DateOrder | null; timeZone: string }): Converted<string> {
  const rule = options.order ? `${MONTH_RULE} ${dateRule(options.order, options.timeZone)}` : MONTH_RULE;
  const only = readMonthOnly(text);
  if (only) return converted(only, text, rule);
  if (text.trim() === "") return converted<string>(null, text, rule, "No month.");
  const date = convertDate(text, options);
  return date.value === null ? converted<string>(null, text, rule, date.problem) : converted(date.value.slice(0, 7), text, rule);
}

// ---------------------------------------------------------------------------------------------
// Amounts

/** "." in 1,234.56; "," in 1.234,56 (European Excel, which also separates columns with semicolons). */
export type DecimalMark = "." | ",";

/**
 * The decimal mark of a file's amounts: a comma only when the file separates its columns with
 * semicolons (as European Excel does) and some amount ends in a comma and one or two digits.
 */
export function detectDecimalMark(delimiter: string | null, amounts: readonly string[]): DecimalMark {
  if (delimiter !== ";") return ".";
  return present(amounts).some((v) => /,\d{1,2}\)?-?$/.test(v.replace(/\s/g, ""))) ? "," : ".";
}

/**
 * A signed amount in cents: "$1,234.56", "-45.00", "(45.00)" (negative, as accountants write
 * it), "45.00-", "−45" (a typographic minus), "USD 12.00", and with a decimal comma "1.234,56".
 */
export function parseSignedCents(text: string, mark: DecimalMark): { ok: true; cents: number } | { ok: false; problem: string } {
  let value = text.trim().replace(/\u2212/g, "-").replace(/\s/g, "");
  if (value === "") return { ok: false, problem: "No amount." };
  let negative = false;
  if (/^\(.*\)$/.test(value)) [negative, value] = [true, value.slice(1, -1)];
  if (value.endsWith("-")) [negative, value] = [!negative, value.slice(0, -1)];
  value = value.replace(/^(?:usd|eur|gbp|cad)/i, "").replace(/(?:usd|eur|gbp|cad)$/i, "");
  if (value.startsWith("-")) [negative, value] = [!negative, value.slice(1)];
  else if (value.startsWith("+")) value = value.slice(1);
  value = value.replace(/^[$€£]/, "");
  if (value.startsWith("-")) [negative, value] = [!negative, value.slice(1)];
  const [thousands, decimal] = mark === "." ? [",", "."] : [".", ","];
  const pattern = new RegExp(`^(\\d{1,3}(?:\\${thousands}\\d{3})+|\\d+)(?:\\${decimal}(\\d{1,2}))?$`);
  const m = pattern.exec(value);
  if (!m) return { ok: false, problem: `“${text.trim()}” is not an amount like ${mark === "." ? "1,234.56" : "1.234,56"}.` };
  const cents = Number(m[1]!.split(thousands).join("")) * 100 + Number((m[2] ?? "").padEnd(2, "0") || "0");
  if (!Number.isSafeInteger(cents) || cents > MAX_CENTS) return { ok: false, problem: `“${text.trim()}” is too large to be an amount.` };
  return { ok: true, cents: negative ? -cents : cents };
}

/**
 * Where a statement keeps its amounts: one column of signed amounts, in which money going out is
 * negative (bank statements) or positive (most card statements), or a Debit and a Credit column.
 */
export type AmountShape =
  | { kind: "signed"; column: number; outgoing: "negative" | "positive" }
  /** `credit` is null when the file has a Debit column only. */
  | { kind: "debit-credit"; debit: number; credit: number | null };

/**
 * Which sign is money going out in a signed column: the sign most of its amounts have (a
 * statement of training spend is mostly spending). A tie is read as a bank statement's.
 */
export function detectOutgoingSign(values: readonly string[], mark: DecimalMark): "negative" | "positive" {
  let negative = 0;
  let positive = 0;
  for (const v of present(values)) {
    const p = parseSignedCents(v, mark);
    if (p.ok && p.cents < 0) negative++;
    else if (p.ok && p.cents > 0) positive++;
  }
  return positive > negative ? "positive" : "negative";
}

export function amountRule(shape: AmountShape, mark: DecimalMark): string {
  const decimal = mark === "," ? " Amounts use a decimal comma (1.234,56)." : "";
  if (shape.kind === "debit-credit") return `Spend is the Debit column (money going out); rows with only a Credit (payments, refunds) are left out.${decimal}`;
  return shape.outgoing === "negative"
    ? `Negative amounts are money going out and count as spend; positive amounts (deposits, refunds) are left out.${decimal}`
    : `Positive amounts are charges and count as spend; negative amounts (payments, refunds) are left out.${decimal}`;
}

/**
 * The cents one statement row spent. `value` is null with no problem when the row is money
 * coming in (not spend: the caller leaves it out), and null with a problem when it cannot be read.
 */
export function convertSpend(row: readonly string[], shape: AmountShape, mark: DecimalMark): Converted<number> & { moneyIn: boolean } {
  const rule = amountRule(shape, mark);
  if (shape.kind === "signed") {
    const original = row[shape.column] ?? "";
    const p = parseSignedCents(original, mark);
    if (!p.ok) return { ...converted<number>(null, original, rule, p.problem), moneyIn: false };
    const out = shape.outgoing === "negative" ? -p.cents : p.cents;
    if (out <= 0) return { ...converted<number>(null, original, rule), moneyIn: true };
    return { ...converted(out, original, rule), moneyIn: false };
  }
  const debit = (row[shape.debit] ?? "").trim();
  const credit = shape.credit === null ? "" : (row[shape.credit] ?? "").trim();
  const original = debit !== "" ? debit : credit;
  if (debit === "" && credit === "") return { ...converted<number>(null, "", rule, "No amount in Debit or Credit."), moneyIn: false };
  if (debit === "") {
    const p = parseSignedCents(credit, mark);
    return p.ok ? { ...converted<number>(null, original, rule), moneyIn: true } : { ...converted<number>(null, original, rule, p.problem), moneyIn: false };
  }
  const p = parseSignedCents(debit, mark);
  if (!p.ok) return { ...converted<number>(null, original, rule, p.problem), moneyIn: false };
  // Some banks write debits as negative numbers in the Debit column: the column says the direction.
  const cents = Math.abs(p.cents);
  if (cents === 0) return { ...converted<number>(null, original, rule), moneyIn: true };
  return { ...converted(cents, original, rule), moneyIn: false };
}

// ---------------------------------------------------------------------------------------------
// Names

/** First and last name from two columns, joined with a space. */
export function joinName(first: string, last: string): Converted<string> {
  const name = [first.trim(), last.trim()].filter((p) => p !== "").join(" ");
  const rule = "First and last name joined.";
  return name === "" ? converted<string>(null, `${first} ${last}`.trim(), rule, "No name.") : converted(name, [first, last].join(" | "), rule);
}

/** A full name from one column: "Reyes, Alma" (as payroll lists write it) becomes "Alma Reyes". */
export function readFullName(text: string): Converted<string> {
  const value = text.trim().replace(/\s+/g, " ");
  if (value === "") return converted<string>(null, text, "", "No name.");
  const m = /^([^,]+),\s*([^,]+)$/.exec(value);
  if (m) return converted(`${m[2]!.trim()} ${m[1]!.trim()}`, text, "“Last, First” turned round to “First Last”.");
  return converted(value, text, "The name as written.");
}

// ---------------------------------------------------------------------------------------------
// Spend categories

/**
 * Known providers and words, to a category, in this order (the first match wins). Only the
 * categories DeskCoach has; everything else is Other. A guess for the owner to confirm.
 */
export const CATEGORY_HINTS: { words: string[]; category: SpendCategory }[] = [
  { words: ["conference", "congress", "kongress", "seminar", "ceu", "summit", "symposium", "convention", "workshop", "mgma"], category: "conferences-and-workshops" },
  { words: ["webinar", "virtual class", "live online", "zoom training"], category: "virtual-instructor-led" },
  {
    words: ["coursera", "udemy", "linkedin learning", "lynda", "healthstream", "relias", "skillsoft", "pluralsight", "edx", "medbridge", "online course", "e-learning", "elearning"],
    category: "online-courses",
  },
  { words: ["on-site training", "onsite training", "in-person training", "trainer visit"], category: "in-person-training" },
  { words: ["workbook", "handbook", "book", "manual", "poster", "training materials"], category: "training-materials" },
];

export interface CategoryGuess {
  category: SpendCategory;
  /** Always true: the owner confirms it. */
  guessed: true;
  /** Why, in words: "“Coursera” is an online course provider". */
  rule: string;
}

export function guessSpendCategory(description: string): CategoryGuess {
  const text = ` ${description.toLowerCase().replace(/[^a-z0-9]+/g, " ")} `;
  for (const hint of CATEGORY_HINTS) {
    const word = hint.words.find((w) => text.includes(` ${w.replace(/[^a-z0-9]+/g, " ")} `));
    if (word) return { category: hint.category, guessed: true, rule: `Guessed ${CATEGORY_LABEL[hint.category]} from “${word}” in the description; check it.` };
  }
  return { category: "other", guessed: true, rule: "No known provider or word in the description: Other, until you choose." };
}
