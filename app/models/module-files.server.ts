// A module as the folder content/ holds it (module.yaml, <lesson>.mdx, <lesson>.quiz.yaml,
// images/<name>), packed as a .zip and read back.
//
// An uploaded zip is hostile. It is read from its central directory (the list every extractor
// trusts), and each entry's local header must agree with it; nothing is inflated until every
// entry has passed: no path that could leave the folder, no link, no encrypted entry, no
// duplicate (case aside), no entries sharing bytes. Sizes are then enforced while inflating, a
// kilobyte of compressed input at a time, because declared sizes can lie: a zip bomb stops at the
// limit, never inflated whole. Nothing here judges a lesson's content: the lesson rules do, on
// the text kept byte for byte.
import { crc32 } from "node:zlib";
import { UnzipInflate, zipSync, type Zippable } from "fflate";
import { slug } from "./content-schema.server.ts";

export interface FolderFile {
  path: string;
  bytes: Uint8Array;
}

export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

/** Limits on an uploaded .zip (bytes, except the count of files). */
export const MAX_ZIP_BYTES = 20 * 1024 * 1024;
export const MAX_ENTRIES = 300;
export const MAX_TOTAL_BYTES = 60 * 1024 * 1024;
export const MAX_ENTRY_BYTES = 3 * 1024 * 1024;
/** Limit on one text file of a module (a lesson, a quiz, module.yaml). */
export const MAX_LESSON_BYTES = 200 * 1024;

/** The `file` of a problem with the whole upload rather than one file in it. */
export const UPLOAD = "upload";

/**
 * Compressed bytes given to the inflater at a time. DEFLATE expands at most about 1032 to 1, so
 * one step yields at most about 1 MB before the limits are checked again.
 */
const INFLATE_STEP = 1024;
/** A zip with hundreds of bad entries gets a readable list, not hundreds of lines. */
const MAX_LISTED_PROBLEMS = 20;

const MB = 1024 * 1024;

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
// Unpacking

interface Entry {
  name: string;
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  external: number;
  offset: number;
}

type Directory = { entries: Entry[]; directoryStart: number } | { problem: string };

const DAMAGED = "The .zip file is damaged or cut short.";

/** Why a path may not be used, or null. Used for entries of an upload and for paths to pack. */
function pathProblem(name: string): string | null {
  if (name === "") return "Refused: an entry without a name.";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return "Refused: the name contains a control character.";
  if (name.includes("\\")) return "Refused: the name contains a backslash (a zip path separates folders with /).";
  if (/^[a-z]:/i.test(name)) return "Refused: an absolute path (a drive letter).";
  if (name.startsWith("/")) return "Refused: an absolute path.";
  const parts = name.replace(/\/$/, "").split("/");
  if (parts.includes("..")) return "Refused: the path leads out of the folder (..).";
  if (parts.some((p) => p === "" || p === ".")) return 'Refused: the path has an empty or "." part.';
  return null;
}

/** macOS and Windows leave these in folders and zips; they are skipped without a word. */
function isJunk(path: string): boolean {
  const parts = path.split("/");
  const base = parts[parts.length - 1] ?? "";
  return parts.includes("__MACOSX") || base === ".DS_Store" || base.toLowerCase() === "thumbs.db";
}

/** A name as a problem shows it: control characters written as escapes. */
function shown(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** Entry names: UTF-8 when flagged or when they decode as UTF-8 (macOS does not flag them). */
function decodeName(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    return latin1.decode(raw);
  }
}

/** The end-of-central-directory record and the central directory, checked for shape. */
function readDirectory(b: Uint8Array): Directory {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // The record is the last 22 bytes plus a comment of up to 65,535; the one that ends the file
  // exactly wins (a comment may itself contain the signature).
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50 && i + 22 + view.getUint16(i + 20, true) === b.length) {
      end = i;
      break;
    }
  }
  if (end < 0) return { problem: DAMAGED };
  const disk = view.getUint16(end + 4, true);
  const directoryDisk = view.getUint16(end + 6, true);
  const onDisk = view.getUint16(end + 8, true);
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryStart = view.getUint32(end + 16, true);
  const zip64 = end >= 20 && view.getUint32(end - 20, true) === 0x07064b50;
  if (zip64 || count === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    return { problem: "The .zip file uses ZIP64, which DeskCoach does not read; a module never needs it. Zip the module folder again." };
  }
  if (disk !== 0 || directoryDisk !== 0 || onDisk !== count) return { problem: "The .zip file is split across several parts; upload a single .zip." };
  if (directoryStart + directorySize !== end) return { problem: DAMAGED };

  const entries: Entry[] = [];
  let p = directoryStart;
  for (let n = 0; n < count; n++) {
    if (p + 46 > end || view.getUint32(p, true) !== 0x02014b50) return { problem: DAMAGED };
    const nameLength = view.getUint16(p + 28, true);
    const next = p + 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    if (next > end) return { problem: DAMAGED };
    const entry: Entry = {
      rawName: b.subarray(p + 46, p + 46 + nameLength),
      name: "",
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      external: view.getUint32(p + 38, true),
      offset: view.getUint32(p + 42, true),
    };
    if (view.getUint16(p + 34, true) !== 0) return { problem: "The .zip file is split across several parts; upload a single .zip." };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.offset === 0xffffffff) {
      return { problem: "The .zip file uses ZIP64, which DeskCoach does not read; a module never needs it. Zip the module folder again." };
    }
    entry.name = decodeName(entry.rawName);
    entries.push(entry);
    p = next;
  }
  if (p !== end) return { problem: DAMAGED };
  return { entries, directoryStart };
}

/** Why an entry (not skipped) is refused before anything is inflated, or null. */
function entryProblem(entry: Entry): string | null {
  const type = (entry.external >>> 16) & 0o170000;
  if (type === 0o120000) return "Refused: a symbolic link, not a file.";
  if (type !== 0 && type !== 0o100000) return "Refused: not an ordinary file (a folder without a trailing /, a device or a pipe).";
  // Bit 0: encrypted; bit 6: strong encryption; bit 13: encrypted directory. Method 99 is AES.
  if ((entry.flags & 0x2041) !== 0 || entry.method === 99) return "Refused: an encrypted file; zip the module again without a password.";
  if (entry.method !== 0 && entry.method !== 8) return `Refused: packed with a compression method DeskCoach does not read (method ${entry.method}); only stored and deflated files.`;
  if (entry.name.split("/").length > 3) return "Refused: folders nested deeper than <module>/images/<name>.";
  if (entry.size > MAX_ENTRY_BYTES) return `Refused: over ${MAX_ENTRY_BYTES / MB} MB once unpacked.`;
  return null;
}

/**
 * Reads an uploaded .zip without trusting it. Never throws: a refused zip gives no files and the
 * problems, each naming the entry (or "upload" for the zip as a whole). Directory entries,
 * `__MACOSX/`, `.DS_Store` and `Thumbs.db` are skipped silently. Paths are returned as in the zip.
 */
export function unpackZip(bytes: Uint8Array): { files: FolderFile[]; problems: FileProblem[] } {
  try {
    return unpack(bytes);
  } catch {
    // Every known failure is reported above; this is the promise never to throw on an upload.
    return refuse(UPLOAD, DAMAGED);
  }
}

function refuse(file: string, message: string): { files: FolderFile[]; problems: FileProblem[] } {
  return { files: [], problems: [{ file: shown(file), line: 1, message }] };
}

function unpack(bytes: Uint8Array): { files: FolderFile[]; problems: FileProblem[] } {
  if (bytes.length > MAX_ZIP_BYTES) {
    return refuse(UPLOAD, `The .zip is ${(bytes.length / MB).toFixed(1)} MB; the limit is ${MAX_ZIP_BYTES / MB} MB.`);
  }
  const signature = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : 0;
  if (signature !== 0x04034b50 && signature !== 0x06054b50) return refuse(UPLOAD, "This is not a .zip file.");
  const directory = readDirectory(bytes);
  if ("problem" in directory) return refuse(UPLOAD, directory.problem);

  // Every entry is judged before any is inflated.
  const problems: FileProblem[] = [];
  const wanted: Entry[] = [];
  const seen = new Map<string, string>();
  for (const entry of directory.entries) {
    const problem = pathProblem(entry.name);
    if (problem) {
      problems.push({ file: shown(entry.name), line: 1, message: problem });
      continue;
    }
    if (entry.name.endsWith("/") || isJunk(entry.name)) continue;
    if (wanted.length === MAX_ENTRIES) return refuse(UPLOAD, `The .zip holds more than ${MAX_ENTRIES} files; a module needs far fewer.`);
    wanted.push(entry);
    const key = entry.name.normalize("NFC").toLowerCase();
    const earlier = seen.get(key);
    const refused =
      entryProblem(entry) ??
      (earlier === undefined
        ? null
        : earlier === entry.name
          ? "Refused: this file is in the .zip twice."
          : `Refused: this file is in the .zip twice (as ${shown(earlier)}; names that differ only in case are the same file on most computers).`);
    if (refused) problems.push({ file: shown(entry.name), line: 1, message: refused });
    if (earlier === undefined) seen.set(key, entry.name);
  }
  const declared = wanted.reduce((sum, e) => sum + e.size, 0);
  if (problems.length === 0 && declared > MAX_TOTAL_BYTES) return refuse(UPLOAD, `Refused: the .zip unpacks to over ${MAX_TOTAL_BYTES / MB} MB.`);

  // Each entry's local header must agree with the directory, and no two entries may share bytes
  // (overlapping entries are how the smallest zip bombs multiply one compressed stream).
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans: { entry: Entry; start: number; end: number }[] = [];
  for (const entry of problems.length === 0 ? wanted : []) {
    const at = entry.offset;
    const ok = at + 30 <= directory.directoryStart && view.getUint32(at, true) === 0x04034b50;
    const nameLength = ok ? view.getUint16(at + 26, true) : 0;
    const start = at + 30 + nameLength + (ok ? view.getUint16(at + 28, true) : 0);
    const end = start + entry.compressedSize;
    const sameName = ok && start <= directory.directoryStart && equalBytes(bytes.subarray(at + 30, at + 30 + nameLength), entry.rawName);
    if (!ok || !sameName || end > directory.directoryStart || view.getUint16(at + 8, true) !== entry.method || (view.getUint16(at + 6, true) & 0x2041) !== 0) {
      problems.push({ file: shown(entry.name), line: 1, message: "The .zip file is damaged: this file's header does not match the zip's list of files." });
    } else spans.push({ entry, start: at, end });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) {
      problems.push({ file: shown(spans[i]!.entry.name), line: 1, message: "Refused: this file shares its bytes with another entry (a zip bomb)." });
    }
  }
  if (problems.length > 0) return { files: [], problems: listed(problems) };

  const files: FolderFile[] = [];
  let total = 0;
  for (const entry of wanted) {
    const at = entry.offset;
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const data = bytes.subarray(start, start + entry.compressedSize);
    const budget = Math.min(MAX_ENTRY_BYTES, MAX_TOTAL_BYTES - total);
    const out = entry.method === 0 ? (data.length > budget ? "over" : data.slice()) : inflate(data, budget);
    if (out === "over") {
      // Within the entry's own limit only when what is left of the total is smaller.
      const message = budget === MAX_ENTRY_BYTES ? `Refused: over ${MAX_ENTRY_BYTES / MB} MB once unpacked.` : `Refused: the .zip unpacks to over ${MAX_TOTAL_BYTES / MB} MB.`;
      return refuse(entry.name, message);
    }
    if (out === "damaged" || out.length !== entry.size || crc32(out) !== entry.crc) {
      return refuse(entry.name, "The .zip file is damaged: this file cannot be unpacked as it was packed.");
    }
    total += out.length;
    files.push({ path: entry.name, bytes: out });
  }
  return { files, problems: [] };
}

function listed(problems: FileProblem[]): FileProblem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    { file: UPLOAD, line: 1, message: `…and ${problems.length - MAX_LISTED_PROBLEMS} more problems like these.` },
  ];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Inflates one entry a step at a time, counting what comes out; stops as soon as the count passes
 * `budget`, so a bomb costs at most the budget plus one step's output.
 */
function inflate(data: Uint8Array, budget: number): Uint8Array | "over" | "damaged" {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let state: "running" | "over" | "damaged" = "running";
  const inflater = new UnzipInflate();
  inflater.ondata = (error, chunk) => {
    if (state !== "running") return;
    if (error) state = "damaged";
    else if ((size += chunk.length) > budget) state = "over";
    else if (chunk.length > 0) chunks.push(chunk);
  };
  if (data.length === 0) return "damaged";
  for (let i = 0; i < data.length && state === "running"; i += INFLATE_STEP) {
    const end = Math.min(i + INFLATE_STEP, data.length);
    inflater.push(data.subarray(i, end), end === data.length);
  }
  if (state !== "running") return state;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
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
