// A module as the folder content/ holds it (module.yaml, <lesson>.mdx, <lesson>.quiz.yaml,
// images/<name>), packed as a .zip and read back.
//
// An uploaded zip is hostile: zip-files.server.ts reads it (shared with the .xlsx imports), within
// this file's limits. Nothing here judges a lesson's content: the lesson rules do, on the text
// kept byte for byte.
import { zipSync, type Zippable } from "fflate";
import { slug } from "./content-schema.server.ts";
import { isJunk, pathProblem, readZip, shown, UPLOAD, utf8, type FileProblem, type FolderFile, type ZipRules } from "./zip-files.server.ts";

export { UPLOAD, type FileProblem, type FolderFile };

/** Limits on an uploaded .zip (bytes, except the count of files). */
export const MAX_ZIP_BYTES = 20 * 1024 * 1024;
export const MAX_ENTRIES = 300;
export const MAX_TOTAL_BYTES = 60 * 1024 * 1024;
export const MAX_ENTRY_BYTES = 3 * 1024 * 1024;
/** Limit on one text file of a module (a lesson, a quiz, module.yaml). */
export const MAX_LESSON_BYTES = 200 * 1024;

// ---------------------------------------------------------------------------------------------
// Packing

/**
 * 2000-01-01 00:00 in local time: fflate writes the DOS time from local-time fields, so every
 * entry carries 2000-01-01 00:00:00 whatever the server's time zone.
 */
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);
/** Unix host, regular file, rw-r--r--. */
const FILE_ATTRS = 0o100644 << 16;
const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/**
 * A deterministic zip of one module folder: entries `<folder>/<path>`, module.yaml first, then
 * the rest sorted by path; every entry dated 2000-01-01, with no extra fields and no comment, so
 * the same module packs to the same bytes. Text is deflated; pictures (already compressed) are
 * stored. Throws only on a programming error: a path that is unsafe or given twice.
 */
export function packModule(folder: string, files: FolderFile[]): Uint8Array {
  const unsafe = [folder, ...files.map((f) => f.path)].find((p) => pathProblem(p) !== null);
  if (unsafe !== undefined || folder.includes("/")) throw new Error(`packModule: unsafe path ${JSON.stringify(unsafe ?? folder)}`);
  const sorted = [...files].sort((a, b) => byPath(a.path, b.path));
  const zippable: Zippable = {};
  for (const f of sorted) {
    const name = `${folder}/${f.path}`;
    if (name in zippable) throw new Error(`packModule: ${JSON.stringify(f.path)} given twice`);
    zippable[name] = [f.bytes, { mtime: FIXED_TIME, level: IMAGE_FILE.test(f.path) ? 0 : 9, os: 3, attrs: FILE_ATTRS }];
  }
  return zipSync(zippable);
}

function byPath(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "module.yaml") return -1;
  if (b === "module.yaml") return 1;
  return a < b ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------
// Unpacking (the reading itself is zip-files.server.ts, shared with the .xlsx imports)

const MODULE_ZIP: ZipRules = {
  maxZipBytes: MAX_ZIP_BYTES,
  maxEntries: MAX_ENTRIES,
  maxTotalBytes: MAX_TOTAL_BYTES,
  maxEntryBytes: MAX_ENTRY_BYTES,
  maxDepth: 3,
  depthExample: "<module>/images/<name>",
  // Sizes are enforced while inflating; a module's text may compress very well, so no ratio rule.
  maxRatio: null,
  what: "a module",
  again: "Zip the module folder again.",
};

/**
 * Reads an uploaded module .zip without trusting it. Never throws: a refused zip gives no files
 * and the problems, each naming the entry (or "upload" for the zip as a whole).
 */
export function unpackZip(bytes: Uint8Array): { files: FolderFile[]; problems: FileProblem[] } {
  return readZip(bytes, MODULE_ZIP);
}

// ---------------------------------------------------------------------------------------------
// Sorting a folder's files into their places

export interface ModuleFolder {
  /** `slug` is the module folder's name; "" for loose files (the importer names the module from its title). */
  module: { slug: string; yaml: string } | null;
  lessons: { slug: string; source: string; quizText: string | null; file: string; quizFile: string }[];
  images: { name: string; bytes: Uint8Array; file: string }[];
  problems: FileProblem[];
}

const IMAGE_NAME = /^(.*)\.(png|jpg|jpeg|webp)$/;
const isSlug = (s: string) => slug.safeParse(s).success;

/**
 * Sorts a module's files into their places. Takes one top folder `<module>/…` (as exported) or
 * loose files at the root (a folder's files chosen in a file picker). Names each problem by file;
 * keeps every text byte for byte (a text that is not UTF-8 or starts with a byte-order mark is
 * refused, not repaired). Does not judge a lesson's content: the caller runs the content rules.
 */
export function readModuleFiles(input: FolderFile[]): ModuleFolder {
  const problems: FileProblem[] = [];
  const files = input.filter((f) => !isJunk(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const empty: ModuleFolder = { module: null, lessons: [], images: [], problems };

  // Where the module is: loose files (a module.yaml at the root), or one top folder.
  const top = moduleFolder(files.map((f) => f.path));
  if (top === null) {
    problems.push({ file: UPLOAD, line: 1, message: "The files hold more than one module (a module.yaml in several folders): import one module at a time." });
    return empty;
  }
  if (top !== "" && !isSlug(top)) problems.push({ file: shown(top), line: 1, message: "the module folder's name must be lowercase words joined by hyphens" });
  const inFolder = (name: string) => (top ? `${top}/${name}` : name);

  const text = (f: FolderFile): string | null => {
    const file = shown(f.path);
    if (f.bytes.length > MAX_LESSON_BYTES) {
      problems.push({ file, line: 1, message: `is over ${MAX_LESSON_BYTES / 1024} KB; a lesson, a quiz or module.yaml is far smaller` });
      return null;
    }
    if (f.bytes[0] === 0xef && f.bytes[1] === 0xbb && f.bytes[2] === 0xbf) {
      problems.push({ file, line: 1, message: "starts with a byte-order mark (BOM); save it as UTF-8 without a BOM" });
      return null;
    }
    try {
      return utf8.decode(f.bytes);
    } catch {
      problems.push({ file, line: 1, message: "is not UTF-8 text; save it as UTF-8" });
      return null;
    }
  };

  let moduleYaml: string | null = null;
  let moduleSeen = false;
  const lessonsSeen = new Set<string>();
  const sources = new Map<string, { text: string; file: string }>();
  const quizzes = new Map<string, { text: string | null; file: string }>();
  const images: ModuleFolder["images"] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = shown(f.path);
    if (top && !f.path.startsWith(`${top}/`)) {
      problems.push({ file, line: 1, message: `unexpected file outside the module's folder ${shown(top)}/` });
      continue;
    }
    const rel = top ? f.path.slice(top.length + 1) : f.path;
    const key = rel.normalize("NFC").toLowerCase();
    if (seen.has(key)) {
      problems.push({ file, line: 1, message: `is here twice (as ${shown(seen.get(key)!)})` });
      continue;
    }
    seen.set(key, f.path);

    if (rel === "module.yaml") {
      moduleSeen = true;
      moduleYaml = text(f);
      continue;
    }
    const image = /^images\/([^/]+)$/.exec(rel);
    if (image && IMAGE_NAME.test(image[1]!.toLowerCase())) {
      const [, stem = "", ext = ""] = IMAGE_NAME.exec(image[1]!) ?? [];
      if (!isSlug(stem) || ext === "") {
        problems.push({ file, line: 1, message: "a picture's name must be lowercase words joined by hyphens, ending .png, .jpg, .jpeg or .webp" });
      } else images.push({ name: image[1]!, bytes: f.bytes, file: f.path });
      continue;
    }
    const lesson = /^([^/]+)\.(mdx|quiz\.yaml)$/i.exec(rel);
    if (!lesson) {
      problems.push({
        file,
        line: 1,
        message: "unexpected file: a module holds module.yaml, lessons (.mdx), their quizzes (.quiz.yaml) and pictures in images/ (.png, .jpg, .jpeg, .webp)",
      });
      continue;
    }
    const [, name = "", kind = ""] = lesson;
    if (!isSlug(name) || (kind !== "mdx" && kind !== "quiz.yaml")) {
      problems.push({ file, line: 1, message: `the file name must be lowercase words joined by hyphens, ending .mdx or .quiz.yaml (like answering-the-phone.${kind.toLowerCase()})` });
      continue;
    }
    const body = text(f);
    if (kind === "mdx") {
      lessonsSeen.add(name);
      if (body !== null) sources.set(name, { text: body, file: f.path });
    } else quizzes.set(name, { text: body, file: f.path });
  }

  for (const [name, quiz] of quizzes) {
    if (!lessonsSeen.has(name)) problems.push({ file: shown(quiz.file), line: 1, message: `a quiz without its lesson: ${name}.mdx is missing` });
  }
  if (!moduleSeen) problems.push({ file: shown(inFolder("module.yaml")), line: 1, message: "module.yaml is missing" });

  const lessons = [...sources].map(([name, s]) => {
    const quiz = quizzes.get(name);
    return { slug: name, source: s.text, quizText: quiz?.text ?? null, file: s.file, quizFile: quiz?.file ?? inFolder(`${name}.quiz.yaml`) };
  });
  return { module: moduleYaml !== null ? { slug: top, yaml: moduleYaml } : null, lessons, images: images.sort((a, b) => (a.name < b.name ? -1 : 1)), problems };
}

/**
 * The module's top folder: "" when module.yaml is at the root (or the files are loose), the
 * folder holding the one `<folder>/module.yaml`, or, without any module.yaml, the single first
 * folder every file shares. Null when module.yaml is in several folders.
 */
function moduleFolder(paths: string[]): string | null {
  if (paths.includes("module.yaml")) return "";
  const homes = paths.filter((p) => /^[^/]+\/module\.yaml$/.test(p)).map((p) => p.slice(0, -"/module.yaml".length));
  if (homes.length > 1) return null;
  if (homes.length === 1) return homes[0]!;
  const firsts = new Set(paths.map((p) => (p.includes("/") ? p.split("/")[0]! : "")));
  const only = firsts.size === 1 ? [...firsts][0]! : "";
  // Loose pictures sit in images/ at the root: that is not a module folder named "images".
  if (only === "images" && paths.every((p) => p.split("/").length === 2)) return "";
  return only;
}
