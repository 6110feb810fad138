// Links in received mail, followed for real: a mail round (`npm run reminders -- --once`, as cron
// runs it) delivers to an SMTP server in this test process; the browser follows the question a
// day's link to the question, a mail program's one-click POST turns the staff reminder off for
// that one person, and the owner summary says what /owner/summary shows.
//
// The round runs from the command line against the app server's own database, after the server
// has started: its address is then known, so APP_ORIGIN is simply the server's URL, and the
// server itself needs no mail settings (its own once-a-minute round stays off under
// NODE_ENV=test). Both use the same DESKCOACH_NOW, so they agree on the practice's day.
import { spawn } from "node:child_process";
import path from "node:path";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "#tests/support/smtp.ts";
import { expect, PEOPLE, seedPractice, signIn, submitSignIn, test } from "./fixtures.ts";
import { NOW, seedMail } from "./mail-practice.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

let server: TestServer;
let smtp: TestSmtp;

/** One mail round from the command line, as cron runs it, at `now`. */
function mailRound(now: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "reminders", "--", "--once"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        DATABASE_URL: server.databaseUrl,
        DESKCOACH_NOW: now,
        SMTP_URL: smtp.url,
        MAIL_FROM: "DeskCoach <coach@practice.test>",
        APP_ORIGIN: server.url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`npm run reminders exited with ${code}:\n${output}`))));
  });
}

const mailTo = (email: string, subject: RegExp): ReceivedMail => {
  const found = smtp.received.filter((m) => m.to.includes(email) && subject.test(m.subject));
  expect(found, `${email}: ${subject}`).toHaveLength(1);
  return found[0]!;
};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  smtp = await startTestSmtp();
  server = await startServer({ seed: seedPractice, env: { DESKCOACH_NOW: NOW } });
  await seedMail(server.db);
  const output = await mailRound(NOW);
  expect(output).toMatch(/sent \d+, 0 to retry, 0 failed/);
});
test.afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

test("the question a day's link opens that question in the daily review, and opening it answers nothing @core", async ({ page }) => {
  const mail = mailTo(PEOPLE.maria.email, /^Today's question/);
  const link = /Answer it on DeskCoach: (\S+)/.exec(mail.text)?.[1] ?? "";
  expect(link).toBe(`${server.url}/learn#review`);
  expect(mail.html).toContain(`href="${link}"`);
  // The question, as the email words it: the line after "Today's question, from …:".
  const lines = mail.text.split("\n");
  const prompt = lines[lines.findIndex((l) => l.startsWith("Today's question")) + 2] ?? "";
  expect(prompt.length).toBeGreaterThan(20);

  // Signed out, the link asks Maria to sign in first, then opens the review.
  await page.goto(link);
  await expect(page).toHaveURL(/\/login/);
  await submitSignIn(page, server.url, PEOPLE.maria, new URL(page.url()).pathname + new URL(page.url()).search);
  await page.waitForURL((url) => url.pathname === "/learn");
  const review = page.getByRole("region", { name: "Daily review" });
  await expect(review.getByRole("group").first()).toContainText(`Question 1. ${prompt}`);

  // Following it again, signed in, goes straight to the question; nothing was answered.
  await page.goto(link);
  await expect(page.getByRole("region", { name: "Daily review" }).getByRole("group").first()).toContainText(prompt);
  const answered = await server.db.selectFrom("review_answer").select("id").execute();
  expect(answered).toEqual([]);
});

test("a mail program's one-click unsubscribe turns off the staff reminder for that person only @core", async ({ request }) => {
  // One more mail round from the command line: a process that starts, reads the library and exits.
  test.setTimeout(120_000);
  const mail = mailTo(PEOPLE.maria.email, /^Training due soon/);
  const unsubscribe = /^<(.+)>$/.exec(mail.headers.get("list-unsubscribe") ?? "")?.[1] ?? "";
  expect(unsubscribe).toMatch(new RegExp(`^${server.url}/unsubscribe/[A-Za-z0-9_-]{43}$`));
  expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  mailTo(PEOPLE.rosa.email, /^Training due soon/);

  // As RFC 8058 has mail programs post it: from their own servers, no cookie, no Origin.
  const response = await request.post(unsubscribe, { form: { "List-Unsubscribe": "One-Click" } });
  expect(response.status()).toBe(200);

  const choices = await server.db
    .selectFrom("mail_choice")
    .innerJoin("user", "user.id", "mail_choice.user_id")
    .select(["user.email", "mail_choice.kind", "mail_choice.enabled"])
    .execute();
  expect(choices).toEqual([{ email: PEOPLE.maria.email, kind: "staff-reminder", enabled: 0 }]);

  // The next day's round: Rosa's reminder and Maria's question come; Maria's reminder does not.
  const before = smtp.received.length;
  await mailRound("2026-06-02T15:00:00Z");
  const next = smtp.received.slice(before).map((m) => `${m.to.join()} ${m.subject.split(/[:,]/)[0]}`);
  expect(next.sort()).toEqual([`${PEOPLE.maria.email} Today's question`, `${PEOPLE.rosa.email} Training due soon`]);
});

test("the owner summary's figures are the ones /owner/summary shows for the month just ended", async ({ page }) => {
  const mail = mailTo(PEOPLE.owner.email, /^Training in May 2026/);
  const link = /The summary on DeskCoach, to print: (\S+)/.exec(mail.text)?.[1] ?? "";
  expect(link).toBe(`${server.url}/owner/summary?month=2026-05`);
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("May 2026");

  const figures = await page.locator("dl.summary-list").evaluateAll((lists) =>
    lists.flatMap((dl) => [...dl.querySelectorAll("dt")].map((dt) => [dt.textContent ?? "", dt.nextElementSibling?.textContent ?? ""].map((t) => t.replace(/\s+/g, " ").trim()))),
  );
  expect(figures.map(([label]) => label)).toEqual([
    "Spent this month",
    "Year to date",
    "Projected for the year",
    "Lessons completed",
    "Time learning",
    "Average quiz score",
    "Passed on first try",
    "Assigned work done on time",
    "Overdue now",
  ]);
  expect(figures[0]?.[1]).toBe("$357.75 (plan: about $250.00 a month)");
  for (const [label, value] of figures) expect(mail.text).toContain(`${label}: ${value}`);
  const categories = await page.getByRole("table", { name: "Spend this month by category" }).getByRole("row").allInnerTexts();
  expect(categories).toHaveLength(2);
  for (const row of categories) {
    const [label, value] = row.split("\t").map((t) => t.trim());
    expect(mail.text).toContain(`- ${label}: ${value}`);
  }
});
