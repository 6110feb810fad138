import type { Page } from "@playwright/test";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { answerQuiz, expect, FIRST_LESSON, PEOPLE, quizKey, seedPractice, signIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});

async function signOut(page: Page) {
  await page.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("a manager adds a receptionist, assigns a module due in 7 days, and sees her progress, then overdue @core", async ({ page }) => {
  test.setTimeout(90_000);
  // The manager adds Jo.
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/team`);
  await page.getByLabel("Name").fill("Jo Park");
  await page.getByLabel("Email").fill("jo@practice.test");
  await page.getByLabel("Job title").fill("Receptionist");
  await page.getByRole("button", { name: "Add person" }).click();
  const code = (await page.locator(".one-time-code").innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.getByRole("link", { name: "Jo Park" })).toBeVisible();

  // A module due in 7 days, for Jo.
  const moduleLessons = (await server.db.selectFrom("lesson").select("slug").where("module_slug", "=", "first-impressions").where("retired", "=", 0).execute()).length;
  expect(moduleLessons).toBeGreaterThan(1);
  const oneDone = `${Math.round(100 / moduleLessons)}%`;
  await page.goto(`${server.url}/manage/assignments`);
  await page.getByLabel("Module or lesson").selectOption({ label: `First impressions and check-in (${moduleLessons} lessons)` });
  await page.getByLabel("One person").check();
  await page.getByLabel("Person", { exact: true }).selectOption({ label: "Jo Park" });
  await page.getByLabel("A number of days after it reaches each person").check();
  await page.getByLabel("Days", { exact: true }).fill("7");
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("Assigned.")).toBeVisible();
  await signOut(page);

  // Jo chooses a password with her code and finds the assignment first on /learn.
  await page.goto(`${server.url}/login/code`);
  await page.getByLabel("Email").fill("jo@practice.test");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("New password", { exact: true }).fill("jo-chooses-this-1");
  await page.getByLabel("New password again").fill("jo-chooses-this-1");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page).toHaveURL(/\/learn$/);
  const assigned = page.getByRole("region", { name: "Assigned to you" }).or(page.locator("section", { has: page.getByRole("heading", { name: "Assigned to you" }) }));
  await expect(assigned.first()).toContainText("First impressions and check-in");
  await expect(assigned.first()).toContainText("in 7 days");

  // She completes one lesson.
  await page.goto(`${server.url}/lessons/${FIRST_LESSON.slug}`);
  await answerQuiz(page, quizKey(FIRST_LESSON.quizFile));
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You passed");
  await signOut(page);

  // The code worked once only.
  await page.goto(`${server.url}/login/code`);
  await page.getByLabel("Email").fill("jo@practice.test");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("New password", { exact: true }).fill("someone-else-123");
  await page.getByLabel("New password again").fill("someone-else-123");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByText("do not match a valid code")).toBeVisible();

  // The manager sees one lesson of the module done.
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/team`);
  await page.getByRole("navigation").getByRole("link", { name: "Progress", exact: true }).click();
  const row = page.getByRole("row", { name: /Jo Park/ });
  await expect(row).toContainText(`In progress · ${oneDone}`);

  // Ten days later, it is overdue.
  const database = server.databaseUrl;
  await server.stop({ keepDatabase: true });
  server = await startServer({ database, env: { DESKCOACH_NOW: new Date(Date.now() + 10 * 86_400_000).toISOString() } });
  // Same database, so Rosa's session is still good (sessions count real time, not the practice clock).
  await page.goto(`${server.url}/manage/progress`);
  await expect(page.getByRole("row", { name: /Jo Park/ })).toContainText(`Overdue · ${oneDone}`);
  const audit = await server.db.selectFrom("audit_event").select("action").execute();
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["person.add", "assignment.create", "person.password_set"]));
});

test("staff cannot reach any manager or owner page", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  for (const path of ["/manage", "/manage/team", "/manage/team/import", "/manage/assignments", "/manage/progress", "/manage/progress.csv", "/manage/people/1", "/manage/people/1/export.csv", "/owner/audit"]) {
    const response = await page.request.get(`${server.url}${path}`, { maxRedirects: 0 });
    expect(response.status(), path).toBe(403);
  }
  const post = await page.request.post(`${server.url}/manage/team`, { headers: { Origin: server.url }, form: { intent: "add-person", name: "X", email: "x@x.test" } });
  expect(post.status()).toBe(403);
  expect(await server.db.selectFrom("user").select("id").where("email", "=", "x@x.test").execute()).toEqual([]);
});
