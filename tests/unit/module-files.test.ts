// Modules move between practices as the folder content/ holds, zipped: the round trip keeps every
// lesson and quiz byte for byte, the folder passes the library's own check, and a hostile zip is
// refused with the file it names, without being inflated whole.
import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadContent } from "#app/models/content.server.ts";
import { acceptImage } from "#app/models/lesson-images.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { packModule, readModuleFiles, unpackZip } from "#app/models/module-files.server.ts";
import { addImage, builtInFiles, createLesson, createModule, exportModule, importModule, saveDraft } from "#app/models/studio.server.ts";
import { composeLesson, readLessonFields } from "#app/models/studio-files.server.ts";
import { createTestDb, setupTestDb, tempDir } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";
import { realCatalog } from "#tests/support/trust-practice.ts";

const testDb = setupTestDb();
const now = new Date("2026-12-04T15:00:00Z");
const text = (s: string) => new TextEncoder().encode(s);

async function practice(db = testDb.db) {
  await createPractice(db);
  const user = await createUser(db, { role: "manager" });
  const builtIn = realCatalog();
  return { actor: { id: user.id, role: "manager" as const, scopeLocationId: null }, ctx: { now, timeZone: "UTC", library: createLibrary(builtIn, () => ""), skills: builtIn.skills } };
}

describe("moving a module between practices", () => {
  it("round-trips byte for byte, and the exported folder passes the library's check", async () => {
    const { actor, ctx } = await practice();
    const moduleId = await createModule(testDb.db, actor, { title: "How we do it here", summary: "Our own ways at the desk.", skills: ["greeting"] }, ctx);
    const lessonId = await createLesson(testDb.db, actor, { title: "Our greeting", moduleId }, ctx);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#2a6" } }).png().toBuffer();
    const image = await acceptImage(new Uint8Array(png), "desk.png");
    if (!image.ok) throw new Error(image.message);
    const imageName = await addImage(testDb.db, actor, lessonId, image, now);
    const model = builtInFiles("./content", { moduleSlug: "first-impressions", slug: "the-first-ten-seconds" });
    const fields = readLessonFields(model.source);
    const source = composeLesson({ ...fields, title: "Our greeting", body: `${fields.body}\n![Our front desk](images/${imageName})\n` }, { order: 1, reviewed: "2026-12-04" });
    await saveDraft(testDb.db, actor, lessonId, { source, quiz: model.quiz }, now);

    const exported = await exportModule(testDb.db, actor, moduleId);
    const zip = packModule(exported.slug, exported.files);
    expect(packModule(exported.slug, exported.files)).toEqual(zip);

    // Into a fresh practice, then out again.
    const other = await createTestDb();
    try {
      const b = await practice(other.db);
      const unpacked = unpackZip(zip);
      expect(unpacked.problems).toEqual([]);
      const imported = await importModule(other.db, b.actor, readModuleFiles(unpacked.files), b.ctx);
      expect(imported).toHaveProperty("moduleId");
      const again = await exportModule(other.db, b.actor, (imported as { moduleId: number }).moduleId);
      const lessonFiles = (files: { path: string; bytes: Uint8Array }[]) => files.filter((f) => /\.(mdx|quiz\.yaml)$/.test(f.path));
      expect(lessonFiles(again.files)).toEqual(lessonFiles(exported.files));
      expect(again.files.map((f) => f.path)).toEqual(exported.files.map((f) => f.path));
    } finally {
      await other.close();
    }

    // Dropped into a content folder, the library's own check passes it.
    const dir = tempDir();
    fs.copyFileSync("content/skills.yaml", path.join(dir, "skills.yaml"));
    for (const f of unpackZip(zip).files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.bytes);
    }
    const loaded = loadContent(dir, { today: "2026-12-05" });
    expect(loaded.problems).toEqual([]);
    expect(loaded.content.modules[0]?.lessons[0]?.title).toBe("Our greeting");
  });

  it("packs a library module and unpacks it to the same bytes as on disk", () => {
    const dir = "content/the-phone";
    const files = fs.readdirSync(dir).map((name) => ({ path: name, bytes: new Uint8Array(fs.readFileSync(path.join(dir, name))) }));
    const back = unpackZip(packModule("the-phone", files));
    expect(back.problems).toEqual([]);
    expect(back.files.map((f) => [f.path, Buffer.from(f.bytes).toString("utf8")]).sort()).toEqual(
      files.map((f) => [`the-phone/${f.path}`, Buffer.from(f.bytes).toString("utf8")]).sort(),
    );
    const folder = readModuleFiles(back.files);
    expect(folder.problems).toEqual([]);
    expect(folder.module?.slug).toBe("the-phone");
  });

  it("refuses hostile zips by the file they name, and stops a bomb early", () => {
    const refused = (files: Record<string, Uint8Array>) => unpackZip(zipSync(files)).problems.map((p) => `${p.file}: ${p.message}`).join("\n");
    expect(refused({ "m/../../etc/passwd": text("x") })).toMatch(/leads out of the folder/);
    expect(refused({ "/abs/module.yaml": text("x") })).toMatch(/absolute path/);
    expect(refused({ "C:/x/module.yaml": text("x") })).toMatch(/absolute path/);
    expect(refused({ "m/a/b/c/deep.mdx": text("x") })).toMatch(/nested deeper/);
    expect(refused(Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`m/l${i}.mdx`, text("x")])))).toMatch(/more than 300 files/);
    // 60 MB of zeros compresses to a few tens of KB; it is refused at the first entry's limit.
    const bomb = zipSync({ "m/bomb.mdx": new Uint8Array(60 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(unpackZip(bomb).problems[0]?.message).toMatch(/over 3 MB once unpacked/);
    expect(unpackZip(text("<html>not a zip</html>")).problems[0]?.message).toBe("This is not a .zip file.");
    const good = zipSync({ "m/module.yaml": text("title: x") });
    expect(unpackZip(good.subarray(0, good.length - 10)).problems[0]?.message).toMatch(/damaged|cut short/);
    // A symbolic link, as zip tools mark it (unix mode 0120777 in the central directory).
    const link = zipSync({ "m/link.mdx": [text("/etc/passwd"), { os: 3, attrs: 0o120777 << 16 }] });
    expect(unpackZip(link).problems[0]?.message).toMatch(/a symbolic link/);
    expect(unpackZip(zipSync({ "__MACOSX/m/._x": text("x"), "m/module.yaml": text("t") })).files.map((f) => f.path)).toEqual(["m/module.yaml"]);
    // Names that differ only in case are one file on most computers.
    expect(refused({ "m/Lesson.mdx": text("a"), "m/lesson.mdx": text("b") })).toMatch(/in the .zip twice/);
    // Two directory entries pointing at the same bytes (how the smallest bombs multiply a stream).
    const pair = zipSync({ "m/a.mdx": text("same"), "m/b.mdx": text("same") }, { level: 0 });
    const view = new DataView(pair.buffer, pair.byteOffset, pair.byteLength);
    const directory = view.getUint32(pair.length - 6, true);
    const secondEntry = directory + 46 + view.getUint16(directory + 28, true);
    view.setUint32(secondEntry + 42, view.getUint32(directory + 42, true), true);
    expect(unpackZip(pair).problems.map((p) => p.message).join("\n")).toMatch(/header does not match|shares its bytes/);
    // A directory that names a file the local header does not.
    const renamed = zipSync({ "m/module.yaml": text("t") });
    renamed[30 + 2] = "X".charCodeAt(0);
    expect(unpackZip(renamed).problems[0]?.message).toMatch(/header does not match/);
  });

  it("reads a folder's files: names its problems by file", () => {
    const folder = readModuleFiles([
      { path: "m/module.yaml", bytes: text("title: x") },
      { path: "m/orphan.quiz.yaml", bytes: text("x") },
      { path: "m/Bad Name.mdx", bytes: text("x") },
      { path: "m/bom.mdx", bytes: new Uint8Array([0xef, 0xbb, 0xbf, 0x41]) },
      { path: "m/latin.mdx", bytes: new Uint8Array([0xe9]) },
      { path: "m/notes.txt", bytes: text("x") },
    ]);
    const messages = folder.problems.map((p) => `${p.file}: ${p.message}`).join("\n");
    expect(messages).toMatch(/orphan.quiz.yaml: a quiz without its lesson: orphan.mdx is missing/);
    expect(messages).toMatch(/Bad Name.mdx: the file name must be lowercase words/);
    expect(messages).toMatch(/bom.mdx: starts with a byte-order mark/);
    expect(messages).toMatch(/latin.mdx: is not UTF-8/);
    expect(messages).toMatch(/notes.txt: unexpected file/);
  });
});
