// MDX → JavaScript with mdx-bundler, once per content hash, cached on disk. The build fills the
// cache; a server start compiles only what the cache lacks; the studio compiles a draft when it is
// previewed or published. Compiling runs in a worker thread, so that a manager's preview never holds
// up a learner's page: remark, rehype and esbuild's plugins are 15–40 ms of JavaScript a lesson.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { LessonSource, Problem } from "./content.server.ts";

interface CacheEntry {
  hash: string;
  code: string;
}

/** A compile that takes longer than this is stopped (its worker ended) and reported as a problem. */
export const COMPILE_TIMEOUT_MS = 20_000;
/** A worker with nothing to do for this long is ended, giving its memory back; the next compile starts another. */
export const COMPILER_IDLE_MS = 10 * 60_000;

class CompileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// The worker is plain JavaScript given as text, so that it runs the same from the sources (Vitest,
// tsx), from the server build and from the CLI, with no file of its own to find. It imports
// mdx-bundler from where the app resolves it, and compiles one lesson at a time in arrival order.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let queue = Promise.resolve();
let bundler = null;
function lineOf(e) { return (e && e.errors && e.errors[0] && e.errors[0].location && e.errors[0].location.line) || (e && e.line) || 1; }
function messageOf(e) { return String((e && e.errors && e.errors[0] && e.errors[0].text) || (e && e.message) || e).split("\\n")[0] || "compile error"; }
parentPort.on("message", ({ id, source }) => {
  queue = queue.then(async () => {
    try {
      bundler = bundler || (await import(workerData.bundler));
      const result = await bundler.bundleMDX({ source });
      parentPort.postMessage({ id, code: result.code });
    } catch (error) {
      parentPort.postMessage({ id, error: { line: lineOf(error), message: messageOf(error) } });
    }
  });
});
`;

interface Pending {
  resolve: (code: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function settle(id: number): Pending | undefined {
  const job = pending.get(id);
  if (!job) return undefined;
  pending.delete(id);
  clearTimeout(job.timer);
  if (pending.size === 0 && worker) {
    // An idle worker does not keep a CLI or a test process alive, and is ended after a while.
    worker.unref();
    const idle = worker;
    idleTimer = setTimeout(() => {
      if (worker === idle && pending.size === 0) endWorker(new CompileError("the compiler was idle", 1));
    }, COMPILER_IDLE_MS);
    idleTimer.unref();
  }
  return job;
}

function endWorker(reason: Error) {
  const ended = worker;
  worker = null;
  for (const id of [...pending.keys()]) settle(id)?.reject(reason);
  void ended?.terminate();
}

function compileWorker(): Worker {
  if (worker) return worker;
  const bundler = pathToFileURL(createRequire(import.meta.url).resolve("mdx-bundler")).href;
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { bundler } });
  started.on("message", (message: { id: number; code?: string; error?: { line: number; message: string } }) => {
    const job = settle(message.id);
    if (!job) return;
    if (message.error) job.reject(new CompileError(message.error.message, message.error.line));
    else job.resolve(message.code ?? "");
  });
  started.on("error", (error) => {
    if (worker === started) endWorker(new CompileError(`the compiler stopped (${error.message.split("\n")[0]})`, 1));
  });
  started.on("exit", () => {
    if (worker === started) endWorker(new CompileError("the compiler stopped", 1));
  });
  started.unref();
  worker = started;
  return started;
}

/** Compiles one lesson's MDX in the worker thread. */
function compileOne(lesson: Pick<LessonSource, "source">): Promise<string> {
  const thread = compileWorker();
  if (idleTimer) clearTimeout(idleTimer);
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Whatever it is stuck on, it is stopped; the next compile starts a fresh worker.
      if (pending.has(id)) endWorker(new CompileError(`compiling took longer than ${COMPILE_TIMEOUT_MS / 1000} s`, 1));
    }, COMPILE_TIMEOUT_MS);
    timer.unref();
    pending.set(id, { resolve, reject, timer });
    thread.ref();
    thread.postMessage({ id, source: lesson.source });
  });
}

/**
 * Starts the compiler (its thread, mdx-bundler and esbuild's service: about 150 ms) ahead of a
 * preview, when a manager opens the editor, so that the first preview pays for the compile alone.
 */
export function warmCompiler(): void {
  if (worker) return;
  compileOne({ source: "Ready." }).catch(() => undefined);
}

function lineOfError(error: unknown): number {
  return error instanceof CompileError ? error.line : 1;
}

function messageOfError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] || "compile error";
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
