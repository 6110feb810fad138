// npm run reminders -- --once — one mail round, for deployments that run it from cron rather than
// inside the server (MAIL_SCHEDULER=0): composes the messages that are due (reminders at the
// practice's hour, once a day each) and sends what is pending, then exits. Safe to run while a
// server or another round runs: see docs/decisions/0019-email-outbox.md.
import { readEnvFor } from "#app/env.server.ts";
import { MAIL_ROUND_ENV, openMailServices } from "#app/models/mail/round-services.server.ts";
import { describeRound, runMailRound } from "#app/models/mail/scheduler.server.ts";
import { migrateToLatest } from "#db/connection.ts";
import { run } from "./run.ts";

await run(async () => {
  if (!process.argv.includes("--once")) {
    console.error("Usage: npm run reminders -- --once   (one round: compose what is due, send what is pending)");
    return 2;
  }
  const { services, close } = openMailServices(readEnvFor(MAIL_ROUND_ENV));
  try {
    await migrateToLatest(services.db);
    const started = performance.now();
    const result = await runMailRound(services, services.clock.now());
    const line = describeRound(result, (performance.now() - started) / 1000);
    console.log(`${line.charAt(0).toUpperCase()}${line.slice(1)}.`);
  } finally {
    await close();
  }
});
