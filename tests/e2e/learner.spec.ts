import { startServer, type TestServer } from "#tests/support/server.ts";
import { answerQuiz, expect, FIRST_LESSON, PEOPLE, quizKey, seedPractice, signIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});

test("a receptionist fails a quiz, sees why, retakes it, passes and finds it on her progress page @core", async ({ page }) => {
  const key = quizKey(FIRST_LESSON.quizFile);
  const firstQuestion = key.questions[0]!;
  const wrongChoice = firstQuestion.choices.find((c) => !c.correct)!;

  await signIn(page, server.url, PEOPLE.maria);
  await expect(page).toHaveURL(/\/learn$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, Maria");

  await page.getByRole("link", { name: FIRST_LESSON.title }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(FIRST_LESSON.title);
  await expect(page.getByText("Scenario", { exact: false }).first()).toBeVisible();

  // One wrong answer out of four is 75%: below the 80% needed.
  await answerQuiz(page, key, [firstQuestion.id]);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page).toHaveURL(/\/attempts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Not passed yet");
  await expect(page.getByText("3 of 4 right · 75%")).toBeVisible();
  await expect(page.getByText(wrongChoice.feedback)).toBeVisible();

  await page.getByRole("link", { name: "Retake the quiz" }).click();
  await answerQuiz(page, key);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You passed");
  await expect(page.getByText("4 of 4 right · 100%")).toBeVisible();

  await page.goto(`${server.url}/progress`);
  await page.reload();
  const row = page.getByRole("row", { name: new RegExp(FIRST_LESSON.title) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("100%");
  await expect(row).toContainText("2");
  await expect(page.getByText("Lessons completed")).toBeVisible();

  const attempts = await server.db.selectFrom("quiz_attempt").select(["passed", "content_hash"]).execute();
  expect(attempts.map((a) => a.passed)).toEqual([0, 1]);
  const completions = await server.db.selectFrom("completion").select(["lesson_slug", "content_hash"]).execute();
  expect(completions).toEqual([{ lesson_slug: FIRST_LESSON.slug, content_hash: attempts[1]!.content_hash }]);
});

test("an unanswered question comes back marked, with nothing recorded @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/lessons/answering-the-phone`);
  const before = await server.db.selectFrom("quiz_attempt").select("id").execute();
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByText("Some questions need an answer.")).toBeVisible();
  await expect(page.getByText("Choose an answer.").first()).toBeVisible();
  // The lesson's text comes once, in the page; hydration and the reload after the answer keep it.
  await expect(page.locator(".lesson-body")).toContainText("Scenario");
  expect(await server.db.selectFrom("quiz_attempt").select("id").execute()).toHaveLength(before.length);
});

test("a form submitted twice records one attempt", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/lessons/hold-and-transfer`);
  const key = quizKey("content/the-phone/hold-and-transfer.quiz.yaml");
  const requestId = await page.locator('input[name="requestId"]').inputValue();
  const form: Record<string, string> = { intent: "submit", requestId };
  const body = new URLSearchParams(form);
  for (const q of key.questions) for (const c of q.choices.filter((x) => x.correct)) body.append(`q.${q.id}`, c.id);
  const post = () =>
    page.request.post(`${server.url}/lessons/hold-and-transfer`, {
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      data: body.toString(),
      maxRedirects: 0,
    });
  const [a, b] = await Promise.all([post(), post()]);
  expect(a.status()).toBe(302);
  expect(b.headers().location).toBe(a.headers().location);
  const rows = await server.db.selectFrom("quiz_attempt").select("id").where("lesson_slug", "=", "hold-and-transfer").execute();
  expect(rows).toHaveLength(1);
});
