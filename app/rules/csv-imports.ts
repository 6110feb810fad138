// Limits of the CSV imports, shown on the pages and enforced by the models.
import { MAX_FEEDBACK_ROWS } from "./feedback.ts";
import { MAX_OUTCOME_ROWS, OUTCOME_COLUMNS } from "./outcomes.ts";

/** The largest file any import takes (issue 17: 10 MB). */
export const MAX_IMPORT_MEGABYTES = 10;

export const PEOPLE_COLUMNS = ["name", "email", "job title", "location"];
export const MAX_PEOPLE_ROWS = 500;
export const EXPENSE_COLUMNS = ["date", "description", "amount", "category"];
export const MAX_EXPENSE_ROWS = 2000;

/** The imports that take a practice's own files (issue 17; outcome figures, issue 20). */
export type ImportKind = "feedback" | "people" | "spend" | "outcomes";
export const IMPORT_KINDS: ImportKind[] = ["feedback", "people", "spend", "outcomes"];
/** Rows one import takes at most, by kind: the limits above, stated once. */
export const MAX_IMPORT_ROWS: Record<ImportKind, number> = { feedback: MAX_FEEDBACK_ROWS, people: MAX_PEOPLE_ROWS, spend: MAX_EXPENSE_ROWS, outcomes: MAX_OUTCOME_ROWS };

/** The shapes each import understands, for the page and the README. */
export const UNDERSTOOD_SHAPES: Record<ImportKind, string[]> = {
  feedback: [
    "Google Forms responses (Timestamp, then one column per question)",
    "SurveyMonkey's CSV export, with its two header rows",
    "a review platform's export (reviewer, stars, review text, date, location)",
    "DeskCoach's own columns: date, source, rating, comment, location",
  ],
  people: ["a payroll or HR staff list (First Name and Last Name, Work Email, Job Title, Department or Location)", "DeskCoach's own columns: name, email, job title, location"],
  spend: [
    "a bank statement (Date, Description, one signed Amount)",
    "a card statement (Transaction Date, Description, Debit and Credit)",
    "DeskCoach's own columns: date, description, amount, category",
  ],
  outcomes: [
    "a practice-management system's monthly report (Period or Month, Office, Kept Appts or Visits, New and Returning Patients, No Shows, Late Cancels)",
    "a review site's monthly summary (Month, Location, Reviews, Google Rating or Average Stars)",
    `DeskCoach's own columns: ${OUTCOME_COLUMNS.join(", ")}`,
  ],
};

/** The formats every import reads, in words. */
export const UNDERSTOOD_FORMATS =
  "CSV or text exports (UTF-8 with or without BOM, UTF-16 “Unicode text”, Windows-1252; commas, semicolons or tabs) and Excel workbooks (.xlsx, any sheet)";
