// MDX → JavaScript with mdx-bundler, once per content hash, cached on disk. The build fills the
// cache; a server start compiles only what the cache lacks; no request ever compiles.
import fs from "node:fs";
import path from "node:path";
import type { LessonSource, Problem } from "./content.server.ts";

interface CacheEntry {
  hash: string;
  code: string;
}

async function compileOne(lesson: Pick<LessonSource, "source">): Promise<string> {
  const { bundleMDX } = await import("mdx-bundler");
  const result = await bundleMDX({ source: lesson.source });
  return result.code;
}

function lineOfError(error: unknown): number {
  const e = error as { errors?: { location?: { line?: number } }[]; line?: number };
  return e.errors?.[0]?.location?.line ?? e.line ?? 1;
}

function messageOfError(error: unknown): string {
  const e = error as { errors?: { text?: string }[]; message?: string };
  return (e.errors?.[0]?.text ?? e.message ?? String(error)).split("\n")[0] ?? "compile error";
}

/**
 * Returns compiled code by content hash. Compiles one lesson at a time (esbuild is memory-hungry
 * and the first compile pays for its service start), writing each result to the cache.
 */
export async function compileLessons(
  lessons: Pick<LessonSource, "source" | "contentHash" | "file">[],
  cacheDir: string,
): Promise<{ code: Map<string, string>; problems: Problem[]; compiled: number }> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const code = new Map<string, string>();
  const problems: Problem[] = [];
  let compiled = 0;
  for (const lesson of lessons) {
    const cacheFile = path.join(cacheDir, `${lesson.contentHash}.json`);
    const cached = readCache(cacheFile, lesson.contentHash);
    if (cached) {
      code.set(lesson.contentHash, cached);
      continue;
    }
    try {
      const compiledCode = await compileOne(lesson);
      const entry: CacheEntry = { hash: lesson.contentHash, code: compiledCode };
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(entry));
      fs.renameSync(tmp, cacheFile);
      code.set(lesson.contentHash, compiledCode);
      compiled++;
    } catch (error) {
      problems.push({ file: lesson.file, line: lineOfError(error), message: `MDX: ${messageOfError(error)}` });
    }
  }
  return { code, problems, compiled };
}

function readCache(file: string, hash: string): string | null {
  try {
    const entry = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<CacheEntry>;
    // A shape check: a truncated or foreign file is recompiled, never served.
    return entry.hash === hash && typeof entry.code === "string" && entry.code.length > 0 ? entry.code : null;
  } catch {
    return null;
  }
}

/**
 * One lesson, through the same cache: what the studio's preview and publish use. Call it only with
 * a source that passed checkLesson's body rules (authored-mdx.server.ts): compiled MDX is code.
 */
export async function compileSource(source: string, contentHash: string, cacheDir: string): Promise<{ code: string } | { problem: Problem }> {
  const result = await compileLessons([{ source, contentHash, file: "lesson" }], cacheDir);
  const code = result.code.get(contentHash);
  return code !== undefined ? { code } : { problem: result.problems[0] ?? { file: "lesson", line: 1, message: "MDX: compile error" } };
}
