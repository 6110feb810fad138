import AxeBuilder from "@axe-core/playwright";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

test("the first run sets up the practice and its owner once @core", async ({ page, javaScriptEnabled }) => {
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/setup$/);
  // axe runs as JavaScript in the page, so it checks the page in the run that has JavaScript.
  if (javaScriptEnabled) expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await page.getByRole("button", { name: "Create practice" }).click();
  await expect(page.getByText("Enter the practice's name.")).toBeVisible();
  await expect(page.getByText("Enter an email address like name@practice.com.")).toBeVisible();
  expect(await server.db.selectFrom("user").select("id").execute()).toHaveLength(0);

  await page.getByLabel("Practice name").fill("Cedar Family Health");
  await page.getByLabel("Time zone").selectOption("America/Denver");
  await page.getByLabel("Fiscal year starts in").selectOption({ label: "July" });
  await page.getByLabel("Your name").fill("Dana Cedar");
  await page.getByLabel("Email").fill("dana@cedar.test");
  await page.getByLabel("Password", { exact: true }).fill("a long enough password");
  await page.getByLabel("Password again").fill("a long enough password");
  await page.getByRole("button", { name: "Create practice" }).click();
  await expect(page).toHaveURL(/\/manage\/progress$/);
  await expect(page.getByRole("link", { name: /Cedar Family Health/ })).toBeVisible();

  const practice = await server.db.selectFrom("practice").selectAll().executeTakeFirstOrThrow();
  expect(practice).toMatchObject({ name: "Cedar Family Health", time_zone: "America/Denver", fiscal_year_start_month: 7 });
  const response = await page.goto(`${server.url}/setup`);
  expect(response?.status()).toBe(404);
});
