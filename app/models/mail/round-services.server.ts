// What a mail round needs when it runs apart from the request handler: from cron
// (`npm run reminders -- --once`, app/cli/reminders.ts) or on the server's mail thread
// (app/server/mail-thread.ts). Its own connection to the database, and a catalog of titles and
// dates only: a message needs nothing rendered.
import type { Env } from "#app/env.server.ts";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { createClock } from "#app/models/clock.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { openConnection } from "#db/connection.ts";
import type { MailServices } from "./scheduler.server.ts";

/** The settings a mail round reads. */
export const MAIL_ROUND_ENV = ["NODE_ENV", "DATABASE_URL", "CONTENT_DIR", "DESKCOACH_NOW", "SMTP_URL", "MAIL_FROM", "APP_ORIGIN"] as const;

export function openMailServices(env: Pick<Env, (typeof MAIL_ROUND_ENV)[number]>): { services: MailServices; close(): Promise<void> } {
  const { content, problems } = loadContent(env.CONTENT_DIR);
  if (problems.length > 0) throw new Error("Content is invalid (npm run content:check says where); no mail was composed.");
  const library = createLibrary(buildCatalog(content, () => ""), () => "");
  const connection = openConnection(env.DATABASE_URL);
  const clock = createClock(env.NODE_ENV, env.DESKCOACH_NOW);
  return {
    services: { db: connection.db, clock, env, catalog: () => library.current(connection.db) },
    close: () => connection.close(),
  };
}
