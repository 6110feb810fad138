// Email in the browser, with the demo practice's outbox and no mail server: a manager changes when
// reminders go out, previews a person's email, reads the outbox and retries a failed message; a
// receptionist turns reminders off for herself, and the scheduler then composes none for her.
// With and without JavaScript (@core).
import { setKindSettings, kindSettings } from "#app/models/mail/kinds.server.ts";
import { composeDue } from "#app/models/mail/scheduler.server.ts";
import { staffReminder } from "#app/models/mail/staff-reminder.server.ts";
import type { TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, realCatalog, startTrustServer, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, signIn, test } from "./fixtures.ts";
import { expectNoAxeViolations } from "./axe.ts";

let server: TestServer;
let ids: TrustIds;
test.beforeAll(async () => {
  ({ server, ids } = await startTrustServer());
});
test.afterAll(async () => {
  await server?.stop();
});

test("a manager sets when reminders go out, previews a person's email, reads the outbox and retries a failed message @core", async ({ page }, testInfo) => {
  await signIn(page, server.url, { email: ACTORS.manager, password: PASSWORD });
  await page.goto(`${server.url}/manage`);
  await page.getByRole("navigation", { name: "Manage" }).getByRole("link", { name: "Reminders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Email reminders" })).toBeVisible();
  // No mail server in this practice: the page says so, and what to set.
  await expect(page.getByText("Email is not set up: nothing is sent.")).toBeVisible();
  for (const name of ["SMTP_URL", "MAIL_FROM", "APP_ORIGIN"]) await expect(page.locator("code", { hasText: name }).first()).toBeVisible();

  // The settings: a form with no day ticked comes back with the message beside the days.
  const card = page.getByRole("region", { name: "Reminders of training that is due" });
  for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]) await card.getByLabel(day).uncheck();
  await card.getByRole("button", { name: /^Save/ }).click();
  await expect(card.getByText("Choose at least one day.")).toBeVisible();
  expect((await kindSettings(server.db, staffReminder)).workingDays).toEqual([1, 2, 3, 4, 5]);
  for (const day of ["Monday", "Wednesday", "Saturday"]) await card.getByLabel(day).check();
  await card.getByLabel("From (the practice’s time)").selectOption("7");
  await card.getByRole("button", { name: /^Save/ }).click();
  await expect(page.getByText("Saved: Reminders of training that is due.")).toBeVisible();
  expect(await kindSettings(server.db, staffReminder)).toEqual({ enabled: true, hour: 7, workingDays: [1, 3, 6] });
  await page.reload();
  await expect(card.getByLabel("From (the practice’s time)")).toHaveValue("7");
  await expect(card.getByLabel("Saturday")).toBeChecked();
  await expect(card.getByLabel("Friday")).not.toBeChecked();

  // The preview: Omar has training overdue; Maria has nothing due.
  await page.getByLabel("Person").selectOption({ label: "Omar Haddad" });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page).toHaveURL(new RegExp(`userId=${ids.users.omar}`));
  const preview = page.getByRole("region", { name: "Preview", exact: true });
  // Each kind meant for the person has its card; the reminder's is the one under test.
  const reminder = preview.locator(".card").filter({ has: page.getByRole("heading", { name: "Reminders of training that is due", level: 3 }) });
  await expect(reminder.getByText("To omar@demo.test")).toBeVisible();
  await expect(reminder.getByText(/Subject: Training overdue/)).toBeVisible();
  await expect(reminder.locator("pre").first()).toContainText("Hello Omar,");
  // axe runs in the page, so only where JavaScript does.
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expectNoAxeViolations(page);
  }
  await page.getByLabel("Person").selectOption({ label: "Maria Lopez" });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(reminder.getByText("Maria Lopez would get nothing today: nothing is due.")).toBeVisible();

  // The outbox: Omar's address was refused by the mail server; retrying puts it back in line.
  const outbox = page.getByRole("region", { name: "Outbox", exact: true });
  const omarsFailed = outbox.getByRole("row").filter({ hasText: "Omar Haddad" }).filter({ hasText: "Failed" });
  await expect(omarsFailed).toContainText("550 5.1.1 <omar@demo.test>: Recipient address rejected");
  // Omar has other mail waiting (the test practice keeps a password-reset email for him): the
  // retried reminder joins it.
  const omarsWaiting = outbox.getByRole("row").filter({ hasText: "Omar Haddad" }).filter({ hasText: "Waiting to be sent" });
  const waitingBefore = await omarsWaiting.count();
  await omarsFailed.getByRole("button", { name: "Retry the email to Omar Haddad" }).click();
  await expect(page.getByText("The message waits to be sent again.")).toBeVisible();
  await expect(outbox.getByRole("row").filter({ hasText: "Omar Haddad" }).filter({ hasText: "Failed" })).toHaveCount(0);
  await expect(omarsWaiting).toHaveCount(waitingBefore + 1);
  const audit = await server.db.selectFrom("audit_event").select("action").where("action", "in", ["mail.retry", "mail.settings"]).orderBy("id").execute();
  expect(audit.map((a) => a.action)).toEqual(["mail.settings", "mail.retry"]);

  // Filtered to what failed: Tom's message only.
  await page.getByLabel("Status").selectOption({ label: "Failed" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(outbox.getByRole("row").filter({ hasText: "Failed" })).toHaveCount(1);
  await expect(outbox.getByRole("row").filter({ hasText: "Tom Nguyen" })).toHaveCount(1);
});

test("a receptionist turns reminders off for herself, and the scheduler composes none for her @core", async ({ page }) => {
  const omar = ids.users.omar as number;
  // Every day from midnight, so that a round now composes the day's reminders whatever the hour.
  await setKindSettings(server.db, "staff-reminder", { enabled: true, hour: 0, workingDays: [1, 2, 3, 4, 5, 6, 7] }, null, new Date());
  await signIn(page, server.url, { email: "omar@demo.test", password: PASSWORD });
  await page.goto(`${server.url}/progress`);
  const emails = page.getByRole("region", { name: "Emails", exact: true });
  const reminders = emails.getByLabel("Reminders of training that is due");
  await expect(reminders).toBeChecked();
  await reminders.uncheck();
  await emails.getByRole("button", { name: "Save my email choices" }).click();
  await expect(page.getByText("Your email choices are saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("region", { name: "Emails", exact: true }).getByLabel("Reminders of training that is due")).not.toBeChecked();

  const now = new Date();
  const composed = await composeDue({ db: server.db, clock: { now: () => now }, catalog: async () => realCatalog(), env: {} }, now);
  // The round ran (others with training due got theirs), and nothing of it is Omar's.
  expect(composed["staff-reminder"]).toBeGreaterThan(0);
  const today = await server.db.selectFrom("mail_message").select("user_id").where("created_at", "=", now.toISOString()).execute();
  expect(today.length).toBe(composed["staff-reminder"]);
  expect(today.map((m) => m.user_id)).not.toContain(omar);
});
