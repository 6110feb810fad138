// "Now" for the practice: due dates, "today", streaks. Tests may move it with DESKCOACH_NOW,
// which is ignored in production.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

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
