// The library a request sees: the built-in catalog with the practice's published studio lessons
// and modules laid over it. A studio lesson copied from a built-in one takes that lesson's place in
// its module; a studio module comes after the built-in ones. The overlay is rebuilt when the
// studio's revision moves (any process's publish or archive), so every process serves the same
// library on the next request after a change. See docs/decisions/0013-lesson-studio.md.
import { parse as parseYaml } from "yaml";
import type { DB } from "#db/connection.ts";
import type { Catalog, CatalogLesson, CatalogModule } from "./catalog.server.ts";
import { frontmatterSchema, publicQuiz, quizSchema, type Quiz } from "./content-schema.server.ts";
import { sha256, splitFrontmatter } from "./content.server.ts";

/** A published studio lesson as the library needs it. */
export interface PublishedLesson {
  slug: string;
  moduleSlug: string;
  replacesSlug: string | null;
  /** Its place in its module (the studio's order, not the frontmatter's). */
  position: number;
  source: string;
  quiz: string | null;
  contentHash: string;
  code: string;
}

export interface PublishedModule {
  slug: string;
  title: string;
  summary: string;
  position: number;
  skills: string[];
}

export interface Library {
  /** The built-in catalog alone (content/). */
  builtIn: Catalog;
  /** The catalog as of the studio's current revision. */
  current(db: DB): Promise<Catalog>;
}

/** Renders a lesson's compiled code to HTML; pictures resolve under the lesson's own address. */
export type RenderLesson = (code: string, lessonSlug: string) => string;

export function createLibrary(builtIn: Catalog, render: RenderLesson): Library {
  let cached: { revision: number; catalog: Promise<Catalog> } | null = null;
  // Rendering is the expensive part; a lesson's HTML depends only on its hash (and its slug).
  const html = new Map<string, string>();
  const htmlFor = (l: PublishedLesson) => {
    const key = `${l.contentHash}:${l.slug}`;
    let value = html.get(key);
    if (value === undefined) html.set(key, (value = render(l.code, l.slug)));
    return value;
  };
  return {
    builtIn,
    async current(db) {
      const revision = await studioRevision(db);
      if (revision === 0) return builtIn;
      if (cached?.revision !== revision) {
        const catalog = loadPublished(db).then(({ modules, lessons }) => mergeCatalog(builtIn, modules, lessons, htmlFor));
        catalog.catch(() => {
          if (cached?.catalog === catalog) cached = null;
        });
        cached = { revision, catalog };
      }
      return cached.catalog;
    },
  };
}

export async function studioRevision(db: DB): Promise<number> {
  const row = await db.selectFrom("studio_state").select("revision").where("id", "=", 1).executeTakeFirst();
  return row?.revision ?? 0;
}

/** What the studio has published: modules in the published state, lessons at their latest version. */
export async function loadPublished(db: DB): Promise<{ modules: PublishedModule[]; lessons: PublishedLesson[] }> {
  const [modules, lessons] = await Promise.all([
    db.selectFrom("studio_module").select(["slug", "title", "summary", "position", "skills"]).where("state", "=", "published").execute(),
    db
      .selectFrom("studio_lesson as l")
      .innerJoin("studio_lesson_version as v", (join) => join.onRef("v.lesson_id", "=", "l.id").onRef("v.version", "=", "l.version"))
      .select(["l.slug", "l.module_slug as moduleSlug", "l.replaces_slug as replacesSlug", "l.position", "v.source", "v.quiz", "v.content_hash as contentHash", "v.code"])
      .where("l.state", "=", "published")
      .execute(),
  ]);
  return { modules: modules.map((m) => ({ ...m, skills: JSON.parse(m.skills) as string[] })), lessons };
}

/** A published lesson's files, read as the catalog holds a lesson. They passed every check when published. */
export function publishedLessonEntry(l: PublishedLesson, html: string): CatalogLesson {
  const split = splitFrontmatter(l.source);
  const fm = frontmatterSchema.parse(parseYaml(split?.frontmatter ?? ""));
  const quiz: Quiz | null = l.quiz === null ? null : quizSchema.parse(parseYaml(l.quiz));
  return {
    slug: l.slug,
    moduleSlug: l.moduleSlug,
    title: fm.title,
    summary: fm.summary,
    minutes: fm.minutes,
    order: l.position,
    objectives: fm.objectives,
    skills: fm.skills,
    reviewed: fm.reviewed,
    sources: fm.sources,
    contentHash: l.contentHash,
    html,
    quiz,
    questions: quiz ? publicQuiz(quiz) : null,
  };
}

/**
 * The built-in catalog with the studio's published work laid over it. Built-in lessons a studio
 * copy replaces leave their module's list but stay reachable by slug (attempts and old links
 * point at them).
 */
export function mergeCatalog(
  builtIn: Catalog,
  modules: PublishedModule[],
  lessons: PublishedLesson[],
  htmlFor: (l: PublishedLesson) => string,
): Catalog {
  const entries = lessons.map((l) => ({ published: l, entry: publishedLessonEntry(l, htmlFor(l)) }));
  const replacing = new Map(entries.filter((e) => e.published.replacesSlug).map((e) => [e.published.replacesSlug as string, e.entry]));
  const byModule = new Map<string, CatalogLesson[]>();
  for (const { published, entry } of entries) {
    if (published.replacesSlug) continue;
    byModule.set(published.moduleSlug, [...(byModule.get(published.moduleSlug) ?? []), entry]);
  }
  const withHash = (m: Omit<CatalogModule, "contentHash">): CatalogModule => ({ ...m, contentHash: sha256(m.slug, ...m.lessons.map((l) => l.contentHash)) });
  const merged: CatalogModule[] = builtIn.modules.map((m) => {
    const swapped = m.lessons.map((l) => replacing.get(l.slug) ?? l);
    const added = byModule.get(m.slug) ?? [];
    if (added.length === 0 && swapped.every((l, i) => l === m.lessons[i])) return m;
    return withHash({ ...m, lessons: [...swapped, ...added].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)) });
  });
  const lastOrder = Math.max(0, ...builtIn.modules.map((m) => m.order));
  const own = [...modules]
    .sort((a, b) => a.position - b.position || a.slug.localeCompare(b.slug))
    .map((m, i) =>
      withHash({
        slug: m.slug,
        title: m.title,
        summary: m.summary,
        order: lastOrder + 1 + i,
        skills: m.skills,
        lessons: (byModule.get(m.slug) ?? []).sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)),
      }),
    )
    .filter((m) => m.lessons.length > 0);
  const all = [...merged, ...own];
  const lessonMap = new Map<string, CatalogLesson>();
  for (const m of builtIn.modules) for (const l of m.lessons) lessonMap.set(l.slug, l);
  for (const m of all) for (const l of m.lessons) lessonMap.set(l.slug, l);
  const moduleMap = new Map(all.map((m) => [m.slug, m] as const));
  return {
    skills: builtIn.skills,
    themes: builtIn.themes,
    modules: all,
    lesson: (slug) => lessonMap.get(slug),
    module: (slug) => moduleMap.get(slug),
  };
}
