// Each fixture, read, guessed and mapped, through the checks the imports already had: DeskCoach's
// own CSV comes out, and the existing checks (every row, comments scrubbed before anything is
// stored, all or nothing) take it as they take a file in DeskCoach's columns.
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { checkFeedbackCsv } from "#app/models/feedback.server.ts";
import { readImportFile, type ImportTable } from "#app/models/import-file.server.ts";
import { guessMapping } from "#app/models/import-guess.server.ts";
import { applyMapping, type MappingChoice, type MappingResult } from "#app/models/import-mapping.server.ts";
import { ownColumnsMapping } from "#app/models/import-choice.server.ts";
import { checkOutcomeCsv } from "#app/models/outcomes.server.ts";
import { checkPeopleCsv } from "#app/models/people-import.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { checkExpenseCsv } from "#app/models/spend.server.ts";
import type { ImportKind } from "#app/rules/csv-imports.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createPractice, createUser } from "#tests/support/factories.ts";
import { workbook } from "#tests/support/xlsx.ts";
import { OUTCOME_COLUMNS } from "#app/rules/outcomes.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");
const TZ = "America/Chicago";
const TODAY = "2026-03-31";
const utf8 = (text: string) => new TextEncoder().encode(text);

async function fixtureTable(name: string): Promise<ImportTable> {
  const read = await readImportFile(new Uint8Array(fs.readFileSync(path.join(FIXTURES, name))), name);
  if (!read.ok) throw new Error(read.message);
  return read.table;
}

/** The guess taken as it is, as a person who confirms it would. */
async function mapped(kind: ImportKind, name: string, extra: Partial<MappingChoice> = {}): Promise<MappingResult> {
  const table = await fixtureTable(name);
  const guess = guessMapping(kind, table);
  return applyMapping(kind, table, { columns: guess.mapping, timeZone: TZ, ...(guess.amounts ? { amounts: guess.amounts } : {}), ...extra });
}

function ok(result: MappingResult) {
  if (!result.ok) throw new Error(result.problem);
  return result;
}

const testDb = setupTestDb();
let owner: Actor;
let maple: number;
let river: number;

beforeEach(async () => {
  await createPractice(testDb.db, { timeZone: TZ });
  owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner", scopeLocationId: null };
  maple = await createLocation(testDb.db, "Maple");
  river = await createLocation(testDb.db, "River");
});

describe("feedback", () => {
  it("Google Forms: Timestamp to dates, the 1–5 question as is, the office as location; the comment scrubbed by the existing check", async () => {
    const result = ok(await mapped("feedback", "google-forms-responses.csv", { source: "Post-visit survey" }));
    expect(result.rows.map((r) => r.record.date)).toEqual(["2026-03-02", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-16"]);
    expect(result.rules.rating).toBe("Ratings from 1 to 5, kept as they are.");
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(result.csv), TODAY);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.items.map((i) => [i.receivedOn, i.rating, i.source, i.locationId])).toEqual([
      ["2026-03-02", 5, "Post-visit survey", maple],
      ["2026-03-02", 4, "Post-visit survey", river],
      ["2026-03-03", 2, "Post-visit survey", maple],
      ["2026-03-04", 5, "Post-visit survey", river],
      ["2026-03-16", 3, "Post-visit survey", maple],
    ]);
    expect(check.items[2]?.comment).toBe("Nobody answered when I called [phone] to reschedule, so my daughter [name] missed school.");
  });

  it("SurveyMonkey: words to 1–5 with the rule shown and the original kept; the phone number scrubbed", async () => {
    const result = ok(await mapped("feedback", "surveymonkey-export.csv", { source: "SurveyMonkey" }));
    expect(result.rules.rating).toBe(
      "Answers in words, from best to worst: Very satisfied → 5, Neither satisfied nor dissatisfied → 3, Somewhat dissatisfied → 2, Very dissatisfied → 1.",
    );
    // The second header row is line 2 of the file: the first respondent is line 3.
    expect(result.rows.map((r) => [r.line, r.cells.find((c) => c.field === "rating")?.original, r.record.rating])).toEqual([
      [3, "Very satisfied", "5"],
      [4, "Somewhat dissatisfied", "2"],
      [5, "Neither satisfied nor dissatisfied", "3"],
      [6, "Very dissatisfied", "1"],
    ]);
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(result.csv), TODAY);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.items[1]?.comment).toBe("The wait was over forty minutes and nobody told us why. Call me at [phone].");
  });

  it("a review platform's month-name dates, and DeskCoach's own columns from a UTF-16 file", async () => {
    const reviews = ok(await mapped("feedback", "review-platform-export.csv", { source: "Google review" }));
    expect(reviews.rows.map((r) => r.record.date)).toEqual(["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-09"]);
    expect((await checkFeedbackCsv(testDb.db, owner, utf8(reviews.csv), TODAY)).ok).toBe(true);
    const unicode = ok(await mapped("feedback", "unicode-text-feedback.txt"));
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(unicode.csv), TODAY);
    expect(check.ok && check.items.map((i) => i.comment)).toEqual(["Très bien — the desk remembered my name’s spelling.", "Waited 20 minutes; nobody said why.", '"Rude" on the phone, twice.']);
  });

  it("asks the date order of the ambiguous file, and reads it by the answer", async () => {
    expect(await mapped("feedback", "ambiguous-dates.csv", { source: "Survey" })).toEqual({
      ok: false,
      ask: "dateOrder",
      problem: "Every date in this column could be month/day or day/month (03/04/2026 could be 4 March or 3 April). Say which the file uses.",
    });
    const dmy = ok(await mapped("feedback", "ambiguous-dates.csv", { source: "Survey", dateOrder: "dmy" }));
    expect(dmy.rows.map((r) => r.record.date)).toEqual(["2026-04-03", "2026-06-05", "2026-08-07", "2026-12-01"]);
    const mdy = ok(await mapped("feedback", "ambiguous-dates.csv", { source: "Survey", dateOrder: "mdy" }));
    expect(mdy.rows.map((r) => r.record.date)).toEqual(["2026-03-04", "2026-05-06", "2026-07-08", "2026-01-12"]);
    // The existing check still holds the rest: three of these dates are after today.
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(mdy.csv), TODAY);
    expect(check.ok).toBe(false);
    expect(check.rows.filter((r) => r.errors.length > 0).map((r) => r.errors[0])).toEqual(["The date 2026-05-06 is in the future.", "The date 2026-07-08 is in the future."]);
  });

  it("asks for a source when no column holds one, and refuses a rating column it cannot read", async () => {
    expect(await mapped("feedback", "review-platform-export.csv")).toEqual({ ok: false, ask: null, problem: "Choose the column for the source (or type where the feedback came from)." });
    const table = await fixtureTable("review-platform-export.csv");
    // The reviewer's name taken for the rating by mistake.
    expect(applyMapping("feedback", table, { columns: { date: 3, rating: 0 }, timeZone: TZ, source: "x" })).toMatchObject({ ok: false, problem: expect.stringMatching(/^The rating column: “Dana P\.” is not a rating/) });
  });
});

describe("people", () => {
  it("payroll lists as CSV, as a workbook and in Windows-1252: first and last name joined, José and Zoë kept", async () => {
    for (const name of ["payroll-staff-list.csv", "payroll-staff-list.xlsx"]) {
      const result = ok(await mapped("people", name));
      const check = await checkPeopleCsv(testDb.db, owner, utf8(result.csv));
      expect(check.ok, name).toBe(true);
      if (check.ok) expect(check.people.map((p) => [p.name, p.email, p.jobTitle, p.locationId])).toEqual([
        ["Alma Reyes", "alma.reyes@maplefamily.example", "Front Desk Receptionist", maple],
        ["Ben Whitaker", "ben.whitaker@maplefamily.example", "Scheduler", river],
        ["Carmen Liu", "carmen.liu@maplefamily.example", "Billing Clerk", maple],
        ["Dev Patel", "dev.patel@maplefamily.example", "Front Desk Receptionist", river],
      ]);
    }
    const latin = ok(await mapped("people", "windows-1252-staff.csv"));
    const check = await checkPeopleCsv(testDb.db, owner, utf8(latin.csv));
    expect(check.ok && check.people.map((p) => p.name)).toEqual(["José García", "Zoë Brontë", "Begoña Müller"]);
  });

  it("turns “Last, First” round from one name column", () => {
    const table: ImportTable = { headers: ["Employee", "Email"], rows: [["Reyes, Alma", "alma@maple.example"]], encoding: "utf-8", delimiter: ",", twoHeaderRows: false };
    const result = ok(applyMapping("people", table, { columns: guessMapping("people", table).mapping, timeZone: TZ }));
    expect(result.rows[0]?.record.name).toBe("Alma Reyes");
    expect(result.rules.name).toBe("“Last, First” turned round to “First Last”.");
  });
});

describe("spend", () => {
  it("a bank statement: the debits in cents, the deposit left out, categories guessed for the owner to confirm", async () => {
    const result = ok(await mapped("spend", "bank-statement.csv"));
    expect(result.skipped).toEqual([{ line: 3, reason: "Money coming in (2,350.00), not spend." }]);
    expect(result.rows.map((r) => [r.record.date, r.record.amount, r.record.category, r.categoryGuessed])).toEqual([
      ["2026-03-02", "49.00", "Online courses", true],
      ["2026-03-09", "320.00", "Online courses", true],
      ["2026-03-12", "86.45", "Other", true],
      ["2026-03-20", "1295.00", "Conferences and workshops", true],
    ]);
    const check = checkExpenseCsv(utf8(result.csv), TODAY);
    expect(check.ok && check.inputs.map((i) => [i.amountCents, i.category])).toEqual([
      [4900, "online-courses"],
      [32000, "online-courses"],
      [8645, "other"],
      [129500, "conferences-and-workshops"],
    ]);
  });

  it("a card statement: the Debit column, the payment and the refund left out", async () => {
    const result = ok(await mapped("spend", "card-statement.csv"));
    expect(result.skipped.map((s) => s.line)).toEqual([6, 7]);
    expect(result.rows.map((r) => [r.record.amount, r.record.category])).toEqual([
      ["84.99", "Online courses"],
      ["39.99", "Online courses"],
      ["450.00", "Online courses"],
      ["1200.00", "Conferences and workshops"],
    ]);
    expect(checkExpenseCsv(utf8(result.csv), TODAY).ok).toBe(true);
  });

  it("a semicolon file: decimal commas and day/month dates", async () => {
    const result = ok(await mapped("spend", "semicolon-spend.csv"));
    expect(result.rows.map((r) => [r.record.date, r.record.amount, r.record.category])).toEqual([
      ["2026-03-14", "1234.56", "Online courses"],
      ["2026-03-02", "49.00", "Online courses"],
      ["2026-03-21", "350.00", "Conferences and workshops"],
    ]);
    const check = checkExpenseCsv(utf8(result.csv), TODAY);
    expect(check.ok && check.inputs.map((i) => i.amountCents)).toEqual([123456, 4900, 35000]);
  });

  it("keeps a category the file names in DeskCoach's words", () => {
    const table: ImportTable = {
      headers: ["Date", "Memo", "Amount", "Category"],
      rows: [["2026-03-02", "Coursera", "49.00", "Training materials"]],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    const guess = guessMapping("spend", table);
    const result = ok(applyMapping("spend", table, { columns: guess.mapping, timeZone: TZ, amounts: guess.amounts! }));
    expect([result.rows[0]?.record.category, result.rows[0]?.categoryGuessed]).toEqual(["Training materials", false]);
  });
});

describe("outcome figures", () => {
  it("a practice-management report as a workbook: its own column names guessed, dates to months, blanks left blank, checked by the outcomes' own check", async () => {
    const bytes = workbook([
      {
        name: "Monthly",
        rows: [
          ["Period", "Office", "Kept appts", "No Shows", "Google rating", "Reviews"],
          [{ date: "2026-01-01" }, "Maple", { number: 812 }, { number: 61 }, { number: 4.6 }, { number: 9 }],
          [{ date: "2026-01-01" }, "River", "1,204", { number: 80 }, { number: 4.25 }, { number: 3 }],
          [{ date: "2026-02-01" }, "Maple", { number: 790 }, { number: 55 }, "", ""],
        ],
      },
    ]);
    const read = await readImportFile(bytes, "pm-report.xlsx");
    if (!read.ok) throw new Error(read.message);
    const guess = guessMapping("outcomes", read.table);
    expect(guess.mapping).toEqual({ month: 0, location: 1, visits: 2, noShows: 3, stars: 4, reviewCount: 5 });
    const result = ok(applyMapping("outcomes", read.table, { columns: guess.mapping, timeZone: TZ }));
    expect(result.rows.map((r) => r.record.month)).toEqual(["2026-01", "2026-01", "2026-02"]);
    const check = await checkOutcomeCsv(testDb.db, owner, utf8(result.csv), TODAY);
    if (!check.ok) throw new Error(JSON.stringify(check.rows.map((r) => r.errors)));
    expect(check.inputs.map((i) => [i.month, i.locationId, i.figures.visits, i.figures.noShows, i.figures.stars, i.figures.reviewCount, i.figures.returningPatients])).toEqual([
      ["2026-01", maple, 812, 61, 4.6, 9, null],
      ["2026-01", river, 1204, 80, 4.25, 3, null],
      ["2026-02", maple, 790, 55, null, null, null],
    ]);
  });

  it("months written without a day, a bad one named on its row; DeskCoach's own columns need no questions", async () => {
    const table: ImportTable = {
      headers: ["Month", "Location", "Visits", "Complaints"],
      rows: [
        ["Mar 2026", "Maple", "800", "2"],
        ["02/2026", "Maple", "790", "1"],
        ["2026-13", "River", "500", "0"],
      ],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    const result = ok(applyMapping("outcomes", table, { columns: guessMapping("outcomes", table).mapping, timeZone: TZ }));
    expect(result.rows.map((r) => r.record.month)).toEqual(["2026-03", "2026-02", "2026-13"]);
    const check = await checkOutcomeCsv(testDb.db, owner, utf8(result.csv), TODAY);
    expect(check.ok).toBe(false);
    expect(check.rows.map((r) => r.errors)).toEqual([[], [], ["month: Enter a month like 2026-03."]]);
    expect(ownColumnsMapping("outcomes", OUTCOME_COLUMNS.map((c) => c.toUpperCase()))?.columns).toMatchObject({ month: 0, location: 1, visits: 2, stars: 8, complaints: 9 });
  });

  it("asks the order of day and month when the month column holds dates that could be either, and wants a location column", () => {
    const table: ImportTable = { headers: ["Date", "Office", "Visits"], rows: [["3/1/2026", "Maple", "800"], ["4/1/2026", "Maple", "790"]], encoding: "utf-8", delimiter: ",", twoHeaderRows: false };
    const columns = guessMapping("outcomes", table).mapping;
    const asked = applyMapping("outcomes", table, { columns, timeZone: TZ });
    expect(asked).toMatchObject({ ok: false, ask: "dateOrder" });
    expect(ok(applyMapping("outcomes", table, { columns, timeZone: TZ, dateOrder: "mdy" })).rows.map((r) => r.record.month)).toEqual(["2026-03", "2026-04"]);
    expect(ok(applyMapping("outcomes", table, { columns, timeZone: TZ, dateOrder: "dmy" })).rows.map((r) => r.record.month)).toEqual(["2026-01", "2026-01"]);
    expect(applyMapping("outcomes", table, { columns: { month: 0, visits: 2 }, timeZone: TZ })).toEqual({ ok: false, problem: "Choose the column for the location.", ask: null });
  });
});

describe("hostile values keep the existing checks' answers", () => {
  it("a formula in a name is refused by the people check, as in a file in DeskCoach's columns", async () => {
    const table: ImportTable = {
      headers: ["First Name", "Last Name", "Work Email"],
      rows: [['=HYPERLINK("http://evil")', "x", "evil@maple.example"]],
      encoding: "utf-8",
      delimiter: ",",
      twoHeaderRows: false,
    };
    const result = ok(applyMapping("people", table, { columns: guessMapping("people", table).mapping, timeZone: TZ }));
    // The CSV carries the value as text, quoted; the check refuses it on its row.
    expect(result.csv).toContain('"=HYPERLINK(""http://evil"") x"');
    const check = await checkPeopleCsv(testDb.db, owner, utf8(result.csv));
    expect(check.ok).toBe(false);
  });
});
