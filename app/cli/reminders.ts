// npm run reminders -- --once — one mail round, for deployments that run it from cron rather than
// inside the server (MAIL_SCHEDULER=0): composes the messages that are due (reminders at the
// practice's hour, once a day each) and sends what is pending, then exits. Safe to run while a
// server or another round runs: see docs/decisions/0019-email-outbox.md.
import { readEnvFor } from "#app/env.server.ts";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { createClock } from "#app/models/clock.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { describeRound, runMailRound } from "#app/models/mail/scheduler.server.ts";
import { migrateToLatest, openConnection } from "#db/connection.ts";
import { run } from "./run.ts";

await run(async () => {
  if (!process.argv.includes("--once")) {
    console.error("Usage: npm run reminders -- --once   (one round: compose what is due, send what is pending)");
    return 2;
  }
  const env = readEnvFor(["NODE_ENV", "DATABASE_URL", "CONTENT_DIR", "DESKCOACH_NOW", "SMTP_URL", "MAIL_FROM", "APP_ORIGIN"]);
  const { content, problems } = loadContent(env.CONTENT_DIR);
  if (problems.length > 0) throw new Error(`Content is invalid (npm run content:check says where); no mail was composed.`);
  // Titles and dates are all a message needs of the library: lessons are not rendered.
  const library = createLibrary(buildCatalog(content, () => ""), () => "");
  const connection = openConnection(env.DATABASE_URL);
  try {
    await migrateToLatest(connection.db);
    const clock = createClock(env.NODE_ENV, env.DESKCOACH_NOW);
    const started = performance.now();
    const result = await runMailRound({ db: connection.db, clock, env, catalog: () => library.current(connection.db) }, clock.now());
    const line = describeRound(result, (performance.now() - started) / 1000);
    console.log(`${line.charAt(0).toUpperCase()}${line.slice(1)}.`);
  } finally {
    await connection.close();
  }
});
