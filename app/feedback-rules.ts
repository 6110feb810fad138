// Patient feedback: the import's shape and limits, and the marks the scrubber leaves in a comment.
// Shared by the models and the pages (no server code here).
export const FEEDBACK_COLUMNS = ["date", "source", "rating", "comment", "location"];
export const MAX_FEEDBACK_ROWS = 5000;
export const MAX_COMMENT_LENGTH = 2000;
export const MAX_SOURCE_LENGTH = 60;

export const REDACTION_KINDS = ["name", "phone", "email", "date", "number", "address"] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

/** What replaces each kind of identifier in a stored comment. */
export const REDACTION_MARK: Record<RedactionKind, string> = {
  name: "[name]",
  phone: "[phone]",
  email: "[email]",
  date: "[date]",
  number: "[number]",
  address: "[address]",
};

/** Splits a scrubbed comment into text and marks, so a page can show the marks as marks. */
export function splitMarks(comment: string): { text: string; mark: boolean }[] {
  return comment
    .split(/(\[(?:name|phone|email|date|number|address)\])/)
    .filter((part) => part !== "")
    .map((part) => ({ text: part, mark: /^\[(?:name|phone|email|date|number|address)\]$/.test(part) }));
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
