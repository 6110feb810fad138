import { sql, type Kysely } from "kysely";
import { columnTypes, generatedId } from "../dialect.ts";

// The lesson studio: a practice's own modules and lessons, their published versions and pictures,
// and retakes. See docs/decisions/0013-lesson-studio.md.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypes(db);
  // One row. `revision` moves with every change to what the library serves (publish, archive, a
  // module's order), so every process rebuilds its catalog on the next request after one.
  await db.schema
    .createTable("studio_state")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    // Whether managers scoped to one location may publish (the owner decides).
    .addColumn("scoped_managers_publish", "integer", (c) => c.notNull().defaultTo(1).check(sql`scoped_managers_publish in (0, 1)`))
    .execute();
  await db.insertInto("studio_state").values({ id: 1, revision: 0, scoped_managers_publish: 1 }).execute();

  await db.schema
    .createTable("studio_module")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("skills", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('draft', 'published', 'archived')`))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // A lesson's working copy (the draft) and where it stands. `module_slug` names a studio module,
  // or a built-in one for a copy of a built-in lesson (`replaces_slug`), which takes its place.
  await db.schema
    .createTable("studio_lesson")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("module_slug", "text", (c) => c.notNull())
    .addColumn("replaces_slug", "text")
    // The lesson's place in its module (its frontmatter `order` is written from it on export).
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('draft', 'published', 'archived')`))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("quiz", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Each published version, as published: the texts, their hash (what attempts and completions
  // keep) and the compiled code the lesson page renders from.
  await db.schema
    .createTable("studio_lesson_version")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("lesson_id", "integer", (c) => c.notNull().references("studio_lesson.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("quiz", "text")
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("retake", "integer", (c) => c.notNull().defaultTo(0).check(sql`retake in (0, 1)`))
    .addColumn("published_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("published_at", "text", (c) => c.notNull())
    .addUniqueConstraint("studio_lesson_version_uq", ["lesson_id", "version"])
    .execute();

  // Pictures, checked and stripped of metadata before they are stored. `name` is the file name
  // lessons use (`images/<name>`), unique across the library because it starts with the lesson's slug.
  await db.schema
    .createTable("studio_image")
    .addColumn("id", "integer", generatedId(db))
    .addColumn("lesson_id", "integer", (c) => c.notNull().references("studio_lesson.id"))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("mime", "text", (c) => c.notNull().check(sql`mime in ('image/png', 'image/jpeg', 'image/webp')`))
    .addColumn("bytes", types.bytes, (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // A retake: completions before this instant do not count for the assignment.
  await db.schema.alterTable("assignment").addColumn("completions_from", "text").execute();
}
