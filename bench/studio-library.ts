// npm run bench:studio-library — what 500 practice lessons cost: the server's start (compile
// cache warm: the built-in lessons from the build's cache, studio lessons compiled when they were
// published) and the server CPU per request of /learn and a lesson page, each measured against
// the same practice with the built-in library alone, in one run. STUDIO_LESSONS (500) sets the size.
//
// Prints the figures and writes bench/results/studio-library.json. Needs `npm run build` first.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { migrateToLatest, openDatabase } from "#db/connection.ts";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { compileSource } from "#app/models/lesson-compiler.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { createSessions } from "#app/models/sessions.server.ts";
import { builtInFiles, createLesson, createModule, publishLesson, saveDraft, setModuleState } from "#app/models/studio.server.ts";
import { composeLesson, readLessonFields } from "#app/models/studio-files.server.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";
import { request } from "./lib/http.ts";
import { cpuMs, startServer, type ServerProcess } from "./lib/processes.ts";

const ROOT = process.cwd();
const COUNT = Number(process.env.STUDIO_LESSONS ?? 500);
const REQUESTS = Number(process.env.STUDIO_REQUESTS ?? 2000);
const BUILD_DIR = path.join(ROOT, "build");
if (!fs.existsSync(path.join(BUILD_DIR, "start.js"))) throw new Error("Run `npm run build` first.");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-studio-bench-"));
process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

async function seed(file: string, lessons: number) {
  const connection = openDatabase(file);
  await migrateToLatest(connection.db);
  await createPractice(connection.db);
  const manager = await createUser(connection.db, { role: "manager" });
  const staff = await createUser(connection.db, { role: "staff" });
  const { content } = loadContent("./content");
  const builtIn = buildCatalog(content, () => "");
  const library = createLibrary(builtIn, () => "");
  const actor = { id: manager.id, role: "manager" as const, scopeLocationId: null };
  const now = new Date();
  const cache = path.join(tmp, "cache");
  const ctx = { now, timeZone: "UTC", library, skills: builtIn.skills, compile: (s: string, h: string) => compileSource(s, h, cache) };
  const model = builtInFiles("./content", { moduleSlug: "first-impressions", slug: "the-first-ten-seconds" });
  const fields = readLessonFields(model.source);
  let moduleId = 0;
  for (let i = 0; i < lessons; i++) {
    // Ten lessons a module, as a practice would group them.
    if (i % 10 === 0) moduleId = await createModule(connection.db, actor, { title: `Our ways ${i / 10 + 1}`, summary: "How we do it at our desk.", skills: ["greeting"] }, ctx);
    const id = await createLesson(connection.db, actor, { title: `Our lesson ${i + 1}`, moduleId }, ctx);
    const source = composeLesson({ ...fields, title: `Our lesson ${i + 1}`, body: `${fields.body}\nThis is how lesson ${i + 1} is done here.\n` }, { order: (i % 10) + 1, reviewed: "2026-12-04" });
    await saveDraft(connection.db, actor, id, { source, quiz: model.quiz }, now);
    await publishLesson(connection.db, actor, id, { retakeDays: null }, ctx);
    if (i % 10 === 9 || i === lessons - 1) await setModuleState(connection.db, actor, moduleId, "published", ctx);
  }
  const sessions = createSessions(connection.db, { idleMinutes: 600, maxHours: 12 });
  const cookie = `deskcoach_session=${await sessions.create(staff.id)}`;
  connection.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await connection.close();
  return cookie;
}

async function measure(name: string, lessons: number) {
  const file = path.join(tmp, `${name}.sqlite`);
  const seedStarted = performance.now();
  const cookie = await seed(file, lessons);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const env = { NODE_ENV: "production", DATABASE_URL: `file:${file}`, DESKCOACH_BUILD_DIR: BUILD_DIR };
  // Started twice: the first start fills the built-in compile cache if it is cold; the second is timed.
  await (await startServer({ name: `${name}-warmup`, args: [path.join(BUILD_DIR, "start.js")], env, cwd: ROOT, logDir: tmp, readyPath: "/healthz" })).stop();
  const started = performance.now();
  const server: ServerProcess = await startServer({ name, args: [path.join(BUILD_DIR, "start.js")], env, cwd: ROOT, logDir: tmp, readyPath: "/healthz" });
  const startMs = performance.now() - started;
  const headers = { cookie, "accept-encoding": "gzip" };
  const perRequest = async (pathname: string) => {
    for (let i = 0; i < 50; i++) await request(`${server.url}${pathname}`, { headers });
    const before = cpuMs(server.pid);
    for (let i = 0; i < REQUESTS; i++) {
      const response = await request(`${server.url}${pathname}`, { headers });
      if (response.status !== 200) throw new Error(`${pathname} answered ${response.status}`);
    }
    return (cpuMs(server.pid) - before) / REQUESTS;
  };
  const learn = await perRequest("/learn");
  const lesson = await perRequest("/lessons/the-first-ten-seconds");
  await server.stop();
  return { name, studioLessons: lessons, seedSeconds: Math.round(seedSeconds * 10) / 10, startMs: Math.round(startMs), learnCpuMs: learn, lessonCpuMs: lesson };
}

const alone = await measure("built-in-only", 0);
const withStudio = await measure(`with-${COUNT}-studio-lessons`, COUNT);
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const report = {
  at: new Date().toISOString(),
  requestsPerFigure: REQUESTS,
  runs: [alone, withStudio],
  startMsAdded: withStudio.startMs - alone.startMs,
  learnCpuRatio: ratio(withStudio.learnCpuMs, alone.learnCpuMs),
  lessonCpuRatio: ratio(withStudio.lessonCpuMs, alone.lessonCpuMs),
};
for (const r of report.runs) {
  console.log(`${r.name}: start ${r.startMs} ms; /learn ${r.learnCpuMs.toFixed(2)} CPU ms/req; lesson ${r.lessonCpuMs.toFixed(2)} CPU ms/req (seeded in ${r.seedSeconds} s)`);
}
console.log(`with ${COUNT} studio lessons: start +${report.startMsAdded} ms; /learn ×${report.learnCpuRatio}; lesson ×${report.lessonCpuRatio} CPU per request`);
fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "bench/results/studio-library.json"), `${JSON.stringify(report, null, 2)}\n`);
