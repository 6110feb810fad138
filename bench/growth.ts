// BENCH_GROWTH=1 npm run bench: what a page costs as a practice grows. For each size (200, 2,000
// and 10,000 people, two years of activity each; BENCH_GROWTH_SIZES overrides, and
// BENCH_GROWTH_PAGES=learn,progress measures only those), seeds a practice,
// starts the production server on it and asks for each page one request at a time:
//
// - `cached`: the page asked for again and again with nothing written in between (the read cache
//   of decision 0009 answers most of it);
// - `after a write`: each request preceded by a write through the app (a reading-time heartbeat,
//   whose own cost is measured apart and taken off), so that nothing cached for the last database
//   version can answer: what the page costs when people are learning while a manager looks;
// - exports: each CSV's time to the last byte and its CPU, one at a time;
// - the server's peak RSS (VmHWM) over all of it, and the seed's time.
//
// Server CPU comes from /proc/<pid>/stat (10 ms ticks), summed over many requests.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createSessions } from "#app/models/sessions.server.ts";
import { openDatabase } from "#db/connection.ts";
import { request } from "./lib/http.ts";
import { cpuMs, memoryNow, sampleMemory, startServer } from "./lib/processes.ts";
import { answersFor, seedPractice, type SeededPractice } from "./lib/seed.ts";

export interface GrowthPage {
  name: string;
  as: "staff" | "manager" | "owner";
  path: (practice: SeededPractice) => string;
  kind: "page" | "submit" | "csv";
}

/** What is measured at each size; a page listed here that answers 404 is reported as not built. */
export const GROWTH_PAGES: GrowthPage[] = [
  { name: "learn", as: "staff", kind: "page", path: () => "/learn" },
  { name: "lesson", as: "staff", kind: "page", path: (p) => `/lessons/${quizLessons(p)[0]?.slug}` },
  { name: "submit", as: "staff", kind: "submit", path: (p) => `/lessons/${quizLessons(p)[0]?.slug}` },
  { name: "progress", as: "manager", kind: "page", path: () => "/manage/progress" },
  { name: "progress, by name, a later page", as: "manager", kind: "page", path: () => "/manage/progress?sort=name&page=3" },
  { name: "progress, a name search", as: "manager", kind: "page", path: () => "/manage/progress?q=nadia" },
  { name: "team", as: "manager", kind: "page", path: () => "/manage/team" },
  { name: "completion", as: "manager", kind: "page", path: () => "/manage/completion" },
  { name: "reports", as: "owner", kind: "page", path: () => "/owner/reports" },
  { name: "assignments (a person search)", as: "manager", kind: "page", path: () => "/manage/assignments?find=nadia" },
  { name: "spend (a person search)", as: "owner", kind: "page", path: () => "/owner/spend?find=nadia" },
  { name: "progress.csv", as: "manager", kind: "csv", path: () => "/manage/progress.csv" },
  { name: "completion.csv", as: "manager", kind: "csv", path: () => "/manage/completion.csv?table=module" },
  { name: "reports.csv (employees)", as: "owner", kind: "csv", path: () => "/owner/reports.csv?table=employees" },
  { name: "a person's export (CSV)", as: "manager", kind: "csv", path: (p) => `/manage/people/${p.staff[0]?.id}/export.csv` },
];

function quizLessons(practice: SeededPractice) {
  return practice.lessons.filter((l) => l.quiz !== null);
}

export interface GrowthFigure {
  page: string;
  kind: GrowthPage["kind"];
  status: number;
  /** CPU ms per request with nothing written in between. */
  cachedCpuMs: number | null;
  /** CPU ms per request when each follows a write (the write's own cost taken off). */
  afterWriteCpuMs: number | null;
  /** For exports: wall-clock ms to the last byte, and bytes sent. */
  lastByteMs?: number;
  bytes?: number;
}

export interface GrowthSize {
  people: number;
  seedSeconds: number;
  rows: Record<string, number>;
  peakRssMB: number;
  writeCpuMs: number;
  figures: GrowthFigure[];
}

const MB = 1024 * 1024;

export async function measureGrowth(options: {
  sizes: number[];
  root: string;
  buildDir: string;
  tmp: string;
  browserHeaders: Record<string, string>;
  log: (line: string) => void;
}): Promise<GrowthSize[]> {
  const out: GrowthSize[] = [];
  for (const people of options.sizes) {
    const file = path.join(options.tmp, `growth-${people}.sqlite`);
    options.log(`growth: seeding ${people.toLocaleString("en-US")} people, two years of activity`);
    const practice = await seedPractice(openDatabase(file), { employees: people, years: 2, now: new Date(), contentDir: path.join(options.root, "content"), randomSeed: 20261205 });
    options.log(`growth: seeded in ${practice.seconds.toFixed(1)} s (${Object.entries(practice.counts).map(([k, v]) => `${v.toLocaleString("en-US")} ${k}`).join(", ")})`);
    const sessions = createSessions(practice.connection.db, { idleMinutes: 600, maxHours: 12 });
    const cookieOf = async (who: GrowthPage["as"]) => {
      const person = who === "staff" ? practice.staff[1] : who === "manager" ? practice.manager : practice.owner;
      if (!person) throw new Error(`No ${who} in the practice`);
      return `deskcoach_session=${await sessions.create(person.id)}`;
    };
    const cookies = { staff: await cookieOf("staff"), manager: await cookieOf("manager"), owner: await cookieOf("owner") };
    practice.connection.sqlite.pragma("wal_checkpoint(TRUNCATE)");

    const server = await startServer({
      name: `growth-${people}`,
      args: [path.join(options.buildDir, "start.js")],
      // Without the mail thread (as where cron sends the mail): its once-a-minute round lands in
      // the write's measured cost, which is taken off every page's, and pages then read 0 ms. Its
      // own cost is the reminders scenario's; its memory is in the README beside this table.
      env: { NODE_ENV: "production", DATABASE_URL: `file:${file}`, DESKCOACH_BUILD_DIR: options.buildDir, MAIL_SCHEDULER: "0" },
      cwd: options.root,
      logDir: options.tmp,
      readyPath: "/healthz",
    });
    const memory = sampleMemory(server.pid);
    // Where the peak was reached: the server's memory after each page, in the log.
    const memoryNote = () => {
      const m = memoryNow(server.pid);
      return m ? ` (RSS ${(m.rss / MB).toFixed(0)} MB, peak so far ${(m.hwm / MB).toFixed(0)} MB)` : "";
    };
    const figures: GrowthFigure[] = [];
    let writeCpuMs = 0;
    try {
      const get = (target: string, cookie: string) => request(`${server.url}${target}`, { headers: { ...options.browserHeaders, cookie }, timeoutMs: 120_000 });
      const lesson = quizLessons(practice)[0];
      if (!lesson?.quiz) throw new Error("No lesson with a quiz");
      const post = (target: string, body: string, cookie: string) =>
        request(`${server.url}${target}`, {
          method: "POST",
          body,
          timeoutMs: 120_000,
          headers: { ...options.browserHeaders, cookie, origin: server.url, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
        });
      // A write through the app: another person's reading-time heartbeat.
      const write = async () => {
        const response = await post(`/lessons/${lesson.slug}/time`, "seconds=5", cookies.staff);
        if (response.status !== 204) throw new Error(`a heartbeat answered ${response.status}`);
      };
      const cpuPer = async (n: number, each: () => Promise<unknown>) => {
        const before = cpuMs(server.pid);
        for (let i = 0; i < n; i++) await each();
        return (cpuMs(server.pid) - before) / n;
      };
      for (let i = 0; i < 20; i++) await write();
      writeCpuMs = await cpuPer(200, write);

      const only = process.env.BENCH_GROWTH_PAGES ? new Set(process.env.BENCH_GROWTH_PAGES.split(",").map((p) => p.trim())) : null;
      for (const page of GROWTH_PAGES.filter((p) => !only || only.has(p.name))) {
        const target = page.path(practice);
        const cookie = cookies[page.as];
        if (page.kind === "submit") {
          const submit = async () => {
            const form = new URLSearchParams({ intent: "submit", requestId: randomUUID(), openedAt: new Date().toISOString(), tracked: "1" });
            for (const [question, choices] of Object.entries(answersFor(lesson.quiz!, 0))) for (const c of choices) form.append(`q.${question}`, c);
            const response = await post(target, form.toString(), cookie);
            if (response.status !== 302) throw new Error(`a submission answered ${response.status}`);
          };
          for (let i = 0; i < 10; i++) await submit();
          figures.push({ page: page.name, kind: page.kind, status: 302, cachedCpuMs: null, afterWriteCpuMs: await cpuPer(100, submit) });
          continue;
        }
        const probe = await get(target, cookie);
        if (probe.status !== 200) {
          figures.push({ page: page.name, kind: page.kind, status: probe.status, cachedCpuMs: null, afterWriteCpuMs: null });
          continue;
        }
        if (page.kind === "csv") {
          await write();
          const before = cpuMs(server.pid);
          const started = performance.now();
          const response = await get(target, cookie);
          const lastByteMs = performance.now() - started;
          figures.push({ page: page.name, kind: page.kind, status: response.status, cachedCpuMs: null, afterWriteCpuMs: cpuMs(server.pid) - before, lastByteMs, bytes: response.body.length });
          options.log(`growth: ${people} people, ${page.name}: ${lastByteMs.toFixed(0)} ms to the last byte${memoryNote()}`);
          continue;
        }
        // Fewer rounds where a request is slow, so a size takes minutes, not hours.
        const started = performance.now();
        await get(target, cookie);
        const rounds = performance.now() - started > 100 ? 20 : 100;
        const cached = await cpuPer(rounds * 2, () => get(target, cookie));
        const afterWrite =
          (await cpuPer(rounds, async () => {
            await write();
            await get(target, cookie);
          })) - writeCpuMs;
        figures.push({ page: page.name, kind: page.kind, status: 200, cachedCpuMs: cached, afterWriteCpuMs: Math.max(0, afterWrite) });
        options.log(`growth: ${people} people, ${page.name}: ${cached.toFixed(2)} ms cached, ${Math.max(0, afterWrite).toFixed(2)} ms after a write${memoryNote()}`);
      }
    } finally {
      const peak = memory.stop();
      await server.stop();
      await practice.connection.close();
      fs.rmSync(file, { force: true });
      out.push({ people, seedSeconds: practice.seconds, rows: practice.counts, peakRssMB: peak.hwm / MB, writeCpuMs, figures });
    }
  }
  return out;
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? "–" : n.toFixed(digits));

/** The growth table: one row per page, a column per size, and the ratio of the largest to the smallest. */
export function growthTable(sizes: GrowthSize[]): string {
  if (sizes.length === 0) return "";
  const first = sizes[0] as GrowthSize;
  const last = sizes[sizes.length - 1] as GrowthSize;
  const head = ["page (server CPU ms per request; exports: ms to the last byte)", ...sizes.map((s) => `${s.people.toLocaleString("en-US")} people`), `${last.people.toLocaleString("en-US")} ÷ ${first.people.toLocaleString("en-US")}`];
  const rows: string[][] = [];
  for (const page of first.figures.map((f) => f.page)) {
    const cells = sizes.map((s) => s.figures.find((f) => f.page === page));
    const value = (f: GrowthFigure | undefined) => (f === undefined ? null : f.kind === "csv" ? (f.lastByteMs ?? null) : f.afterWriteCpuMs);
    const shown = cells.map((f) => {
      if (!f) return "–";
      if (f.status !== 200 && f.status !== 302) return `answers ${f.status}`;
      if (f.kind === "csv") return `${fixed(f.lastByteMs, 0)} ms (${fixed(f.afterWriteCpuMs, 0)} CPU ms, ${((f.bytes ?? 0) / 1024).toFixed(0)} KB)`;
      if (f.kind === "submit") return fixed(f.afterWriteCpuMs);
      return `${fixed(f.afterWriteCpuMs)} (cached ${fixed(f.cachedCpuMs)})`;
    });
    const a = value(cells[0]);
    const b = value(cells[cells.length - 1]);
    rows.push([page, ...shown, a && b ? `×${(b / a).toFixed(2)}` : "–"]);
  }
  rows.push(["peak RSS (MB)", ...sizes.map((s) => s.peakRssMB.toFixed(0)), `×${(last.peakRssMB / first.peakRssMB).toFixed(2)}`]);
  rows.push(["seeding (s)", ...sizes.map((s) => s.seedSeconds.toFixed(1)), ""]);
  const md = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "--:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
  return md.join("\n");
}

/** The issue's targets for growth, each held or not. */
export function growthTargets(sizes: GrowthSize[]): { name: string; measured: string; holds: boolean }[] {
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  if (!first || !last || first === last) return [];
  const targets: { name: string; measured: string; holds: boolean }[] = [];
  for (const f of last.figures) {
    if (f.kind === "csv") continue;
    const base = first.figures.find((g) => g.page === f.page);
    if (!base?.afterWriteCpuMs || f.afterWriteCpuMs === null) continue;
    const ratio = f.afterWriteCpuMs / base.afterWriteCpuMs;
    targets.push({ name: `${f.page}: CPU at ${last.people.toLocaleString("en-US")} ≤ 3 × at ${first.people}`, measured: `×${ratio.toFixed(2)}`, holds: ratio <= 3 });
  }
  const csv = last.figures.find((f) => f.page === "progress.csv");
  if (csv?.lastByteMs !== undefined) targets.push({ name: `progress CSV of ${last.people.toLocaleString("en-US")} people < 5 s`, measured: `${(csv.lastByteMs / 1000).toFixed(2)} s`, holds: csv.lastByteMs < 5000 });
  targets.push({ name: `peak RSS at ${last.people.toLocaleString("en-US")} people < 300 MB`, measured: `${last.peakRssMB.toFixed(0)} MB`, holds: last.peakRssMB < 300 });
  targets.push({ name: `seeding ${last.people.toLocaleString("en-US")} people < 2 min`, measured: `${last.seedSeconds.toFixed(1)} s`, holds: last.seedSeconds < 120 });
  return targets;
}
