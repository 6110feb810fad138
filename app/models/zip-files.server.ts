// Reading an uploaded .zip without trusting it: the studio's module import and the .xlsx imports
// (an .xlsx file is a zip of XML files). Each caller states its own limits (ZipRules).
//
// An uploaded zip is hostile. It is read from its central directory (the list every extractor
// trusts), and each entry's local header must agree with it; nothing is inflated until every
// entry has passed: no path that could leave the folder, no link, no encrypted entry, no
// duplicate (case aside), no entries sharing bytes, no entry that claims to expand more than the
// rules allow. Sizes are then enforced while inflating, a kilobyte of compressed input at a time,
// because declared sizes can lie: a zip bomb stops at the limit or at the size it declared,
// whichever comes first, never inflated whole.
import { crc32 } from "node:zlib";
import { UnzipInflate } from "fflate";

export interface FolderFile {
  path: string;
  bytes: Uint8Array;
}

export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

/** What one kind of upload may hold (bytes, except counts), and how its messages name it. */
export interface ZipRules {
  maxZipBytes: number;
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Parts in an entry's path, folders included ("m/images/a.png" has 3). */
  maxDepth: number;
  /** The deepest path allowed, in words, for the message: "<module>/images/<name>". */
  depthExample: string;
  /** Uncompressed size over compressed size above which an entry over 1 MB is refused before inflating. */
  maxRatio: number | null;
  /** What the zip holds, for messages: "a module". */
  what: string;
  /** How to make a good one, for messages: "Zip the module folder again." */
  again: string;
}

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
export function pathProblem(name: string): string | null {
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
export function isJunk(path: string): boolean {
  const parts = path.split("/");
  const base = parts[parts.length - 1] ?? "";
  return parts.includes("__MACOSX") || base === ".DS_Store" || base.toLowerCase() === "thumbs.db";
}

/** A name as a problem shows it: control characters written as escapes. */
export function shown(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export const utf8 = new TextDecoder("utf-8", { fatal: true });
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
function readDirectory(b: Uint8Array, rules: ZipRules): Directory {
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
    return { problem: `The .zip file uses ZIP64, which DeskCoach does not read; ${rules.what} never needs it. ${rules.again}` };
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
      return { problem: `The .zip file uses ZIP64, which DeskCoach does not read; ${rules.what} never needs it. ${rules.again}` };
    }
    entry.name = decodeName(entry.rawName);
    entries.push(entry);
    p = next;
  }
  if (p !== end) return { problem: DAMAGED };
  return { entries, directoryStart };
}

/** Why an entry (not skipped) is refused before anything is inflated, or null. */
function entryProblem(entry: Entry, rules: ZipRules): string | null {
  const type = (entry.external >>> 16) & 0o170000;
  if (type === 0o120000) return "Refused: a symbolic link, not a file.";
  if (type !== 0 && type !== 0o100000) return "Refused: not an ordinary file (a folder without a trailing /, a device or a pipe).";
  // Bit 0: encrypted; bit 6: strong encryption; bit 13: encrypted directory. Method 99 is AES.
  if ((entry.flags & 0x2041) !== 0 || entry.method === 99) return `Refused: an encrypted file (it has a password), which DeskCoach cannot read. ${rules.again}`;
  if (entry.method !== 0 && entry.method !== 8) return `Refused: packed with a compression method DeskCoach does not read (method ${entry.method}); only stored and deflated files.`;
  if (entry.name.split("/").length > rules.maxDepth) return `Refused: folders nested deeper than ${rules.depthExample}.`;
  if (entry.size > rules.maxEntryBytes) return `Refused: over ${rules.maxEntryBytes / MB} MB once unpacked.`;
  // Checked before inflating: a declared size may lie, but one that admits a bomb is refused at once.
  if (rules.maxRatio !== null && entry.size > MB && entry.size > entry.compressedSize * rules.maxRatio) {
    return `Refused: this file would expand ${Math.round(entry.size / Math.max(1, entry.compressedSize))} times once unpacked (a zip bomb).`;
  }
  return null;
}

/**
 * Reads an uploaded .zip without trusting it. Never throws: a refused zip gives no files and the
 * problems, each naming the entry (or "upload" for the zip as a whole). Directory entries,
 * `__MACOSX/`, `.DS_Store` and `Thumbs.db` are skipped silently. Paths are returned as in the zip.
 */
export function readZip(bytes: Uint8Array, rules: ZipRules): { files: FolderFile[]; problems: FileProblem[] } {
  try {
    return unpack(bytes, rules);
  } catch {
    // Every known failure is reported above; this is the promise never to throw on an upload.
    return refuse(UPLOAD, DAMAGED);
  }
}

function refuse(file: string, message: string): { files: FolderFile[]; problems: FileProblem[] } {
  return { files: [], problems: [{ file: shown(file), line: 1, message }] };
}

function unpack(bytes: Uint8Array, rules: ZipRules): { files: FolderFile[]; problems: FileProblem[] } {
  const { maxEntries, maxEntryBytes, maxTotalBytes } = rules;
  if (bytes.length > rules.maxZipBytes) {
    return refuse(UPLOAD, `The .zip is ${(bytes.length / MB).toFixed(1)} MB; the limit is ${rules.maxZipBytes / MB} MB.`);
  }
  const signature = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : 0;
  if (signature !== 0x04034b50 && signature !== 0x06054b50) return refuse(UPLOAD, "This is not a .zip file.");
  const directory = readDirectory(bytes, rules);
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
    if (wanted.length === maxEntries) return refuse(UPLOAD, `The .zip holds more than ${maxEntries} files; ${rules.what} needs far fewer.`);
    wanted.push(entry);
    const key = entry.name.normalize("NFC").toLowerCase();
    const earlier = seen.get(key);
    const refused =
      entryProblem(entry, rules) ??
      (earlier === undefined
        ? null
        : earlier === entry.name
          ? "Refused: this file is in the .zip twice."
          : `Refused: this file is in the .zip twice (as ${shown(earlier)}; names that differ only in case are the same file on most computers).`);
    if (refused) problems.push({ file: shown(entry.name), line: 1, message: refused });
    if (earlier === undefined) seen.set(key, entry.name);
  }
  const declared = wanted.reduce((sum, e) => sum + e.size, 0);
  if (problems.length === 0 && declared > maxTotalBytes) return refuse(UPLOAD, `Refused: the .zip unpacks to over ${maxTotalBytes / MB} MB.`);

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
    const budget = Math.min(maxEntryBytes, maxTotalBytes - total);
    // No entry may hold more than it declares: a lying bomb stops at its declared size.
    const limit = Math.min(budget, entry.size);
    const out = entry.method === 0 ? (data.length > limit ? "over" : data.slice()) : inflate(data, limit);
    if (out === "over" && limit < budget) return refuse(entry.name, "Refused: this file holds more than the .zip says it does (a zip bomb).");
    if (out === "over") {
      // Within the entry's own limit only when what is left of the total is smaller.
      const message = budget === maxEntryBytes ? `Refused: over ${maxEntryBytes / MB} MB once unpacked.` : `Refused: the .zip unpacks to over ${maxTotalBytes / MB} MB.`;
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
