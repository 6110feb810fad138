// A practice that has written many lessons of its own: /learn shows the library a page of whole
// modules at a time, and a learner finds a practice module on the next page, with JavaScript or
// without (@core). A lesson half-done on a later page still shows under "Pick up where you left off".
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { compileSource } from "#app/models/lesson-compiler.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { builtInFiles, createLesson, createModule, publishLesson, saveDraft, setModuleState } from "#app/models/studio.server.ts";
import { composeLesson, readLessonFields } from "#app/models/studio-files.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import { LIBRARY_PAGE_LESSONS } from "#app/rules/library-pages.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

const OWN_LESSONS = 10;
let server: TestServer;
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-pages-cache-"));

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startServer({
    seed: async (db) => {
      await seedPractice(db);
      const manager = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.rosa.email).executeTakeFirstOrThrow();
      const { content } = loadContent("./content");
      const builtIn = buildCatalog(content, () => "");
      // The built-in library fills the first page by itself, so a practice module starts the second.
      expect(content.modules.flatMap((m) => m.lessons).length + OWN_LESSONS).toBeGreaterThan(LIBRARY_PAGE_LESSONS);
      const now = new Date();
      const ctx = { now, timeZone: "UTC", library: createLibrary(builtIn, () => ""), skills: builtIn.skills, compile: (s: string, h: string) => compileSource(s, h, cache) };
      const actor = { id: manager.id, role: "manager" as const, scopeLocationId: null };
      const model = builtInFiles("./content", { moduleSlug: "first-impressions", slug: "the-first-ten-seconds" });
      const fields = readLessonFields(model.source);
      const moduleId = await createModule(db, actor, { title: "The Oak Street way", summary: "How we do things at our own front desk.", skills: ["greeting"] }, ctx);
      for (let i = 1; i <= OWN_LESSONS; i++) {
        const id = await createLesson(db, actor, { title: `Our step ${i}`, moduleId }, ctx);
        const source = composeLesson({ ...fields, title: `Our step ${i}`, body: `${fields.body}\nThis is step ${i} at our desk.\n` }, { order: i, reviewed: "2026-12-04" });
        await saveDraft(db, actor, id, { source, quiz: model.quiz }, now);
        await publishLesson(db, actor, id, { retakeDays: null }, ctx);
      }
      await setModuleState(db, actor, moduleId, "published", ctx);
      // Maria read some of step 3 last week (her page's heartbeat recorded four minutes).
      const maria = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.maria.email).executeTakeFirstOrThrow();
      const step3 = await db.selectFrom("studio_lesson").select("slug").where("source", "like", "%title: Our step 3\n%").executeTakeFirstOrThrow();
      await recordLessonTime(db, { userId: maria.id, lessonSlug: step3.slug, seconds: 240, now: new Date(now.getTime() - 7 * 86_400_000) });
    },
  });
});
test.afterAll(async () => {
  await server.stop();
  fs.rmSync(cache, { recursive: true, force: true });
});

test("the library comes a page of whole modules at a time, and a practice module is on the next page @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.maria);
  await page.goto(`${server.url}/learn`);
  const pages = page.getByRole("navigation", { name: "Library pages" });
  await expect(pages).toContainText("Page 1 of 2: modules 1–10 of 11.");
  await expect(page.getByRole("heading", { level: 3, name: "The Oak Street way" })).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 3, name: "First impressions" })).toBeVisible();

  await page.getByRole("link", { name: "Next page of the library" }).click();
  await expect(pages).toContainText("Page 2 of 2: modules 11–11 of 11.");
  await expect(pages.locator('[aria-current="page"]')).toHaveText("2");
  const own = page.locator("section", { has: page.getByRole("heading", { level: 3, name: "The Oak Street way" }) });
  await expect(own.getByRole("listitem")).toHaveCount(OWN_LESSONS);
  await expect(page.getByRole("heading", { level: 3, name: "First impressions" })).toHaveCount(0);

  await expect(own.getByRole("listitem").filter({ hasText: "Our step 3" })).toContainText("In progress");
  await own.getByRole("link", { name: "Our step 4" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Our step 4");

  // Half-read on page 2, step 3 is offered on page 1 to pick up again.
  await page.goto(`${server.url}/learn`);
  const pickUp = page.getByRole("region", { name: "Pick up where you left off" });
  await expect(pickUp.getByRole("listitem")).toHaveCount(1);
  await expect(pickUp.getByRole("link", { name: "Our step 3" })).toBeVisible();

  // A page number past the end, or not a number, is the nearest real page.
  await page.goto(`${server.url}/learn?library=99`);
  await expect(pages).toContainText("Page 2 of 2");
  await page.goto(`${server.url}/learn?library=abc`);
  await expect(pages).toContainText("Page 1 of 2");
  await page.getByRole("link", { name: "Page 2", exact: true }).click();
  await expect(pages).toContainText("Page 2 of 2");
});
