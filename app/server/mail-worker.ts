// The server's mail thread: the once-a-minute mail round (app/models/mail/scheduler.server.ts) on
// a thread of its own, with its own connection, as `npm run reminders -- --once` would run it from
// cron. Composing a large practice's morning is seconds of work; on the request thread it held
// every page back meanwhile. Started by app/server/mail-thread.ts; built to build/mail-worker.js.
import { readEnvFor } from "#app/env.server.ts";
import { MAIL_ROUND_ENV, openMailServices } from "#app/models/mail/round-services.server.ts";
import { startMailRounds } from "#app/models/mail/scheduler.server.ts";

startMailRounds(openMailServices(readEnvFor(MAIL_ROUND_ENV)).services);
