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


test("axe finds nothing on the sign-in, learner and manager pages", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${server.url}/login`);
  await expectNoAxeViolations(page);
  await signIn(page, server.url, PEOPLE.maria);
  await expectNoAxeViolations(page);
  await page.goto(`${server.url}/lessons/${FIRST_LESSON.slug}`);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByText("Some questions need an answer.")).toBeVisible();
  await expectNoAxeViolations(page);
  await answerQuiz(page, quizKey(FIRST_LESSON.quizFile));
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You passed");
  await expectNoAxeViolations(page);
  await page.goto(`${server.url}/progress`);
  await expectNoAxeViolations(page);
  await page.goto(`${server.url}/outside-learning`);
  await expectNoAxeViolations(page);
  await page.goto(`${server.url}/manage`);
  await expectNoAxeViolations(page);
  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.rosa);
  for (const path of ["/manage/progress", "/manage/assignments", "/manage/team", "/manage/team/import"]) {
    await page.goto(`${server.url}${path}`);
    await expectNoAxeViolations(page);
  }
  await page.goto(`${server.url}/manage/team`);
  await page.getByRole("link", { name: PEOPLE.maria.name }).click();
  await expectNoAxeViolations(page);
  await page.goto(`${page.url()}?confirm=deactivate`);
  await expectNoAxeViolations(page);
  await page.context().clearCookies();
  await page.goto(`${server.url}/login/code`);
  await expectNoAxeViolations(page);
  await signIn(page, server.url, PEOPLE.owner);
  for (const path of ["/owner/audit", "/owner/sign-ins", "/owner/library", "/owner/reports", "/owner/budget", "/owner/spend", "/owner/spend/import", "/owner/summary", "/owner/planner?headcount=3&online-courses=3", "/owner/settings", "/manage/completion"]) {
    await page.goto(`${server.url}${path}`);
    await expectNoAxeViolations(page);
  }
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
