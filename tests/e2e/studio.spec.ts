// The lesson studio as a manager meets it: write a lesson with a quiz and a picture, see a problem
// and fix it, preview, publish, assign; a receptionist takes it; then version 2 asks for a retake.
// Tagged @core, so it also runs with JavaScript off (plain fields, no toolbar).
import fs from "node:fs";
import type { Page } from "@playwright/test";
import sharp from "sharp";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { answerQuiz, expect, PEOPLE, quizKey, seedPractice, signIn, test, type QuizKey } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});

const MODEL = "content/first-impressions/the-first-ten-seconds";
/** A body that meets every rule: a library lesson's own. */
const goodBody = fs.readFileSync(`${MODEL}.mdx`, "utf8").replace(/^---[\s\S]*?---\n+/, "");
interface FullQuestion {
  id: string;
  prompt: string;
  type: string;
  choices: { id: string; text: string; correct?: boolean; feedback: string }[];
}
const key = quizKey(`${MODEL}.quiz.yaml`) as unknown as { questions: FullQuestion[] } & QuizKey;

async function signOut(page: Page) {
  await page.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function fillQuiz(page: Page) {
  for (const [i, q] of key.questions.slice(0, 3).entries()) {
    await page.locator(`#q${i}-prompt`).fill(q.prompt);
    await page.locator(`#q${i}-type`).selectOption(q.type);
    for (const [j, c] of q.choices.entries()) {
      await page.locator(`#q${i}-c${j}-text`).fill(c.text);
      await page.locator(`#q${i}-c${j}-feedback`).fill(q.choices[j]!.feedback);
      if (q.choices[j]!.correct) await page.locator(`#q${i}-c${j}-correct`).check();
    }
  }
}

test("a manager writes, checks, previews, publishes and assigns a lesson; staff pass it; version 2 asks for a retake @core", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, server.url, PEOPLE.rosa);

  // A module, then a lesson in it.
  await page.goto(`${server.url}/manage/studio`);
  await expect(page.getByText("No modules yet.")).toBeVisible();
  const newModule = page.locator("section", { has: page.getByRole("heading", { name: "Create a module" }) });
  await newModule.getByLabel("Title").fill("How we do it here");
  await newModule.getByLabel("Summary (one sentence)").fill("Our own ways at the Oak Street desk.");
  await newModule.getByLabel("Greeting").check();
  await newModule.getByRole("button", { name: "Create module" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "How we do it here" })).toBeVisible();
  await page.goto(`${server.url}/manage/studio`);
  const newLesson = page.locator("section", { has: page.getByRole("heading", { name: "Write a lesson" }) });
  await newLesson.getByLabel("Title").fill("Our phone greeting");
  await newLesson.getByRole("button", { name: "Start writing" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Our phone greeting" })).toBeVisible();

  // A picture, checked and renamed for the lesson.
  const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#2a6" } }).png().toBuffer();
  await page.getByLabel("Add a picture").setInputFiles({ name: "Front Desk.png", mimeType: "image/png", buffer: png });
  await page.getByRole("button", { name: "Upload picture" }).click();
  await expect(page.getByRole("link", { name: "our-phone-greeting-front-desk.png" })).toBeVisible();

  // The lesson, written too hard to read, with its quiz.
  await page.getByLabel("Summary (one sentence for lists)").fill("How we answer the phone at Oak Street.");
  await page.getByLabel("Objectives (one a line: what the learner can do afterwards)").fill("Answer with our greeting.\nSound unhurried.");
  const picture = "\n![The front desk phone with the greeting card beside it](images/our-phone-greeting-front-desk.png)\n";
  const hard = goodBody.replace(/[^.\n<>]+\./g, "Notwithstanding organisational considerations, administrative personnel systematically institutionalise comprehensive acknowledgement methodologies.");
  await page.getByLabel("Lesson text (MDX)").fill(hard + picture);
  await fillQuiz(page);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.locator("#body-problems")).toContainText(/line \d+: reading grade [\d.]+ is above 10/);

  // Fixed, it meets every rule.
  await page.getByLabel("Lesson text (MDX)").fill(goodBody + picture);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("No problems: this draft meets every rule of the library.")).toBeVisible();

  // The preview is the learner's page, picture included.
  await page.getByRole("link", { name: "Preview as a learner sees it" }).click();
  await expect(page).toHaveURL(/\/preview$/);
  await expect(page.getByRole("heading", { level: 1, name: "Our phone greeting" })).toBeVisible();
  const img = page.getByRole("img", { name: "The front desk phone with the greeting card beside it" });
  await img.scrollIntoViewIfNeeded();
  // Loaded, not only present: the picture's own 40 × 20 pixels arrived.
  await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.naturalWidth)).toBe(40);
  await expect(page.getByText("Question 1.")).toBeVisible();
  await page.getByRole("link", { name: "Back to the editor" }).click();

  // Published, in a published module, assigned to every receptionist within 7 days.
  await page.getByRole("button", { name: "Save and publish" }).click();
  await expect(page.getByText("Published version 1.")).toBeVisible();
  await page.goto(`${server.url}/manage/studio`);
  await page.getByRole("link", { name: "How we do it here" }).click();
  await page.getByRole("button", { name: "Publish the module" }).click();
  await expect(page.getByText("Published: its published lessons are in the library")).toBeVisible();
  await page.goto(`${server.url}/manage/assignments`);
  await page.getByLabel("Module or lesson").selectOption({ label: "How we do it here (1 lesson)" });
  await page.getByLabel("Everyone with a job title").check();
  await page.getByLabel("Job title", { exact: true }).selectOption("Receptionist");
  await page.getByLabel("A number of days after it reaches each person").check();
  await page.getByLabel("Days", { exact: true }).fill("7");
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("Assigned.")).toBeVisible();
  await signOut(page);

  // Maria takes it and passes.
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/learn`);
  await expect(page.getByText("How we do it here").first()).toBeVisible();
  await page.goto(`${server.url}/lessons/our-phone-greeting`);
  const published = page.getByRole("img", { name: "The front desk phone with the greeting card beside it" });
  await published.scrollIntoViewIfNeeded();
  await expect.poll(() => published.evaluate((e: HTMLImageElement) => e.naturalWidth)).toBe(40);
  // The form gave the questions new ids and the choices a, b, c, d.
  const publishedKey = {
    questions: key.questions.slice(0, 3).map((q, i) => ({ id: `our-phone-q${i + 1}`, choices: q.choices.map((c, j) => ({ ...c, id: "abcd"[j] as string })) })),
  };
  await answerQuiz(page, publishedKey);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You passed");
  await signOut(page);

  // The manager's matrix and the completion report show it.
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/completion`);
  await expect(page.getByText("How we do it here").first()).toBeVisible();
  await page.goto(`${server.url}/manage/progress`);
  await expect(page.getByRole("row", { name: /Maria Lopez/ })).toContainText(/Done/i);

  // Version 2, which everyone who completed it must take again.
  await page.goto(`${server.url}/manage/studio`);
  await page.getByRole("link", { name: "Our phone greeting" }).click();
  await page.getByLabel("Summary (one sentence for lists)").fill("How we answer the phone at Oak Street, with the new greeting.");
  await page.getByLabel("They must take the new version").check();
  await page.getByLabel("Days they have to retake it").fill("7");
  await page.getByRole("button", { name: "Save and publish" }).click();
  await expect(page.getByText("Published version 2. 1 person has it to take again.")).toBeVisible();
  await page.getByRole("link", { name: "Versions and changes" }).click();
  await expect(page.getByText("with the new greeting")).toBeVisible();
  await signOut(page);

  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/learn`);
  const assigned = page.locator("section", { has: page.getByRole("heading", { name: "Assigned to you" }) });
  await expect(assigned).toContainText("Our phone greeting");
  await expect(assigned).toContainText("in 7 days");
  const completions = await server.db.selectFrom("completion").select("content_hash").where("lesson_slug", "=", "our-phone-greeting").execute();
  expect(completions).toHaveLength(1);
});
