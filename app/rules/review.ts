// Spaced review: the schedule and its limits, shared by the models and the pages.

/** Days until a missed question comes back, after each successive right answer. */
export const REVIEW_INTERVALS = [1, 3, 7, 21] as const;
/** Questions in one day's review, at most. */
export const DAILY_REVIEW_LIMIT = 5;
/** The manager's retention figure covers review answers from this many days. */
export const RETENTION_DAYS = 30;

/** "80% (8 of 10)" or "—" */
export function formatRetention(r: { right: number; total: number } | null | undefined): string {
  if (!r || r.total === 0) return "—";
  return `${Math.round((100 * r.right) / r.total)}% (${r.right} of ${r.total})`;
}
