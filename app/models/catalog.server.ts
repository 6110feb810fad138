// The catalog a running server serves: the validated content with each lesson's rendered HTML,
// held in memory, and its mirror in the `module` / `lesson` tables for queries and history.
import type { Insertable } from "kysely";
import type { DB } from "#db/connection.ts";
import type { Database } from "#db/schema.ts";
import { publicQuiz, reviewDueOn, type Content, type LessonSource, type ModuleSource, type PublicQuestion, type Skill } from "./content.server.ts";
import type { ThemeRule } from "./themes.ts";

/**
 * A lesson as served: what its content says (the quiz, with its answer key, stays on the server),
 * its rendered HTML, and what the browser may see of the quiz. The source, its counts and its file
 * are left behind in content.
 */
export interface CatalogLesson
  extends Pick<LessonSource, "slug" | "moduleSlug" | "title" | "summary" | "minutes" | "order" | "objectives" | "skills" | "contentHash" | "quiz" | "reviewed" | "sources"> {
  html: string;
  questions: PublicQuestion[] | null;
}

export interface CatalogModule extends Omit<ModuleSource, "lessons"> {
  lessons: CatalogLesson[];
}

export interface Catalog {
  skills: Skill[];
  modules: CatalogModule[];
  /** Phrase rules matching patient comments to skills. */
  themes: ThemeRule[];
  lesson(slug: string): CatalogLesson | undefined;
  module(slug: string): CatalogModule | undefined;
}

const lessonOrders = new WeakMap<Catalog, Map<string, number>>();

/** Each lesson's place in the library (modules in order, then lessons), worked out once per catalog. */
export function lessonOrder(catalog: Catalog): ReadonlyMap<string, number> {
  let order = lessonOrders.get(catalog);
  if (!order) {
    order = new Map(catalog.modules.flatMap((m) => m.lessons).map((l, i) => [l.slug, i]));
    lessonOrders.set(catalog, order);
  }
  return order;
}

export function buildCatalog(content: Content, htmlFor: (contentHash: string) => string): Catalog {
  const modules: CatalogModule[] = content.modules.map((m) => ({
    slug: m.slug,
    title: m.title,
    summary: m.summary,
    order: m.order,
    skills: m.skills,
    contentHash: m.contentHash,
    lessons: m.lessons.map((l) => ({
      slug: l.slug,
      moduleSlug: m.slug,
      title: l.title,
      summary: l.summary,
      minutes: l.minutes,
      order: l.order,
      objectives: l.objectives,
      skills: l.skills,
      contentHash: l.contentHash,
      reviewed: l.reviewed,
      sources: l.sources,
      html: htmlFor(l.contentHash),
      quiz: l.quiz,
      questions: l.quiz ? publicQuiz(l.quiz) : null,
    })),
  }));
  const lessons = new Map(modules.flatMap((m) => m.lessons.map((l) => [l.slug, l] as const)));
  const bySlug = new Map(modules.map((m) => [m.slug, m] as const));
  return {
    skills: content.skills,
    modules,
    themes: content.themes ?? [],
    lesson: (slug) => lessons.get(slug),
    module: (slug) => bySlug.get(slug),
  };
}

export interface LessonReview {
  slug: string;
  title: string;
  moduleTitle: string;
  reviewed: string;
  dueOn: string;
  due: boolean;
  sources: number;
}

/** Every lesson with its next accuracy review: those due first (longest overdue first), then by due date. */
export function lessonReviews(catalog: Pick<Catalog, "modules">, today: string): LessonReview[] {
  return catalog.modules
    .flatMap((m) =>
      m.lessons.map((l) => {
        const dueOn = reviewDueOn(l.reviewed);
        return { slug: l.slug, title: l.title, moduleTitle: m.title, reviewed: l.reviewed, dueOn, due: dueOn <= today, sources: l.sources.length };
      }),
    )
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title));
}

/** What syncing needs: the catalog's modules, or the content they were built from. */
export type SyncableModule = Pick<CatalogModule, "slug" | "title" | "summary" | "order" | "skills" | "contentHash"> & {
  lessons: Pick<CatalogLesson, "slug" | "title" | "summary" | "minutes" | "order" | "skills" | "contentHash" | "quiz">[];
};

/**
 * Mirrors the catalog into the database. Lessons and modules that left content/ are marked
 * retired, never deleted: attempts and completions still point at them.
 */
export async function syncCatalog(db: DB, catalog: { modules: SyncableModule[] }): Promise<void> {
  await db.transaction().execute((trx) => syncCatalogRows(trx, catalog));
}

/** syncCatalog inside a transaction the caller holds (a publish mirrors what it published at once). */
export async function syncCatalogRows(trx: DB, catalog: { modules: SyncableModule[] }): Promise<void> {
  await trx.updateTable("module").set({ retired: 1 }).execute();
  await trx.updateTable("lesson").set({ retired: 1 }).execute();
  for (const m of catalog.modules) {
    const moduleRow = {
      slug: m.slug,
      title: m.title,
      summary: m.summary,
      position: m.order,
      skills: JSON.stringify(m.skills),
      content_hash: m.contentHash,
      retired: 0,
    };
    await upsertBySlug(trx, "module", moduleRow);
    for (const l of m.lessons) {
      const lessonRow = {
        slug: l.slug,
        module_slug: m.slug,
        title: l.title,
        summary: l.summary,
        minutes: l.minutes,
        position: l.order,
        skills: JSON.stringify(l.skills),
        has_quiz: l.quiz ? 1 : 0,
        content_hash: l.contentHash,
        retired: 0,
      };
      await upsertBySlug(trx, "lesson", lessonRow);
    }
  }
}

/** A catalog row: inserted, or updating the row with its slug. */
async function upsertBySlug<T extends "module" | "lesson">(db: DB, table: T, row: Insertable<Database[T]>): Promise<void> {
  await db
    .insertInto(table)
    .values(row)
    .onConflict((oc) => oc.column("slug").doUpdateSet(row))
    .execute();
}
