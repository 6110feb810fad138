// The demo practice's outbox (`npm run demo`): the messages of the last few days in every state a
// manager meets on /manage/reminders, without any mail server. Each is what its kind composes for
// that person today, written as if it had been composed on its day; someone with
// nothing due today gets none.
import type { DB } from "#db/connection.ts";
import type { MailStatus } from "#db/schema.ts";
import { addDaysTo } from "#app/rules/dates.ts";
import type { Catalog } from "../catalog.server.ts";
import { localDate } from "../clock.server.ts";
import type { OutgoingMessage } from "./outbox.server.ts";
import { MAIL_KINDS } from "./scheduler.server.ts";

interface Planned {
  email: string;
  daysAgo: number;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
}

/** Who got what, and how it went. Maple Street: Omar, Aisha; Riverside: James, Tom, Lena. */
export const DEMO_OUTBOX: readonly Planned[] = [
  { email: "aisha@demo.test", daysAgo: 4, status: "not-set-up", attempts: 0, lastError: null },
  { email: "james@demo.test", daysAgo: 4, status: "not-set-up", attempts: 0, lastError: null },
  { email: "aisha@demo.test", daysAgo: 3, status: "sent", attempts: 1, lastError: null },
  { email: "james@demo.test", daysAgo: 3, status: "sent", attempts: 2, lastError: null },
  { email: "omar@demo.test", daysAgo: 2, status: "sent", attempts: 1, lastError: null },
  { email: "omar@demo.test", daysAgo: 1, status: "failed", attempts: 1, lastError: "550 5.1.1 <omar@demo.test>: Recipient address rejected: User unknown in virtual mailbox table" },
  { email: "tom@demo.test", daysAgo: 1, status: "failed", attempts: 1, lastError: "552 5.2.2 <tom@demo.test>: Mailbox full" },
  { email: "lena@demo.test", daysAgo: 1, status: "pending", attempts: 2, lastError: "451 4.7.1 Greylisted, please try again later" },
];

export async function seedDemoOutbox(db: DB, catalog: Catalog, now: Date, timeZone: string): Promise<void> {
  const people = await db.selectFrom("user").select(["id", "name", "email"]).where("email", "in", [...new Set(DEMO_OUTBOX.map((p) => p.email))]).execute();
  const today = localDate(now, timeZone);
  // Each kind composes once, for the planned people; the first message a person gets is theirs.
  const composed = new Map<number, OutgoingMessage>();
  for (const kind of MAIL_KINDS) {
    const recipients = async (ids: readonly number[]) => people.filter((p) => ids.includes(p.id));
    for await (const batch of kind.compose({ db, catalog, now, timeZone, today, origin: "", recipients })) {
      for (const m of batch) if (!composed.has(m.userId)) composed.set(m.userId, m);
    }
  }
  const day = 86_400_000;
  for (const plan of DEMO_OUTBOX) {
    const person = people.find((p) => p.email === plan.email);
    const message = person ? composed.get(person.id) : undefined;
    // Nothing due for them today: their message would not be what they were sent then.
    if (!person || !message) continue;
    const created = new Date(now.getTime() - plan.daysAgo * day);
    await db
      .insertInto("mail_message")
      .values({
        user_id: person.id,
        to_address: message.to,
        kind: message.kind,
        local_date: addDaysTo(today, -plan.daysAgo),
        subject: message.subject,
        text_body: message.text,
        html_body: message.html,
        headers: JSON.stringify(message.headers ?? {}),
        status: plan.status,
        attempts: plan.attempts,
        next_attempt_at: plan.status === "pending" ? new Date(now.getTime() + 15 * 60_000).toISOString() : created.toISOString(),
        last_error: plan.lastError,
        created_at: created.toISOString(),
        sent_at: plan.status === "sent" ? new Date(created.getTime() + 2_000).toISOString() : null,
      })
      .onConflict((oc) => oc.columns(["user_id", "kind", "local_date"]).doNothing())
      .execute();
  }
}
