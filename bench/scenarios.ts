// What `npm run bench` measures, in the order the report lists it. Each entry is one scenario;
// a page that does not exist yet is marked `optional` and skipped (reported as "not built yet")
// until its route answers, so adding a page to the bench is adding one entry here.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { builtInFiles, createLesson, createModule, saveDraft } from "#app/models/studio.server.ts";
import type { Client, Request } from "autocannon";
import type { Role } from "#db/schema.ts";
import type { ScenarioResult } from "./lib/report.ts";
import { answersFor, type SeededPractice, type SeedLesson } from "./lib/seed.ts";

export type ServerKind = "app" | "remix-serve" | "raw";

export interface ScenarioContext {
  practice: SeededPractice;
  /** The server under test, e.g. http://127.0.0.1:40123. */
  origin: string;
  connections: number;
  /** What a browser sends with every request (Accept, Accept-Encoding, User-Agent…). */
  browserHeaders: Record<string, string>;
  /** Fresh sessions (Cookie header values), made the way sign-in makes them. */
  sessions(role: Role, count: number): Promise<string[]>;
  /** A scenario measured earlier in this run, by name. */
  measured(name: string): ScenarioResult | undefined;
}

export interface PreparedLoad {
  expectStatus: number;
  /** A steady rate instead of flat out: requests per second, and the i-th request. */
  paced?: { rate: number; request(i: number): { path: string; headers: Record<string, string> } };
  /** One request made before the run: its status must be `expectStatus` (or 404 for an optional page). */
  probe?: { path: string; headers: Record<string, string> };
  headers?: Record<string, string>;
  requests?: Request[];
  setupClient?: (client: Client) => void;
  /** Runs after the load: a failure here fails the scenario. */
  verify?: () => Promise<Record<string, number | string | boolean>>;
}

export interface HttpScenario {
  kind: "http";
  name: string;
  server: ServerKind;
  description: string;
  optional?: boolean;
  prepare(ctx: ScenarioContext): Promise<PreparedLoad>;
}

export interface FsyncScenario {
  kind: "fsync";
  name: string;
  description: string;
}

/** Composing a morning's reminders for a large practice beside lesson traffic: bench/reminders.ts. */
export interface RemindersScenario {
  kind: "reminders";
  name: string;
  description: string;
}

/** The window in which a crash sends a message twice: bench/mail-window.ts. */
export interface MailWindowScenario {
  kind: "mail-window";
  name: string;
  description: string;
}

export type Scenario = HttpScenario | FsyncScenario | RemindersScenario | MailWindowScenario;

type Who = "anonymous" | Role;

/**
 * A GET of one page at 50 connections. Staff pages get one session per connection (50 people);
 * manager and owner pages one session, as one person would have. `path` may differ per
 * connection (staff open different lessons).
 */
function page(
  name: string,
  options: {
    server: ServerKind;
    as: Who;
    path: (connection: number, ctx: ScenarioContext) => string;
    description: string;
    optional?: boolean;
    /** Requests per second in all, sent steadily (or worked out from what this run measured); unset: flat out. */
    rate?: number | ((ctx: ScenarioContext) => number);
  },
): HttpScenario {
  return {
    kind: "http",
    name,
    server: options.server,
    description: options.description,
    optional: options.optional,
    async prepare(ctx) {
      const cookies = options.as === "anonymous" ? [] : await ctx.sessions(options.as, options.as === "staff" ? ctx.connections : 1);
      const headersFor = (i: number): Record<string, string> => {
        const cookie = cookies[i % Math.max(1, cookies.length)];
        return cookie ? { ...ctx.browserHeaders, cookie } : { ...ctx.browserHeaders };
      };
      let connection = 0;
      const rate = typeof options.rate === "function" ? options.rate(ctx) : options.rate;
      return {
        expectStatus: 200,
        paced: rate
          ? {
              rate,
              request: (i) => ({ path: options.path(i % ctx.connections, ctx), headers: headersFor(i % ctx.connections) }),
            }
          : undefined,
        probe: { path: options.path(0, ctx), headers: headersFor(0) },
        setupClient(client) {
          const i = connection++;
          client.setRequests([{ method: "GET", path: options.path(i, ctx), headers: headersFor(i) }]);
        },
      };
    },
  };
}

function lessonsWithQuiz(practice: SeededPractice): (SeedLesson & { quiz: NonNullable<SeedLesson["quiz"]> })[] {
  return practice.lessons.filter((l): l is SeedLesson & { quiz: NonNullable<SeedLesson["quiz"]> } => l.quiz !== null);
}

/**
 * Quiz submissions as the quiz form posts them without JavaScript (a document POST answered with
 * 302 to the result), from one staff session per connection, every request with a new requestId
 * and valid answers (four in five all right). Afterwards every acknowledged submission must be
 * in the database under its requestId, with the attempt id its redirect named.
 */
const submit: HttpScenario = {
  kind: "http",
  name: "submit",
  server: "app",
  description: "quiz submissions (POST, 302 to the result) from 50 staff sessions, each answered; then every acknowledged one is looked up in the database",
  async prepare(ctx) {
    const cookies = await ctx.sessions("staff", ctx.connections);
    const lessons = lessonsWithQuiz(ctx.practice);
    if (lessons.length === 0) throw new Error("No lesson has a quiz");
    const acknowledged = new Map<string, number>();
    const sent = new Set<string>();
    let connection = 0;
    let counter = 0;
    const body = (requestId: string) => {
      const n = counter++;
      const lesson = lessons[n % lessons.length] as (typeof lessons)[number];
      const form = new URLSearchParams({ intent: "submit", requestId, openedAt: new Date().toISOString(), tracked: "1" });
      for (const [question, choices] of Object.entries(answersFor(lesson.quiz, n % 5 === 4 ? 1 : 0))) {
        for (const choice of choices) form.append(`q.${question}`, choice);
      }
      return { path: `/lessons/${lesson.slug}`, body: form.toString() };
    };
    const headers = (cookie: string) => ({
      ...ctx.browserHeaders,
      cookie,
      origin: ctx.origin,
      "sec-fetch-site": "same-origin",
      "content-type": "application/x-www-form-urlencoded",
    });
    return {
      expectStatus: 302,
      setupClient(client) {
        const cookie = cookies[connection++ % cookies.length] as string;
        client.setRequests([
          {
            method: "POST",
            headers: headers(cookie),
            setupRequest(request, context) {
              const requestId = randomUUID();
              context.requestId = requestId;
              sent.add(requestId);
              return { ...request, ...body(requestId) };
            },
            onResponse(status, _body, context, responseHeaders) {
              const location = Object.entries(responseHeaders).find(([k]) => k.toLowerCase() === "location")?.[1];
              const id = /^\/attempts\/(\d+)$/.exec(String(location ?? ""))?.[1];
              if (status === 302 && id && typeof context.requestId === "string") acknowledged.set(context.requestId, Number(id));
            },
          },
        ]);
      },
      async verify() {
        // Straight from the database, through the harness's own connection (SQLite or PostgreSQL).
        const db = ctx.practice.connection.db;
        const stored = new Map<string, number>();
        const ids = [...sent];
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await db.selectFrom("quiz_attempt").select(["id", "request_id"]).where("request_id", "in", ids.slice(i, i + 500)).execute();
          for (const row of rows) stored.set(row.request_id, row.id);
        }
        let missing = 0;
        let wrongId = 0;
        for (const [requestId, attemptId] of acknowledged) {
          const id = stored.get(requestId);
          if (id === undefined) missing++;
          else if (id !== attemptId) wrongId++;
        }
        let storedUnacknowledged = 0;
        for (const requestId of sent) if (!acknowledged.has(requestId) && stored.has(requestId)) storedUnacknowledged++;
        return {
          acknowledged: acknowledged.size,
          lost: missing + wrongId,
          missing,
          wrongAttemptId: wrongId,
          // In flight when the run ended: stored, but the answer never reached the client.
          storedUnacknowledged,
          ok: missing + wrongId === 0,
        };
      },
    };
  },
};

/**
 * The studio's preview of an 800-word lesson with a 4-question quiz, as a manager opens it while
 * writing: the draft is unchanged between requests (its compiled code is cached). Afterwards the
 * draft is changed once and the preview timed cold (first compile), then warm again.
 */
const studioPreview: HttpScenario = {
  kind: "http",
  name: "studio-preview",
  server: "app",
  description: "the studio's preview of an 800-word draft with a 4-question quiz, unchanged between requests (compiled once, then cached); afterwards one cold preview after an edit",
  async prepare(ctx) {
    const db = ctx.practice.connection.db;
    const { content } = loadContent("./content");
    const library = createLibrary(buildCatalog(content, () => ""), () => "");
    const actor = { id: ctx.practice.manager.id, role: "manager" as const, scopeLocationId: null };
    const now = new Date();
    const studioCtx = { now, timeZone: "UTC", library };
    const moduleId = await createModule(db, actor, { title: `Bench module ${randomUUID().slice(0, 8)}`, summary: "A module for the bench.", skills: ["greeting"] }, studioCtx);
    const lessonId = await createLesson(db, actor, { title: `Bench lesson ${randomUUID().slice(0, 8)}`, moduleId }, studioCtx);
    const files = builtInFiles("./content", { moduleSlug: "first-impressions", slug: "the-first-ten-seconds" });
    await saveDraft(db, actor, lessonId, files, now);
    const [cookie] = await ctx.sessions("manager", 1);
    const headers = { ...ctx.browserHeaders, cookie: cookie as string };
    const path = `/manage/studio/lessons/${lessonId}/preview`;
    const timed = async () => {
      const started = performance.now();
      const response = await fetch(`${ctx.origin}${path}`, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`preview answered ${response.status}`);
      return Math.round((performance.now() - started) * 10) / 10;
    };
    return {
      expectStatus: 200,
      probe: { path, headers },
      setupClient(client) {
        client.setRequests([{ method: "GET", path, headers }]);
      },
      async verify() {
        const edit = () => saveDraft(db, actor, lessonId, { source: `${files.source}
One more line, so the draft compiles afresh (${randomUUID()}).
`, quiz: files.quiz }, new Date());
        // As a manager does: open the editor (which starts the compiler), change the text, preview.
        const editor = await fetch(`${ctx.origin}/manage/studio/lessons/${lessonId}`, { headers });
        await editor.arrayBuffer();
        if (editor.status !== 200) throw new Error(`the editor answered ${editor.status}`);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await edit();
        const coldMs = await timed();
        const warmMs = await timed();
        // What a compile costs everyone else: a learner's lesson page asked for again and again,
        // one at a time, while three cold previews run; the slowest answer is compared with the
        // lesson scenarios' p99. The compile itself runs in a worker thread.
        const [learner] = await ctx.sessions("staff", 1);
        const lesson = lessonsWithQuiz(ctx.practice)[0] as SeedLesson;
        const lessonHeaders = { ...ctx.browserHeaders, cookie: learner as string };
        let slowestLessonMs = 0;
        for (let round = 0; round < 3; round++) {
          await edit();
          let previewing = true;
          const preview = timed().finally(() => {
            previewing = false;
          });
          while (previewing) {
            const started = performance.now();
            const response = await fetch(`${ctx.origin}/lessons/${lesson.slug}`, { headers: lessonHeaders });
            await response.arrayBuffer();
            slowestLessonMs = Math.max(slowestLessonMs, performance.now() - started);
          }
          await preview;
        }
        return { coldPreviewMs: coldMs, warmPreviewMs: warmMs, slowestLessonDuringColdPreviewMs: Math.round(slowestLessonMs * 10) / 10, ok: true };
      },
    };
  },
};

/** Connection i reads the i-th lesson of the library (50 connections, 50 people, ~37 lessons). */
/** The reminders scenario's practice (BENCH_REMINDERS_EMPLOYEES). */
export const REMINDERS_EMPLOYEES = Number(process.env.BENCH_REMINDERS_EMPLOYEES ?? 10_000);

/** The paced lesson scenario runs at this share of the flat-out lesson scenario's rate. */
export const PACED_SHARE = 0.7;

export function pacedLessonRate(ctx: ScenarioContext): number {
  const saturated = ctx.measured("lesson")?.requestsPerSecond;
  if (!saturated) throw new Error("lesson-paced needs the lesson scenario measured first, in the same run (BENCH_ONLY=lesson,lesson-paced)");
  return Math.max(1, Math.round(PACED_SHARE * saturated));
}

export function lessonPath(practice: SeededPractice, i: number): string {
  const lessons = lessonsWithQuiz(practice);
  return `/lessons/${(lessons[i % lessons.length] as SeedLesson).slug}`;
}

export function scenarios(): Scenario[] {
  return [
    {
      kind: "http",
      name: "raw",
      server: "raw",
      description: "a plain node:http server answering with the exact bytes of the lesson page (the ceiling)",
      async prepare(ctx) {
        return { expectStatus: 200, headers: ctx.browserHeaders };
      },
    },
    page("remix-serve-trivial", {
      server: "remix-serve",
      as: "anonymous",
      path: () => "/bench/trivial",
      description: "the one-line route /bench/trivial under stock remix-serve (Express)",
    }),
    page("trivial", {
      server: "app",
      as: "anonymous",
      path: () => "/bench/trivial",
      description: "the same one-line route under our production server",
    }),
    page("lesson", {
      server: "app",
      as: "staff",
      path: (i, ctx) => lessonPath(ctx.practice, i),
      description: "a lesson page, each of the 50 connections a different signed-in staff member",
    }),
    page("lesson-paced", {
      server: "app",
      as: "staff",
      path: (i, ctx) => lessonPath(ctx.practice, i),
      rate: pacedLessonRate,
      description: `the lesson scenario held at ${PACED_SHARE * 100}% of its own saturation rate (the lesson row's requests/s in this run), sent steadily: the latency people see when the server is busy but keeping up`,
    }),
    page("progress", {
      server: "app",
      as: "manager",
      path: () => "/manage/progress",
      description: "the manager's progress matrix for 200 employees",
      optional: true,
    }),
    page("reports", {
      server: "app",
      as: "owner",
      path: () => "/owner/reports",
      description: "the owner's cost reports (budget against actual, spend per employee, value) over five years of spend",
      optional: true,
    }),
    submit,
    studioPreview,
    {
      kind: "reminders",
      name: "reminders",
      description: `composing the morning's staff reminders for ${REMINDERS_EMPLOYEES.toLocaleString("en-US")} people (a practice of its own), in the server and from cron, while staff read lessons at a steady rate: the composing's time and a lesson request's CPU before and during`,
    },
    {
      kind: "mail-window",
      name: "mail-window",
      description: "1,000 messages through the sender to a real SMTP server: the time from the server's acceptance to the message marked sent, when a crash sends it twice",
    },
    {
      kind: "fsync",
      name: "fsync",
      description: "better-sqlite3 committing one-row inserts in a loop with our pragmas (the disk's commit ceiling)",
    },
  ];
}
