import type { Page } from "@playwright/test";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { createLocation, createUser, placeUser } from "#tests/support/factories.ts";
import { answerQuiz, expect, PEOPLE, quizKey, seedPractice, signIn, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

const SAM = { email: "sam@practice.test", password: "sam-password-12" };
const LESSON = { slug: "tell-them-before-they-ask", title: "Tell them before they ask", quizFile: "content/waiting-and-delays/tell-them-before-they-ask.quiz.yaml" };

let server: TestServer;
let mariaId = 0;
test.beforeAll(async () => {
  server = await startServer({
    seed: async (db) => {
      await seedPractice(db);
      const maple = await createLocation(db, "Maple");
      const river = await createLocation(db, "River");
      const maria = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.maria.email).executeTakeFirstOrThrow();
      mariaId = maria.id;
      await placeUser(db, maria.id, { locationId: maple, jobTitle: "Receptionist" });
      const sam = await createUser(db, { ...SAM, name: "Sam Okafor", role: "manager" });
      await placeUser(db, sam.id, { locationId: river, scopeLocationId: river });
    },
  });
});
test.afterAll(async () => {
  await server.stop();
});

/** A date `days` before today, as an export would give it. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

async function upload(page: Page, name: string, csv: string) {
  await page.goto(`${server.url}/manage/feedback/import`);
  await page.getByLabel("CSV or Excel file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Check the file" }).click();
}


const EXPORT = [
  "date,source,rating,comment,location",
  `${daysAgo(20)},Google review,1,"Mrs. Alvarez waited over an hour in the lobby, call me at 555-201-3344",Maple`,
  `${daysAgo(18)},Post-visit survey,2,Waited 50 minutes and nobody told us the doctor was running behind,Maple`,
  `${daysAgo(15)},Post-visit survey,1,"Hi Sarah, the wait was ridiculous again",`,
  `${daysAgo(12)},Google review,2,Still waiting 40 minutes after my appointment time,River`,
  `${daysAgo(10)},Post-visit survey,2,"Long delay, my acct #48213 was also billed twice",Maple`,
  `${daysAgo(8)},Comment card,3,On hold for 20 minutes before anyone answered the phone,`,
  `${daysAgo(5)},Post-visit survey,5,Front desk was friendly and quick,Maple`,
  `${daysAgo(3)},Google review,4,"Seen on time, 10/10 would recommend",River`,
  `${daysAgo(2)},Post-visit survey,5,,Maple`,
].join("\n");

test("a manager imports feedback, sees waits on top, assigns the training in one step; the learner's missed question comes back in her daily review @core", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, server.url, PEOPLE.rosa);
  await page.getByRole("navigation", { name: "Manage" }).getByRole("link", { name: "Feedback" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Patient feedback");
  await expect(page.getByText("No feedback yet.")).toBeVisible();

  // The preview shows what was redacted; nothing is stored yet.
  await upload(page, "survey.csv", EXPORT);
  await expect(page.getByRole("heading", { name: "Ready to import 9 items" })).toBeVisible();
  await expect(page.getByText("Redacted in 3 comments: 2 names, 1 phone number, 1 record or account number.")).toBeVisible();
  const table = page.getByRole("region", { name: "Items to import" });
  await expect(table).toContainText("Mrs. [name] waited over an hour in the lobby, call me at [phone]");
  await expect(table).toContainText("Hi [name], the wait was ridiculous again");
  await expect(table).toContainText("my acct #[number] was also billed twice");
  await expect(table).toContainText("Seen on time, 10/10 would recommend");
  await expect(page.locator("body")).not.toContainText("Alvarez");
  await expect(page.locator("body")).not.toContainText("3344");
  expect(await server.db.selectFrom("feedback_item").select("id").execute()).toEqual([]);
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Import 9 items" }).click();
  await expect(page.getByText("Imported: 9 items.")).toBeVisible();
  const stored = await server.db.selectFrom("feedback_item").select(["comment"]).execute();
  expect(stored).toHaveLength(9);
  expect(JSON.stringify(stored)).not.toMatch(/Alvarez|Sarah|555-201|48213/);

  // Waits are what patients complain about most; the module that teaches them is one click away.
  await page.getByRole("link", { name: "See what patients talk about" }).click();
  await expect(page.getByRole("region", { name: "Themes by quarter" }).getByRole("row", { name: /Waits and delays/ })).toBeVisible();
  const waits = page.locator("section.card", { has: page.getByRole("heading", { name: "Waits and delays", level: 3 }) });
  await expect(waits).toContainText("5 low-rated items of 5 that mention it");
  await expect(waits).toContainText("Waiting and delays");
  await expectNoAxeViolations(page);
  await waits.getByLabel("Assign Waiting and delays to").selectOption({ label: "Everyone at Maple" });
  await waits.getByRole("button", { name: "Assign, due in 14 days" }).first().click();
  await expect(page.getByText("Assigned Waiting and delays to everyone at Maple (1 person)")).toBeVisible();
  await expect(page.locator("section.card", { has: page.getByRole("heading", { name: "Waits and delays", level: 3 }) })).toContainText("Already assigned: to everyone at Maple");
  // "Did it work?" now follows this rollout.
  await expect(page.getByRole("heading", { name: /^Waiting and delays, given to everyone at Maple on / })).toBeVisible();
  const audit = await server.db.selectFrom("audit_event").select("action").execute();
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["feedback.import", "assignment.create"]));

  // Maria finds it first on /learn, takes its first lesson and misses one question.
  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.maria);
  const assigned = page.locator("section", { has: page.getByRole("heading", { name: "Assigned to you" }) });
  await expect(assigned).toContainText("Waiting and delays");
  await assigned.getByRole("link", { name: "Waiting and delays" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(LESSON.title);
  const key = quizKey(LESSON.quizFile);
  const missed = key.questions[1]!;
  await answerQuiz(page, key, [missed.id]);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByText("3 of 4 right · 75%")).toBeVisible();
  await page.goto(`${server.url}/learn`);
  const review = page.locator("section#review");
  await expect(review).toContainText("Done for today. 1 question is waiting");

  // The next day, it is in her daily review.
  const database = server.databaseUrl;
  await server.stop({ keepDatabase: true });
  server = await startServer({ database, env: { DESKCOACH_NOW: new Date(Date.now() + 86_400_000 + 60_000).toISOString() } });
  await page.goto(`${server.url}/learn`);
  await expect(page.locator("section#review")).toContainText("1 question you missed before");
  await expect(page.locator("section#review")).toContainText(`From “${LESSON.title}”`);
  await expectNoAxeViolations(page);
  const right = missed.choices.filter((c) => c.correct).map((c) => c.id);
  for (const id of right) await page.locator(`section#review input[value="${id}"]`).check();
  await page.locator("section#review").getByRole("button", { name: "Check my answers" }).click();
  await expect(page.locator("section#review")).toContainText("1 of 1 right");
  await expect(page.locator("section#review")).toContainText("It comes back in 3 days.");
  await expect(page.locator("section#review")).toContainText("Done for today.");
  const answers = await server.db.selectFrom("review_answer").select(["question_id", "correct", "user_id"]).execute();
  expect(answers).toEqual([{ question_id: missed.id, correct: 1, user_id: mariaId }]);

  // Her manager sees the retention figure beside her completion.
  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/progress`);
  await expect(page.getByRole("row", { name: /Maria Lopez/ })).toContainText("100% (1 of 1)");
});

test("an import with problems is refused whole, with a clear message for each row, and comments show as text", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await signIn(page, server.url, PEOPLE.rosa);
  const before = await server.db.selectFrom("feedback_item").select("id").execute();
  const broken = [
    "date,source,rating,comment,location",
    `${daysAgo(3)},Survey,6,Too slow,`,
    `not a date,Survey,3,fine,`,
    `${daysAgo(3)},Survey,2,<img src=x onerror=alert(1)>,`,
    `${daysAgo(3)},Survey,2,"<script>alert('x')</script>",`,
    `${daysAgo(3)},Survey,4,All good here,Nowhere`,
    `${daysAgo(3)},Survey,5,Fine,`,
  ].join("\n");
  await upload(page, "broken.csv", broken);
  await expect(page.getByRole("alert").filter({ hasText: "5 of 6 rows have problems" })).toContainText("nothing was imported");
  const rows = page.getByRole("region", { name: "Rows with problems" });
  await expect(rows.getByRole("row", { name: /^2 / })).toContainText('The rating "6" is not a whole number from 1 to 5.');
  await expect(rows.getByRole("row", { name: /^3 / })).toContainText('The date "not a date" is not a date like');
  await expect(rows.getByRole("row", { name: /^4 / })).toContainText("<img src=x onerror=alert(1)>");
  await expect(rows.getByRole("row", { name: /^4 / })).toContainText("The comment contains HTML markup (<img>)");
  await expect(rows.getByRole("row", { name: /^5 / })).toContainText("The comment contains HTML markup (<script>)");
  await expect(rows.getByRole("row", { name: /^6 / })).toContainText('Unknown location "Nowhere"');
  await expect(page.getByRole("button", { name: /^Import/ })).toHaveCount(0);

  const huge = ["date,source,rating,comment,location", ...Array.from({ length: 50_000 }, () => `${daysAgo(3)},S,5,,`)].join("\n");
  await upload(page, "huge.csv", huge);
  await expect(page.getByRole("alert")).toHaveText(/The file has 50000 rows; at most 5000 can be imported at once\./);

  // Other columns than DeskCoach's go to the mapping step: nothing is imported before it is confirmed.
  await upload(page, "wrong.csv", "name,stars\nx,5\n");
  await expect(page.getByRole("heading", { name: "Which column is which?" })).toBeVisible();
  expect(await server.db.selectFrom("feedback_item").select("id").execute()).toEqual(before);
  expect(dialogs).toBe(0);
});

test("one item typed in is scrubbed, previewed, then saved once @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await page.goto(`${server.url}/manage/feedback/items`);
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByText("Enter where the feedback came from")).toBeVisible();
  await expect(page.getByText("Enter a rating from 1 to 5.")).toBeVisible();
  await page.getByLabel("Source").fill("Phone call");
  await page.getByLabel("Rating").selectOption("2");
  await page.getByLabel("Comment").fill("Dear Tom, I was on hold for 30 minutes. My number is (312) 555-0199.");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.locator(".kept-comment")).toHaveText("Dear [name], I was on hold for 30 minutes. My number is [phone].");
  await expect(page.getByText("Redacted: 1 name, 1 phone number.")).toBeVisible();
  await expectNoAxeViolations(page);
  const before = (await server.db.selectFrom("feedback_item").select("id").execute()).length;
  await page.getByRole("button", { name: "Save this item" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  const row = page.getByRole("row", { name: /Phone call/ }).first();
  await expect(row).toContainText("Dear [name], I was on hold for 30 minutes.");
  await expect(row).toContainText("Phone manner");
  expect((await server.db.selectFrom("feedback_item").select("id").execute()).length).toBe(before + 1);
});

test("a location-scoped manager sees and changes only their location's feedback; staff see none of it", async ({ page }) => {
  await signIn(page, server.url, SAM);
  await page.goto(`${server.url}/manage/feedback/items`);
  await expect(page.getByText("Still waiting 40 minutes after my appointment time")).toBeVisible();
  await expect(page.getByText("Front desk was friendly and quick")).toHaveCount(0);
  const maple = await server.db.selectFrom("location").select("id").where("name", "=", "Maple").executeTakeFirstOrThrow();
  const mapleItem = await server.db.selectFrom("feedback_item").select("id").where("location_id", "=", maple.id).executeTakeFirstOrThrow();
  const post = (path: string, form: Record<string, string>) =>
    page.request.post(`${server.url}${path}`, { headers: { Origin: server.url }, form, maxRedirects: 0 });
  expect((await post("/manage/feedback/items", { intent: "remove", id: String(mapleItem.id) })).status()).toBe(404);
  expect((await post("/manage/feedback", { intent: "assign", item: "module:the-phone", target: `location:${maple.id}` })).status()).toBe(404);
  const entry = { intent: "save", date: daysAgo(1), source: "Card", rating: "3", comment: "ok", locationId: String(maple.id), requestId: "11111111-1111-4111-8111-111111111111" };
  expect((await post("/manage/feedback/items", entry)).status()).toBe(400);
  expect(await server.db.selectFrom("feedback_item").select("id").where("id", "=", mapleItem.id).execute()).toHaveLength(1);
  expect(await server.db.selectFrom("feedback_item").select("id").where("source", "=", "Card").execute()).toEqual([]);

  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.maria);
  for (const path of ["/manage/feedback", "/manage/feedback/items", "/manage/feedback/import", "/manage/goal"]) {
    expect((await page.request.get(`${server.url}${path}`, { maxRedirects: 0 })).status(), path).toBe(403);
  }
  expect((await post("/manage/feedback/items", { intent: "remove", id: String(mapleItem.id) })).status()).toBe(403);
});
