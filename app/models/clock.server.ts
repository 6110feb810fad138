// "Now" for the practice: due dates, "today", streaks. Tests may move it with DESKCOACH_NOW,
// which is ignored in production.
import { TZDate } from "@date-fns/tz";
import { addDays, addMonths, differenceInCalendarDays, format, parseISO } from "date-fns";

export interface Clock {
  now(): Date;
}

export function createClock(nodeEnv: string, override?: string): Clock {
  if (!override || nodeEnv === "production") return { now: () => new Date() };
  const offset = new Date(override).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** The calendar date (YYYY-MM-DD) of an instant in the practice's time zone. */
export function localDate(instant: Date | string, timeZone: string): string {
  return format(new TZDate(new Date(instant).getTime(), timeZone), "yyyy-MM-dd");
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Calendar arithmetic on YYYY-MM-DD dates (no time zone involved). */
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
