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
import type { DB } from "#db/connection.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "#tests/support/smtp.ts";
import { expect, FIRST_LESSON, PEOPLE, quizKey, seedPractice, signIn, submitSignIn, test } from "./fixtures.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Monday 1 June 2026, 10:00 in Chicago: a working day, the first of its week and of its month.
const NOW = "2026-06-01T15:00:00Z";
const EVERY_DAY = { hour: 0, workingDays: [1, 2, 3, 4, 5, 6, 7] };

let server: TestServer;
let smtp: TestSmtp;

/** What the mail is about, written once the server has synced the library (attempts and assignments name its lessons). */
async function seedMail(db: DB) {
  const person = async (email: string) => (await db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  const maria = await person(PEOPLE.maria.email);
  const rosa = await person(PEOPLE.rosa.email);
  const owner = await person(PEOPLE.owner.email);
  const at = "2026-05-29T15:00:00Z";
  // Maria missed every question of the first lesson's quiz on Friday: all due for review today.
  const key = quizKey(FIRST_LESSON.quizFile);
  const wrong = Object.fromEntries(key.questions.map((q) => [q.id, [q.choices.find((c) => !c.correct)!.id]]));
  await db
    .insertInto("quiz_attempt")
    .values({
      user_id: maria,
      lesson_slug: FIRST_LESSON.slug,
      content_hash: "seed",
      answers: JSON.stringify(wrong),
      correct_count: 0,
      question_count: key.questions.length,
      score: 0,
      passed: 0,
      submitted_at: at,
      request_id: "seed-attempt",
    })
    .execute();
  // Maria and Rosa have the first lesson due on Wednesday: each gets a staff reminder.
  const assignment = await db
    .insertInto("assignment")
    .values({
      module_slug: null,
      lesson_slug: FIRST_LESSON.slug,
      target_user_id: null,
      target_job_title: null,
      target_location_id: null,
      due_on: "2026-06-03",
      due_days: null,
      recur_months: null,
      created_by: owner,
      created_at: at,
      cancelled_at: null,
      cancelled_by: null,
      completions_from: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("assignment_person")
    .values([maria, rosa].map((id) => ({ assignment_id: assignment.id, user_id: id, assigned_at: at, due_on: "2026-06-03" })))
    .execute();
  // May's spend against the year's plan, for the owner summary.
  await db
    .insertInto("budget_plan")
    .values([
      { fiscal_year: 2026, category: "online-courses", planned_cents: 240_000, per_employee: 0 },
      { fiscal_year: 2026, category: "training-materials", planned_cents: 60_000, per_employee: 0 },
    ])
    .execute();
  await db
    .insertInto("expense")
    .values([
      { spent_on: "2026-05-12", category: "online-courses", vendor: "Course Co", description: "Phone skills", amount_cents: 31_500, created_by: owner, created_at: at, updated_at: at },
      { spent_on: "2026-05-20", category: "training-materials", vendor: "Print Co", description: "Cards", amount_cents: 4_275, created_by: owner, created_at: at, updated_at: at },
    ])
    .execute();
  const settings = (kind: string) => ({ kind, enabled: 1, send_hour: EVERY_DAY.hour, working_days: EVERY_DAY.workingDays.join(","), updated_at: at, updated_by: owner });
  await db.insertInto("mail_setting").values(["staff-reminder", "question-a-day", "owner-summary"].map(settings)).execute();
}

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
