import type { Page } from "@playwright/test";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});

async function recordExpense(page: Page, e: { category: string; vendor: string; amount: string; people?: string[] }) {
  await page.getByLabel("Category").selectOption({ label: e.category });
  await page.getByLabel("Vendor").fill(e.vendor);
  await page.getByLabel("Description").fill(`${e.vendor} training`);
  await page.getByLabel("Amount", { exact: true }).fill(e.amount);
  if (e.people) {
    await page.getByLabel("The people ticked below, split equally").check();
    for (const name of e.people) await page.getByLabel(`${name}: share equally`).check();
  }
  await page.getByRole("button", { name: "Record expense" }).click();
  await expect(page.getByRole("region", { name: "Expenses" }).getByRole("cell", { name: e.vendor, exact: true })).toBeVisible();
}

function budgetRow(page: Page, name: string) {
  return page.getByRole("region", { name: "Budget against actual by category" }).getByRole("row", { name: new RegExp(`^${name}`) }).getByRole("cell");
}

test("the owner plans, records three expenses and reads figures that match a hand calculation @core", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, server.url, PEOPLE.owner);

  // Plan: $500 of materials, and $25 of online courses per employee (Maria and Rosa: 2).
  await page.goto(`${server.url}/owner/budget`);
  await page.getByLabel("Training materials", { exact: true }).fill("500");
  await page.getByLabel("Online courses", { exact: true }).fill("25");
  await page.getByLabel("Online courses: amount is per employee").check();
  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page.getByRole("row", { name: /^Total/ })).toContainText("$550.00");

  // A bad amount comes back beside its field, and nothing is written.
  await page.goto(`${server.url}/owner/spend`);
  await page.getByLabel("Category").selectOption({ label: "Other" });
  await page.getByLabel("Vendor").fill("Nobody");
  await page.getByLabel("Description").fill("Nothing");
  await page.getByLabel("Amount", { exact: true }).fill("1.234,56");
  await page.getByRole("button", { name: "Record expense" }).click();
  await expect(page.getByText("Enter an amount like 1,234.56")).toBeVisible();
  expect(await server.db.selectFrom("expense").select("id").execute()).toEqual([]);

  await recordExpense(page, { category: "Training materials", vendor: "Front Desk Press", amount: "120.50" });
  await recordExpense(page, { category: "Online courses", vendor: "LearnCo", amount: "$30", people: [PEOPLE.maria.name, PEOPLE.rosa.name] });
  await recordExpense(page, { category: "Conferences and workshops", vendor: "Summit", amount: "200" });

  await page.goto(`${server.url}/owner/reports`);
  // Planned, actual, variance by hand: materials 500 − 120.50; online 2 × 25 − 30; conferences 0 − 200.
  await expect(budgetRow(page, "Training materials")).toHaveText(["$500.00", "$120.50", "$379.50"]);
  await expect(budgetRow(page, "Online courses")).toHaveText(["$50.00", "$30.00", "$20.00"]);
  await expect(budgetRow(page, "Conferences and workshops")).toHaveText(["$0.00", "$200.00", "-$200.00"]);
  await expect(budgetRow(page, "Total")).toHaveText(["$550.00", "$350.50", "$199.50"]);
  // Per employee: practice-wide 320.50 shared by two is 160.25 each, plus their own 15.00.
  const perEmployee = page.getByRole("region", { name: "Spend by person" });
  for (const person of [PEOPLE.maria.name, PEOPLE.rosa.name]) {
    await expect(perEmployee.getByRole("row", { name: new RegExp(`^${person}`) }).getByRole("cell").nth(1)).toHaveText("$15.00");
    await expect(perEmployee.getByRole("row", { name: new RegExp(`^${person}`) }).getByRole("cell").nth(2)).toHaveText("$160.25");
    await expect(perEmployee.getByRole("row", { name: new RegExp(`^${person}`) }).getByRole("cell").nth(3)).toHaveText("$175.25");
  }
  await expect(page.getByText("$1,296.00")).toBeVisible();

  const csv = await (await page.request.get(`${server.url}/owner/reports.csv?table=budget`)).text();
  expect(csv).toContain("Conferences and workshops,0.00,200.00,-200.00");
  expect(csv).toContain("Total,550.00,350.50,199.50");
});

test("a manager gets 403 on every owner page, export, data request and post, and 404 for an expense", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  const pages = ["/owner/budget", "/owner/spend", "/owner/spend/import", "/owner/reports", "/owner/reports.csv?table=budget", "/owner/summary", "/owner/planner", "/owner/settings", "/owner/library", "/owner/audit"];
  for (const path of pages) {
    expect((await page.request.get(`${server.url}${path}`, { maxRedirects: 0 })).status(), path).toBe(403);
  }
  for (const path of ["/owner/budget.data", "/owner/reports.data", "/owner/spend.data"]) {
    expect((await page.request.get(`${server.url}${path}`, { maxRedirects: 0 })).status(), path).toBe(403);
  }
  // An expense's own address does not say whether the expense exists.
  expect((await page.request.get(`${server.url}/owner/spend/1`, { maxRedirects: 0 })).status()).toBe(404);
  const before = await server.db.selectFrom("expense").select("id").execute();
  for (const [path, form] of [
    ["/owner/spend", { spentOn: "2026-01-01", category: "other", vendor: "X", description: "X", amount: "5", belongsTo: "practice" }],
    ["/owner/budget", { intent: "save", "amount.other": "5" }],
    ["/owner/settings", { managersSeeCosts: "on" }],
  ] as const) {
    const response = await page.request.post(`${server.url}${path}`, { headers: { Origin: server.url }, form, maxRedirects: 0 });
    expect(response.status(), path).toBe(403);
  }
  expect(await server.db.selectFrom("expense").select("id").execute()).toEqual(before);
  // Completion reports are theirs.
  expect((await page.request.get(`${server.url}/manage/completion`)).status()).toBe(200);
});

test("an expense that does not exist answers 404 to the owner", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  expect((await page.request.get(`${server.url}/owner/spend/999999`)).status()).toBe(404);
  expect((await page.request.get(`${server.url}/owner/spend/abc`)).status()).toBe(404);
});
