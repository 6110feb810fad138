import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
  // Maria has finished every lesson of "The phone" (lessons exist once the server has synced the library).
  const maria = await server.db.selectFrom("user").select("id").where("email", "=", PEOPLE.maria.email).executeTakeFirstOrThrow();
  const lessons = await server.db.selectFrom("lesson").select(["slug", "content_hash"]).where("module_slug", "=", "the-phone").execute();
  expect(lessons.length).toBeGreaterThan(1);
  const at = new Date().toISOString();
  for (const l of lessons) {
    await server.db.insertInto("completion").values({ user_id: maria.id, lesson_slug: l.slug, completed_at: at, attempt_id: null, content_hash: l.content_hash }).execute();
  }
});
test.afterAll(async () => {
  await server.stop();
});


test("a learner prints a module certificate whose link shows name, module and date to anyone, until she turns it off @core", async ({ page, browser }) => {
  test.setTimeout(60_000);
  await signIn(page, server.url, PEOPLE.maria);
  await page.getByRole("link", { name: "My progress" }).click();
  const certificates = page.getByRole("table", { name: "Your certificates" });
  const row = certificates.getByRole("row", { name: /The phone/ });
  await expect(row).toContainText("0");
  await expectNoAxeViolations(page);
  await row.getByRole("button", { name: "Print certificate for The phone" }).click();
  await expect(page).toHaveURL(/\/certificates\/[A-Za-z0-9_-]{43}$/);
  const address = page.url();
  const certificate = page.getByRole("article");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Certificate of completion");
  await expect(certificate).toContainText("Maria Lopez");
  await expect(certificate).toContainText("The phone");
  await expect(certificate).toContainText(/on (January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}/);
  await expect(certificate.locator(".certificate-address")).toHaveText(address);
  await expectNoAxeViolations(page);
  // Printed, it is one page without the site's navigation.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await page.emulateMedia({ media: null });
  if (test.info().project.name === "chromium") {
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString("latin1");
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  }

  // Anyone with the link sees the name, the module and the date, and nothing else of hers.
  const stranger = await browser.newPage({ javaScriptEnabled: test.info().project.use.javaScriptEnabled !== false });
  const response = await stranger.goto(address);
  expect(response?.status()).toBe(200);
  const text = await stranger.getByRole("article").innerText();
  expect(text).toContain("Maria Lopez");
  expect(text).toContain("The phone");
  expect(await stranger.locator("body").innerText()).not.toMatch(/maria@practice\.test|Receptionist|My progress|Sign out|score|%/i);
  expect((await stranger.goto(address.replace(/.$/, (c) => (c === "A" ? "B" : "A"))))?.status()).toBe(404);

  // A second print makes a second link; turning them off stops both.
  await page.goto(`${server.url}/progress`);
  await expect(certificates.getByRole("row", { name: /The phone/ })).toContainText("1");
  await page.getByRole("button", { name: "Print certificate for The phone" }).click();
  await expect(page).toHaveURL(/\/certificates\//);
  const second = page.url();
  expect(second).not.toBe(address);
  await page.goto(`${server.url}/progress`);
  await page.getByRole("button", { name: "Turn off earlier links for The phone" }).click();
  await expect(page.getByText("Earlier links to your certificate for The phone no longer work.")).toBeVisible();
  for (const link of [address, second]) expect((await stranger.goto(link))?.status()).toBe(404);
  await stranger.close();
  const audit = await server.db.selectFrom("audit_event").select("action").execute();
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["certificate.link_issue", "certificate.links_revoke"]));
  const stored = await server.db.selectFrom("certificate_link").select("token_hash").execute();
  expect(JSON.stringify(stored)).not.toContain(address.split("/").at(-1));
});

test("the office sets a monthly goal that staff see on /learn; only the owner turns on rankings", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await page.getByRole("navigation", { name: "Manage" }).getByRole("link", { name: "Team goal" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Team goal");
  await page.getByLabel("Lessons a month").fill("forty");
  await page.getByRole("button", { name: "Save goal" }).click();
  await expect(page.getByText("Enter a whole number of lessons from 1 to 10,000")).toBeVisible();
  await page.getByLabel("Lessons a month").fill("40");
  await page.getByRole("button", { name: "Save goal" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.getByText("The office's goal is 40 lessons a month.")).toBeVisible();
  await expect(page.getByText("Only the owner can turn rankings on or off.")).toBeVisible();
  await expectNoAxeViolations(page);
  const asManager = await page.request.post(`${server.url}/manage/goal`, { headers: { Origin: server.url }, form: { intent: "rankings", rankings: "on" }, maxRedirects: 0 });
  expect(asManager.status()).toBe(403);

  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.maria);
  // Maria has done every lesson of "The phone" this month, and nobody else has done any.
  const done = (await server.db.selectFrom("completion").select("id").execute()).length;
  expect(done).toBeGreaterThan(1);
  const goal = page.locator("section", { has: page.getByRole("heading", { name: "Team goal" }) });
  await expect(goal).toContainText(`The team has completed ${done} of 40 lessons this month: ${40 - done} to go`);
  await expect(goal).toContainText(`You did ${done}.`);
  await expect(page.getByRole("heading", { name: "Most lessons this month" })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/manage/goal`);
  await page.getByLabel("On: the 5 people with the most lessons this month").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Rankings are on.")).toBeVisible();
  await page.goto(`${server.url}/learn`);
  await expect(page.getByRole("heading", { name: "Most lessons this month" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: `Maria Lopez: ${done} lessons` })).toBeVisible();
  await expectNoAxeViolations(page);
  const audit = await server.db.selectFrom("audit_event").select("action").execute();
  expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["team_goal.set", "rankings.on"]));
});
