// Patient feedback: the import's shape and limits, and the marks the scrubber leaves in a comment.
// Shared by the models and the pages (no server code here).
export const FEEDBACK_COLUMNS = ["date", "source", "rating", "comment", "location"];
export const MAX_FEEDBACK_ROWS = 5000;
export const MAX_COMMENT_LENGTH = 2000;
export const MAX_SOURCE_LENGTH = 60;

export const REDACTION_KINDS = ["name", "phone", "email", "date", "number", "address"] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

/** What replaces each kind of identifier in a stored comment: "[name]", "[phone]"… */
export const REDACTION_MARK = Object.fromEntries(REDACTION_KINDS.map((kind) => [kind, `[${kind}]`])) as Record<RedactionKind, string>;

const MARKS = new Set(Object.values(REDACTION_MARK));
/** Splits around every mark, keeping the marks (the kinds are plain words, nothing to escape). */
const AROUND_MARKS = new RegExp(`(\\[(?:${REDACTION_KINDS.join("|")})\\])`);

/** Splits a scrubbed comment into text and marks, so a page can show the marks as marks. */
export function splitMarks(comment: string): { text: string; mark: boolean }[] {
  return comment
    .split(AROUND_MARKS)
    .filter((part) => part !== "")
    .map((part) => ({ text: part, mark: MARKS.has(part) }));
}

/** "2 names, 1 phone number" */
export function describeRedactions(counts: RedactionCounts): string {
  const words: Record<RedactionKind, [string, string]> = {
    name: ["name", "names"],
    phone: ["phone number", "phone numbers"],
    email: ["email address", "email addresses"],
    date: ["date", "dates"],
    number: ["record or account number", "record or account numbers"],
    address: ["street address", "street addresses"],
  };
  return REDACTION_KINDS.filter((k) => (counts[k] ?? 0) > 0)
    .map((k) => {
      const n = counts[k] ?? 0;
      return `${n} ${words[k][n === 1 ? 0 : 1]}`;
    })
    .join(", ");
}

/** Days before and after a rollout that "Did it work?" compares. */
export const IMPACT_WINDOW_DAYS = 90;
/** Ratings at or below this count as a complaint. */
export const COMPLAINT_RATING = 3;

/** Below this many items, a figure is shown with a warning that it is too few to tell. */
export const FEW_ITEMS = 10;

/** 0.125 → "13%"; null → "—" */
export function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

/** 2.25 → "2.3"; null → "—" */
export function formatRating(rating: number | null): string {
  return rating === null ? "—" : rating.toFixed(1);
}

/**
 * The change between two shares in whole percentage points, in words ("down 12 points"), marked
 * "too few to tell" when either period has fewer than FEW_ITEMS comments or the theme fewer than
 * FEW_ITEMS mentions in both together.
 */
export function describeShareChange(before: ShareFigure, after: ShareFigure): string {
  if (before.share === null || after.share === null) return "—";
  const points = Math.round(after.share * 100) - Math.round(before.share * 100);
  const words = points === 0 ? "no change" : `${points < 0 ? "down" : "up"} ${Math.abs(points)} point${Math.abs(points) === 1 ? "" : "s"}`;
  const thin = before.total < FEW_ITEMS || after.total < FEW_ITEMS || before.items + after.items < FEW_ITEMS;
  return thin ? `${words} (too few to tell)` : words;
}

interface ShareFigure {
  items: number;
  total: number;
  share: number | null;
}
