// The content folder's check, remembered between starts. Checking the whole library (every
// lesson's MDX, reading grade and quiz quality) costs about 0.6 s of CPU, which was half of the
// server's start. The result depends only on the folder's bytes, the date (reviews fall due) and
// the checker itself, so it is kept under a key made of all three and reused while none changes.
// Only a clean result is kept: content with problems is checked afresh each time, so the server
// names them. A cache that cannot be read or written is skipped, never fatal.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadContent, type ContentResult } from "./content.server.ts";

const PREFIX = "content-check-";

export interface CheckedContentOptions {
  /** Where to keep the result (the lesson compile cache's folder). */
  cacheDir: string;
  /**
   * What identifies the checker's code, such as the bytes of the server build. Without one the
   * cache is not used: a checker that changed must not reuse an old verdict.
   */
  checker: string | null;
  today?: string;
}

/** `loadContent`, reused from the cache when the folder, the date and the checker are unchanged. */
export function loadCheckedContent(contentDir: string, options: CheckedContentOptions): ContentResult & { fromCache: boolean } {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (options.checker === null) return { ...loadContent(contentDir, { today }), fromCache: false };
  const key = folderKey(contentDir, `${options.checker}\n${today}`);
  const file = path.join(options.cacheDir, `${PREFIX}${key}.json`);
  const cached = read(file);
  if (cached) return { ...cached, fromCache: true };
  const result = loadContent(contentDir, { today });
  if (result.problems.length === 0) write(options.cacheDir, file, result);
  return { ...result, fromCache: false };
}

/** A hash of every file's path and bytes under `dir`, in a fixed order, with `salt`. */
function folderKey(dir: string, salt: string): string {
  const hash = crypto.createHash("sha256").update(salt).update("\0");
  const root = path.resolve(dir);
  const walk = (at: string) => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const bytes = fs.readFileSync(full);
        hash.update(path.relative(root, full)).update("\0").update(String(bytes.length)).update("\0").update(bytes);
      }
    }
  };
  walk(root);
  return hash.digest("hex").slice(0, 32);
}

function read(file: string): ContentResult | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as ContentResult;
    return Array.isArray(parsed.problems) && parsed.problems.length === 0 && parsed.content ? parsed : null;
  } catch {
    return null;
  }
}

function write(dir: string, file: string, result: ContentResult): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, file);
    // One verdict is enough: yesterday's and the last build's go.
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(PREFIX) && path.join(dir, name) !== file) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // A read-only or full disk: the next start checks again.
  }
}

/**
 * The checker's identity in a production build: a hash of the server bundle that holds it. Null
 * elsewhere (the dev server reloads modules, and its code is not one file).
 */
export function builtCheckerIdentity(moduleUrl: string, production: boolean): string | null {
  if (!production || !moduleUrl.startsWith("file:")) return null;
  try {
    const bytes = fs.readFileSync(new URL(moduleUrl));
    return crypto.createHash("sha256").update(bytes).digest("hex");
  } catch {
    return null;
  }
}
