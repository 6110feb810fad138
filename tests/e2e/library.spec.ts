import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

// A year and more after the library's last review: every lesson reviewed before then is due.
const LATER = "2028-01-15T16:00:00.000Z";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice, env: { DESKCOACH_NOW: LATER } });
});
test.afterAll(async () => {
  await server.stop();
});

test("the owner sees the lessons due for an accuracy review, and a lesson shows its sources", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner`);
  await page.getByRole("navigation", { name: "Training money" }).getByRole("link", { name: "Lesson reviews" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lesson reviews");
  const rows = page.getByRole("region", { name: "Lessons and their reviews" }).getByRole("row");
  const lessons = (await rows.count()) - 1;
  expect(lessons).toBeGreaterThanOrEqual(52);
  await expect(page.getByText(`${lessons} lessons are due for review.`)).toBeVisible();
  await expect(rows.filter({ hasText: "Good-faith estimates" })).toContainText(/Due since \d{4}-\d{2}-\d{2}/);

  await rows.filter({ hasText: "Good-faith estimates" }).getByRole("link").click();
  const sources = page.locator("footer.lesson-sources");
  await expect(page.getByRole("heading", { name: "Sources" })).toBeVisible();
  await expect(sources.getByRole("listitem").filter({ hasText: "45 CFR 149.610" })).toHaveCount(1);
  await expect(sources).toContainText(/Checked for accuracy on \d{4}-\d{2}-\d{2}/);
});
