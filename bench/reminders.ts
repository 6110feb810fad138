// The `reminders` scenario: composing a morning's staff reminders for a practice of 10,000
// (BENCH_REMINDERS_EMPLOYEES) with the question a day on too, and what it does to the lesson pages people are reading meanwhile.
//
// One app process serves a freshly seeded practice while staff read lessons at a steady rate
// (BENCH_REMINDERS_RATE requests/s, 50 connections, 50 people). Three windows are compared:
//
// - `before`: nothing composing (warm-up, then BENCH_SECONDS measured);
// - `in the server`: the server's own once-a-minute round (MAIL_SCHEDULER=1) composing, as
//   DeskCoach runs by default: the reminder setting is switched on and the load keeps going until
//   the server logs the round;
// - `from cron`: `npm run reminders -- --once` composing in a process of its own beside the
//   server (the deployment README describes for cron), on the same database.
//
// For each window: lesson requests answered, their p50/p99, and the app process's CPU per lesson
// request, from /proc, sampled every 100 ms over the window: of the whole process, and of its
// request thread (the main thread, which answers every request). In the server the composing runs
// on the mail thread (app/server/mail-worker.ts), so the whole process's figure is a lesson's cost
// plus a share of the composing, and the request thread's is what composing does to a lesson's
// own cost; from cron the app process does lessons only. The target compares the request thread
// in the server, and the whole process from cron.
// Each composing run starts cold (the standings of 10,000 people are worked out first), as the
// first morning after a start.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setKindSettings } from "#app/models/mail/kinds.server.ts";
import { createSessions } from "#app/models/sessions.server.ts";
import { openDatabase } from "#db/connection.ts";
import { runPaced } from "./lib/paced.ts";
import { cpuMs, startServer } from "./lib/processes.ts";
import type { Target } from "./lib/report.ts";
import { seedPractice } from "./lib/seed.ts";

export interface ReminderWindow {
  window: "before" | "in the server" | "from cron";
  seconds: number;
  lessonResponses: number;
  lessonP50Ms: number;
  lessonP99Ms: number;
  /** The app process's CPU per lesson request answered in the window (all its threads). */
  appCpuMsPerLesson: number;
  /** The CPU of the app's request thread (its main thread) per lesson request answered in the window. */
  requestThreadCpuMsPerLesson: number;
  /** Seconds the composing took, as the round itself reported it. */
  composeSeconds?: number;
  composed?: number;
}

export interface RemindersResult {
  employees: number;
  seedSeconds: number;
  rate: number;
  windows: ReminderWindow[];
  note?: string;
}

/** "Mail round: composed 8631 staff-reminder, 2210 question-a-day; …; in 5.12 s" (describeRound, scheduler.server.ts). */
const ROUND_LINE = /omposed (\d+ [a-z-]+(?:, \d+ [a-z-]+)*);.*; in ([\d.]+) s/;
/** The staff reminder and the question a day: what a morning composes for staff. */
const KINDS = ["staff-reminder", "question-a-day"];
const composedIn = (match: RegExpExecArray) => (match[1] ?? "").split(", ").reduce((sum, part) => sum + Number(part.split(" ")[0]), 0);

export async function measureReminders(options: {
  root: string;
  buildDir: string;
  tmp: string;
  employees: number;
  rate: number;
  warmupSeconds: number;
  seconds: number;
  browserHeaders: Record<string, string>;
  log: (line: string) => void;
  progress: (line: string) => void;
}): Promise<RemindersResult> {
  const { log } = options;
  const file = path.join(options.tmp, "reminders.sqlite");
  log(`reminders: seeding ${options.employees} people, 2 years of activity`);
  const practice = await seedPractice(openDatabase(file), { employees: options.employees, years: 2, now: new Date(), contentDir: path.join(options.root, "content"), randomSeed: 20261206 });
  const db = practice.connection.db;
  log(`reminders: seeded in ${practice.seconds.toFixed(1)} s`);
  // Every day at every hour, so that the bench composes whenever it runs; off until the window.
  const setting = async (enabled: boolean) => {
    for (const kind of KINDS) await setKindSettings(db, kind, { enabled, hour: 0, workingDays: [1, 2, 3, 4, 5, 6, 7] }, null, new Date());
  };
  await setting(false);

  const sessions = createSessions(db, { idleMinutes: 15, maxHours: 12 });
  const cookies: string[] = [];
  for (let i = 0; i < 50; i++) cookies.push(`deskcoach_session=${await sessions.create((practice.staff[i % practice.staff.length] as { id: number }).id)}`);
  const lessons = practice.lessons.filter((l) => l.quiz !== null);
  const request = (i: number) => ({
    path: `/lessons/${(lessons[i % 50 % lessons.length] as { slug: string }).slug}`,
    headers: { ...options.browserHeaders, cookie: cookies[i % 50] as string },
  });

  const server = await startServer({
    name: "app-reminders",
    args: [path.join(options.buildDir, "start.js")],
    env: { NODE_ENV: "production", DATABASE_URL: `file:${file}`, DESKCOACH_BUILD_DIR: options.buildDir, MAIL_SCHEDULER: "1" },
    cwd: options.root,
    logDir: options.tmp,
    readyPath: "/healthz",
  });
  const started = performance.now();
  // The app's CPU over time, to read off at a window's edges.
  // The app's CPU over time (the whole process, and its request thread), to read off at a window's edges.
  const samples: [number, number, number][] = [];
  const sampler = setInterval(() => samples.push([performance.now(), cpuMs(server.pid), cpuMs(server.pid, server.pid)]), 100);
  const cpuAt = (at: number): { process: number; requestThread: number } => {
    let best = samples[0] ?? [at, cpuMs(server.pid), cpuMs(server.pid, server.pid)];
    for (const s of samples) if (Math.abs(s[0] - at) < Math.abs(best[0] - at)) best = s;
    return { process: best[1], requestThread: best[2] };
  };
  // The server's log, read as it grows (every 100 ms) for the lines of rounds that composed.
  const rounds: { line: string; seenAt: number }[] = [];
  let logOffset = 0;
  const watcher = setInterval(() => {
    const size = fs.statSync(server.logFile).size;
    if (size <= logOffset) return;
    const fd = fs.openSync(server.logFile, "r");
    const chunk = Buffer.alloc(size - logOffset);
    fs.readSync(fd, chunk, 0, chunk.length, logOffset);
    fs.closeSync(fd);
    const text = chunk.toString("utf8");
    const complete = text.lastIndexOf("\n") + 1;
    logOffset += Buffer.byteLength(text.slice(0, complete));
    for (const line of text.slice(0, complete).split("\n")) if (ROUND_LINE.test(line)) rounds.push({ line, seenAt: performance.now() });
  }, 100);

  const windows: ReminderWindow[] = [];
  /** Lesson load from now until `until()` (or `seconds`); the window is [from(), to()] of it. */
  const measure = async (seconds: number, until?: () => boolean) => {
    const responses: [number, number][] = [];
    const begun = performance.now();
    await runPaced({
      url: server.url,
      rate: options.rate,
      seconds,
      connections: 50,
      expectStatus: 200,
      request,
      until,
      onResponse: (at, latency) => responses.push([at, latency]),
      onTick: (elapsed, n) => options.progress(`  reminders: ${elapsed} s, ${n} lesson responses`),
    });
    return { begun, ended: performance.now(), responses };
  };
  const summarise = (name: ReminderWindow["window"], from: number, to: number, responses: [number, number][], extra: Partial<ReminderWindow> = {}): ReminderWindow => {
    const inside = responses.filter(([at]) => at >= from && at <= to).map(([, l]) => l).sort((a, b) => a - b);
    const pct = (p: number) => inside[Math.min(inside.length - 1, Math.floor((p / 100) * inside.length))] ?? 0;
    const w: ReminderWindow = {
      window: name,
      seconds: Number(((to - from) / 1000).toFixed(2)),
      lessonResponses: inside.length,
      lessonP50Ms: Number(pct(50).toFixed(1)),
      lessonP99Ms: Number(pct(99).toFixed(1)),
      appCpuMsPerLesson: inside.length > 0 ? Number(((cpuAt(to).process - cpuAt(from).process) / inside.length).toFixed(2)) : 0,
      requestThreadCpuMsPerLesson: inside.length > 0 ? Number(((cpuAt(to).requestThread - cpuAt(from).requestThread) / inside.length).toFixed(2)) : 0,
      ...extra,
    };
    log(
      `  reminders, ${name}: ${w.lessonResponses} lessons in ${w.seconds} s, p50 ${w.lessonP50Ms} ms, p99 ${w.lessonP99Ms} ms, ${w.appCpuMsPerLesson} app CPU ms a lesson (${w.requestThreadCpuMsPerLesson} on the request thread)${w.composeSeconds !== undefined ? `; composed ${w.composed} in ${w.composeSeconds} s` : ""}`,
    );
    return w;
  };

  try {
    // Before: warm-up, then the measured seconds.
    await measure(options.warmupSeconds);
    const before = await measure(options.seconds);
    windows.push(summarise("before", before.begun, before.ended, before.responses));

    // From cron: `npm run reminders -- --once` composing beside the server, as soon as the
    // setting is on. The server's own round comes a minute after its last (at its start), and
    // then finds the day composed; if it came sooner the figures would mix, and the run fails.
    await setting(true);
    const cron = spawn(process.execPath, ["--import", "tsx", path.join(options.root, "app/cli/reminders.ts"), "--once"], {
      cwd: options.root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", DATABASE_URL: `file:${file}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let cronOutput = "";
    cron.stdout.on("data", (c: Buffer) => (cronOutput += c.toString()));
    cron.stderr.on("data", (c: Buffer) => (cronOutput += c.toString()));
    const cronState: { endedAt: number | null } = { endedAt: null };
    const cronExit = new Promise<number | null>((resolve) =>
      cron.once("exit", (code) => {
        cronState.endedAt = performance.now();
        resolve(code);
      }),
    );
    const fromCron = await measure(120, () => cronState.endedAt !== null);
    const code = await cronExit;
    const cronMatch = ROUND_LINE.exec(cronOutput);
    if (code !== 0 || !cronMatch) throw new Error(`npm run reminders -- --once failed (exit ${code}):\n${cronOutput}`);
    if (rounds.length > 0) throw new Error("The server composed during the cron window; its figures would mix the two");
    const cronSeconds = Number(cronMatch[2]);
    const cronEnded = cronState.endedAt ?? fromCron.ended;
    windows.push(summarise("from cron", cronEnded - cronSeconds * 1000, cronEnded, fromCron.responses, { composeSeconds: cronSeconds, composed: composedIn(cronMatch) }));
    // In the server: the same morning again, the outbox emptied, composed by the server's next
    // once-a-minute round. The load runs until it has logged the round.
    await db.deleteFrom("mail_message").execute();
    const inServer = await measure(150, () => rounds.length > 0);
    const round = rounds[0];
    const match = round ? ROUND_LINE.exec(round.line) : null;
    if (!round || !match) throw new Error(`The server logged no composing round within 150 s:\n${server.tail()}`);
    const composeSeconds = Number(match[2]);
    // The round ended when its line was seen (the log is read every 100 ms).
    const inServerTo = round.seenAt;
    windows.push(summarise("in the server", inServerTo - composeSeconds * 1000, inServerTo, inServer.responses, { composeSeconds, composed: composedIn(match) }));

    log(`reminders: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    clearInterval(sampler);
    clearInterval(watcher);
    await server.stop();
    await practice.connection.close();
  }
  return { employees: options.employees, seedSeconds: Number(practice.seconds.toFixed(1)), rate: options.rate, windows };
}

/** Composing in under 10 s; a lesson request's CPU while composing within 1.2× of before. */
export function remindersTargets(result: RemindersResult | null): Target[] {
  const w = (name: ReminderWindow["window"]) => result?.windows.find((x) => x.window === name);
  const before = w("before");
  const make = (name: string, measured: number | null, kind: Target["kind"], limit: number, unit: string, detail: string): Target => ({
    name,
    measured,
    limit,
    kind,
    unit,
    holds: measured === null ? null : kind === "min" ? measured >= limit : measured <= limit,
    detail,
  });
  const ratio = (x: ReminderWindow | undefined) => (x && before && before.appCpuMsPerLesson > 0 ? Number((x.appCpuMsPerLesson / before.appCpuMsPerLesson).toFixed(2)) : null);
  const threadRatio = (x: ReminderWindow | undefined) =>
    x && before && before.requestThreadCpuMsPerLesson > 0 ? Number((x.requestThreadCpuMsPerLesson / before.requestThreadCpuMsPerLesson).toFixed(2)) : null;
  const people = result ? result.employees.toLocaleString("en-US") : "10,000";
  return [
    make(`reminders: compose ${people} in the server < 10 s`, w("in the server")?.composeSeconds ?? null, "max", 9.999, "s", "the server's own round, cold"),
    make(`reminders: compose ${people} from cron < 10 s`, w("from cron")?.composeSeconds ?? null, "max", 9.999, "s", "npm run reminders -- --once, cold"),
    make("reminders: lesson CPU while cron composes ≤ 1.2×", ratio(w("from cron")), "max", 1.2, "×", "app CPU per lesson request, against before"),
    make(
      "reminders: lesson CPU while the server composes ≤ 1.2×",
      threadRatio(w("in the server")),
      "max",
      1.2,
      "×",
      `the request thread's CPU per lesson request, against before (the whole process, the mail thread's composing included: ${ratio(w("in the server")) ?? "–"}×)`,
    ),
  ];
}
