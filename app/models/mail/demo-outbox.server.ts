// The demo practice's outbox (`npm run demo`): the messages of the last few days in every state a
// manager meets on /manage/reminders, without any mail server. Each is what its kind composes for
// that person today (the preview), written as if it had been composed on its day; someone with
// nothing due today gets none.
import type { DB } from "#db/connection.ts";
import type { MailStatus } from "#db/schema.ts";
import { addDaysTo } from "#app/rules/dates.ts";
import type { Catalog } from "../catalog.server.ts";
import { localDate } from "../clock.server.ts";
import { PREVIEW_UNSUBSCRIBE, previewFor } from "./manage.server.ts";
import { UNSUBSCRIBE_URL } from "./outbox.server.ts";

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
  const owner = await db.selectFrom("user").select("id").where("role", "=", "owner").orderBy("id").executeTakeFirstOrThrow();
  const actor = { id: owner.id, role: "owner" as const, scopeLocationId: null };
  const people = new Map((await db.selectFrom("user").select(["id", "email"]).execute()).map((p) => [p.email, p.id]));
  const today = localDate(now, timeZone);
  const day = 86_400_000;
  const previews = new Map<number, Awaited<ReturnType<typeof previewFor>>>();
  for (const plan of DEMO_OUTBOX) {
    const userId = people.get(plan.email);
    if (!userId) continue;
    if (!previews.has(userId)) previews.set(userId, await previewFor(db, actor, userId, { catalog, now, timeZone, origin: "" }));
    const preview = previews.get(userId);
    const composed = preview?.previews.find((p) => p.message);
    // Nothing due for them today: their message would not be what they were sent then.
    if (!composed?.message) continue;
    const message = composed.message;
    const created = new Date(now.getTime() - plan.daysAgo * day);
    const unplaced = (body: string) => body.split(PREVIEW_UNSUBSCRIBE).join(UNSUBSCRIBE_URL);
    await db
      .insertInto("mail_message")
      .values({
        user_id: userId,
        to_address: message.to,
        kind: composed.kind,
        local_date: addDaysTo(today, -plan.daysAgo),
        subject: message.subject,
        text_body: unplaced(message.text),
        html_body: unplaced(message.html),
        headers: "{}",
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
