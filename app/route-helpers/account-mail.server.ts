// What the routes that send account emails (a reset link, a setup code) share: whether email is
// set up here, the public origin links point at, and sending at once rather than with the next
// minute's mail round.
import { emailSetUp } from "#app/models/mail/account-mail.server.ts";
import { sendSoon } from "#app/models/mail/sender.server.ts";
import { services } from "#app/services.server.ts";

/** The public origin when email is set up (SMTP_URL, MAIL_FROM and APP_ORIGIN), or null. */
export function mailOrigin(): string | null {
  return emailSetUp(services.env) ? services.env.APP_ORIGIN : null;
}

/** Sends what waits in the outbox now, in the background; the answer to the request does not wait for it. */
export function sendAccountMailSoon(): void {
  void sendSoon(services.db, services.env, services.clock);
}

/** Runs `work` after the answer, then sends what it queued; a failure is logged, never shown. */
export function inBackground(work: () => Promise<boolean>): void {
  void work()
    .then((queued) => (queued ? sendSoon(services.db, services.env, services.clock) : undefined))
    .catch((error: unknown) => console.error(`An account email could not be queued: ${error instanceof Error ? error.message : String(error)}`));
}
