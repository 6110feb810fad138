// A module as the folder content/ holds (module.yaml, <lesson>.mdx, <lesson>.quiz.yaml,
// images/<name>), packed as a .zip and read back. An uploaded zip is hostile: sizes are enforced
// while inflating (declared sizes can lie), and paths that could leave the folder, links,
// encrypted entries and duplicates are refused. Nothing here judges a lesson's content: the
// lesson rules do, on the text kept byte for byte.
import { Unzip, UnzipInflate, zipSync, type Zippable } from "fflate";
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

export const MAX_ZIP_BYTES = 20 * 1024 * 1024;
export const MAX_ENTRIES = 300;
export const MAX_TOTAL_BYTES = 60 * 1024 * 1024;
export const MAX_ENTRY_BYTES = 3 * 1024 * 1024;
export const MAX_LESSON_BYTES = 200 * 1024;

/** 2000-01-01 00:00 local: every packed file carries the same time, so a module packs the same way twice. */
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

/** A deterministic zip of one folder: module.yaml first, then the rest sorted. */
export function packModule(folder: string, files: FolderFile[]): Uint8Array {
  const sorted = [...files].sort((a, b) => (a.path === "module.yaml" ? -1 : b.path === "module.yaml" ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const zippable: Zippable = {};
  for (const f of sorted) zippable[`${folder}/${f.path}`] = [f.bytes, { mtime: FIXED_TIME, level: 6 }];
  return zipSync(zippable);
}

const SKIPPED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)/;

function pathProblem(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "a file name with control characters";
  if (name.includes("\\")) return "a file name with a backslash";
  if (name.startsWith("/") || /^[a-z]:/i.test(name)) return "an absolute path";
  if (name.split("/").some((part) => part === ".." || part === ".")) return "a path that leaves the folder";
  if (name.split("/").length > 3) return "folders nested deeper than <module>/images/<name>";
  return null;
}

/** Reads a zip without trusting it. Never throws. */
export function unpackZip(bytes: Uint8Array): { files: FolderFile[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const refuse = (file: string, message: string) => ({ files: [], problems: [...problems, { file, line: 1, message }] });
  if (bytes.length > MAX_ZIP_BYTES) return refuse("upload", `The .zip is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_ZIP_BYTES / 1024 / 1024} MB.`);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5))) return refuse("upload", "This is not a .zip file.");

  // The central directory says which entries are links or encrypted; fflate's stream does not.
  const flags = centralFlags(bytes);
  if (flags === null) return refuse("upload", "The .zip file is damaged or cut short.");

  const files: FolderFile[] = [];
  const seen = new Set<string>();
  let total = 0;
  let entries = 0;
  let stop: FileProblem | null = null;
  const unzip = new Unzip((entry) => {
    if (stop) return;
    const name = entry.name;
    if (name.endsWith("/") || SKIPPED.test(name)) return;
    if (++entries > MAX_ENTRIES) {
      stop = { file: "upload", line: 1, message: `The .zip holds more than ${MAX_ENTRIES} files.` };
      return;
    }
    const problem = pathProblem(name);
    const info = flags.get(name);
    if (problem) stop = { file: name, line: 1, message: `Refused: ${problem}.` };
    else if (info?.symlink) stop = { file: name, line: 1, message: "Refused: a link, not a file." };
    else if (info?.encrypted) stop = { file: name, line: 1, message: "Refused: an encrypted file." };
    else if (seen.has(name.toLowerCase())) stop = { file: name, line: 1, message: "Refused: this file is in the .zip twice." };
    if (stop) return;
    seen.add(name.toLowerCase());
    const chunks: Uint8Array[] = [];
    let size = 0;
    entry.ondata = (error, chunk, final) => {
      if (stop) return;
      if (error) {
        stop = { file: name, line: 1, message: "The .zip file is damaged." };
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > MAX_ENTRY_BYTES) stop = { file: name, line: 1, message: `Refused: over ${MAX_ENTRY_BYTES / 1024 / 1024} MB once unpacked.` };
      else if (total > MAX_TOTAL_BYTES) stop = { file: name, line: 1, message: `Refused: the .zip unpacks to over ${MAX_TOTAL_BYTES / 1024 / 1024} MB.` };
      if (stop) {
        entry.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) {
        const out = new Uint8Array(size);
        let offset = 0;
        for (const c of chunks) {
          out.set(c, offset);
          offset += c.length;
        }
        files.push({ path: name, bytes: out });
      }
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    // In slices, so a bomb stops at the limit instead of inflating whole.
    for (let i = 0; i < bytes.length && !stop; i += 64 * 1024) unzip.push(bytes.subarray(i, i + 64 * 1024), i + 64 * 1024 >= bytes.length);
  } catch {
    return refuse("upload", "The .zip file is damaged or uses a kind of compression DeskCoach does not read.");
  }
  if (stop) return { files: [], problems: [stop] };
  return { files, problems };
}

/** Per entry name: whether the central directory marks it a symbolic link or encrypted. Null when unreadable. */
function centralFlags(b: Uint8Array): Map<string, { symlink: boolean; encrypted: boolean }> | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const out = new Map<string, { symlink: boolean; encrypted: boolean }>();
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || view.getUint32(p, true) !== 0x02014b50) return null;
    const flag = view.getUint16(p + 8, true);
    const made = view.getUint16(p + 4, true) >> 8;
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const external = view.getUint32(p + 38, true);
    const name = decoder.decode(b.subarray(p + 46, p + 46 + nameLength));
    const unixMode = made === 3 ? external >>> 16 : 0;
    out.set(name, { symlink: (unixMode & 0o170000) === 0o120000, encrypted: (flag & 1) === 1 });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

export interface ModuleFolder {
  /** `slug` is the folder's name, or "" for loose files. */
  module: { slug: string; yaml: string } | null;
  lessons: { slug: string; source: string; quizText: string | null; file: string; quizFile: string }[];
  images: { name: string; bytes: Uint8Array; file: string }[];
  problems: FileProblem[];
}

/**
 * Sorts a folder's files into their places: one top folder `<module>/…` (as exported) or loose
 * files. Text is kept byte for byte (refused if it is not UTF-8 or starts with a byte-order mark).
 */
export function readModuleFiles(files: FolderFile[]): ModuleFolder {
  const problems: FileProblem[] = [];
  const tops = new Set(files.map((f) => (f.path.includes("/") && !f.path.startsWith("images/") ? f.path.split("/")[0] : "")));
  const top = tops.size === 1 ? [...tops][0]! : "";
  if (tops.size > 1) problems.push({ file: "upload", line: 1, message: "The files are in more than one folder: import one module at a time." });
  const strip = (p: string) => (top && p.startsWith(`${top}/`) ? p.slice(top.length + 1) : p);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const text = (f: FolderFile): string | null => {
    if (f.bytes[0] === 0xef && f.bytes[1] === 0xbb && f.bytes[2] === 0xbf) {
      problems.push({ file: f.path, line: 1, message: "starts with a byte-order mark; save it as UTF-8 without one" });
      return null;
    }
    try {
      return decoder.decode(f.bytes);
    } catch {
      problems.push({ file: f.path, line: 1, message: "is not UTF-8 text" });
      return null;
    }
  };
  let moduleYaml: string | null = null;
  const sources = new Map<string, { text: string; file: string }>();
  const quizzes = new Map<string, { text: string; file: string }>();
  const images: ModuleFolder["images"] = [];
  for (const f of files) {
    const rel = strip(f.path);
    if (rel === "module.yaml") {
      moduleYaml = text(f);
      continue;
    }
    const image = /^images\/([^/]+)$/.exec(rel);
    if (image) {
      if (!/^[a-z0-9][a-z0-9-]*\.(png|jpg|jpeg|webp)$/.test(image[1]!)) problems.push({ file: f.path, line: 1, message: "a picture's name is lowercase words joined by hyphens, ending .png, .jpg or .webp" });
      else images.push({ name: image[1]!, bytes: f.bytes, file: f.path });
      continue;
    }
    const lesson = /^([^/]+)\.(mdx|quiz\.yaml)$/.exec(rel);
    if (!lesson) {
      problems.push({ file: f.path, line: 1, message: "unexpected file (a module holds module.yaml, lessons as .mdx, quizzes as .quiz.yaml and pictures in images/)" });
      continue;
    }
    const name = lesson[1]!;
    if (!slug.safeParse(name).success) {
      problems.push({ file: f.path, line: 1, message: "a lesson's file name is lowercase words joined by hyphens" });
      continue;
    }
    if (f.bytes.length > MAX_LESSON_BYTES) {
      problems.push({ file: f.path, line: 1, message: `over ${MAX_LESSON_BYTES / 1024} KB: far longer than a lesson` });
      continue;
    }
    const body = text(f);
    if (body === null) continue;
    (lesson[2] === "mdx" ? sources : quizzes).set(name, { text: body, file: f.path });
  }
  for (const [name, quiz] of quizzes) if (!sources.has(name)) problems.push({ file: quiz.file, line: 1, message: `quiz without a lesson (${name}.mdx)` });
  const folderSlug = top || null;
  if (folderSlug && !slug.safeParse(folderSlug).success) problems.push({ file: folderSlug, line: 1, message: "the module folder's name is lowercase words joined by hyphens" });
  if (moduleYaml === null && !problems.some((p) => p.file.endsWith("module.yaml"))) problems.push({ file: `${folderSlug ?? "."}/module.yaml`, line: 1, message: "module.yaml is missing" });
  const lessons = [...sources].map(([name, s]) => {
    const quiz = quizzes.get(name);
    return { slug: name, source: s.text, quizText: quiz?.text ?? null, file: s.file, quizFile: quiz?.file ?? `${folderSlug ?? "."}/${name}.quiz.yaml` };
  });
  // Loose files carry no folder name: the importer names the module from its title.
  return { module: moduleYaml !== null ? { slug: folderSlug ?? "", yaml: moduleYaml } : null, lessons, images, problems };
}
