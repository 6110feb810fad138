// DeskCoach on a phone's home screen: installable, and an assigned lesson opened recently still
// opens without a connection, but a quiz is never graded offline and nothing of the person's
// stays on the phone after they sign out.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { findChromium } from "#tests/support/chromium.ts";
import type { TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, realCatalog, startTrustServer, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, test } from "./fixtures.ts";

let server: TestServer;
let ids: TrustIds;
test.beforeAll(async () => {
  ({ server, ids } = await startTrustServer());
});
test.afterAll(async () => {
  await server?.stop();
});

const OFFLINE_NOTE = "You are offline: your answers will be checked when you are back online.";

async function signInThroughForm(page: Page, email: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Every address kept in the browser's Cache Storage, across all caches. */
async function keptAddresses(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) out.push(new URL(request.url).pathname);
    }
    return out;
  });
}

/** A lesson assigned to the person (directly or through its module), and one that is not. */
async function lessonsOf(userId: number): Promise<{ assigned: { slug: string; title: string }; other: { slug: string; title: string } }> {
  const rows = await server.db
    .selectFrom("assignment_person as ap")
    .innerJoin("assignment as a", "a.id", "ap.assignment_id")
    .select(["a.module_slug", "a.lesson_slug"])
    .where("ap.user_id", "=", userId)
    .where("a.cancelled_at", "is", null)
    .execute();
  const lessons = realCatalog().modules.flatMap((m) => m.lessons.map((l) => ({ slug: l.slug, title: l.title, module: m.slug, quiz: Boolean(l.questions) })));
  const isAssigned = (l: (typeof lessons)[number]) => rows.some((r) => r.lesson_slug === l.slug || r.module_slug === l.module);
  const assigned = lessons.find((l) => isAssigned(l) && l.quiz);
  const other = lessons.find((l) => !isAssigned(l));
  if (!assigned || !other) throw new Error("The demo practice needs an assigned lesson with a quiz and an unassigned lesson.");
  return { assigned, other };
}

test("an assigned lesson opens offline with a note, its quiz is not sent offline, and sign-out leaves none of the person's pages", async ({ browser }) => {
  test.setTimeout(120_000);
  const maria = ids.users.maria as number;
  const { assigned, other } = await lessonsOf(maria);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(String(error)));

  await signInThroughForm(page, ACTORS.staff);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Opened online: the assigned lesson is kept, the unassigned one is not.
  await page.goto(`${server.url}/lessons/${assigned.slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(assigned.title);
  await expect(page.getByText(OFFLINE_NOTE)).toBeHidden();
  await page.goto(`${server.url}/lessons/${other.slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(other.title);
  expect(await keptAddresses(page)).toContain(`/lessons/${assigned.slug}`);
  expect(await keptAddresses(page)).not.toContain(`/lessons/${other.slug}`);

  const attempts = async () =>
    (await server.db.selectFrom("quiz_attempt").select("id").where("user_id", "=", maria).where("lesson_slug", "=", assigned.slug).execute()).length;
  const attemptsBefore = await attempts();

  // Offline: the assigned lesson opens from the phone, saying it is offline.
  await context.setOffline(true);
  await page.goto(`${server.url}/lessons/${assigned.slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(assigned.title);
  await expect(page.getByText(OFFLINE_NOTE)).toBeVisible();
  // The other lesson was never kept.
  await page.goto(`${server.url}/lessons/${other.slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are offline");

  // The quiz is not sent, and the page says so.
  await page.goto(`${server.url}/lessons/${assigned.slug}`);
  await page.getByRole("button", { name: "Check my answers" }).click();
  await expect(page.getByText("You are offline, so your answers were not sent.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(assigned.title);

  // Back online, the person signs out: nothing of theirs is kept, and nothing was graded.
  await context.setOffline(false);
  await page.goto(`${server.url}/learn`);
  await page.getByRole("button", { name: /Sign out/ }).click();
  await page.waitForURL((url) => url.pathname === "/login");
  expect((await keptAddresses(page)).filter((p) => p.startsWith("/lessons/"))).toEqual([]);
  expect(await attempts()).toBe(attemptsBefore);

  // Another person signing in on the same phone does not get the last person's lesson offline.
  await signInThroughForm(page, "james@demo.test");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  expect((await keptAddresses(page)).filter((p) => p.startsWith("/lessons/"))).toEqual([]);
  await context.setOffline(true);
  await page.goto(`${server.url}/lessons/${assigned.slug}`);
  await expect(page.getByText(assigned.title)).toHaveCount(0);
  await context.setOffline(false);
  await context.close();
  expect(problems).toEqual([]);
});

test("DeskCoach can be installed: a manifest with its name and icons, a service worker, no installability errors", async ({ playwright }) => {
  // Chromium never offers to install from an incognito profile, which is what a new context is.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-profile-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/login`);
  // The sign-in form tells the phone's password manager which field is which.
  await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username");
  await expect(page.getByLabel("Password")).toHaveAttribute("autocomplete", "current-password");
  const manifest = (await (await page.request.get(`${server.url}/manifest.webmanifest`)).json()) as {
    name: string;
    start_url: string;
    display: string;
    icons: { sizes: string }[];
  };
  expect(manifest).toMatchObject({ name: "DeskCoach", start_url: "/learn", display: "standalone" });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  const sw = await page.request.get(`${server.url}/sw.js`);
  expect(sw.headers()["content-type"]).toMatch(/^text\/javascript/);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
});
