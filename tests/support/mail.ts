// A practice ready for mail tests: the catalog, people, a movable clock and the mail round's
// services pointed at a test SMTP server (or at none).
import type { Connection, DB } from "#db/connection.ts";
import { createAssignment } from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import type { MailServices } from "#app/models/mail/scheduler.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { createCatalog, createPractice, createUser } from "./factories.ts";

export const ORIGIN = "https://coach.example.org";

export interface MailPractice {
  catalog: Catalog;
  owner: Actor;
  ana: { id: number; email: string };
  ben: { id: number; email: string };
  clock: { now(): Date; set(iso: string): void };
  services(connection: Pick<Connection, "db">, smtpUrl?: string): MailServices;
}

/**
 * A practice in `timeZone` with Ana, who has the basics module due on `dueOn`, and Ben, who has
 * nothing assigned. The clock starts at `start`.
 */
export async function mailPractice(db: DB, options: { timeZone: string; start: string; dueOn: string }): Promise<MailPractice> {
  const catalog = await createCatalog(db);
  await createPractice(db, { timeZone: options.timeZone });
  const owner: Actor = { id: (await createUser(db, { role: "owner", name: "Olivia Owner" })).id, role: "owner", scopeLocationId: null };
  const ana = await createUser(db, { name: "Ana Alvarez", email: "ana@clinic.example" });
  const ben = await createUser(db, { name: "Ben Brooks", email: "ben@clinic.example" });
  let current = new Date(options.start);
  const clock = { now: () => current, set: (iso: string) => void (current = new Date(iso)) };
  await createAssignment(
    db,
    owner,
    { item: { kind: "module", slug: "basics" }, target: { kind: "person", userId: ana.id }, due: { kind: "date", on: options.dueOn }, recurMonths: null },
    { catalog, now: current, timeZone: options.timeZone },
  );
  return {
    catalog,
    owner,
    ana,
    ben,
    clock,
    services: (connection, smtpUrl) => ({
      db: connection.db,
      clock,
      catalog: async () => catalog,
      env: smtpUrl ? { SMTP_URL: smtpUrl, MAIL_FROM: "DeskCoach <coach@example.org>", APP_ORIGIN: ORIGIN } : { APP_ORIGIN: ORIGIN },
    }),
  };
}
