// Calendar arithmetic on YYYY-MM-DD dates (no time zone involved).
import { addDays, addMonths, differenceInCalendarDays, format, parseISO } from "date-fns";

export function addDaysTo(date: string, days: number): string {
  return format(addDays(parseISO(date), days), "yyyy-MM-dd");
}

export function addMonthsTo(date: string, months: number): string {
  return format(addMonths(parseISO(date), months), "yyyy-MM-dd");
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(parseISO(to), parseISO(from));
}

/** The ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
}
