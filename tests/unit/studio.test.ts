// The studio end to end below the pages: a draft is checked by the library's rules, published as
// versions the library serves, retaken on request, and a copy of a built-in lesson takes its place.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { renderLessonHtml } from "#app/lesson-html.server.tsx";
import { compileSource } from "#app/models/lesson-compiler.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { composeLesson, readLessonFields } from "#app/models/studio-files.server.ts";
import {
  builtInFiles,
  checkStoredDraft,
  copyBuiltInLesson,
  createLesson,
  createModule,
  lessonForEdit,
  publishLesson,
  PublishRefused,
  saveDraft,
  setModuleState,
} from "#app/models/studio.server.ts";
import { assignedItems } from "#app/models/team-progress.server.ts";
import { setupTestDb, tempDir } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";
import { HOSTILE_BODIES } from "#tests/support/hostile-mdx.ts";
import { realCatalog } from "#tests/support/trust-practice.ts";

const testDb = setupTestDb();
const now = new Date("2026-12-04T15:00:00Z");
const timeZone = "America/Chicago";

async function setup() {
  await createPractice(testDb.db, { timeZone });
  const builtIn = realCatalog();
  const library = createLibrary(builtIn, (code, slug) => renderLessonHtml(code, slug));
  const cache = tempDir();
  const ctx = { now, timeZone, library, skills: builtIn.skills, compile: (s: string, h: string) => compileSource(s, h, cache) };
  const manager = await createUser(testDb.db, { role: "manager" });
  const actor = { id: manager.id, role: "manager" as const, scopeLocationId: null };
  return { builtIn, library, ctx, actor };
}

/** A lesson that meets every rule: a library lesson's text under a new title. */
function goodFiles(title: string) {
  const files = builtInFiles("./content", { moduleSlug: "first-impressions", slug: "the-first-ten-seconds" });
  const fields = readLessonFields(files.source);
  return { fields, source: composeLesson({ ...fields, title }, { order: 1, reviewed: "2026-12-04" }), quiz: files.quiz };
}

describe("the lesson studio", () => {
  it("refuses to publish a draft with problems, then publishes it as version 1 into the library", async () => {
    const { ctx, actor, library } = await setup();
    const moduleId = await createModule(testDb.db, actor, { title: "How we do it here", summary: "Our own ways at the desk.", skills: ["greeting"] }, ctx);
    const id = await createLesson(testDb.db, actor, { title: "Our greeting", moduleId }, ctx);
    const good = goodFiles("Our greeting");
    // A sentence a receptionist would stumble over: the reading grade is far too high.
    const hard = good.fields.body.replace(
      /[^.\n]+\./g,
      "Notwithstanding organisational considerations, administrative personnel systematically institutionalise comprehensive interpersonal acknowledgement methodologies.",
    );
    await saveDraft(testDb.db, actor, id, { source: composeLesson({ ...good.fields, title: "Our greeting", body: hard }, { order: 1, reviewed: "2026-12-04" }), quiz: good.quiz }, now);
    const refused = await publishLesson(testDb.db, actor, id, { retakeDays: null }, ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PublishRefused);
    expect((refused as PublishRefused).check.problems.map((p) => `${p.field}: ${p.message}`).join("\n")).toMatch(/body: .*reading grade/);

    await saveDraft(testDb.db, actor, id, { source: good.source, quiz: good.quiz }, now);
    expect((await publishLesson(testDb.db, actor, id, { retakeDays: null }, ctx)).version).toBe(1);
    // The lesson shows once its module is published.
    const slug = (await lessonForEdit(testDb.db, actor, id)).slug;
    expect((await library.current(testDb.db)).lesson(slug)).toBeUndefined();
    await setModuleState(testDb.db, actor, moduleId, "published", ctx);
    const catalog = await library.current(testDb.db);
    const lesson = catalog.lesson(slug);
    expect(lesson?.title).toBe("Our greeting");
    expect(lesson?.html).toContain("Say this");
    expect(catalog.modules.at(-1)?.title).toBe("How we do it here");
    // Mirrored, so attempts and assignments can point at it.
    expect(await testDb.db.selectFrom("lesson").select("slug").where("slug", "=", slug).executeTakeFirst()).toBeTruthy();
  });

  it("publishes version 2 requiring a retake: due again for whoever completed version 1, whose completion stays", async () => {
    const { ctx, actor, library } = await setup();
    const moduleId = await createModule(testDb.db, actor, { title: "How we do it here", summary: "Our own ways at the desk.", skills: ["greeting"] }, ctx);
    const id = await createLesson(testDb.db, actor, { title: "Our greeting", moduleId }, ctx);
    const good = goodFiles("Our greeting");
    await saveDraft(testDb.db, actor, id, { source: good.source, quiz: good.quiz }, now);
    await publishLesson(testDb.db, actor, id, { retakeDays: null }, ctx);
    await setModuleState(testDb.db, actor, moduleId, "published", ctx);
    const v1 = (await library.current(testDb.db)).lesson((await lessonForEdit(testDb.db, actor, id)).slug)!;
    const staff = await createUser(testDb.db);
    const answers = Object.fromEntries(v1.quiz!.questions.map((q) => [q.id, q.choices.filter((c) => c.correct).map((c) => c.id)]));
    expect((await submitQuiz(testDb.db, { userId: staff.id, lesson: v1, answers, requestId: crypto.randomUUID(), now })).grade.passed).toBe(true);

    const later = new Date(now.getTime() + 86_400_000);
    await saveDraft(testDb.db, actor, id, { source: goodFiles("Our greeting, updated").source, quiz: good.quiz }, later);
    const published = await publishLesson(testDb.db, actor, id, { retakeDays: 7 }, { ...ctx, now: later });
    expect(published).toEqual({ version: 2, retakes: 1 });
    const items = await assignedItems(testDb.db, staff.id, await library.current(testDb.db), { now: later, timeZone });
    expect(items).toMatchObject([{ slug: v1.slug, state: "not-started", dueOn: "2026-12-12" }]);
    const completions = await testDb.db.selectFrom("completion").select("content_hash").where("user_id", "=", staff.id).execute();
    expect(completions.map((c) => c.content_hash)).toEqual([v1.contentHash]);
  });

  it("puts a published copy of a built-in lesson in its place, listed once", async () => {
    const { ctx, actor, builtIn, library } = await setup();
    const original = builtIn.lesson("answering-the-phone")!;
    const id = await copyBuiltInLesson(testDb.db, actor, original.slug, builtInFiles("./content", original), ctx);
    const draft = await lessonForEdit(testDb.db, actor, id);
    const fields = readLessonFields(draft.source);
    await saveDraft(testDb.db, actor, id, { source: composeLesson({ ...fields, title: "Answering the phone at Maple Street" }, { order: original.order, reviewed: "2026-12-04" }), quiz: draft.quiz }, now);
    await publishLesson(testDb.db, actor, id, { retakeDays: null }, ctx);
    const phone = (await library.current(testDb.db)).module(original.moduleSlug)!;
    const titles = phone.lessons.map((l) => l.title);
    expect(titles).toContain("Answering the phone at Maple Street");
    expect(titles).not.toContain(original.title);
    expect(phone.lessons.length).toBe(builtIn.module(original.moduleSlug)!.lessons.length);
  });

  it("hides another manager's draft from a manager scoped to one location", async () => {
    const { ctx, actor } = await setup();
    const moduleId = await createModule(testDb.db, actor, { title: "How we do it here", summary: "Our own ways at the desk.", skills: ["greeting"] }, ctx);
    const id = await createLesson(testDb.db, actor, { title: "Our greeting", moduleId }, ctx);
    const scopedUser = await createUser(testDb.db, { role: "manager" });
    const scoped = { id: scopedUser.id, role: "manager" as const, scopeLocationId: 1 };
    await expect(lessonForEdit(testDb.db, scoped, id)).rejects.toMatchObject({ status: 404 });
  });

  it("never compiles a hostile body: each is refused with its line, and nothing runs", async () => {
    const { ctx, actor } = await setup();
    const moduleId = await createModule(testDb.db, actor, { title: "How we do it here", summary: "Our own ways at the desk.", skills: ["greeting"] }, ctx);
    const id = await createLesson(testDb.db, actor, { title: "Hostile", moduleId }, ctx);
    const canary = `${tempDir()}/canary`;
    let compiled = 0;
    const watching = { ...ctx, compile: (s: string, h: string) => ((compiled += 1), ctx.compile(s, h)) };
    for (const hostile of HOSTILE_BODIES) {
      const body = hostile.body.replaceAll("CANARY", canary);
      const source = composeLesson({ ...goodFiles("Hostile").fields, title: "Hostile", body }, { order: 1, reviewed: "2026-12-04" });
      await saveDraft(testDb.db, actor, id, { source, quiz: null }, now);
      const lesson = await lessonForEdit(testDb.db, actor, id);
      const check = await checkStoredDraft(testDb.db, lesson, { skills: ctx.skills, today: "2026-12-04" });
      expect(check.compilable, hostile.name).toBe(false);
      expect(check.problems.some((p) => p.field === "body" && p.message.startsWith(`line ${hostile.line}:`)), `${hostile.name}: ${JSON.stringify(check.problems)}`).toBe(true);
      await expect(publishLesson(testDb.db, actor, id, { retakeDays: null }, watching)).rejects.toBeInstanceOf(PublishRefused);
    }
    expect(compiled).toBe(0);
    expect(fs.existsSync(canary)).toBe(false);
  });
});
