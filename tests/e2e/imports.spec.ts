// The files practices already have, imported through the browser with the mapping step (issue 17;
// outcome figures, issue 20):
// each fixture in tests/fixtures/imports/ is uploaded, its columns confirmed (or changed), its rows
// previewed and imported; the second file of the same shape goes straight to the preview. Every
// test is @core: it runs again without JavaScript, where each step is a plain form.
import path from "node:path";
import type { Page } from "@playwright/test";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { createLocation } from "#tests/support/factories.ts";
import { workbook, type Cell } from "#tests/support/xlsx.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");

// Each test walks several pages of a real server; axe reads the larger ones.
test.describe.configure({ timeout: 120_000 });

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({
    seed: async (db) => {
      await seedPractice(db);
      await createLocation(db, "Maple");
      await createLocation(db, "River");
    },
  });
});
test.afterAll(async () => {
  await server.stop();
});

async function upload(page: Page, route: string, fixture: string) {
  await page.goto(`${server.url}${route}`);
  await page.getByLabel("CSV or Excel file").setInputFiles(path.join(FIXTURES, fixture));
  await page.getByRole("button", { name: "Check the file" }).click();
}

/** The select beside a column of the file. */
const column = (page: Page, header: string) => page.getByRole("combobox", { name: `Imported as: ${header}`, exact: true });


const feedbackCount = async () => (await server.db.selectFrom("feedback_item").select("id").execute()).length;

test("Google Forms responses: the guess shown with samples and the rating rule, a source typed, imported; the same export again needs no mapping @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  const before = await feedbackCount();
  await upload(page, "/manage/feedback/import", "google-forms-responses.csv");
  await expect(page.getByRole("heading", { name: "Which column is which?" })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("upload")).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await expect(column(page, "Timestamp")).toHaveValue("date");
  await expect(column(page, "How would you rate your visit today?")).toHaveValue("rating");
  await expect(column(page, "Which office did you visit?")).toHaveValue("location");
  await expect(page.getByRole("region", { name: "Columns in the file" })).toContainText("3/2/2026 14:05:09");
  await expect(page.getByText("Ratings from 1 to 5, kept as they are.")).toBeVisible();
  await expectNoAxeViolations(page);

  // Without a source column or a typed source, the form comes back with the message beside the field.
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByLabel("Where this feedback came from, when no column says")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Where this feedback came from, when no column says").fill("Post-visit survey");
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to import 5 items" })).toBeVisible();
  const table = page.getByRole("region", { name: "Items to import" });
  await expect(table).toContainText("Nobody answered when I called [phone] to reschedule");
  await expect(page.locator("body")).not.toContainText("201-7788");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Import 5 items" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 5 items");
  expect(await feedbackCount()).toBe(before + 5);

  // Next month's export: straight to the preview, with a way back to the mapping.
  await upload(page, "/manage/feedback/import", "google-forms-responses.csv");
  await expect(page.getByRole("heading", { name: "Ready to import 5 items" })).toBeVisible();
  await expect(page.getByText("Read with the mapping you confirmed for a file of this shape before.")).toBeVisible();
  await page.getByRole("link", { name: "Change which column is which" }).click();
  await expect(column(page, "Which office did you visit?")).toHaveValue("location");
  await expect(page.getByLabel("Where this feedback came from, when no column says")).toHaveValue("Post-visit survey");
});

test("SurveyMonkey's two header rows and a review platform's export: words and stars to 1–5, imported @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  const before = await feedbackCount();
  await upload(page, "/manage/feedback/import", "surveymonkey-export.csv");
  await expect(page.getByText("two header rows")).toBeVisible();
  await expect(page.getByText(/Answers in words, from best to worst: Very satisfied → 5/)).toBeVisible();
  await page.getByLabel("Where this feedback came from, when no column says").fill("SurveyMonkey");
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to import 4 items" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("201-7788");
  await page.getByRole("button", { name: "Import 4 items" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 4 items");

  await upload(page, "/manage/feedback/import", "review-platform-export.csv");
  await expect(column(page, "Star Rating")).toHaveValue("rating");
  await expect(column(page, "Review Date")).toHaveValue("date");
  await page.getByLabel("Where this feedback came from, when no column says").fill("Review site");
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to import 4 items" })).toBeVisible();
  await page.getByRole("button", { name: "Import 4 items" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 4 items");
  expect(await feedbackCount()).toBe(before + 8);
  const dates = await server.db.selectFrom("feedback_item").select("received_on").where("source", "=", "Review site").orderBy("received_on").execute();
  expect(dates.map((d) => d.received_on)).toEqual(["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-09"]);
});

test("dates that could be either order are asked about, never guessed; UTF-16 text in DeskCoach's columns needs no mapping @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await upload(page, "/manage/feedback/import", "ambiguous-dates.csv");
  await expect(page.getByRole("group", { name: "How does this file write its dates?" })).toBeVisible();
  await page.getByLabel("Where this feedback came from, when no column says").fill("Comment card");
  await page.getByRole("button", { name: "Check the rows" }).click();
  // Not answered: asked again, with the message beside the question.
  await expect(page.locator("#dateOrder-error")).toContainText("could be month/day or day/month");
  await page.getByLabel("Day first (3/4/2026 is 3 April)").check();
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to import 4 items" })).toBeVisible();
  await page.getByRole("button", { name: "Import 4 items" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 4 items");
  const dates = await server.db.selectFrom("feedback_item").select("received_on").where("source", "=", "Comment card").orderBy("received_on").execute();
  expect(dates.map((d) => d.received_on)).toEqual(["2026-04-03", "2026-06-05", "2026-08-07", "2026-12-01"]);

  await upload(page, "/manage/feedback/import", "unicode-text-feedback.txt");
  await expect(page.getByRole("heading", { name: /^Ready to import \d+ items$/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Items to import" })).toContainText("Très bien");
});

test("a payroll staff list as an Excel workbook, a sheet to choose; the CSV of the same list goes straight to the preview @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await upload(page, "/manage/team/import", "payroll-staff-list.xlsx");
  await expect(page.getByRole("heading", { name: "Which column is which?" })).toBeVisible();
  await expect(page.getByLabel("Sheet")).toHaveValue("Staff");
  // Another sheet, and back: each is read as its own table.
  await page.getByLabel("Sheet").selectOption("Notes & totals");
  await page.getByRole("button", { name: "Show this sheet" }).click();
  await expect(page.getByLabel("Sheet")).toHaveValue("Notes & totals");
  await expect(column(page, "Work Email")).toHaveCount(0);
  await page.getByLabel("Sheet").selectOption("Staff");
  await page.getByRole("button", { name: "Show this sheet" }).click();
  await expect(column(page, "Work Email")).toHaveValue("email");
  await expect(column(page, "First Name")).toHaveValue("firstName");
  await expect(column(page, "Last Name")).toHaveValue("lastName");
  await expect(column(page, "Department")).toHaveValue("location");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 4 people" })).toBeVisible();
  await page.getByRole("button", { name: "Add 4 people" }).click();
  await expect(page.getByText("Added 4 people.")).toBeVisible();
  const alma = await server.db.selectFrom("user").select(["name", "job_title"]).where("email", "=", "alma.reyes@maplefamily.example").executeTakeFirstOrThrow();
  expect(alma.name).toBe("Alma Reyes");

  // The CSV has the workbook's headers: the remembered mapping reads it; its people are on the team already.
  await upload(page, "/manage/team/import", "payroll-staff-list.csv");
  await expect(page.getByRole("heading", { name: "Rows with problems" })).toBeVisible();
  await expect(page.getByText("Read with the mapping you confirmed for a file of this shape before.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Rows in the file" })).toContainText("This email already has an account.");
});

test("a staff list saved as Windows-1252 keeps José and Zoë @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await upload(page, "/manage/team/import", "windows-1252-staff.csv");
  await expect(page.getByText("Windows-1252")).toBeVisible();
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 3 people" })).toBeVisible();
  await page.getByRole("button", { name: "Add 3 people" }).click();
  await expect(page.getByText("Added 3 people.")).toBeVisible();
  const names = await server.db.selectFrom("user").select("name").where("email", "like", "%.%@maplefamily.example").where("email", "in", ["jose.garcia@maplefamily.example", "zoe.bronte@maplefamily.example"]).orderBy("email").execute();
  expect(names.map((n) => n.name)).toEqual(["José García", "Zoë Brontë"]);
});

const expenses = (db: TestServer["db"]) => db.selectFrom("expense").select(["vendor", "amount_cents", "category", "spent_on"]).where("source", "like", "import:%").orderBy("id");

test("a bank statement with signed amounts: money in left out, categories guessed and one changed by the owner; the next statement needs no mapping @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await upload(page, "/owner/spend/import", "bank-statement.csv");
  await expect(column(page, "Amount")).toHaveValue("amount");
  await expect(column(page, "Running Bal.")).toHaveValue("");
  await expect(page.getByText(/Negative amounts are money going out/).first()).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 4 expenses" })).toBeVisible();
  await expect(page.getByText(/Left out: 1 row of money coming in \(line 3\)/)).toBeVisible();
  await expect(page.getByRole("combobox", { name: "category, line 2 (guessed)" })).toHaveValue("online-courses");
  await expect(page.getByRole("combobox", { name: "category, line 6 (guessed)" })).toHaveValue("conferences-and-workshops");
  await page.getByRole("combobox", { name: "category, line 5 (guessed)" }).selectOption("training-materials");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Add 4 expenses" }).click();
  await expect(page.getByRole("status")).toContainText("Added 4 expenses");
  const added = await expenses(server.db).where("vendor", "in", ["COURSERA INC 855-555-0100 CA", "HEALTHSTREAM INC NASHVILLE TN", "OFFICE DEPOT #1123", "MGMA CONFERENCE REGISTRATION"]).execute();
  expect(added.map((e) => [e.vendor, e.amount_cents, e.category, e.spent_on])).toEqual([
    ["COURSERA INC 855-555-0100 CA", 4900, "online-courses", "2026-03-02"],
    ["HEALTHSTREAM INC NASHVILLE TN", 32000, "online-courses", "2026-03-09"],
    ["OFFICE DEPOT #1123", 8645, "training-materials", "2026-03-12"],
    ["MGMA CONFERENCE REGISTRATION", 129500, "conferences-and-workshops", "2026-03-20"],
  ]);

  await upload(page, "/owner/spend/import", "bank-statement.csv");
  await expect(page.getByRole("heading", { name: "Ready to add 4 expenses" })).toBeVisible();
  await expect(page.getByText("Read with the mapping you confirmed for a file of this shape before.")).toBeVisible();
});

test("a card statement with Debit and Credit columns, and a semicolon file with decimal commas, import @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await upload(page, "/owner/spend/import", "card-statement.csv");
  await expect(column(page, "Debit")).toHaveValue("debit");
  await expect(column(page, "Credit")).toHaveValue("credit");
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 4 expenses" })).toBeVisible();
  await page.getByRole("button", { name: "Add 4 expenses" }).click();
  await expect(page.getByRole("status")).toContainText("Added 4 expenses");

  await upload(page, "/owner/spend/import", "semicolon-spend.csv");
  await expect(page.getByText(/semicolons between columns/)).toBeVisible();
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 3 expenses" })).toBeVisible();
  await page.getByRole("button", { name: "Add 3 expenses" }).click();
  await expect(page.getByRole("status")).toContainText("Added 3 expenses");
  const relias = await expenses(server.db).where("vendor", "=", "Relias Learning – Jahreslizenz").executeTakeFirstOrThrow();
  expect([relias.amount_cents, relias.spent_on, relias.category]).toEqual([123456, "2026-03-14", "online-courses"]);
});

test("a file over the limits or not a workbook is refused beside the file field, and nothing is kept @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner/spend/import`);
  await page.getByLabel("CSV or Excel file").setInputFiles({ name: "statement.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("Date,Description,Amount\n2026-03-02,Coursera,49.00\n") });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.locator("#file-error")).toContainText("is named .xlsx but is not an Excel workbook");
  await expect(page.getByLabel("CSV or Excel file")).toHaveAttribute("aria-invalid", "true");
  const rows = ["Date,Description,Amount", ...Array.from({ length: 2001 }, (_, i) => `03/02/2026,Course ${i},-1.00`)].join("\n");
  await page.getByLabel("CSV or Excel file").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(rows) });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.locator("#file-error")).toHaveText(/The file has 2001 rows; at most 2000 can be imported at once\./);
  expect(await server.db.selectFrom("import_upload").select("id_hash").where("file_name", "in", ["statement.xlsx", "big.csv"]).execute()).toEqual([]);
});

test("a practice-management report as an Excel workbook: its own column names mapped, a bad row refused with nothing added, then imported; the next report needs no mapping @core", async ({ page }) => {
  const report = (rows: Cell[][]) => Buffer.from(workbook([{ name: "Monthly KPIs", rows: [["Period", "Office", "Kept appts", "No Shows", "Google rating", "Reviews"], ...rows] }]));
  const outcomeRows = () => server.db.selectFrom("outcome_month").select(["month", "visits", "no_shows", "stars_hundredths", "review_count", "returning_patients"]).orderBy("month").orderBy("visits");
  const before = (await outcomeRows().execute()).length;
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner/outcomes/import`);
  await page.getByLabel("CSV or Excel file").setInputFiles({
    name: "pm-report.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: report([
      [{ date: "2025-01-01" }, "Maple", { number: 812 }, { number: 61 }, { number: 4.6 }, { number: 9 }],
      [{ date: "2025-01-01" }, "River", "1,204", { number: 80 }, { number: 4.25 }, { number: 3 }],
      [{ date: "2025-02-01" }, "Maple", { number: 790 }, { number: -5 }, "", ""],
    ]),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("heading", { name: "Which column is which?" })).toBeVisible();
  await expect(page.getByText("Excel workbook").first()).toBeVisible();
  await expect(column(page, "Period")).toHaveValue("month");
  await expect(column(page, "Office")).toHaveValue("location");
  await expect(column(page, "Kept appts")).toHaveValue("visits");
  await expect(column(page, "No Shows")).toHaveValue("noShows");
  await expect(column(page, "Google rating")).toHaveValue("stars");
  await expect(column(page, "Reviews")).toHaveValue("reviewCount");
  await expectNoAxeViolations(page);

  // A negative count on line 4: refused on its row, nothing added.
  await page.getByRole("button", { name: "Check the rows" }).click();
  await expect(page.getByRole("heading", { name: "Rows with problems" })).toBeVisible();
  const problems = page.getByRole("region", { name: "Rows in the file" });
  await expect(problems.getByRole("row").filter({ hasText: "790" })).toContainText("no-shows: Enter a count of zero or more.");
  // The workbook's own line: its header is line 1.
  await expect(problems.getByRole("row").filter({ hasText: "790" }).getByRole("cell").first()).toHaveText("4");
  expect(await outcomeRows().execute()).toHaveLength(before);

  // The corrected report: the mapping remembered, straight to the check, then added.
  await page.goto(`${server.url}/owner/outcomes/import`);
  await page.getByLabel("CSV or Excel file").setInputFiles({
    name: "pm-report.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: report([
      [{ date: "2025-01-01" }, "Maple", { number: 812 }, { number: 61 }, { number: 4.6 }, { number: 9 }],
      [{ date: "2025-01-01" }, "River", "1,204", { number: 80 }, { number: 4.25 }, { number: 3 }],
      [{ date: "2025-02-01" }, "Maple", { number: 790 }, { number: 55 }, "", ""],
    ]),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("heading", { name: "Ready to add 3 months" })).toBeVisible();
  await expect(page.getByText("Read with the mapping you confirmed for a file of this shape before.")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Add 3 months" }).click();
  await expect(page.getByRole("status")).toContainText("Added 3 months of figures.");
  const added = await outcomeRows().where("month", "in", ["2025-01", "2025-02"]).execute();
  expect(added.map((r) => [r.month, r.visits, r.no_shows, r.stars_hundredths, r.review_count, r.returning_patients])).toEqual([
    ["2025-01", 812, 61, 460, 9, null],
    ["2025-01", 1204, 80, 425, 3, null],
    ["2025-02", 790, 55, null, null, null],
  ]);
  const audit = await server.db.selectFrom("audit_event").select("details").where("action", "=", "outcome.import").execute();
  expect(audit.map((a) => JSON.parse(a.details) as { rows: number }).map((d) => d.rows)).toContain(3);
  expect(await server.db.selectFrom("import_upload").select("id_hash").where("kind", "=", "outcomes").execute()).toEqual([]);
});
