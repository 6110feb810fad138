// The running app's one set of services: configuration, the database (migrated), the catalog
// (validated, compiled and rendered) and sessions. Built once when the server build is first
// imported; a failure here stops the server from starting, with the reason.
import { migrateToLatest, openConnection, type Connection } from "#db/connection.ts";
import { buildCatalog, syncCatalog, type Catalog } from "#app/models/catalog.server.ts";
import { createLibrary, type Library } from "#app/models/library.server.ts";
import { createClock, type Clock } from "#app/models/clock.server.ts";
import { type Problem } from "#app/models/content.server.ts";
import { builtCheckerIdentity, loadCheckedContent } from "#app/models/content-cache.server.ts";
import { compileLessons } from "#app/models/lesson-compiler.server.ts";
import { createSessions, type Sessions } from "#app/models/sessions.server.ts";
import { readEnv, type Env } from "./env.server.ts";
import { renderLessonHtml } from "./lesson-html.server.tsx";

export interface Services {
  env: Env;
  connection: Connection;
  db: Connection["db"];
  /** The built-in lessons with the practice's own laid over them: `await services.library.current(db)`. */
  library: Library;
  sessions: Sessions;
  clock: Clock;
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("\n");
}

async function loadCatalog(env: Env): Promise<Catalog> {
  const checker = builtCheckerIdentity(import.meta.url, env.NODE_ENV === "production");
  const { content, problems } = loadCheckedContent(env.CONTENT_DIR, { cacheDir: env.CONTENT_CACHE_DIR, checker });
  if (problems.length > 0) throw new Error(`Content is invalid:\n${formatProblems(problems)}`);
  const lessons = content.modules.flatMap((m) => m.lessons);
  const compiled = await compileLessons(lessons, env.CONTENT_CACHE_DIR);
  if (compiled.problems.length > 0) throw new Error(`Content does not compile:\n${formatProblems(compiled.problems)}`);
  const slugs = new Map(lessons.map((l) => [l.contentHash, l.slug]));
  return buildCatalog(content, (hash) => renderLessonHtml(compiled.code.get(hash) ?? "", slugs.get(hash) ?? ""));
}

async function start(): Promise<Services> {
  const env = readEnv();
  const connection = openConnection(env.DATABASE_URL);
  await migrateToLatest(connection.db);
  const builtIn = await loadCatalog(env);
  const library = createLibrary(builtIn, renderLessonHtml);
  await syncCatalog(connection.db, await library.current(connection.db));
  const sessions = createSessions(connection.db, {
    idleMinutes: env.SESSION_IDLE_MINUTES,
    maxHours: env.SESSION_MAX_HOURS,
  });
  await sessions.deleteExpired();
  const clock = createClock(env.NODE_ENV, env.DESKCOACH_NOW);
  return {
    env,
    connection,
    db: connection.db,
    library,
    sessions,
    clock,
  };
}

// One instance per process, surviving the dev server's module reloads.
const globalKey = Symbol.for("deskcoach.services");
const holder = globalThis as unknown as Record<symbol, Promise<Services> | undefined>;
export const services: Services = await (holder[globalKey] ??= start());
