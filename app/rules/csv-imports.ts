// Limits of the CSV imports, shown on the pages and enforced by the models.
import { MAX_FEEDBACK_ROWS } from "./feedback.ts";

export const PEOPLE_COLUMNS = ["name", "email", "job title", "location"];
export const MAX_PEOPLE_ROWS = 500;
export const EXPENSE_COLUMNS = ["date", "description", "amount", "category"];
export const MAX_EXPENSE_ROWS = 2000;

/** The three imports that take a practice's own files (issue 17). */
export type ImportKind = "feedback" | "people" | "spend";
export const IMPORT_KINDS: ImportKind[] = ["feedback", "people", "spend"];
/** Rows one import takes at most, by kind: the limits above, stated once. */
export const MAX_IMPORT_ROWS: Record<ImportKind, number> = { feedback: MAX_FEEDBACK_ROWS, people: MAX_PEOPLE_ROWS, spend: MAX_EXPENSE_ROWS };
