// Calendar arithmetic on YYYY-MM-DD dates (no time zone involved).
import { addMonths, format, parseISO } from "date-fns";

const DAY_MS = 86_400_000;

/** Midnight UTC of a calendar date, as milliseconds: days are then whole multiples of DAY_MS. */
function utcDay(date: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`Not a date: ${date}`);
  return ms;
}

// Plain arithmetic on UTC days: these run for every row of the largest reads (a practice's
// review queues), where parsing and formatting through date-fns was a tenth of the time.
export function addDaysTo(date: string, days: number): string {
  return new Date(utcDay(date) + days * DAY_MS).toISOString().slice(0, 10);
}

export function addMonthsTo(date: string, months: number): string {
  return format(addMonths(parseISO(date), months), "yyyy-MM-dd");
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDay(to) - utcDay(from)) / DAY_MS);
}

/** The ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
}
