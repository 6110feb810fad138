// Fiscal years and months. A fiscal year is named by the calendar year it starts in: with a July
// start, fiscal year 2026 runs 2026-07-01 to 2027-06-30.
import { addDaysTo, addMonthsTo, daysBetween } from "./dates.ts";

export function fiscalYearOf(date: string, startMonth: number): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= startMonth ? year : year - 1;
}

export interface FiscalYear {
  year: number;
  start: string;
  /** Inclusive. */
  end: string;
  /** The first day of each of its twelve months. */
  months: string[];
  days: number;
}

export function fiscalYear(year: number, startMonth: number): FiscalYear {
  const start = `${year}-${String(startMonth).padStart(2, "0")}-01`;
  const next = addMonthsTo(start, 12);
  return {
    year,
    start,
    end: addDaysTo(next, -1),
    months: Array.from({ length: 12 }, (_, i) => addMonthsTo(start, i)),
    days: daysBetween(start, next),
  };
}

export function fiscalYearLabel(fy: FiscalYear): string {
  return fy.start.slice(5, 7) === "01" ? `${fy.year}` : `FY ${fy.year}–${String(fy.year + 1).slice(2)}`;
}

/** YYYY-MM-DD of the last day of the month that `monthStart` begins. */
export function monthEnd(monthStart: string): string {
  return addDaysTo(addMonthsTo(monthStart, 1), -1);
}
