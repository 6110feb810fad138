import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, FIRST_LESSON, PEOPLE, quizKey, seedPractice, signIn, submitSignIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({ seed: seedPractice });
});
test.afterAll(async () => {
  await server.stop();
});

test("staff opening /manage get 403 @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  const response = await page.goto(`${server.url}/manage`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not available to you" })).toBeVisible();
});

test("a manager lands on the progress page and sees the team", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  await expect(page).toHaveURL(/\/manage\/progress$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Progress");
  await page.goto(`${server.url}/manage/team`);
  await expect(page.getByRole("row", { name: /Maria Lopez/ })).toBeVisible();
});

test("a signed-out visitor is sent to sign in and brought back @core", async ({ page }) => {
  await page.goto(`${server.url}/progress`);
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fprogress$/);
  await page.getByLabel("Email").fill(PEOPLE.maria.email);
  await page.getByLabel("Password").fill(PEOPLE.maria.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/progress$/);
});

test("redirectTo never leaves the site", async ({ page }) => {
  for (const target of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)"]) {
    await page.context().clearCookies();
    await signIn(page, server.url, PEOPLE.maria, `/login?redirectTo=${encodeURIComponent(target)}`);
    await expect(page).toHaveURL(`${server.url}/learn`);
  }
});

test("a wrong password and an unknown email get the same answer @core", async ({ page }) => {
  await submitSignIn(page, server.url, { email: PEOPLE.maria.email, password: "not her password" });
  const wrong = await page.getByRole("alert").innerText();
  await submitSignIn(page, server.url, { email: "nobody@practice.test", password: "not her password" });
  const unknown = await page.getByRole("alert").innerText();
  expect(wrong).toBe(unknown);
  expect(wrong).toContain("do not match an active account");
});

test("after sign-out, the back button shows no private data @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/progress`);
  await expect(page.getByRole("heading", { name: "My progress" })).toBeVisible();
  const response = await page.request.get(`${server.url}/progress`);
  expect(response.headers()["cache-control"]).toBe("no-store");
  await page.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Lessons completed")).toHaveCount(0);
  await expect(page.getByText(PEOPLE.maria.name)).toHaveCount(0);
});

test("a post from another site is refused and changes nothing", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  const before = await server.db.selectFrom("session").select("id").execute();
  const foreign: Record<string, string>[] = [{ Origin: "http://evil.example" }, { "Sec-Fetch-Site": "cross-site" }, {}];
  for (const headers of foreign) {
    const response = await page.request.post(`${server.url}/logout`, { headers, maxRedirects: 0 });
    expect(response.status()).toBe(403);
  }
  expect(await server.db.selectFrom("session").select("id").execute()).toEqual(before);
});

test("the lesson page and its JavaScript carry no part of the answer key", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  const key = quizKey(FIRST_LESSON.quizFile);
  const secrets = key.questions.flatMap((q) => [...q.choices.map((c) => c.feedback), ...(q.explanation ? [q.explanation] : [])]);
  const html = await (await page.request.get(`${server.url}/lessons/${FIRST_LESSON.slug}`)).text();
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  const data = await (await page.request.get(`${server.url}/lessons/${FIRST_LESSON.slug}.data`)).text();
  const bodies = [html, data, ...(await Promise.all(scripts.map(async (s) => (await page.request.get(`${server.url}${s}`)).text())))];
  for (const body of bodies) {
    for (const secret of secrets) expect(body).not.toContain(secret);
    expect(body).not.toMatch(/"correct"\s*:/);
  }
});

test("pages send the security headers", async ({ request }) => {
  const response = await request.get(`${server.url}/login`);
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
  expect(headers["content-security-policy"]).toContain("object-src 'none'");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-powered-by"]).toBeUndefined();
  const again = await request.get(`${server.url}/login`);
  expect(again.headers()["content-security-policy"]).not.toBe(headers["content-security-policy"]);
});
