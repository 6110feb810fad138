import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

test("the first run sets up the practice and its owner once @core", async ({ page }) => {
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/setup$/);
  await expectNoAxeViolations(page);

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
