// Shared end-to-end fixtures: a guard that fails any test whose pages break the CSP or throw,
// the standard test practice, and sign-in.
import fs from "node:fs";
import { test as base, expect, type Page } from "@playwright/test";
import { parse } from "yaml";
import type { DB } from "#db/connection.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";

export const test = base.extend<{ pageGuard: void }>({
  pageGuard: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(String(error)));
      await use();
      expect(problems, "CSP violations or uncaught errors on the page").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export const PEOPLE = {
  maria: { email: "maria@practice.test", password: "maria-password-1", name: "Maria Lopez" },
  rosa: { email: "rosa@practice.test", password: "rosa-password-1", name: "Rosa Delgado" },
  owner: { email: "owner@practice.test", password: "owner-password-1", name: "Dr. Priya Shah" },
};

export async function seedPractice(db: DB): Promise<void> {
  await createPractice(db, { name: "Oak Street Clinic" });
  await createUser(db, { ...PEOPLE.maria, role: "staff" });
  await createUser(db, { ...PEOPLE.rosa, role: "manager" });
  await createUser(db, { ...PEOPLE.owner, role: "owner" });
}

/** Fills and sends the sign-in form. */
export async function submitSignIn(page: Page, baseUrl: string, who: { email: string; password: string }, path = "/login") {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits until the browser has left the sign-in page. */
export async function signIn(page: Page, baseUrl: string, who: { email: string; password: string }, path = "/login") {
  await submitSignIn(page, baseUrl, who, path);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

export interface QuizKey {
  questions: { id: string; choices: { id: string; correct?: boolean; feedback: string }[]; explanation?: string }[];
}

/** The answer key, read the way the server reads it (tests may know the answers; browsers may not). */
export function quizKey(file: string): QuizKey {
  return parse(fs.readFileSync(file, "utf8")) as QuizKey;
}

export const FIRST_LESSON = {
  slug: "the-first-ten-seconds",
  title: "The first ten seconds",
  quizFile: "content/first-impressions/the-first-ten-seconds.quiz.yaml",
};

/** Ticks the right answers, or a wrong one for the questions listed in `wrong`. */
export async function answerQuiz(page: Page, key: QuizKey, wrong: string[] = []) {
  for (const q of key.questions) {
    const right = q.choices.filter((c) => c.correct).map((c) => c.id);
    const pick = wrong.includes(q.id) ? [q.choices.find((c) => !c.correct)!.id] : right;
    for (const id of pick) await page.locator(`input[name="q.${q.id}"][value="${id}"]`).check();
  }
}
