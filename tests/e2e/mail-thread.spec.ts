// The server's own mail round, on its mail thread (app/server/mail-thread.ts), as DeskCoach runs
// by default: a server started with MAIL_SCHEDULER=1 and email set up composes the morning's mail
// and delivers each message once to a real SMTP server, and answers pages meanwhile.
//
// The practice is written by a first server (which syncs the library the mail names) and served
// by a second one with the mail settings, so that its first round, at start, finds it ready.
import { startServer, type TestServer } from "#tests/support/server.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";
import { expect, PEOPLE, seedPractice, test } from "./fixtures.ts";
import { NOW, seedMail } from "./mail-practice.ts";

let server: TestServer | undefined;
let smtp: TestSmtp;

test.afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

test("the server's mail thread sends the morning's mail once each, and the pages answer meanwhile @core", async ({ page }) => {
  test.setTimeout(120_000);
  smtp = await startTestSmtp();
  const first = await startServer({ seed: seedPractice, env: { DESKCOACH_NOW: NOW } });
  await seedMail(first.db);
  await first.stop({ keepDatabase: true });

  server = await startServer({
    database: first.databaseUrl,
    env: { DESKCOACH_NOW: NOW, MAIL_SCHEDULER: "1", SMTP_URL: smtp.url, MAIL_FROM: "DeskCoach <coach@practice.test>", APP_ORIGIN: "https://deskcoach.practice.test" },
  });
  const sent = () => smtp.received.map((m) => `${m.to.join()} ${m.subject.split(/[:,]/)[0]}`).sort();
  await expect.poll(sent, { timeout: 60_000 }).toHaveLength(4);
  expect(sent()).toEqual(
    [`${PEOPLE.maria.email} Today's question`, `${PEOPLE.maria.email} Training due soon`, `${PEOPLE.rosa.email} Training due soon`, `${PEOPLE.owner.email} Training in May 2026`].sort(),
  );
  // The round says what it did in the server's log, once.
  await expect.poll(() => server?.output().match(/Mail round: composed .*; sent 4, 0 to retry, 0 failed/g)?.length ?? 0).toBe(1);
  const marked = await server.db.selectFrom("mail_message").select("status").execute();
  expect(marked.map((m) => m.status)).toEqual(["sent", "sent", "sent", "sent"]);

  // Pages answer as usual beside it.
  const response = await page.goto(`${server.url}/login`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
