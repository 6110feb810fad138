// The outcome figures a practice may keep per month and location (migration 0014), their labels
// and their form and import names, stated once for the form, the import, the page and the CSVs.

export type OutcomeFigure =
  | "visits"
  | "newPatients"
  | "returningPatients"
  | "noShows"
  | "lateCancellations"
  | "reviewCount"
  | "stars"
  | "complaints";

export const OUTCOME_FIGURES: { key: OutcomeFigure; label: string; column: string; hint?: string }[] = [
  { key: "visits", label: "Visits", column: "visits", hint: "Patients seen in the month." },
  { key: "newPatients", label: "New patients", column: "new patients" },
  { key: "returningPatients", label: "Returning patients", column: "returning patients" },
  { key: "noShows", label: "No-shows", column: "no-shows" },
  { key: "lateCancellations", label: "Late cancellations", column: "late cancellations" },
  { key: "reviewCount", label: "Online reviews", column: "reviews", hint: "How many reviews the month brought." },
  { key: "stars", label: "Average stars", column: "average stars", hint: "0 to 5, like 4.6." },
  { key: "complaints", label: "Complaints", column: "complaints" },
];

/** The columns an outcome import's first row must name, in this order or any other. */
export const OUTCOME_COLUMNS = ["month", "location", ...OUTCOME_FIGURES.map((f) => f.column)];
export const MAX_OUTCOME_ROWS = 1000;
/** The largest count a month may hold: more is a typo. */
export const MAX_OUTCOME_COUNT = 1_000_000;
/** Months before and after a roll-out, unless the owner picks another number. */
export const DEFAULT_WINDOW_MONTHS = 3;
export const WINDOW_CHOICES = [2, 3, 4, 6, 12];

/** YYYY-MM plus `months` (negative to go back). */
export function addMonthsToMonth(month: string, months: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonthsToMonth(m, 1)) out.push(m);
  return out;
}

const MONTH_NAME = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
/** "Mar 2026" */
export function monthLabel(month: string): string {
  return MONTH_NAME.format(new Date(`${month}-15T00:00:00Z`));
}
