import { startServer, type TestServer } from "#tests/support/server.ts";
import { answerQuiz, expect, FIRST_LESSON, PEOPLE, quizKey, seedPractice, signIn, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});


// Every page of every role is checked with axe at two widths by layout.spec.ts; these are the
// states a page reaches only by doing something on it.
test("axe finds nothing on a quiz with unanswered questions, a passed quiz, and a confirmation before deactivating", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/lessons/${FIRST_LESSON.slug}`);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByText("Some questions need an answer.")).toBeVisible();
  await expectNoAxeViolations(page);
  await answerQuiz(page, quizKey(FIRST_LESSON.quizFile));
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You passed");
  await expectNoAxeViolations(page);
  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/team`);
  await page.getByRole("link", { name: PEOPLE.maria.name }).click();
  await page.waitForURL(/\/manage\/people\/\d+$/);
  await page.goto(`${page.url()}?confirm=deactivate`);
  await expect(page.getByRole("heading", { name: `Deactivate ${PEOPLE.maria.name}?` })).toBeVisible();
  await expectNoAxeViolations(page);
});
