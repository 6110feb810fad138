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
  // Kept per hour of UTC: a practice's largest reads ask this of a million instants, and
  // formatting each through Intl was a tenth of their time. An hour is kept when the zone's
  // offset is the same at its first and last moments (no clock change inside it) and its first
  // and last moments fall on the same date; any other hour is worked out instant by instant.
  // Instants as stored ("2026-06-01T15:04:05.123Z") are looked up by their hour's text.
  const text = typeof instant === "string" ? instant : Number.isNaN(instant.getTime()) ? "" : instant.toISOString();
  let kept = hourDates.get(timeZone);
  if (!kept) hourDates.set(timeZone, (kept = new Map()));
  const stored = text.length >= 20 && text[4] === "-" && text[10] === "T" && text.endsWith("Z");
  const known = stored ? kept.get(text.slice(0, 13)) : undefined;
  if (known !== undefined) return known;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new RangeError(`Not an instant: ${String(instant)}`);
  const first = Math.floor(ms / HOUR_MS) * HOUR_MS;
  const last = first + HOUR_MS - 1;
  const offset = offsetAt(first, timeZone);
  if (offset !== offsetAt(last, timeZone)) return dateOf(ms + offsetAt(ms, timeZone));
  const date = dateOf(first + offset);
  if (date !== dateOf(last + offset)) return dateOf(ms + offset);
  const hour = new Date(first).toISOString();
  if (hour[4] === "-") {
    if (kept.size >= 100_000) kept.clear();
    kept.set(hour.slice(0, 13), date);
  }
  return date;
}
const HOUR_MS = 3_600_000;
const hourDates = new Map<string, Map<string, string>>();
/** The date part of an instant shifted to wall-clock time. */
const dateOf = (wallMs: number) => new Date(wallMs).toISOString().slice(0, 10);

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = wallClockFormat(timeZone).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}
// One formatter per time zone: making one costs far more than using it.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();
function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let f = wallClockFormats.get(timeZone);
  if (!f) {
    const options = { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" } as const;
    f = new Intl.DateTimeFormat("en-US", { ...options, hourCycle: "h23", calendar: "gregory", numberingSystem: "latn" });
    wallClockFormats.set(timeZone, f);
  }
  return f;
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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
