// Lists of people a page at a time (50 a page), with the name search: the progress matrix, the
// team, and the owner's spend per employee, in a practice of 123 people, with JavaScript and
// without (@core). Bad page numbers and searches answer the nearest sensible page, never an error.
import type { Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { CROWD, seedCrowd } from "#tests/support/crowd-practice.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, signIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedCrowd });
});
test.afterAll(async () => {
  await server.stop();
});

const bodyRows = (page: Page, region: string) => page.getByRole("region", { name: region }).locator("tbody tr");
const pager = (page: Page, label: string) => page.getByRole("navigation", { name: label, exact: true });

test("the progress matrix comes 50 people a page, with page links that keep the filters, and a name search @core", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/progress`);
  // 120 staff, Maria and Rosa (the owner is not reached by group assignments): three pages.
  const top = pager(page, "Pages of the table");
  await expect(top).toContainText("Page 1 of 3");
  await expect(top).toContainText("people 1–50 of 122");
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(50);
  await expect(top.getByRole("link", { name: "Previous page" })).toHaveCount(0);

  await top.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/[?&]page=2\b/);
  await expect(pager(page, "Pages of the table")).toContainText("Page 2 of 3");
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(50);
  await pager(page, "Pages of the table, again").getByRole("link", { name: "Next page" }).click();
  await expect(pager(page, "Pages of the table")).toContainText("Page 3 of 3");
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(22);
  await expect(pager(page, "Pages of the table").getByRole("link", { name: "Next page" })).toHaveCount(0);
  await pager(page, "Pages of the table").getByRole("link", { name: "First page" }).click();
  await expect(pager(page, "Pages of the table")).toContainText("Page 1 of 3");

  // Filters and sort from the form; the page links keep them.
  await page.getByLabel("Job title").selectOption("Receptionist");
  await page.getByLabel("Sort").selectOption("name");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/jobTitle=Receptionist/);
  await expect(pager(page, "Pages of the table")).toContainText("Page 1 of 2");
  await expect(bodyRows(page, "Progress by person and module").first()).toContainText(PEOPLE.maria.name);
  await expect(bodyRows(page, "Progress by person and module").nth(1)).toContainText(CROWD.needle.name);
  await pager(page, "Pages of the table").getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/jobTitle=Receptionist/);
  await expect(page).toHaveURL(/sort=name/);
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByLabel("Job title")).toHaveValue("Receptionist");
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(42);

  // The name search: any part of the name or the email, any case, with the filters.
  await page.goto(`${server.url}/manage/progress`);
  await page.getByLabel("Find a person").fill("QUISPE");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=QUISPE/);
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(1);
  await expect(bodyRows(page, "Progress by person and module").first()).toContainText(CROWD.needle.name);
  await expect(pager(page, "Pages of the table")).toContainText("Page 1 of 1");
  await page.getByLabel("Find a person").fill("nadia.qw@");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(bodyRows(page, "Progress by person and module")).toHaveCount(1);
  await page.getByLabel("Find a person").fill("nobody-by-this-name");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("Nobody matches the search “nobody-by-this-name”.")).toBeVisible();
  await page.getByRole("link", { name: "Show everyone" }).click();
  await expect(pager(page, "Pages of the table")).toContainText("Page 1 of 3");
});

test("a page past the end shows the last page, and a page number or search that will not do answers a page, not an error @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  for (const [query, expected] of [
    ["page=99", "Page 3 of 3"],
    ["page=999999999999999999999", "Page 3 of 3"],
    ["page=-2", "Page 1 of 3"],
    ["page=abc", "Page 1 of 3"],
    ["page=2&page=3", "Page 2 of 3"],
    ["sort=name&state=nonsense&locationId=x&page=2.5", "Page 1 of 3"],
    [`q=${"x".repeat(5000)}`, "Nobody matches"],
    ["q=%25%25%25", "Nobody matches"],
    ["q=%00%01Nadia", "Page 1 of 1"],
  ] as const) {
    const response = await page.goto(`${server.url}/manage/progress?${query}`);
    expect(response?.status(), query).toBe(200);
    await expect(page.locator("main"), query).toContainText(expected);
  }
  for (const query of ["page=0", "page=99", "q=%00", `q=${"y".repeat(3000)}`]) {
    expect((await page.goto(`${server.url}/manage/team?${query}`))?.status(), query).toBe(200);
  }
});

test("the team is paged and searchable @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/team`);
  await expect(pager(page, "Pages of the team")).toContainText("Page 1 of 3");
  await expect(bodyRows(page, "Team members")).toHaveCount(50);
  await pager(page, "Pages of the team").getByRole("link", { name: "Next page" }).click();
  await expect(pager(page, "Pages of the team")).toContainText("Page 2 of 3");
  await page.getByLabel("Find a person").fill("quispe");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(bodyRows(page, "Team members")).toHaveCount(1);
  await expect(page.getByRole("link", { name: CROWD.needle.name })).toBeVisible();
  await page.getByLabel("Find a person").fill("no such person");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.getByText("Nobody matches the search “no such person”.")).toBeVisible();
  // The form to add someone is still there.
  await expect(page.getByRole("button", { name: "Add person" })).toBeVisible();
});

test("the owner's spend per employee comes 50 a page, with its totals over everyone @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner/reports`);
  const table = page.getByRole("region", { name: "Spend by person" });
  await expect(pager(page, "Pages of the spend per employee")).toContainText("Page 1 of 3");
  await expect(table.locator("tbody tr")).toHaveCount(50);
  // $123.00 shared among 122 employees: the total is over all of them on every page.
  const total = table.locator("tfoot tr");
  await expect(total).toContainText("Total, everyone");
  await expect(total).toContainText("$123.00");
  await pager(page, "Pages of the spend per employee").getByRole("link", { name: "Last page" }).click();
  await expect(page).toHaveURL(/page=3#employee-heading$/);
  await expect(table.locator("tbody tr")).toHaveCount(22);
  await expect(total).toContainText("$123.00");
  const csv = parse(await (await page.request.get(`${server.url}/owner/reports.csv?table=employees`)).text(), { bom: true }) as string[][];
  // Header, every employee, and the total.
  expect(csv).toHaveLength(1 + 122 + 1);
  expect(csv.at(-1)?.slice(0, 5)).toEqual(["Total", "", "0.00", "123.00", "123.00"]);
});

test("the progress export has every matching row, whatever page was showing", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  const rows = async (query: string) => {
    const response = await page.request.get(`${server.url}/manage/progress.csv?${query}`);
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers()["content-disposition"]).toBe('attachment; filename="deskcoach-progress.csv"');
    expect(response.headers()["cache-control"]).toBe("no-store");
    return parse(await response.text(), { bom: true }) as string[][];
  };
  const everyone = await rows("page=3");
  expect(everyone).toHaveLength(1 + 122 * CROWD.modules);
  expect(new Set(everyone.slice(1).map((r) => r[0])).size).toBe(122);
  const byName = await rows("sort=name&jobTitle=Scheduler");
  expect(byName).toHaveLength(1 + 30 * CROWD.modules);
  const names = byName.slice(1).map((r) => r[0] as string);
  expect(names).toEqual([...names].sort());
  expect(await rows("q=quispe")).toHaveLength(1 + CROWD.modules);
});

test("with more people than a form can list, the assignment form finds one person by name @core", async ({ page, javaScriptEnabled }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/assignments`);
  const person = page.getByLabel("Person", { exact: true });
  // 122 people: none listed until a search finds them.
  await expect(person.locator("option")).toHaveText(["Find a person first"]);
  await page.getByLabel("Module or lesson").selectOption({ index: 1 });
  await page.getByLabel("One person").check();
  await page.getByLabel("Find a person").fill("staff member");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.getByRole("status").filter({ hasText: "match" })).toContainText("119 match “staff member”; the first 50 are listed.");
  await expect(person.locator("option")).toHaveCount(51);
  await page.getByLabel("Find a person").fill("QUISPE");
  await page.getByLabel("Find a person").press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "match" })).toContainText("1 person matches “QUISPE”.");
  await expect(person.locator("option")).toHaveText(["Choose…", CROWD.needle.name]);
  if (javaScriptEnabled) {
    // What was chosen before Find stays chosen.
    await expect(page.getByLabel("Module or lesson")).not.toHaveValue("");
    await expect(page.getByLabel("One person")).toBeChecked();
  } else {
    // Without JavaScript, Find sends the search alone; the form is about one person still.
    await expect(page.getByLabel("One person")).toBeChecked();
    await page.getByLabel("Module or lesson").selectOption({ index: 1 });
  }
  await person.selectOption({ label: CROWD.needle.name });
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Assigned." })).toBeVisible();
  await expect(page.getByRole("table").filter({ hasText: CROWD.needle.name })).toBeVisible();
});

test("with more people than a form can list, spend is shared among people found by name @core", async ({ page, javaScriptEnabled }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner/spend`);
  const record = page.getByRole("region", { name: "Record an expense" });
  await expect(record.getByRole("checkbox")).toHaveCount(0);
  await record.getByLabel("Vendor").fill("Front Desk Academy");
  await record.getByLabel("Find a person").fill("quispe");
  await record.getByRole("button", { name: "Find" }).click();
  await expect(record.getByRole("checkbox")).toHaveCount(1);
  if (javaScriptEnabled) await expect(record.getByLabel("Vendor")).toHaveValue("Front Desk Academy");
  else await record.getByLabel("Vendor").fill("Front Desk Academy");
  await record.getByLabel("Category").selectOption({ index: 1 });
  await record.getByLabel("Description").fill("Phone skills course");
  await record.getByLabel("Amount", { exact: true }).fill("40.00");
  await record.getByLabel("The people ticked below, split equally").check();
  await record.getByRole("checkbox", { name: `${CROWD.needle.name}: share equally` }).check();
  const recorded = page.getByRole("table").filter({ hasText: "Front Desk Academy" });
  if (!javaScriptEnabled) {
    await record.getByRole("button", { name: "Record expense" }).click();
    await expect(recorded).toContainText(CROWD.needle.name);
    return;
  }
  // A second search keeps the one already ticked, and what was typed.
  await record.getByLabel("Find a person").fill("Staff Member 001");
  await record.getByRole("button", { name: "Find" }).click();
  await expect(record.getByRole("checkbox")).toHaveCount(2);
  await expect(record.getByRole("checkbox", { name: `${CROWD.needle.name}: share equally` })).toBeChecked();
  await expect(record.getByLabel("Amount", { exact: true })).toHaveValue("40.00");
  await record.getByRole("checkbox", { name: "Staff Member 001: share equally" }).check();
  await record.getByRole("button", { name: "Record expense" }).click();
  await expect(recorded).toContainText(CROWD.needle.name);
  await expect(recorded).toContainText("Staff Member 001");
});

test("with more people than a form can list, outside learning's attendees are found by name @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/outside-learning`);
  const log = page.getByRole("region", { name: "Log learning" });
  await expect(log.getByRole("checkbox")).toHaveCount(0);
  await log.getByLabel("Find a person").fill("quispe");
  await log.getByRole("button", { name: "Find" }).click();
  await expect(log.getByRole("checkbox")).toHaveCount(1);
  await log.getByLabel("Title").fill("Calm phones workshop");
  await log.getByLabel("Provider").fill("County Medical Society");
  await log.getByLabel("Kind").selectOption({ index: 1 });
  await log.getByLabel("Hours").fill("1.5");
  await log.getByRole("checkbox", { name: CROWD.needle.name }).check();
  await log.getByRole("button", { name: "Log it" }).click();
  await expect(page.getByRole("table").filter({ hasText: "Calm phones workshop" })).toContainText(CROWD.needle.name);
});
