import { seedCrowd } from "#tests/support/crowd-practice.ts";
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

test.describe("lists larger than a page", () => {
  let crowd: TestServer;
  test.beforeAll(async () => {
    crowd = await startServer({ seed: seedCrowd });
  });
  test.afterAll(async () => {
    await crowd?.stop();
  });

  test("axe finds nothing on the paged, searched and empty pages of the progress matrix, the team, spend per employee, and the forms that find one person among many", async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, crowd.url, PEOPLE.rosa);
    for (const path of ["/manage/progress", "/manage/progress?page=2&sort=name", "/manage/progress?page=3", "/manage/progress?q=quispe", "/manage/progress?q=nobody", "/manage/team?page=2", "/manage/team?q=quispe", "/manage/team?q=nobody", "/manage/assignments", "/manage/assignments?find=quispe", "/manage/assignments?find=staff", "/manage/assignments?find=nobody", "/outside-learning", "/outside-learning?find=quispe"]) {
      await page.goto(`${crowd.url}${path}`);
      await expectNoAxeViolations(page);
    }
    await page.context().clearCookies();
    await signIn(page, crowd.url, PEOPLE.owner);
    for (const path of ["/owner/reports?page=2", "/owner/reports?page=3", "/owner/spend", "/owner/spend?find=quispe&belongsTo=equal"]) {
      await page.goto(`${crowd.url}${path}`);
      await expectNoAxeViolations(page);
    }
  });
});
