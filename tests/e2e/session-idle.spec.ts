import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  // Three seconds of idleness ends a session on this server.
  server = await startServer({ seed: seedPractice, env: { SESSION_IDLE_MINUTES: "0.05" } });
});
test.afterAll(async () => {
  await server.stop();
});

test("an idle session ends on the server and the next page asks to sign in again @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  await expect(page).toHaveURL(/\/learn$/);
  await page.waitForTimeout(4_000);
  await page.goto(`${server.url}/progress`);
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fprogress$/);
  expect(await server.db.selectFrom("session").select("id").execute()).toHaveLength(0);
});
