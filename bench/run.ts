// npm run bench — builds the app into bench/.build if needed, seeds a synthetic practice into a
// temporary SQLite file, starts each server it measures on 127.0.0.1, runs every scenario for a
// fixed time at 50 connections with autocannon, one after another, and prints a table and
// writes bench/results/latest.json. See bench/README.md.
//
// BENCH_SECONDS (10) per scenario, BENCH_WARMUP_SECONDS (3) before each, BENCH_CONNECTIONS (50),
// BENCH_ONLY=lesson,submit (a subset; writes bench/results/partial.json instead),
// BENCH_REBUILD=1 (always build) or 0 (never: measure BENCH_BUILD_DIR as it is), BENCH_KEEP=1 (keep
// the temp folder), BENCH_DB_DIR (where the temp folder goes), BENCH_EMPLOYEES (200: the seeded
// practice's size), BENCH_GROWTH=1 (afterwards, the growth table: bench/growth.ts; the sizes are
// BENCH_GROWTH_SIZES, 200,2000,10000), BENCH_DB=postgres (afterwards, lesson, progress, reports
// and submit again on PostgreSQL, with one app process and with two behind HAProxy, side by side
// with SQLite; BENCH_DATABASE_URL: a server to use instead of a throwaway cluster).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSessions } from "#app/models/sessions.server.ts";
import { openConnection, openDatabase } from "#db/connection.ts";
import { startLoadBalancer, type LoadBalancer } from "#tests/support/haproxy.ts";
import type { Role } from "#db/schema.ts";
import { buildIfNeeded } from "./lib/build.ts";
import { checkServer, type Check } from "./lib/checks.ts";
import { runFsync } from "./lib/fsync.ts";
import { decodeBody, request } from "./lib/http.ts";
import { measureJs, type JsSize } from "./lib/js-size.ts";
import { runLoad, type LoadOptions } from "./lib/load.ts";
import { runPaced } from "./lib/paced.ts";
import { POSTGRES_SCENARIOS, SCALING_TARGET, scalingBound, serverSettings, startBenchPostgres } from "./lib/postgres.ts";
import { childPids, cpuMs, machineBusyMs, processTreeCpuMs, sampleMemory, startServer, type ServerProcess } from "./lib/processes.ts";
import { markdown, ratios, SETUP_LABELS, sideBySide, sideBySideMarkdown, sideBySideTable, table, targets, targetTable, type ScenarioResult } from "./lib/report.ts";
import { seedPractice, type SeededPractice } from "./lib/seed.ts";
import { growthTable, growthTargets, measureGrowth, type GrowthSize } from "./growth.ts";
import { measureMailWindow, type MailWindowResult } from "./mail-window.ts";
import { measureReminders, remindersTargets, type RemindersResult } from "./reminders.ts";
import { lessonPath, REMINDERS_EMPLOYEES, scenarios, type HttpScenario, type ScenarioContext, type ServerKind } from "./scenarios.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0 || value > 600) throw new Error(`${name} must be a number of at most 600`);
  return value;
};
const SECONDS = number("BENCH_SECONDS", 10);
const WARMUP = number("BENCH_WARMUP_SECONDS", 3);
const CONNECTIONS = number("BENCH_CONNECTIONS", 50);
const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 200);
if (!Number.isInteger(EMPLOYEES) || EMPLOYEES < 10 || EMPLOYEES > 100_000) throw new Error("BENCH_EMPLOYEES must be a whole number from 10 to 100,000");
const GROWTH = process.env.BENCH_GROWTH === "1";
if (!Number.isInteger(REMINDERS_EMPLOYEES) || REMINDERS_EMPLOYEES < 10 || REMINDERS_EMPLOYEES > 100_000) throw new Error("BENCH_REMINDERS_EMPLOYEES must be a whole number from 10 to 100,000");
const REMINDERS_RATE = number("BENCH_REMINDERS_RATE", 100);
const GROWTH_SIZES = (process.env.BENCH_GROWTH_SIZES ?? "200,2000,10000").split(",").map((s) => Number(s.trim()));
if (GROWTH_SIZES.some((n) => !Number.isInteger(n) || n < 10 || n > 100_000)) throw new Error("BENCH_GROWTH_SIZES must be whole numbers from 10 to 100,000, comma-separated");
const DB = process.env.BENCH_DB ?? "sqlite";
if (DB !== "sqlite" && DB !== "postgres") throw new Error("BENCH_DB must be sqlite (the default) or postgres");
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
const BUILD_DIR = path.resolve(ROOT, process.env.BENCH_BUILD_DIR ?? "bench/.build");
const RESULTS_DIR = path.join(ROOT, "bench/results");
const SESSION_OPTIONS = { idleMinutes: 15, maxHours: 12 }; // the server's defaults

// What a browser sends with a navigation; compression is part of what a page costs.
const BROWSER_HEADERS: Record<string, string> = {
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-encoding": process.env.BENCH_ACCEPT_ENCODING ?? "gzip, deflate, br",
  "accept-language": "en-US,en;q=0.9",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
};

const tty = process.stderr.isTTY;
function log(line: string): void {
  process.stderr.write(`${tty ? "\r\x1b[K" : ""}${line}\n`);
}
function progress(line: string): void {
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

const MB = 1024 * 1024;

/** Share of the last 10 s in which some task waited for a CPU (Linux PSI), or null. */
function cpuPressure(): number | null {
  try {
    const avg10 = /some avg10=([\d.]+)/.exec(fs.readFileSync("/proc/pressure/cpu", "utf8"))?.[1];
    return avg10 === undefined ? null : Number(avg10);
  } catch {
    return null;
  }
}


async function main(): Promise<number> {
  const all = scenarios();
  const chosen = all.filter((s) => !ONLY || ONLY.has(s.name));
  // BENCH_ONLY=growth with BENCH_GROWTH=1: the growth table alone.
  if (chosen.length === 0 && !(GROWTH && ONLY?.has("growth"))) throw new Error(`BENCH_ONLY names no scenario; there are: ${all.map((s) => s.name).join(", ")}`);
  const loadAvgAtStart = os.loadavg();
  const pressureAtStart = cpuPressure();
  if (loadAvgAtStart[0] !== undefined && loadAvgAtStart[0] > os.cpus().length / 2) {
    log(`note: load average ${loadAvgAtStart[0].toFixed(1)} on ${os.cpus().length} CPUs: the machine is busy, figures will be low and noisy`);
  }
  log(`DeskCoach bench: ${chosen.length} scenarios × (${WARMUP} s warm-up + ${SECONDS} s) at ${CONNECTIONS} connections on 127.0.0.1`);

  buildIfNeeded(ROOT, BUILD_DIR, log);

  const tmp = fs.mkdtempSync(path.join(process.env.BENCH_DB_DIR ?? os.tmpdir(), "deskcoach-bench-"));
  const dbFile = path.join(tmp, "bench.sqlite");
  log(`seed: ${EMPLOYEES} employees, 2 years of activity into ${dbFile}`);
  // The PostgreSQL rows (BENCH_DB=postgres) seed the very same practice: same options, same clock.
  const seedOptions = { employees: EMPLOYEES, years: 2, now: new Date(), contentDir: path.join(ROOT, "content"), randomSeed: 20261126 };
  const practice = await seedPractice(openDatabase(dbFile), seedOptions);
  log(`seed: ${Object.entries(practice.counts).map(([k, v]) => `${v} ${k}`).join(", ")} in ${practice.seconds.toFixed(1)} s`);
  for (const note of practice.notes) log(`seed: ${note}`);

  /** Fresh sessions in `practice`'s database, made as sign-in makes them; staff in turn. */
  const sessionMaker = (of: SeededPractice) => {
    const sessions = createSessions(of.connection.db, SESSION_OPTIONS);
    let staffCursor = 0;
    return async (role: Role, count: number): Promise<string[]> => {
      const cookies: string[] = [];
      for (let i = 0; i < count; i++) {
        const person = role === "staff" ? of.staff[staffCursor++ % of.staff.length] : role === "manager" ? of.manager : of.owner;
        if (!person) throw new Error(`No ${role} in the bench practice`);
        cookies.push(`deskcoach_session=${await sessions.create(person.id)}`);
      }
      return cookies;
    };
  };
  const makeSessions = sessionMaker(practice);

  const results: ScenarioResult[] = [];
  const hwm: Record<string, number> = {};
  let shutdownMs: number | null = null;
  const checks: Check[] = [];
  let appResponses = 0;
  let js: JsSize | null = null;
  let captureFile: string | null = null;
  let exitCode = 0;
  let growth: GrowthSize[] | null = null;
  let reminders: RemindersResult | null = null;
  let mailWindow: MailWindowResult | null = null;
  let postgres: Awaited<ReturnType<typeof measurePostgres>> = null;
  let postgresError: string | null = null;

  const serverEnv = {
    NODE_ENV: "production",
    DATABASE_URL: `file:${dbFile}`,
    DESKCOACH_BUILD_DIR: BUILD_DIR,
  };
  const starters: Record<ServerKind, () => Promise<ServerProcess>> = {
    app: () =>
      startServer({ name: "app", args: [path.join(BUILD_DIR, "start.js")], env: serverEnv, cwd: ROOT, logDir: tmp, readyPath: "/healthz" }),
    "remix-serve": () =>
      startServer({
        name: "remix-serve",
        // Stock remix-serve, started with node directly so that its own PID is the one stopped.
        args: [path.join(ROOT, "node_modules/@remix-run/serve/dist/cli.js"), path.join(BUILD_DIR, "server/index.js")],
        env: serverEnv,
        cwd: ROOT,
        logDir: tmp,
        readyPath: "/healthz",
      }),
    raw: () =>
      startServer({
        name: "raw",
        args: ["--import", "tsx", path.join(ROOT, "bench/raw-server.ts")],
        env: { BENCH_RAW_RESPONSE: captureFile ?? "" },
        cwd: ROOT,
        logDir: tmp,
        readyPath: "/",
      }),
  };

  /** The lesson page as staff get it: for the raw scenario's bytes and the JavaScript figure. */
  const captureLesson = async (server: ServerProcess) => {
    const [cookie] = await makeSessions("staff", 1);
    const page = await request(`${server.url}${lessonPath(practice, 0)}`, { headers: { ...BROWSER_HEADERS, cookie: cookie as string } });
    if (page.status !== 200) throw new Error(`The lesson page answered ${page.status}`);
    const headers = Object.fromEntries(
      Object.entries(page.headers).filter(
        (e): e is [string, string | string[]] => e[1] !== undefined && !["date", "connection", "keep-alive", "transfer-encoding", "content-length"].includes(e[0]),
      ),
    );
    captureFile = path.join(tmp, "lesson-capture.json");
    fs.writeFileSync(captureFile, JSON.stringify({ status: page.status, headers, bodyBase64: page.body.toString("base64") }));
    const html = decodeBody(page.body, page.headers["content-encoding"]);
    js = await measureJs(server.url, html);
    checks.push(...(await checkServer(server.url, { path: lessonPath(practice, 0), cookie: cookie as string }, js.files[0]?.path)));
    for (const c of checks) log(`check: ${c.ok ? "ok  " : "FAIL"} ${c.name} (${c.detail})`);
    log(
      `lesson page: ${(page.body.length / 1024).toFixed(1)} KB as sent (${page.headers["content-encoding"] ?? "identity"}), ${(html.length / 1024).toFixed(1)} KB of HTML; JavaScript ${(js.totalGzipBytes / 1024).toFixed(1)} KB gzipped in ${js.files.length} files`,
    );
  };

  /** What one run of a scenario is measured against: the SQLite server, or PostgreSQL's app process(es). */
  interface MeasuredAgainst {
    name: string;
    url: string;
    /** The app processes: their CPU is summed, their peak RSS is the largest. */
    pids: number[];
    practice: SeededPractice;
    sessions: ScenarioContext["sessions"];
    results: ScenarioResult[];
    /** PostgreSQL rows: CPU of the other processes on the machine, as counters in ms. */
    otherCpu?: Record<string, () => number>;
  }
  const sqliteTarget = (server: ServerProcess): MeasuredAgainst => ({ name: server.name, url: server.url, pids: [server.pid], practice, sessions: makeSessions, results });

  const runHttp = async (scenario: HttpScenario, target: MeasuredAgainst): Promise<ScenarioResult> => {
    const ctx: ScenarioContext = {
      practice: target.practice,
      origin: target.url,
      connections: CONNECTIONS,
      browserHeaders: BROWSER_HEADERS,
      sessions: target.sessions,
      measured: (name) => target.results.find((r) => r.name === name),
    };
    const prepared = await scenario.prepare(ctx);
    if (prepared.probe) {
      const probe = await request(`${target.url}${prepared.probe.path}`, { headers: prepared.probe.headers });
      if (probe.status === 404 && scenario.optional) {
        return { name: scenario.name, description: scenario.description, status: "not built yet" as const, note: `${prepared.probe.path} answers 404` };
      }
      if (probe.status !== prepared.expectStatus) {
        throw new Error(`${prepared.probe.path} answered ${probe.status}, expected ${prepared.expectStatus}`);
      }
    }
    const load = (seconds: number, phase: string): LoadOptions => ({
      url: target.url,
      connections: CONNECTIONS,
      seconds,
      expectStatus: prepared.expectStatus,
      headers: prepared.headers,
      requests: prepared.requests,
      setupClient: prepared.setupClient,
      onTick: (elapsed, responses) =>
        progress(`  ${scenario.name}: ${phase} ${elapsed}/${seconds} s, ${Math.round(responses / elapsed).toLocaleString("en-US")} responses/s`),
    });
    const paced = prepared.paced;
    const run = (seconds: number, phase: string) =>
      paced
        ? runPaced({
            url: target.url,
            rate: paced.rate,
            seconds,
            connections: CONNECTIONS,
            expectStatus: prepared.expectStatus,
            request: paced.request,
            onTick: load(seconds, phase).onTick,
          })
        : runLoad(load(seconds, phase));
    const memory = target.pids.map((pid) => sampleMemory(pid));
    if (WARMUP > 0) await run(WARMUP, "warm-up");
    const appCpu = () => target.pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const others = Object.entries(target.otherCpu ?? {});
    const cpuBefore = appCpu();
    const othersBefore = others.map(([, read]) => read());
    const measured = await run(SECONDS, "measuring");
    const cpuUsed = appCpu() - cpuBefore;
    const othersUsed = others.map(([name, read], i) => [name, read() - (othersBefore[i] ?? 0)] as const);
    if (target.name === "app") appResponses += measured.responses;
    const peaks = memory.map((m) => m.stop());
    const peak = { peakRss: Math.max(...peaks.map((p) => p.peakRss)), hwm: Math.max(...peaks.map((p) => p.hwm)) };
    if (!target.otherCpu) hwm[target.name] = Math.max(hwm[target.name] ?? 0, peak.hwm);
    const verification = prepared.verify ? await prepared.verify() : undefined;
    const failed = verification?.ok === false;
    return {
      name: scenario.name,
      description: scenario.description,
      status: failed ? ("failed" as const) : ("measured" as const),
      note:
        [paced ? `paced at ${paced.rate} requests/s` : null, verification ? Object.entries(verification).filter(([k]) => k !== "ok").map(([k, v]) => `${k} ${v}`).join(", ") : null]
          .filter(Boolean)
          .join("; ") || undefined,
      requestsPerSecond: measured.requestsPerSecond,
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      maxMs: measured.maxMs,
      errors: measured.errors,
      responses: measured.responses,
      seconds: measured.seconds,
      statusCounts: measured.statusCounts,
      serverCpuMsPerRequest: measured.responses > 0 ? cpuUsed / measured.responses : null,
      serverPeakRssMB: peak.peakRss / MB,
      verification,
      ...(target.otherCpu
        ? { cpuMs: Object.fromEntries([["apps", cpuUsed] as const, ...othersUsed].map(([k, v]) => [k, Number(v.toFixed(1))])), appProcesses: target.pids.length }
        : {}),
    };
  };

  /** Runs one scenario against `target`, logs its line and adds its result to `target.results`. */
  const runScenario = async (scenario: HttpScenario, target: MeasuredAgainst) => {
    log(`${scenario.name}: ${scenario.description}`);
    try {
      const result = await runHttp(scenario, target);
      target.results.push(result);
      log(
        result.status === "measured" || result.status === "failed"
          ? `  ${scenario.name}: ${Math.round(result.requestsPerSecond ?? 0).toLocaleString("en-US")} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors, ${(result.serverCpuMsPerRequest ?? 0).toFixed(2)} CPU ms/req, peak RSS ${(result.serverPeakRssMB ?? 0).toFixed(0)} MB${result.note ? ` (${result.note})` : ""}`
          : `  ${scenario.name}: ${result.status} (${result.note})`,
      );
    } catch (error) {
      exitCode = 1;
      const message = error instanceof Error ? error.message : String(error);
      target.results.push({ name: scenario.name, description: scenario.description, status: "failed", note: message });
      log(`  ${scenario.name}: FAILED: ${message}`);
    }
  };

  /**
   * BENCH_DB=postgres: the same practice seeded into PostgreSQL (a durable throwaway cluster, or
   * BENCH_DATABASE_URL), copied into one database per setup so that both start from the same
   * rows, and lesson, progress, reports and submit measured against one app process, then two
   * behind HAProxy (deploy/haproxy.cfg), with the same scenarios, connections and seconds as
   * the SQLite rows.
   */
  const measurePostgres = async () => {
    const group = POSTGRES_SCENARIOS.map((name) => chosen.find((s) => s.name === name)).filter((s): s is HttpScenario => s?.kind === "http");
    if (group.length === 0) {
      log(`postgres: none of ${POSTGRES_SCENARIOS.join(", ")} chosen (BENCH_ONLY); nothing to measure`);
      return null;
    }
    log("postgres: starting the server");
    const server = await startBenchPostgres();
    try {
      const seedDb = await server.create();
      const settings = await serverSettings(seedDb.url);
      log(`postgres: ${server.source}: PostgreSQL ${settings.server_version}, fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, full_page_writes=${settings.full_page_writes}`);
      const seeded = await seedPractice(openConnection(seedDb.url), seedOptions);
      await seeded.connection.close();
      log(`postgres: seeded the same practice (${Object.entries(seeded.counts).map(([k, v]) => `${v} ${k}`).join(", ")}) in ${seeded.seconds.toFixed(1)} s`);
      const setups: Record<string, ScenarioResult[]> = {};
      for (const processes of [1, 2] as const) {
        const key = `postgres${processes}`;
        const copy = await server.create(seedDb.name);
        const connection = openConnection(copy.url);
        const of: SeededPractice = { ...seeded, connection };
        const results: ScenarioResult[] = [];
        setups[key] = results;
        const apps: ServerProcess[] = [];
        let balancer: LoadBalancer | null = null;
        try {
          for (let i = 1; i <= processes; i++) {
            apps.push(
              await startServer({
                name: `app-${key}-${i}`,
                args: [path.join(BUILD_DIR, "start.js")],
                // Behind HAProxy the apps take the client's address from X-Forwarded-For, as deployed.
                env: { ...serverEnv, DATABASE_URL: copy.url, ...(processes === 2 ? { TRUST_PROXY: "1" } : {}) },
                cwd: ROOT,
                logDir: tmp,
                readyPath: "/healthz",
              }),
            );
          }
          // The SQLite app had served the trivial row (warm-up and measured seconds) before its
          // lesson row; each app process here gets as much of the trivial route, directly, so
          // that a process of the pair is as warm as the one alone (a young process costs more a
          // request until V8 has optimised its hot paths).
          for (const app of apps) {
            progress(`  ${app.name}: warming up on /bench/trivial`);
            await runLoad({ url: app.url, connections: CONNECTIONS, seconds: WARMUP + SECONDS, expectStatus: 200, headers: BROWSER_HEADERS, requests: [{ path: "/bench/trivial" }] });
          }
          if (processes === 2) balancer = await startLoadBalancer([(apps[0] as ServerProcess).url, (apps[1] as ServerProcess).url]);
          const haproxyPid = balancer ? childPids(process.pid, "haproxy")[0] : undefined;
          const postgresPid = server.pid();
          const otherCpu: Record<string, () => number> = {
            ...(postgresPid ? { postgres: () => processTreeCpuMs(postgresPid) } : {}),
            ...(haproxyPid ? { haproxy: () => cpuMs(haproxyPid) } : {}),
            // autocannon runs in this process.
            loadGenerator: () => {
              const used = process.cpuUsage();
              return (used.user + used.system) / 1000;
            },
            // Every CPU's busy time, ours and anyone else's.
            machine: machineBusyMs,
          };
          log(`${SETUP_LABELS[key]}: ${processes === 1 ? "one app process" : "two app processes behind HAProxy"} on ${copy.name}`);
          const target: MeasuredAgainst = { name: key, url: balancer?.url ?? (apps[0] as ServerProcess).url, pids: apps.map((a) => a.pid), practice: of, sessions: sessionMaker(of), results, otherCpu };
          for (const scenario of group) await runScenario(scenario, target);
        } finally {
          await balancer?.stop();
          for (const app of apps) await app.stop();
          await connection.close();
        }
      }
      return { server: { source: server.source, ...settings }, seed: { ...seeded.counts, seconds: Number(seeded.seconds.toFixed(1)) }, setups };
    } finally {
      await server.stop();
    }
  };

  // Servers start once per kind, in this order (the app first: the raw scenario replays its
  // lesson page); the report lists scenarios in their own order.
  const order: ServerKind[] = ["app", "raw", "remix-serve"];
  try {
    const needsCapture = chosen.some((s) => s.kind === "http" && s.server === "raw") || chosen.some((s) => s.kind === "http" && s.server === "app");
    for (const kind of order) {
      const group = chosen.filter((s): s is HttpScenario => s.kind === "http" && s.server === kind);
      if (group.length === 0 && !(kind === "app" && needsCapture)) continue;
      log(`${kind}: starting`);
      const server = await starters[kind]();
      try {
        if (kind === "app") await captureLesson(server);
        for (const scenario of group) {
          await runScenario(scenario, sqliteTarget(server));
        }
      } finally {
        const memory = sampleMemory(server.pid);
        hwm[kind] = Math.max(hwm[kind] ?? 0, memory.stop().hwm);
        let stopped: Awaited<ReturnType<ServerProcess["stop"]>>;
        if (kind === "app") {
          // SIGTERM in the middle of a load: in-flight requests finish, the rest are cut off,
          // and the process must be gone within 2 s.
          log("app: SIGTERM under load (50 connections on /bench/trivial)");
          const load = runLoad({ url: server.url, connections: CONNECTIONS, seconds: 3, expectStatus: 200, headers: BROWSER_HEADERS, requests: [{ path: "/bench/trivial" }] });
          await new Promise((resolve) => setTimeout(resolve, 1000));
          stopped = await server.stop();
          await load;
          shutdownMs = stopped.exitedInMs;
          const logged = fs.readFileSync(server.logFile, "utf8").split("\n").filter((l) => /^\d{4}-\d\d-\d\dT\S+ [A-Z]+ \/\S* \d{3} [\d.]+ms$/.test(l)).length;
          checks.push({
            name: "request log: a line per request",
            ok: logged >= appResponses,
            detail: `${logged} lines for ${appResponses} responses measured (warm-ups and checks add more)`,
          });
          checks.push({ name: "SIGTERM under load: gone within 2 s", ok: stopped.exitedInMs <= 2000, detail: `${stopped.exitedInMs.toFixed(0)} ms, exit ${stopped.code ?? stopped.signal}` });
        } else {
          stopped = await server.stop();
        }
        log(`${kind}: stopped in ${stopped.exitedInMs.toFixed(0)} ms (exit ${stopped.code ?? stopped.signal})`);
      }
    }

    for (const scenario of chosen) {
      if (scenario.kind !== "fsync") continue;
      log(`${scenario.name}: ${scenario.description}`);
      const f = await runFsync(tmp, WARMUP + SECONDS, (elapsed, commits) =>
        progress(`  fsync: ${elapsed}/${WARMUP + SECONDS} s, ${Math.round(commits / elapsed)} commits/s`),
      );
      results.push({
        name: scenario.name,
        description: scenario.description,
        status: "measured",
        note: "commits/s; no server",
        requestsPerSecond: f.commitsPerSecond,
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        maxMs: f.maxMs,
        errors: 0,
        responses: f.commits,
        seconds: f.seconds,
        serverPeakRssMB: null,
      });
      log(`  fsync: ${Math.round(f.commitsPerSecond)} commits/s, p50 ${f.p50Ms.toFixed(2)} ms, p99 ${f.p99Ms.toFixed(2)} ms`);
    }
    for (const scenario of chosen) {
      if (scenario.kind !== "mail-window") continue;
      log(`${scenario.name}: ${scenario.description}`);
      try {
        mailWindow = await measureMailWindow({ root: ROOT, tmp, messages: 1000, log });
        results.push({
          name: scenario.name,
          description: scenario.description,
          status: "measured",
          note: `messages/s through the sender; p50/p99/max are the window (acceptance to the mark), ${(mailWindow.shareInWindow * 100).toFixed(1)}% of the sending time`,
          requestsPerSecond: mailWindow.messagesPerSecond,
          p50Ms: mailWindow.p50Ms,
          p99Ms: mailWindow.p99Ms,
          maxMs: mailWindow.maxMs,
          errors: 0,
          serverPeakRssMB: null,
        });
      } catch (error) {
        exitCode = 1;
        const message = error instanceof Error ? error.message : String(error);
        results.push({ name: scenario.name, description: scenario.description, status: "failed", note: message });
        log(`  mail-window: FAILED: ${message}`);
      }
    }
    for (const scenario of chosen) {
      if (scenario.kind !== "reminders") continue;
      log(`${scenario.name}: ${scenario.description}`);
      try {
        reminders = await measureReminders({
          root: ROOT,
          buildDir: BUILD_DIR,
          tmp,
          employees: REMINDERS_EMPLOYEES,
          rate: REMINDERS_RATE,
          warmupSeconds: WARMUP,
          seconds: SECONDS,
          browserHeaders: BROWSER_HEADERS,
          log,
          progress,
        });
        const during = reminders.windows.find((w) => w.window === "in the server");
        const cron = reminders.windows.find((w) => w.window === "from cron");
        results.push({
          name: scenario.name,
          description: scenario.description,
          status: "measured",
          note: `lessons at ${REMINDERS_RATE}/s while the server composed ${during?.composed} in ${during?.composeSeconds} s (this row); cron composed ${cron?.composed} in ${cron?.composeSeconds} s: see reminders`,
          requestsPerSecond: during ? during.lessonResponses / during.seconds : undefined,
          p50Ms: during?.lessonP50Ms,
          p99Ms: during?.lessonP99Ms,
          serverCpuMsPerRequest: during?.appCpuMsPerLesson ?? null,
          serverPeakRssMB: null,
        });
      } catch (error) {
        exitCode = 1;
        const message = error instanceof Error ? error.message : String(error);
        results.push({ name: scenario.name, description: scenario.description, status: "failed", note: message });
        log(`  reminders: FAILED: ${message}`);
      }
    }
    if (DB === "postgres") {
      // A PostgreSQL that cannot be started or seeded fails the run, but not the SQLite rows' report.
      try {
        postgres = await measurePostgres();
      } catch (error) {
        exitCode = 1;
        postgresError = error instanceof Error ? error.message : String(error);
        log(`postgres: FAILED: ${postgresError}`);
      }
    }
    if (GROWTH) {
      growth = await measureGrowth({ sizes: GROWTH_SIZES, root: ROOT, buildDir: BUILD_DIR, tmp, browserHeaders: BROWSER_HEADERS, log });
    }
  } finally {
    await practice.connection.close();
    if (process.env.BENCH_KEEP === "1") log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }

  // The report, in the scenarios' own order.
  const ordered = all
    .map((s) => results.find((r) => r.name === s.name) ?? { name: s.name, description: s.description, status: "skipped" as const, note: "not chosen (BENCH_ONLY)" })
    .filter((r) => !ONLY || ONLY.has(r.name));
  const r = ratios(ordered);
  const jsSize = js as JsSize | null;
  const peakRssMB = Object.keys(hwm).length > 0 && hwm.app !== undefined ? hwm.app / MB : null;
  const t = [
    ...targets(ordered, r, {
      jsGzipKB: jsSize ? jsSize.totalGzipBytes / 1024 : null,
      peakRssMB,
      shutdownMs,
    }),
    ...(chosen.some((s) => s.kind === "reminders") ? remindersTargets(reminders) : []),
  ];

  const report = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    settings: { seconds: SECONDS, warmupSeconds: WARMUP, connections: CONNECTIONS, acceptEncoding: BROWSER_HEADERS["accept-encoding"] },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryMB: Math.round(os.totalmem() / MB),
      node: process.version,
      loadAverageAtStart: loadAvgAtStart.map((n) => Number(n.toFixed(2))),
      loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
      // % of the last 10 s some task waited for a CPU (other work on the machine shows here).
      cpuPressureAvg10AtStart: pressureAtStart,
      cpuPressureAvg10AtEnd: cpuPressure(),
    },
    seed: { ...practice.counts, notes: practice.notes },
    scenarios: ordered,
    ratios: r,
    serverPeakRssMB: Object.fromEntries(Object.entries(hwm).map(([k, v]) => [k, Number((v / MB).toFixed(1))])),
    appShutdownMs: shutdownMs,
    lessonJavaScript: jsSize
      ? { totalGzipKB: Number((jsSize.totalGzipBytes / 1024).toFixed(1)), totalRawKB: Number((jsSize.totalRawBytes / 1024).toFixed(1)), files: jsSize.files }
      : null,
    targets: t,
    checks,
    growth: growth ? { sizes: growth, targets: growthTargets(growth) } : null,
    reminders,
    mailWindow,
  };
  // BENCH_DB=postgres: the key `postgres`, absent otherwise (the other keys are as without it).
  const postgresReport = postgres
    ? (() => {
        const rows = sideBySide(
          POSTGRES_SCENARIOS.filter((name) => ordered.some((x) => x.name === name)),
          { sqlite: ordered, ...postgres.setups },
        );
        const lesson = rows.find((x) => x.scenario === "lesson");
        const ratio = lesson?.ratio2to1 ?? null;
        const holds = ratio === null ? null : ratio >= SCALING_TARGET;
        const one = postgres.setups.postgres1?.find((x) => x.name === "lesson");
        const two = postgres.setups.postgres2?.find((x) => x.name === "lesson");
        return {
          server: postgres.server,
          seed: postgres.seed,
          setups: Object.fromEntries(Object.entries(postgres.setups).map(([key, scenarios]) => [key, { label: SETUP_LABELS[key], appProcesses: key === "postgres2" ? 2 : 1, scenarios }])),
          sideBySide: rows,
          lessonScaling: {
            ratio,
            target: SCALING_TARGET,
            holds,
            // What bounds it, whether or not it holds: from the ×2 lesson row's CPU accounting.
            boundBy: scalingBound(one, two, os.cpus().length),
          },
        };
      })()
    : null;
  const fullReport = postgresReport ? { ...report, postgres: postgresReport } : postgresError ? { ...report, postgres: { error: postgresError } } : report;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, ONLY ? "partial.json" : "latest.json");
  fs.writeFileSync(out, `${JSON.stringify(fullReport, null, 2)}\n`);
  const postgresLines = postgresReport
    ? [
        `SQLite against PostgreSQL (${postgresReport.server.source}; PostgreSQL ${postgresReport.server.server_version}, fsync=${postgresReport.server.fsync}, synchronous_commit=${postgresReport.server.synchronous_commit}, full_page_writes=${postgresReport.server.full_page_writes}; SQLite synchronous=FULL), app CPU summed over the app processes:`,
        "",
        sideBySideMarkdown(postgresReport.sideBySide),
        "",
        `lesson ×2/×1: ${postgresReport.lessonScaling.ratio === null ? "not measured" : `${postgresReport.lessonScaling.ratio.toFixed(2)}×`} (target ≥ ${SCALING_TARGET}×: ${postgresReport.lessonScaling.holds === null ? "n/a" : postgresReport.lessonScaling.holds ? "holds" : "does not hold"}); bounded by ${postgresReport.lessonScaling.boundBy ?? "–"}`,
        "",
      ]
    : [];
  fs.writeFileSync(out.replace(/\.json$/, ".md"), [markdown(ordered, t, report.date), ...postgresLines].join("\n"));

  const print = (s: string) => process.stdout.write(`${s}\n`);
  print("");
  print(table(ordered));
  print("");
  print(`ratios: ${Object.entries(r).map(([k, v]) => `${k} ${v === null ? "–" : v.toFixed(2)}`).join("; ")}`);
  if (jsSize) print(`lesson page JavaScript: ${(jsSize.totalGzipBytes / 1024).toFixed(1)} KB gzipped (${(jsSize.totalRawBytes / 1024).toFixed(1)} KB raw) in ${jsSize.files.length} files`);
  print(`server peak RSS (VmHWM): ${Object.entries(report.serverPeakRssMB).map(([k, v]) => `${k} ${v} MB`).join(", ")}`);
  print("");
  print(targetTable(t));
  print("");
  for (const c of checks) print(`${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(42)} ${c.detail}`);
  if (checks.length > 0) print("");
  if (postgresReport) {
    print(postgresLines[0] as string);
    print(sideBySideTable(postgresReport.sideBySide));
    print("");
    print(postgresLines[4] as string);
    print("");
  }
  if (growth) {
    print(growthTable(growth));
    print("");
    for (const g of growthTargets(growth)) print(`${g.holds ? "PASS" : "FAIL"}  ${g.name.padEnd(60)} ${g.measured}`);
    print("");
  }
  print(`written to ${path.relative(ROOT, out)}`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
