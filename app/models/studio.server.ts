// The lesson studio: a practice's own modules and lessons. A lesson is a draft (the two files
// content/ holds, kept as text) until it is published; each publish is a version that the library
// serves and that attempts and completions keep (by its content hash). Everything a learner can
// reach passed checkLesson, the one set of rules content:check applies, before it was compiled.
// See docs/decisions/0013-lesson-studio.md.
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import type { StudioState } from "#db/schema.ts";
import { addDaysTo } from "#app/rules/dates.ts";
import { recordAudit } from "./audit.server.ts";
import { checkLessonBody } from "./authored-mdx.server.ts";
import { syncCatalogRows, type Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { checkLesson, sha256, splitFrontmatter, type Skill } from "./content.server.ts";
import { FieldError } from "./field-error.ts";
import { loadPublished, mergeCatalog, type Library } from "./library.server.ts";
import type { Actor } from "./sessions.server.ts";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { moduleSchema } from "./content-schema.server.ts";
import { acceptImage } from "./lesson-images.server.ts";
import type { ModuleFolder } from "./module-files.server.ts";
import { composeLesson, readLessonFields, withOrder } from "./studio-files.server.ts";

export interface StudioContext {
  now: Date;
  timeZone: string;
  library: Library;
  /** Compiles a checked lesson (lesson-compiler.server.ts compileSource, with the cache). */
  compile: (source: string, contentHash: string) => Promise<{ code: string } | { problem: { line: number; message: string } }>;
}

/** The owner and managers of the whole practice see every draft; others see their own. */
export function seesEveryDraft(actor: Actor): boolean {
  return actor.role === "owner" || actor.scopeLocationId === null;
}

export async function studioSettings(db: DB): Promise<{ scopedManagersPublish: boolean }> {
  const row = await db.selectFrom("studio_state").select("scoped_managers_publish").where("id", "=", 1).executeTakeFirst();
  return { scopedManagersPublish: (row?.scoped_managers_publish ?? 1) === 1 };
}

export async function mayPublish(db: DB, actor: Actor): Promise<boolean> {
  return seesEveryDraft(actor) || (await studioSettings(db)).scopedManagersPublish;
}

export async function setScopedManagersPublish(db: DB, owner: Actor, allowed: boolean, now: Date): Promise<void> {
  if (owner.role !== "owner") throw new FieldError("scopedPublish", "Only the owner can change this.", 403);
  if ((await studioSettings(db)).scopedManagersPublish === allowed) return;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("studio_state").set({ scoped_managers_publish: allowed ? 1 : 0 }).where("id", "=", 1).execute();
    await recordAudit(trx, { actorId: owner.id, action: "studio.settings", details: { scopedManagersPublish: allowed }, at: now });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface StudioLessonRow {
  id: number;
  slug: string;
  moduleSlug: string;
  replacesSlug: string | null;
  position: number;
  state: StudioState;
  source: string;
  quiz: string | null;
  version: number;
  createdBy: number;
  updatedByName: string;
  updatedAt: string;
  /** The draft differs from the latest published version. */
  changed: boolean;
}

export interface StudioModuleRow {
  id: number;
  slug: string;
  title: string;
  summary: string;
  skills: string[];
  position: number;
  state: StudioState;
  updatedByName: string;
  updatedAt: string;
}

function lessonQuery(db: DB) {
  return db
    .selectFrom("studio_lesson as l")
    .innerJoin("user as u", "u.id", "l.updated_by")
    .leftJoin("studio_lesson_version as v", (join) => join.onRef("v.lesson_id", "=", "l.id").onRef("v.version", "=", "l.version"))
    .select([
      "l.id",
      "l.slug",
      "l.module_slug as moduleSlug",
      "l.replaces_slug as replacesSlug",
      "l.position",
      "l.state",
      "l.source",
      "l.quiz",
      "l.version",
      "l.created_by as createdBy",
      "u.name as updatedByName",
      "l.updated_at as updatedAt",
      "v.source as publishedSource",
      "v.quiz as publishedQuiz",
    ]);
}

type LessonQueryRow = Awaited<ReturnType<ReturnType<typeof lessonQuery>["execute"]>>[number];

function toLessonRow(r: LessonQueryRow): StudioLessonRow {
  const { publishedSource, publishedQuiz, ...rest } = r;
  return { ...rest, changed: r.version === 0 || publishedSource !== r.source || publishedQuiz !== r.quiz };
}

function visible(actor: Actor, lesson: { state: StudioState; createdBy: number }): boolean {
  return seesEveryDraft(actor) || lesson.state !== "draft" || lesson.createdBy === actor.id;
}

export async function listStudio(db: DB, actor: Actor): Promise<{ modules: StudioModuleRow[]; lessons: StudioLessonRow[] }> {
  const [modules, lessons] = await Promise.all([
    db
      .selectFrom("studio_module as m")
      .innerJoin("user as u", "u.id", "m.updated_by")
      .select(["m.id", "m.slug", "m.title", "m.summary", "m.skills", "m.position", "m.state", "u.name as updatedByName", "m.updated_at as updatedAt"])
      .orderBy("m.position")
      .execute(),
    lessonQuery(db).orderBy("l.module_slug").orderBy("l.position").execute(),
  ]);
  return {
    modules: modules.map((m) => ({ ...m, skills: JSON.parse(m.skills) as string[] })),
    lessons: lessons.map(toLessonRow).filter((l) => visible(actor, l)),
  };
}

/** A lesson the actor may open; anyone else's draft does not exist for a manager scoped to a location. */
export async function lessonForEdit(db: DB, actor: Actor, id: number): Promise<StudioLessonRow> {
  const row = await lessonQuery(db).where("l.id", "=", id).executeTakeFirst();
  const lesson = row && toLessonRow(row);
  if (!lesson || !visible(actor, lesson)) throw new FieldError("lesson", "No such lesson.", 404);
  return lesson;
}

export async function studioModuleTitle(db: DB, slug: string): Promise<string> {
  const row = await db.selectFrom("studio_module").select("title").where("slug", "=", slug).executeTakeFirst();
  return row?.title ?? slug;
}

export async function moduleForEdit(db: DB, id: number): Promise<StudioModuleRow> {
  const m = await db
    .selectFrom("studio_module as m")
    .innerJoin("user as u", "u.id", "m.updated_by")
    .select(["m.id", "m.slug", "m.title", "m.summary", "m.skills", "m.position", "m.state", "u.name as updatedByName", "m.updated_at as updatedAt"])
    .where("m.id", "=", id)
    .executeTakeFirst();
  if (!m) throw new FieldError("module", "No such module.", 404);
  return { ...m, skills: JSON.parse(m.skills) as string[] };
}

// ---------------------------------------------------------------------------------------------
// Checks

export interface DraftProblem {
  /** The form field it belongs beside: a frontmatter field, `body`, `quiz` or `q<N>` (a question). */
  field: string;
  message: string;
}

export interface DraftCheck {
  problems: DraftProblem[];
  warnings: DraftProblem[];
  /** The body passed the rules for authored MDX, so it may be compiled (for a preview). */
  compilable: boolean;
}

const FRONTMATTER_FIELDS = new Set(["title", "summary", "minutes", "objectives", "skills", "sources"]);

/** Every rule content:check applies, with each problem placed beside its field of the editor. */
export function checkDraft(
  lesson: { slug: string; moduleSlug: string; source: string; quiz: string | null },
  context: { skills: Skill[]; today: string; imageNames: ReadonlySet<string> },
): DraftCheck {
  const checked = checkLesson(
    { moduleSlug: lesson.moduleSlug, lessonSlug: lesson.slug, source: lesson.source, quizText: lesson.quiz, file: "lesson", quizFile: "quiz", imageNames: context.imageNames },
    { skills: context.skills, today: context.today },
  );
  const split = splitFrontmatter(lesson.source);
  const bodyLine = split?.bodyLine ?? 1;
  // The body as the editor shows it starts after the blank lines that follow the frontmatter.
  const leading = split ? (split.body.length - split.body.replace(/^\n+/, "").length) : 0;
  const sourceLines = lesson.source.split("\n");
  const quizLines = (lesson.quiz ?? "").split("\n");
  const place = (p: { file: string; line: number; message: string }): DraftProblem => {
    if (p.file === "quiz") {
      // Questions start at "  - id:" under questions (the form writes them so).
      const starts = quizLines.flatMap((l, i) => (/^ {2}- id:/.test(l) ? [i + 1] : []));
      const index = starts.filter((s) => s <= p.line).length;
      return index > 0 ? { field: `q${index - 1}`, message: `question ${index}: ${p.message}` } : { field: "quiz", message: p.message };
    }
    if (split && p.line < bodyLine) {
      for (let i = p.line - 1; i >= 1; i--) {
        const key = /^([a-z]+):/.exec(sourceLines[i] ?? "")?.[1];
        if (key) return { field: FRONTMATTER_FIELDS.has(key) ? key : "form", message: p.message.replace(/^frontmatter: /, "") };
      }
      return { field: "form", message: p.message };
    }
    const bodyLineNo = p.line - bodyLine - leading + 1;
    return { field: "body", message: `line ${Math.max(1, bodyLineNo)}: ${p.message}` };
  };
  const compilable = split !== null && checkLessonBody(split.body, { bodyLine, imageNames: context.imageNames }).length === 0;
  return { problems: checked.problems.map(place), warnings: checked.warnings.map(place), compilable };
}

/** The draft and its pictures, checked as a publish would. */
export async function checkStoredDraft(db: DB, lesson: StudioLessonRow, context: { skills: Skill[]; today: string }): Promise<DraftCheck> {
  return checkDraft(lesson, { ...context, imageNames: await imageNamesOf(db, lesson.id) });
}

// ---------------------------------------------------------------------------------------------
// Writing

export function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "lesson"
  );
}

async function slugTaken(db: DB, kind: "lesson" | "module", slug: string): Promise<boolean> {
  const [mirror, studio] = await Promise.all([
    db.selectFrom(kind).select("slug").where("slug", "=", slug).executeTakeFirst(),
    db.selectFrom(kind === "lesson" ? "studio_lesson" : "studio_module").select("slug").where("slug", "=", slug).executeTakeFirst(),
  ]);
  return mirror !== undefined || studio !== undefined;
}

async function freeSlug(db: DB, kind: "lesson" | "module", title: string, builtIn: Catalog): Promise<string> {
  const stem = slugify(title);
  const inBuiltIn = (s: string) => (kind === "lesson" ? builtIn.lesson(s) : builtIn.module(s)) !== undefined;
  for (let n = 1; ; n++) {
    const slug = n === 1 ? stem : `${stem}-${n}`;
    if (!inBuiltIn(slug) && !(await slugTaken(db, kind, slug))) return slug;
  }
}

async function bumpRevision(trx: DB): Promise<void> {
  await trx.updateTable("studio_state").set({ revision: sql`revision + 1` }).where("id", "=", 1).execute();
}

/** Mirrors the library as it now stands into the module/lesson tables, inside the caller's transaction. */
async function mirror(trx: DB, library: Library): Promise<void> {
  const { modules, lessons } = await loadPublished(trx);
  await syncCatalogRows(trx, mergeCatalog(library.builtIn, modules, lessons, () => ""));
}

export interface ModuleInput {
  title: string;
  summary: string;
  skills: string[];
}

export async function createModule(db: DB, actor: Actor, input: ModuleInput, ctx: Pick<StudioContext, "now" | "library">): Promise<number> {
  const slug = await freeSlug(db, "module", input.title, ctx.library.builtIn);
  const at = ctx.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom("studio_module").select((eb) => eb.fn.max("position").as("p")).executeTakeFirst();
    const row = await trx
      .insertInto("studio_module")
      .values({
        slug,
        title: input.title,
        summary: input.summary,
        skills: JSON.stringify(input.skills),
        position: Number(last?.p ?? 0) + 1,
        state: "draft",
        created_by: actor.id,
        created_at: at,
        updated_by: actor.id,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: actor.id, action: "studio.module.create", subject: `module:${slug}`, at: ctx.now });
    return row.id;
  });
}

export async function updateModule(db: DB, actor: Actor, id: number, input: ModuleInput, ctx: Pick<StudioContext, "now" | "library">): Promise<void> {
  const module = await moduleForEdit(db, id);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("studio_module")
      .set({ title: input.title, summary: input.summary, skills: JSON.stringify(input.skills), updated_by: actor.id, updated_at: ctx.now.toISOString() })
      .where("id", "=", id)
      .execute();
    if (module.state === "published") {
      await bumpRevision(trx);
      await mirror(trx, ctx.library);
    }
    await recordAudit(trx, { actorId: actor.id, action: "studio.module.update", subject: `module:${module.slug}`, at: ctx.now });
  });
}

export async function setModuleState(db: DB, actor: Actor, id: number, state: "published" | "archived" | "draft", ctx: Pick<StudioContext, "now" | "library">): Promise<void> {
  const module = await moduleForEdit(db, id);
  if (state === "published" && !(await mayPublish(db, actor))) throw new FieldError("form", "The owner has turned off publishing for managers of one location.", 403);
  if (state === "published") {
    const lessons = await db.selectFrom("studio_lesson").select("id").where("module_slug", "=", module.slug).where("state", "=", "published").execute();
    if (lessons.length === 0) throw new FieldError("form", "Publish at least one of its lessons first: a module with no published lesson has nothing to show.");
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("studio_module").set({ state, updated_by: actor.id, updated_at: ctx.now.toISOString() }).where("id", "=", id).execute();
    await bumpRevision(trx);
    await mirror(trx, ctx.library);
    const action = state === "published" ? "studio.module.publish" : state === "archived" ? "studio.module.archive" : "studio.module.restore";
    await recordAudit(trx, { actorId: actor.id, action, subject: `module:${module.slug}`, at: ctx.now });
  });
}

const LESSON_TEMPLATE = `One or two sentences on why this matters to the patient.

<Scenario title="Monday, 9:10 a.m.">

A short story with named people: what happened at the desk.

</Scenario>

## What to do

Say what to do, in short sentences.

<SayThis>

"The words to use."

</SayThis>

<NotThis>

"The words to avoid."

</NotThis>

<Practice>

Something to try on the next shift.

</Practice>

<Takeaways>

- The first thing to remember.
- The second thing.
- The third thing.

</Takeaways>
`;

export async function createLesson(
  db: DB,
  actor: Actor,
  input: { title: string; moduleId: number },
  ctx: Pick<StudioContext, "now" | "timeZone" | "library">,
): Promise<number> {
  const module = await db.selectFrom("studio_module").select(["slug", "skills"]).where("id", "=", input.moduleId).executeTakeFirst();
  if (!module) throw new FieldError("moduleId", "Choose one of your modules.");
  const slug = await freeSlug(db, "lesson", input.title, ctx.library.builtIn);
  const last = await db.selectFrom("studio_lesson").select((eb) => eb.fn.max("position").as("p")).where("module_slug", "=", module.slug).executeTakeFirst();
  const position = Number(last?.p ?? 0) + 1;
  const skills = (JSON.parse(module.skills) as string[]).slice(0, 1);
  const source = composeLesson(
    { title: input.title, summary: "", minutes: 5, objectives: [], skills, sources: [], body: LESSON_TEMPLATE },
    { order: position, reviewed: localDate(ctx.now, ctx.timeZone) },
  );
  return insertLesson(db, actor, { slug, moduleSlug: module.slug, replacesSlug: null, position, source, quiz: null }, ctx.now, "studio.lesson.create");
}

async function insertLesson(
  db: DB,
  actor: Actor,
  l: { slug: string; moduleSlug: string; replacesSlug: string | null; position: number; source: string; quiz: string | null },
  now: Date,
  action: string,
  details: Record<string, unknown> = {},
): Promise<number> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("studio_lesson")
      .values({
        slug: l.slug,
        module_slug: l.moduleSlug,
        replaces_slug: l.replacesSlug,
        position: l.position,
        state: "draft",
        source: l.source,
        quiz: l.quiz,
        version: 0,
        created_by: actor.id,
        created_at: at,
        updated_by: actor.id,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: actor.id, action, subject: `lesson:${l.slug}`, details, at: now });
    return row.id;
  });
}

/** "Make a copy for our practice": a draft of a built-in lesson and its quiz that, once published, takes its place. */
export async function copyBuiltInLesson(
  db: DB,
  actor: Actor,
  builtInSlug: string,
  source: { source: string; quiz: string | null },
  ctx: Pick<StudioContext, "now" | "library">,
): Promise<number> {
  const original = ctx.library.builtIn.lesson(builtInSlug);
  if (!original) throw new FieldError("slug", "Choose a lesson from the library.");
  const existing = await db
    .selectFrom("studio_lesson")
    .select("id")
    .where("replaces_slug", "=", builtInSlug)
    .where("state", "!=", "archived")
    .executeTakeFirst();
  if (existing) throw new FieldError("slug", "Your practice already has a copy of this lesson. Open it from the studio.");
  const slug = await freeSlug(db, "lesson", `${original.slug}-ours`, ctx.library.builtIn);
  return insertLesson(
    db,
    actor,
    { slug, moduleSlug: original.moduleSlug, replacesSlug: original.slug, position: original.order, source: source.source, quiz: source.quiz },
    ctx.now,
    "studio.lesson.copy",
    { from: original.slug },
  );
}

export async function saveDraft(db: DB, actor: Actor, id: number, files: { source: string; quiz: string | null }, now: Date): Promise<void> {
  const lesson = await lessonForEdit(db, actor, id);
  if (lesson.state === "archived") throw new FieldError("form", "This lesson is archived. Restore it to edit it.");
  await db
    .updateTable("studio_lesson")
    .set({ source: files.source, quiz: files.quiz, updated_by: actor.id, updated_at: now.toISOString() })
    .where("id", "=", lesson.id)
    .execute();
}

export class PublishRefused extends Error {
  constructor(readonly check: DraftCheck) {
    super("The lesson has problems to fix before it can be published.");
  }
}

/**
 * Publishes the draft as the next version. With `retakeDays`, everyone who completed an earlier
 * version gets it again, due that many days from today; their earlier completion stays in their
 * history. Refused while the draft has any problem.
 */
export async function publishLesson(
  db: DB,
  actor: Actor,
  id: number,
  options: { retakeDays: number | null },
  ctx: StudioContext & { skills: Skill[] },
): Promise<{ version: number; retakes: number }> {
  const lesson = await lessonForEdit(db, actor, id);
  if (lesson.state === "archived") throw new FieldError("form", "This lesson is archived. Restore it first.");
  if (!(await mayPublish(db, actor))) throw new FieldError("form", "The owner has turned off publishing for managers of one location.", 403);
  const today = localDate(ctx.now, ctx.timeZone);
  const check = await checkStoredDraft(db, lesson, { skills: ctx.skills, today });
  if (check.problems.length > 0) throw new PublishRefused(check);
  if (!lesson.changed) throw new FieldError("form", "Nothing has changed since the last version.");
  const contentHash = sha256(lesson.source, lesson.quiz ?? "");
  const compiled = await ctx.compile(lesson.source, contentHash);
  if ("problem" in compiled) throw new PublishRefused({ problems: [{ field: "body", message: compiled.problem.message }], warnings: [], compilable: false });
  const version = lesson.version + 1;
  const retake = version > 1 && options.retakeDays !== null;
  return db.transaction().execute(async (trx) => {
    // The version number is claimed by the update: a second publish racing this one finds it moved.
    const claimed = await trx
      .updateTable("studio_lesson")
      .set({ state: "published", version, updated_by: actor.id, updated_at: ctx.now.toISOString() })
      .where("id", "=", lesson.id)
      .where("version", "=", lesson.version)
      .where("source", "=", lesson.source)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new FieldError("form", "Someone changed this lesson a moment ago. Reload it and publish again.");
    await trx
      .insertInto("studio_lesson_version")
      .values({
        lesson_id: lesson.id,
        version,
        source: lesson.source,
        quiz: lesson.quiz,
        content_hash: contentHash,
        code: compiled.code,
        retake: retake ? 1 : 0,
        published_by: actor.id,
        published_at: ctx.now.toISOString(),
      })
      .execute();
    await bumpRevision(trx);
    await mirror(trx, ctx.library);
    let retakes = 0;
    if (retake) retakes = await assignRetakes(trx, actor, lesson.slug, addDaysTo(today, options.retakeDays as number), ctx.now);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "studio.lesson.publish",
      subject: `lesson:${lesson.slug}`,
      details: { version, retake: retake ? { dueInDays: options.retakeDays, people: retakes } : null },
      at: ctx.now,
    });
    return { version, retakes };
  });
}

/** Everyone active who completed the lesson gets it again: an assignment that counts only later completions. */
async function assignRetakes(trx: DB, actor: Actor, lessonSlug: string, dueOn: string, now: Date): Promise<number> {
  const people = await trx
    .selectFrom("completion")
    .innerJoin("user", "user.id", "completion.user_id")
    .select("user.id")
    .distinct()
    .where("completion.lesson_slug", "=", lessonSlug)
    .where("user.status", "=", "active")
    .execute();
  const at = now.toISOString();
  for (const person of people) {
    const row = await trx
      .insertInto("assignment")
      .values({
        module_slug: null,
        lesson_slug: lessonSlug,
        target_user_id: person.id,
        target_job_title: null,
        target_location_id: null,
        due_on: dueOn,
        due_days: null,
        recur_months: null,
        created_by: actor.id,
        created_at: at,
        completions_from: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("assignment_person").values({ assignment_id: row.id, user_id: person.id, assigned_at: at, due_on: dueOn }).execute();
  }
  return people.length;
}

/** Archive (hidden from the library, history kept); a draft never published is deleted instead. */
export async function archiveLesson(db: DB, actor: Actor, id: number, ctx: Pick<StudioContext, "now" | "library">): Promise<"archived" | "deleted"> {
  const lesson = await lessonForEdit(db, actor, id);
  return db.transaction().execute(async (trx) => {
    if (lesson.version === 0) {
      await trx.deleteFrom("studio_image").where("lesson_id", "=", lesson.id).execute();
      await trx.deleteFrom("studio_lesson").where("id", "=", lesson.id).execute();
      await recordAudit(trx, { actorId: actor.id, action: "studio.lesson.delete", subject: `lesson:${lesson.slug}`, at: ctx.now });
      return "deleted" as const;
    }
    await trx.updateTable("studio_lesson").set({ state: "archived", updated_by: actor.id, updated_at: ctx.now.toISOString() }).where("id", "=", lesson.id).execute();
    await bumpRevision(trx);
    await mirror(trx, ctx.library);
    await recordAudit(trx, { actorId: actor.id, action: "studio.lesson.archive", subject: `lesson:${lesson.slug}`, at: ctx.now });
    return "archived" as const;
  });
}

export async function restoreLesson(db: DB, actor: Actor, id: number, ctx: Pick<StudioContext, "now" | "library">): Promise<void> {
  const lesson = await lessonForEdit(db, actor, id);
  if (lesson.state !== "archived") return;
  if (lesson.replacesSlug) {
    const other = await db.selectFrom("studio_lesson").select("id").where("replaces_slug", "=", lesson.replacesSlug).where("state", "!=", "archived").executeTakeFirst();
    if (other) throw new FieldError("form", "Another copy of this built-in lesson is in use. Archive it first.");
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("studio_lesson").set({ state: "published", updated_by: actor.id, updated_at: ctx.now.toISOString() }).where("id", "=", lesson.id).execute();
    await bumpRevision(trx);
    await mirror(trx, ctx.library);
    await recordAudit(trx, { actorId: actor.id, action: "studio.lesson.restore", subject: `lesson:${lesson.slug}`, at: ctx.now });
  });
}

/** Moves a lesson one place up or down in its studio module. */
export async function moveLesson(db: DB, actor: Actor, id: number, direction: "up" | "down", ctx: Pick<StudioContext, "now" | "library">): Promise<void> {
  const lesson = await lessonForEdit(db, actor, id);
  if (lesson.replacesSlug) throw new FieldError("form", "A copy of a built-in lesson keeps the place of the lesson it replaces.");
  const siblings = await db
    .selectFrom("studio_lesson")
    .select(["id", "position", "source"])
    .where("module_slug", "=", lesson.moduleSlug)
    .where("replaces_slug", "is", null)
    .orderBy("position")
    .execute();
  const index = siblings.findIndex((s) => s.id === lesson.id);
  const other = siblings[direction === "up" ? index - 1 : index + 1];
  const self = siblings[index];
  if (!other || !self) return;
  await db.transaction().execute(async (trx) => {
    for (const [row, position] of [
      [self, other.position],
      [other, self.position],
    ] as const) {
      await trx.updateTable("studio_lesson").set({ position, source: withOrder(row.source, position) }).where("id", "=", row.id).execute();
    }
    await bumpRevision(trx);
    await mirror(trx, ctx.library);
    await recordAudit(trx, { actorId: actor.id, action: "studio.lesson.move", subject: `lesson:${lesson.slug}`, details: { direction }, at: ctx.now });
  });
}

// ---------------------------------------------------------------------------------------------
// Versions

export interface VersionRow {
  version: number;
  publishedAt: string;
  publishedByName: string;
  retake: boolean;
  source: string;
  quiz: string | null;
}

export async function lessonVersions(db: DB, lessonId: number): Promise<VersionRow[]> {
  const rows = await db
    .selectFrom("studio_lesson_version as v")
    .innerJoin("user as u", "u.id", "v.published_by")
    .select(["v.version", "v.published_at as publishedAt", "u.name as publishedByName", "v.retake", "v.source", "v.quiz"])
    .where("v.lesson_id", "=", lessonId)
    .orderBy("v.version", "desc")
    .execute();
  return rows.map((r) => ({ ...r, retake: r.retake === 1 }));
}

// ---------------------------------------------------------------------------------------------
// Pictures

export async function imageNamesOf(db: DB, lessonId: number): Promise<Set<string>> {
  const rows = await db.selectFrom("studio_image").select("name").where("lesson_id", "=", lessonId).execute();
  return new Set(rows.map((r) => r.name));
}

export async function lessonImages(db: DB, lessonId: number) {
  return db
    .selectFrom("studio_image")
    .select(["id", "name", "mime", "width", "height", sql<number>`length(bytes)`.as("size")])
    .where("lesson_id", "=", lessonId)
    .orderBy("name")
    .execute();
}

export async function addImage(
  db: DB,
  actor: Actor,
  lessonId: number,
  image: { baseName: string; ext: string; mime: string; bytes: Uint8Array; width: number; height: number },
  now: Date,
): Promise<string> {
  const lesson = await lessonForEdit(db, actor, lessonId);
  const taken = new Set((await db.selectFrom("studio_image").select("name").where("name", "like", `${lesson.slug}-%`).execute()).map((r) => r.name));
  let name = `${lesson.slug}-${image.baseName}.${image.ext}`;
  for (let n = 2; taken.has(name); n++) name = `${lesson.slug}-${image.baseName}-${n}.${image.ext}`;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("studio_image")
      .values({ lesson_id: lesson.id, name, mime: image.mime, bytes: image.bytes, width: image.width, height: image.height, created_by: actor.id, created_at: now.toISOString() })
      .execute();
    await recordAudit(trx, { actorId: actor.id, action: "studio.image.add", subject: `lesson:${lesson.slug}`, details: { name, bytes: image.bytes.length }, at: now });
  });
  return name;
}

/** A picture the draft and every published version no longer use can be removed. */
export async function deleteImage(db: DB, actor: Actor, lessonId: number, name: string, now: Date): Promise<void> {
  const lesson = await lessonForEdit(db, actor, lessonId);
  const image = await db.selectFrom("studio_image").select("id").where("lesson_id", "=", lesson.id).where("name", "=", name).executeTakeFirst();
  if (!image) throw new FieldError("image", "No such picture.", 404);
  const versions = await db.selectFrom("studio_lesson_version").select("source").where("lesson_id", "=", lesson.id).execute();
  const ref = `images/${name}`;
  if ([lesson.source, ...versions.map((v) => v.source)].some((s) => s.includes(ref))) {
    throw new FieldError("image", "This picture is used by the lesson or one of its published versions, so it stays.");
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("studio_image").where("id", "=", image.id).execute();
    await recordAudit(trx, { actorId: actor.id, action: "studio.image.delete", subject: `lesson:${lesson.slug}`, details: { name }, at: now });
  });
}

/** A picture of a lesson the actor may open (the editor and its preview). */
export async function draftImage(db: DB, actor: Actor, lessonId: number, name: string) {
  const lesson = await lessonForEdit(db, actor, lessonId);
  return db.selectFrom("studio_image").select(["mime", "bytes"]).where("lesson_id", "=", lesson.id).where("name", "=", name).executeTakeFirst();
}

/** A picture of a published lesson, for anyone signed in (the lesson page). */
export async function publishedImage(db: DB, lessonSlug: string, name: string) {
  return db
    .selectFrom("studio_image as i")
    .innerJoin("studio_lesson as l", "l.id", "i.lesson_id")
    .select(["i.mime", "i.bytes"])
    .where("l.slug", "=", lessonSlug)
    .where("l.state", "=", "published")
    .where("i.name", "=", name)
    .executeTakeFirst();
}

/** A built-in lesson's two files, as content/ holds them (for "Make a copy for our practice"). */
export function builtInFiles(contentDir: string, lesson: { moduleSlug: string; slug: string }): { source: string; quiz: string | null } {
  const dir = path.join(contentDir, lesson.moduleSlug);
  const quizFile = path.join(dir, `${lesson.slug}.quiz.yaml`);
  return { source: fs.readFileSync(path.join(dir, `${lesson.slug}.mdx`), "utf8"), quiz: fs.existsSync(quizFile) ? fs.readFileSync(quizFile, "utf8") : null };
}

// ---------------------------------------------------------------------------------------------
// Moving a module between practices: the folder content/ holds, as a .zip

/** module.yaml as content/ writes it. */
export function moduleYaml(m: { title: string; summary: string; position: number; skills: string[] }): string {
  return stringifyYaml({ title: m.title, summary: m.summary, order: m.position, skills: m.skills }, { lineWidth: 0 });
}

/**
 * A module's folder: module.yaml, each lesson the actor may open (archived ones left out) with
 * its quiz, and their pictures. Lesson files are the drafts as written; only `order:` follows the
 * module's order, so the folder reads as the studio does.
 */
export async function exportModule(db: DB, actor: Actor, moduleId: number): Promise<{ slug: string; files: { path: string; bytes: Uint8Array }[] }> {
  const module = await moduleForEdit(db, moduleId);
  const { lessons } = await listStudio(db, actor);
  const own = lessons.filter((l) => l.moduleSlug === module.slug && l.state !== "archived");
  const text = (s: string) => new TextEncoder().encode(s);
  const files = [{ path: "module.yaml", bytes: text(moduleYaml(module)) }];
  for (const l of own) {
    files.push({ path: `${l.slug}.mdx`, bytes: text(withOrder(l.source, l.position)) });
    if (l.quiz !== null) files.push({ path: `${l.slug}.quiz.yaml`, bytes: text(l.quiz) });
    const images = await db.selectFrom("studio_image").select(["name", "bytes"]).where("lesson_id", "=", l.id).execute();
    for (const image of images) files.push({ path: `images/${image.name}`, bytes: new Uint8Array(image.bytes) });
  }
  return { slug: module.slug, files };
}

export interface ImportProblem {
  file: string;
  line: number;
  message: string;
}

/**
 * A module folder (unpacked) into the studio as drafts: the module, each lesson and quiz kept byte
 * for byte, each picture checked as an upload is. Refused whole, with every problem named by file
 * and line, when the folder cannot be placed (no module.yaml, a slug already in use, a picture
 * that is not one); the lessons' own problems are the editor's to show, as for any draft.
 */
export async function importModule(
  db: DB,
  actor: Actor,
  read: ModuleFolder,
  ctx: Pick<StudioContext, "now" | "timeZone" | "library"> & { skills: Skill[] },
): Promise<{ moduleId: number } | { problems: ImportProblem[] }> {
  let folder = read;
  const problems: ImportProblem[] = [...folder.problems];
  const builtIn = ctx.library.builtIn;
  let meta: ModuleInput | null = null;
  if (!folder.module) {
    if (problems.length === 0) problems.push({ file: "module.yaml", line: 1, message: "module.yaml is missing" });
  } else {
    const file = folder.module.slug ? `${folder.module.slug}/module.yaml` : "module.yaml";
    try {
      const parsed = moduleSchema.safeParse(parseYaml(folder.module.yaml));
      if (!parsed.success) for (const issue of parsed.error.issues) problems.push({ file, line: 1, message: `${issue.path.join(".") || "module"}: ${issue.message}` });
      else {
        const known = new Set(ctx.skills.map((s) => s.id));
        for (const id of parsed.data.skills) if (!known.has(id)) problems.push({ file, line: 1, message: `unknown skill "${id}"` });
        meta = { title: parsed.data.title, summary: parsed.data.summary, skills: parsed.data.skills };
        if (!folder.module.slug) folder = { ...folder, module: { ...folder.module, slug: slugify(parsed.data.title) } };
      }
    } catch (error) {
      problems.push({ file, line: (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1, message: `invalid YAML: ${(error as Error).message.split("\n")[0]}` });
    }
    if (folder.module?.slug && (builtIn.module(folder.module.slug) || (await slugTaken(db, "module", folder.module.slug)))) {
      problems.push({ file, line: 1, message: `a module "${folder.module.slug}" is already in this practice's library` });
    }
  }
  for (const l of folder.lessons) {
    if (builtIn.lesson(l.slug) || (await slugTaken(db, "lesson", l.slug))) problems.push({ file: l.file, line: 1, message: `a lesson "${l.slug}" is already in this practice's library` });
    // A draft may come in with problems to fix (reading grade, a quiz to finish), but never with a
    // body that breaks the rules for authored MDX: those are refused here, by file and line.
    const split = splitFrontmatter(l.source);
    if (!split) {
      problems.push({ file: l.file, line: 1, message: "the lesson must start with its front matter between two --- lines" });
      continue;
    }
    const imageNames = new Set(folder.images.filter((im) => im.name.startsWith(`${l.slug}-`)).map((im) => im.name));
    for (const p of checkLessonBody(split.body, { bodyLine: split.bodyLine, imageNames })) problems.push({ file: l.file, line: p.line, message: p.message });
  }
  const images: { lessonSlug: string; name: string; image: Extract<Awaited<ReturnType<typeof acceptImage>>, { ok: true }> }[] = [];
  for (const image of folder.images) {
    const owner = folder.lessons.find((l) => image.name.startsWith(`${l.slug}-`));
    if (!owner) {
      problems.push({ file: image.file, line: 1, message: "a picture's name starts with the slug of its lesson (as the studio names them); no lesson here matches" });
      continue;
    }
    const accepted = await acceptImage(image.bytes, image.name);
    if (!accepted.ok) problems.push({ file: image.file, line: 1, message: accepted.message });
    else if (!image.name.endsWith(`.${accepted.ext}`)) problems.push({ file: image.file, line: 1, message: `this picture is a ${accepted.ext.toUpperCase()} file; name it .${accepted.ext}` });
    else if (await db.selectFrom("studio_image").select("id").where("name", "=", image.name).executeTakeFirst()) problems.push({ file: image.file, line: 1, message: "a picture with this name is already in the library" });
    else images.push({ lessonSlug: owner.slug, name: image.name, image: accepted });
  }
  if (problems.length > 0 || !folder.module || !meta) return { problems };
  const moduleInfo = meta;
  const moduleSlug = folder.module.slug;
  const at = ctx.now.toISOString();
  const moduleId = await db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom("studio_module").select((eb) => eb.fn.max("position").as("p")).executeTakeFirst();
    const row = await trx
      .insertInto("studio_module")
      .values({ slug: moduleSlug, title: moduleInfo.title, summary: moduleInfo.summary, skills: JSON.stringify(moduleInfo.skills), position: Number(last?.p ?? 0) + 1, state: "draft", created_by: actor.id, created_at: at, updated_by: actor.id, updated_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [i, l] of folder.lessons.entries()) {
      const inserted = await trx
        .insertInto("studio_lesson")
        .values({ slug: l.slug, module_slug: moduleSlug, replaces_slug: null, position: readLessonFields(l.source).order ?? i + 1, state: "draft", source: l.source, quiz: l.quizText, version: 0, created_by: actor.id, created_at: at, updated_by: actor.id, updated_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const image of images.filter((im) => im.lessonSlug === l.slug)) {
        await trx
          .insertInto("studio_image")
          .values({ lesson_id: inserted.id, name: image.name, mime: image.image.mime, bytes: image.image.bytes, width: image.image.width, height: image.image.height, created_by: actor.id, created_at: at })
          .execute();
      }
    }
    await recordAudit(trx, { actorId: actor.id, action: "studio.import", subject: `module:${moduleSlug}`, details: { lessons: folder.lessons.length, pictures: images.length }, at: ctx.now });
    return row.id;
  });
  return { moduleId };
}
