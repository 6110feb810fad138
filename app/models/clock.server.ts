// "Now" for the practice: due dates, "today", streaks. Tests may move it with DESKCOACH_NOW,
// which is ignored in production.
import { isoWeekday } from "#app/rules/dates.ts";

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
  const parts = dateFormat(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** The practice's wall clock at an instant: its date, hour (0–23) and ISO weekday (1 = Monday). */
export function localTime(instant: Date, timeZone: string): { date: string; hour: number; weekday: number } {
  let f = hourFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23", calendar: "gregory", numberingSystem: "latn" });
    hourFormats.set(timeZone, f);
  }
  const date = localDate(instant, timeZone);
  const hour = Number(f.formatToParts(instant).find((p) => p.type === "hour")?.value ?? 0);
  // The weekday of a calendar date does not depend on the zone.
  return { date, hour, weekday: isoWeekday(date) };
}
const hourFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The first instant of a calendar date in a time zone: local midnight, or the first moment of the
 * date where a zone skips midnight. So that `x >= startOfLocalDay(d)` exactly when
 * `localDate(x) >= d`, and a period of local dates becomes two instants a query can compare with.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  // Offsets are within ±14 hours, so the answer is within a day of midnight UTC on that date;
  // a search on localDate itself keeps the two in agreement to the millisecond.
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(utcMidnight)) throw new Error(`Not a date: ${date}`);
  let before = utcMidnight - 86_400_000; // localDate(before) < date
  let from = utcMidnight + 86_400_000; // localDate(from) >= date
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (localDate(new Date(middle), timeZone) >= date) from = middle;
    else before = middle;
  }
  return new Date(from);
}

// One formatter per time zone: making one costs far more than using it, and pages call
// localDate once per row.
const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", calendar: "gregory", numberingSystem: "latn" });
    formats.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
