// Reading the files practices already have into a table: every fixture (written after each tool's
// documented export layout), the encodings and delimiters spreadsheets write, Excel workbooks, and
// the refusals, each with a message that says what to do.
import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { FILE_EMPTY, FILE_TOO_LARGE, MAX_IMPORT_BYTES, NO_ROWS, tooManyRows } from "#app/models/csv.server.ts";
import { columnLetters, readImportFile, type ImportRead, type ImportTable } from "#app/models/import-file.server.ts";
import { MAX_IMPORT_ROWS } from "#app/rules/csv-imports.ts";
import { workbook } from "#tests/support/xlsx.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const utf8 = (text: string) => new TextEncoder().encode(text);

function table(read: ImportRead): ImportTable {
  if (!read.ok) throw new Error(`refused: ${read.message}`);
  return read.table;
}

function refusal(read: ImportRead): string {
  if (read.ok) throw new Error("read, but should have been refused");
  return read.message;
}

describe("the fixtures", () => {
  it("reads Google Forms responses: Timestamp, then one column per question", async () => {
    const t = table(await readImportFile(fixture("google-forms-responses.csv"), "Patient survey (Responses) - Form Responses 1.csv"));
    expect(t.headers).toEqual([
      "Timestamp",
      "How would you rate your visit today?",
      "How likely are you to recommend our office to a friend or family member?",
      "Anything else you would like to tell us?",
      "Which office did you visit?",
    ]);
    expect(t.rows).toHaveLength(5);
    expect(t.rows[0]).toEqual(["3/2/2026 14:05:09", "5", "10", "The front desk was welcoming and we were seen on time.", "Maple"]);
    // An empty answer is an empty cell, not a missing one.
    expect(t.rows[3]).toEqual(["3/4/2026 11:58:03", "5", "9", "", "River"]);
    expect([t.encoding, t.delimiter, t.twoHeaderRows]).toEqual(["utf-8", ",", false]);
  });

  it("makes SurveyMonkey's two header rows one: the question, and the option where there are several", async () => {
    const t = table(await readImportFile(fixture("surveymonkey-export.csv"), "Patient survey.csv"));
    expect(t.twoHeaderRows).toBe(true);
    expect(t.headers.slice(0, 9)).toEqual(["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"]);
    expect(t.headers.slice(9)).toEqual([
      // "Response" under a question with one answer column adds nothing.
      "Overall, how satisfied or dissatisfied are you with your visit?",
      "How likely is it that you would recommend Maple Family Practice to a friend or colleague?",
      // The question is written once, above its first option; the next columns leave it blank.
      "Which of these did you use? — Online booking",
      "Which of these did you use? — Reminder text",
      "Which of these did you use? — Patient portal",
      "Is there anything else you would like to tell us?",
    ]);
    // The second header row is not a respondent.
    expect(t.rows).toHaveLength(4);
    expect(t.rows[0]?.[0]).toBe("114209561234");
    expect(t.rows[3]?.slice(9, 11)).toEqual(["Very dissatisfied", "0"]);
  });

  it("reads a review platform's export, a payroll staff list and both kinds of statements", async () => {
    const reviews = table(await readImportFile(fixture("review-platform-export.csv"), "reviews.csv"));
    expect(reviews.headers).toEqual(["Reviewer Name", "Star Rating", "Review Text", "Review Date", "Location"]);
    expect(reviews.rows[0]?.[3]).toBe("March 2, 2026");
    const staff = table(await readImportFile(fixture("payroll-staff-list.csv"), "staff.csv"));
    expect(staff.headers).toEqual(["Employee ID", "First Name", "Last Name", "Work Email", "Job Title", "Department", "Hire Date"]);
    const bank = table(await readImportFile(fixture("bank-statement.csv"), "statement.csv"));
    // A quoted amount keeps its thousands separator; the comma inside quotes does not split it.
    expect(bank.rows[4]).toEqual(["03/20/2026", "MGMA CONFERENCE REGISTRATION", "-1,295.00", "13,049.55"]);
    const card = table(await readImportFile(fixture("card-statement.csv"), "card.csv"));
    expect(card.headers).toEqual(["Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit", "Credit"]);
    expect(card.rows[4]?.slice(5)).toEqual(["", "1,774.98"]);
  });

  it("keeps José and Zoë from a Windows-1252 file", async () => {
    const t = table(await readImportFile(fixture("windows-1252-staff.csv"), "staff.csv"));
    expect(t.encoding).toBe("windows-1252");
    expect(t.rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(["José García", "Zoë Brontë", "Begoña Müller"]);
  });

  it("reads a semicolon-separated file with decimal commas, keeping the amounts as written", async () => {
    const t = table(await readImportFile(fixture("semicolon-spend.csv"), "export.csv"));
    expect(t.delimiter).toBe(";");
    expect(t.rows.map((r) => r[2])).toEqual(["1.234,56", "49,00", "350,00"]);
  });

  it("reads Excel's Unicode text: UTF-16 LE with a byte order mark, tab-separated", async () => {
    const t = table(await readImportFile(fixture("unicode-text-feedback.txt"), "feedback.txt"));
    expect([t.encoding, t.delimiter]).toEqual(["utf-16le", "\t"]);
    expect(t.headers).toEqual(["Date", "Source", "Rating", "Comment", "Location"]);
    expect(t.rows[0]?.[3]).toBe("Très bien — the desk remembered my name’s spelling.");
    expect(t.rows[2]?.[3]).toBe('"Rude" on the phone, twice.');
  });

  it("reads the staff list as an Excel workbook: first sheet, dates as ISO, the sheets listed", async () => {
    const t = table(await readImportFile(fixture("payroll-staff-list.xlsx"), "staff.xlsx"));
    expect([t.encoding, t.delimiter, t.sheet]).toEqual(["xlsx", null, "Staff"]);
    expect(t.sheetNames).toEqual(["Staff", "Notes & totals"]);
    const csv = table(await readImportFile(fixture("payroll-staff-list.csv"), "staff.csv"));
    expect(t.headers).toEqual(csv.headers);
    // The same people; the hire date is a date cell, read as ISO rather than as Excel wrote it.
    expect(t.rows.map((r) => r.slice(0, 6))).toEqual(csv.rows.map((r) => r.slice(0, 6)));
    expect(t.rows.map((r) => r[6])).toEqual(["2021-04-15", "2023-09-01", "2024-01-09", "2025-06-30"]);
  });

  it("reads a chosen sheet, and says which sheets there are when the name is wrong", async () => {
    const notes = table(await readImportFile(fixture("payroll-staff-list.xlsx"), "staff.xlsx", { sheet: "Notes & totals" }));
    expect(notes.headers).toEqual(["Exported from", "Payroll"]);
    expect(notes.rows).toEqual([["Headcount", "4"]]);
    expect(refusal(await readImportFile(fixture("payroll-staff-list.xlsx"), "staff.xlsx", { sheet: "Sheet1" }))).toBe(
      "The workbook has no sheet named “Sheet1”. Its sheets are: Staff, Notes & totals.",
    );
  });
});

describe("encodings", () => {
  const csv = "Name,Rating\nZoë,5\n";
  it("reads UTF-8 with and without a byte order mark, and UTF-16 BE with one", async () => {
    expect(table(await readImportFile(utf8(csv), "a.csv")).rows).toEqual([["Zoë", "5"]]);
    const bom = table(await readImportFile(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(csv)]), "a.csv"));
    expect(bom.headers).toEqual(["Name", "Rating"]);
    const be = new Uint8Array(2 + csv.length * 2);
    be.set([0xfe, 0xff]);
    for (let i = 0; i < csv.length; i++) be.set([csv.charCodeAt(i) >> 8, csv.charCodeAt(i) & 0xff], 2 + i * 2);
    const t = table(await readImportFile(be, "a.txt"));
    expect([t.encoding, t.rows]).toEqual(["utf-16be", [["Zoë", "5"]]]);
  });

  it("refuses what cannot be told: NUL bytes, a binary file, Shift-JIS, with what to do", async () => {
    const messages = [
      // UTF-16 without its byte order mark: every other byte is NUL.
      refusal(await readImportFile(new Uint8Array([...utf8("N")].flatMap((b) => [b, 0]).concat([0x2c, 0, 0x41, 0])), "a.csv")),
      refusal(await readImportFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]), "logo.csv")),
      // "こんにちは,5" in Shift-JIS: not UTF-8, and its letters are runs of high bytes.
      refusal(await readImportFile(new Uint8Array([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd, 0x2c, 0x35, 0x0a]), "a.csv")),
    ];
    for (const message of messages) expect(message).toMatch(/not text DeskCoach can read.*Save it from Excel as “CSV UTF-8/);
  });

  it("refuses UTF-8 with a fault rather than read its accents as Windows-1252 (“JosÃ©”)", async () => {
    const broken = new Uint8Array([...utf8("Name,City\nJosé,Zürich\nZoë,"), 0xff, ...utf8("\n")]);
    expect(refusal(await readImportFile(broken, "a.csv"))).toMatch(/^This file is almost all UTF-8 text, but some of its bytes are not/);
  });
});

describe("delimiters", () => {
  it("tells comma, semicolon and tab from the header and the first rows, quotes respected", async () => {
    // Commas inside quoted comments; the semicolon splits every line the same way.
    const semicolon = table(await readImportFile(utf8('date;comment;rating\n2026-03-02;"Quick, friendly";5\n2026-03-03;"Slow, cold, rude";1\n'), "a.csv"));
    expect(semicolon.delimiter).toBe(";");
    expect(semicolon.rows[1]).toEqual(["2026-03-03", "Slow, cold, rude", "1"]);
    // Semicolons inside a comment do not fool it either.
    const comma = table(await readImportFile(utf8('date,comment,rating\n2026-03-02,"a; b; c; d",5\n'), "a.csv"));
    expect(comma.delimiter).toBe(",");
    const tab = table(await readImportFile(utf8("date\tcomment\n2026-03-02\tFine, thanks\n"), "a.txt"));
    expect([tab.delimiter, tab.rows[0]]).toEqual(["\t", ["2026-03-02", "Fine, thanks"]]);
  });

  it("takes Excel's “sep=” first line as the delimiter, and leaves it out", async () => {
    const t = table(await readImportFile(utf8("sep=;\r\ndate;comment\r\n2026-03-02;Fine, thanks\r\n"), "a.csv"));
    expect([t.delimiter, t.headers, t.rows]).toEqual([";", ["date", "comment"], [["2026-03-02", "Fine, thanks"]]]);
    expect(refusal(await readImportFile(utf8("sep=|\ndate|comment\n"), "a.csv"))).toMatch(/could not tell how the columns/);
  });

  it("refuses a file separated some other way, or not at all", async () => {
    for (const text of ["date|rating\n2026-03-02|5\n", "just one column\nanother line\n"]) {
      expect(refusal(await readImportFile(utf8(text), "a.csv"))).toMatch(/could not tell how the columns .* commas, semicolons or tabs\. Save it from Excel/);
    }
  });

  it("names a column without a header by its letter, and pads short rows", async () => {
    const t = table(await readImportFile(utf8("date,,rating\n2026-03-02,x,5,extra\n2026-03-03\n"), "a.csv"));
    expect(t.headers).toEqual(["date", "Column B", "rating", "Column D"]);
    expect(t.rows).toEqual([
      ["2026-03-02", "x", "5", "extra"],
      ["2026-03-03", "", "", ""],
    ]);
    expect([0, 25, 26, 27, 701, 702].map(columnLetters)).toEqual(["A", "Z", "AA", "AB", "ZZ", "AAA"]);
  });
});

describe("limits, with the messages every import gives", () => {
  it("refuses an empty file, a header without rows and a file over the size limit", async () => {
    expect(refusal(await readImportFile(new Uint8Array(), "a.csv"))).toBe(FILE_EMPTY);
    expect(refusal(await readImportFile(utf8("\n\n,,\n"), "a.csv"))).toMatch(/empty|could not tell/);
    expect(refusal(await readImportFile(utf8("date,rating\n"), "a.csv"))).toBe(NO_ROWS);
    expect(refusal(await readImportFile(new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x41), "a.csv"))).toBe(FILE_TOO_LARGE);
    expect(FILE_TOO_LARGE).toBe("The file is larger than 10 MB.");
  });

  it("refuses more rows than the import takes, in a CSV and in a workbook", async () => {
    const max = MAX_IMPORT_ROWS.feedback;
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `2026-03-02,${(i % 5) + 1}`);
    expect(table(await readImportFile(utf8(["date,rating", ...rows(max)].join("\n")), "a.csv")).rows).toHaveLength(max);
    expect(refusal(await readImportFile(utf8(["date,rating", ...rows(max + 1)].join("\n")), "a.csv"))).toBe(tooManyRows(max + 1, max));
    expect(refusal(await readImportFile(utf8(["date,rating", ...rows(501)].join("\n")), "a.csv", { maxRows: MAX_IMPORT_ROWS.people }))).toBe(tooManyRows(501, 500));
    const big = workbook([{ name: "S", rows: [["date", "rating"], ...Array.from({ length: max + 1 }, () => ["2026-03-02", { number: 5 }])] }]);
    expect(refusal(await readImportFile(big, "a.xlsx"))).toBe(tooManyRows(max + 1, max));
  });
});

describe("files that are not what they say", () => {
  it("refuses an old .xls, a PDF, a CSV named .xlsx and a zip that is not a workbook", async () => {
    expect(refusal(await readImportFile(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "staff.xls"))).toMatch(/older Excel file \(\.xls\)/);
    expect(refusal(await readImportFile(utf8("%PDF-1.7\n..."), "statement.pdf"))).toMatch(/This is a PDF/);
    expect(refusal(await readImportFile(utf8("date,rating\n2026-03-02,5\n"), "staff.xlsx"))).toMatch(/named \.xlsx but is not an Excel workbook/);
    const notWorkbook = zipSync({ "notes.txt": utf8("hello"), "docs/readme.md": utf8("x") });
    expect(refusal(await readImportFile(notWorkbook, "staff.xlsx"))).toMatch(/not an Excel workbook DeskCoach can read/);
    // A workbook cut short is a damaged zip.
    const good = fixture("payroll-staff-list.xlsx");
    expect(refusal(await readImportFile(good.subarray(0, good.length - 40), "staff.xlsx"))).toMatch(/cannot be read safely as an Excel workbook: the \.zip file is damaged/);
  });

  it("says so when the chosen sheet is empty and another has rows", async () => {
    const wb = workbook([
      { name: "Cover", rows: [] },
      { name: "Data", rows: [["date", "rating"], ["2026-03-02", { number: 5 }]] },
    ]);
    expect(refusal(await readImportFile(wb, "a.xlsx"))).toBe("The sheet “Cover” is empty. Choose another sheet: Data.");
    expect(table(await readImportFile(wb, "a.xlsx", { sheet: "Data" })).rows).toEqual([["2026-03-02", "5"]]);
  });
});
