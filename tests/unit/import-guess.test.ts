// Guessing which column is which, worked out by hand for every fixture: the header names each tool
// writes, the values when a header says nothing, a confidence, a sample of every column, and for
// spend the statement's shape.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readImportFile, type ImportTable } from "#app/models/import-file.server.ts";
import { guessMapping, normaliseHeader, type MappingGuess } from "#app/models/import-guess.server.ts";
import type { ImportKind } from "#app/rules/csv-imports.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");

async function fixtureTable(name: string): Promise<ImportTable> {
  const read = await readImportFile(new Uint8Array(fs.readFileSync(path.join(FIXTURES, name))), name);
  if (!read.ok) throw new Error(read.message);
  return read.table;
}

/** The guess as field → header, with the confidence: what a person reads on the mapping page. */
function byHeader(guess: MappingGuess, table: ImportTable): Record<string, string | null> {
  return Object.fromEntries(guess.fields.map((f) => [f.field, f.column === null ? null : `${table.headers[f.column]} (${f.confidence})`]));
}

async function guessFor(kind: ImportKind, name: string) {
  const table = await fixtureTable(name);
  const guess = guessMapping(kind, table);
  return { table, guess, fields: byHeader(guess, table) };
}

describe("feedback", () => {
  it("Google Forms: Timestamp, the question that asks for a rating rather than the one about recommending, the open question, the office", async () => {
    const { fields } = await guessFor("feedback", "google-forms-responses.csv");
    expect(fields).toEqual({
      date: "Timestamp (high)",
      rating: "How would you rate your visit today? (high)",
      comment: "Anything else you would like to tell us? (high)",
      // The form has no source column: the page asks for one.
      source: null,
      location: "Which office did you visit? (high)",
    });
  });

  it("SurveyMonkey: End Date, the satisfaction question, the open-ended one; never a metadata column", async () => {
    const { fields } = await guessFor("feedback", "surveymonkey-export.csv");
    expect(fields).toEqual({
      date: "End Date (high)",
      rating: "Overall, how satisfied or dissatisfied are you with your visit? (high)",
      comment: "Is there anything else you would like to tell us? (high)",
      source: null,
      location: null,
    });
  });

  it("a review platform: Review Date, Star Rating, Review Text, Location; the reviewer's name is left alone", async () => {
    const { fields, guess } = await guessFor("feedback", "review-platform-export.csv");
    expect(fields).toEqual({ date: "Review Date (high)", rating: "Star Rating (high)", comment: "Review Text (high)", source: null, location: "Location (high)" });
    expect(Object.values(guess.mapping)).not.toContain(0);
    expect(guess.fields.find((f) => f.field === "rating")?.reason).toBe("header “Star Rating”; 4 of 4 values are ratings");
  });

  it("DeskCoach's own columns, from a UTF-16 file", async () => {
    const { fields } = await guessFor("feedback", "unicode-text-feedback.txt");
    expect(fields).toEqual({ date: "Date (high)", rating: "Rating (high)", comment: "Comment (high)", source: "Source (high)", location: "Location (high)" });
  });

  it("finds columns by their values alone, with low confidence, when the headers say nothing", () => {
    const table: ImportTable = {
      headers: ["Q1", "Q2", "Q3"],
      rows: [
        ["2026-03-02", "4", "The wait was long but the staff were kind."],
        ["2026-03-03", "5", "Quick and friendly at the front desk."],
      ],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    const guess = guessMapping("feedback", table);
    expect(byHeader(guess, table)).toEqual({ date: "Q1 (low)", rating: "Q2 (low)", comment: "Q3 (low)", source: null, location: null });
    expect(guess.fields[0]?.reason).toBe("2 of 2 values are dates");
  });

  it("never takes a column for a rating or a date whose values are not ratings or dates, whatever its header", () => {
    const table: ImportTable = {
      headers: ["Date", "Rating", "Comment"],
      rows: [
        ["soon", "great", "ok"],
        ["later", "fine", "ok"],
      ],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    const guess = guessMapping("feedback", table);
    expect(guess.mapping).toEqual({ comment: 2 });
    expect(guess.fields.find((f) => f.field === "comment")?.confidence).toBe("medium");
  });
});

describe("people", () => {
  it("a payroll list, as CSV and as a workbook: first and last name, Work Email, Job Title, Department", async () => {
    const expected = {
      firstName: "First Name (high)",
      lastName: "Last Name (high)",
      name: null,
      email: "Work Email (high)",
      jobTitle: "Job Title (high)",
      location: "Department (high)",
    };
    expect((await guessFor("people", "payroll-staff-list.csv")).fields).toEqual(expected);
    expect((await guessFor("people", "payroll-staff-list.xlsx")).fields).toEqual(expected);
    expect((await guessFor("people", "windows-1252-staff.csv")).fields).toEqual({ ...expected, location: "Location (high)" });
  });

  it("one name column instead of two; the work email over a personal one; Role and Office", () => {
    const table: ImportTable = {
      headers: ["Employee Name", "Personal Email", "Work Email", "Role", "Office"],
      rows: [
        ["Reyes, Alma", "alma@gmail.example", "alma.reyes@maple.example", "Receptionist", "Maple"],
        ["Liu, Carmen", "carmen@yahoo.example", "carmen.liu@maple.example", "Billing Clerk", "Maple"],
      ],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    expect(byHeader(guessMapping("people", table), table)).toEqual({
      firstName: null,
      lastName: null,
      name: "Employee Name (high)",
      email: "Work Email (high)",
      jobTitle: "Role (high)",
      location: "Office (high)",
    });
  });
});

describe("spend", () => {
  it("a bank statement: one signed Amount column, money going out negative; the running balance is not an amount", async () => {
    const { fields, guess } = await guessFor("spend", "bank-statement.csv");
    expect(fields).toEqual({ date: "Date (high)", description: "Description (high)", amount: "Amount (high)", debit: null, credit: null, category: null });
    expect(guess.amounts).toEqual({ shape: { kind: "signed", column: 2, outgoing: "negative" }, decimalMark: "." });
  });

  it("a card statement: Transaction Date over Posted Date, Debit and Credit; the bank's own Category is not DeskCoach's", async () => {
    const { fields, guess } = await guessFor("spend", "card-statement.csv");
    expect(fields).toEqual({ date: "Transaction Date (high)", description: "Description (high)", amount: null, debit: "Debit (high)", credit: "Credit (high)", category: null });
    expect(guess.amounts).toEqual({ shape: { kind: "debit-credit", debit: 5, credit: 6 }, decimalMark: "." });
  });

  it("a semicolon file: decimal commas, amounts positive", async () => {
    const { guess } = await guessFor("spend", "semicolon-spend.csv");
    expect(guess.mapping).toEqual({ date: 0, description: 1, amount: 2 });
    expect(guess.amounts).toEqual({ shape: { kind: "signed", column: 2, outgoing: "positive" }, decimalMark: "," });
  });

  it("takes a category column only when it holds DeskCoach's categories", () => {
    const table: ImportTable = {
      headers: ["Date", "Memo", "Amount", "Category"],
      rows: [["2026-03-02", "Coursera", "49.00", "Online courses"]],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    expect(guessMapping("spend", table).mapping).toEqual({ date: 0, description: 1, amount: 2, category: 3 });
  });
});

describe("what the page shows", () => {
  it("a sample of each column's first values, shortened, and how many rows have one", async () => {
    const { guess } = await guessFor("feedback", "google-forms-responses.csv");
    expect(guess.columns[3]).toEqual({
      index: 3,
      header: "Anything else you would like to tell us?",
      // Patients' words are shown scrubbed, as the import would keep them.
      sample: ["The front desk was welcoming and we were seen on time.", "Check-in was quick, but the waiting room was cold.", "Nobody answered when I called [phone] to reschedule, so my…"],
      filled: 4,
    });
    // Dates and ratings are shown as written (the scrubber would take them for a date and a number).
    expect(guess.columns[0]?.sample).toEqual(["3/2/2026 14:05:09", "3/2/2026 16:41:52", "3/3/2026 9:12:30"]);
    expect(guess.columns[2]?.sample).toEqual(["10", "8", "3"]);
    // Only feedback is scrubbed: a staff list's emails are what it is for.
    const staff = guessMapping("people", await fixtureTable("payroll-staff-list.csv"));
    expect(staff.columns[3]?.sample[0]).toBe("alma.reyes@maplefamily.example");
    const long = guessMapping("feedback", { headers: ["c"], rows: [["x".repeat(100)]], encoding: "utf-8", delimiter: ",", twoHeaderRows: false });
    expect(long.columns[0]?.sample[0]).toBe(`${"x".repeat(59)}…`);
  });

  it("is the same guess every time", async () => {
    const table = await fixtureTable("surveymonkey-export.csv");
    expect(guessMapping("feedback", table)).toEqual(guessMapping("feedback", structuredClone(table)));
  });

  it("normalises headers to words", () => {
    expect(normaliseHeader("  Work E-mail: ")).toBe("work e mail");
    expect(normaliseHeader("Running Bal.")).toBe("running bal");
  });
});
