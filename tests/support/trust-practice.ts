// The practice the trust suite attacks: the demo practice (two locations, a year of learning,
// spend, feedback, assignments) plus the accounts a role matrix needs and one of every object
// that appears in a URL or form, with the ids the tests aim at.
import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import type { DB } from "#db/connection.ts";
import { issueCode } from "#app/models/access-codes.server.ts";
import { buildCatalog, syncCatalog, type Catalog } from "#app/models/catalog.server.ts";
import { accountSecrets, requestPasswordReset } from "#app/models/mail/account-mail.server.ts";
import { issueUnsubscribeToken } from "#app/models/mail/tokens.server.ts";
import { issueCertificateLink } from "#app/models/certificates.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { DEMO_PASSWORD, seedDemo } from "#app/models/demo.server.ts";
import { acceptImage } from "#app/models/lesson-images.server.ts";
import { createLibrary } from "#app/models/library.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { addImage, createLesson, createModule } from "#app/models/studio.server.ts";
import { startServer, type ServerOptions, type TestServer } from "./server.ts";

export const PASSWORD = DEMO_PASSWORD;

/** Who the matrix signs in as. `deactivated` had a session before being turned off. */
export const ACTORS = {
  staff: "maria@demo.test",
  manager: "manager@demo.test",
  scoped: "scoped@demo.test",
  owner: "owner@demo.test",
  deactivated: "gone@demo.test",
} as const;
export type Actor = keyof typeof ACTORS | "anonymous";
export const ALL_ACTORS: Actor[] = ["anonymous", "staff", "manager", "scoped", "owner", "deactivated"];

/** Ids of objects in the practice. "maple" objects are visible to the scoped (Riverside) manager's
 * peers only; "riverside" objects are inside the scoped manager's reach. */
export interface TrustIds {
  users: Record<string, number>;
  locations: { maple: number; riverside: number };
  /** Maria's attempt (staff) and James's attempt (another staff member, Riverside). */
  attempts: { maria: number; james: number };
  assignmentId: number;
  expenseId: number;
  /** A month of outcome figures at each location. */
  outcomes: { maple: number; riverside: number };
  feedbackItemId: number;
  /** A live certificate link of Maria's. */
  certificateToken: string;
  /** An unused reset code of Omar's (Maple Street). */
  resetCode: string;
  /** The unsubscribe link token of a staff reminder sent to Maria. */
  unsubscribeToken: string;
  /** A live password-reset link token of Omar's (Maple Street). */
  passwordResetToken: string;
  /** A studio module, and a draft lesson in it with a picture, written by the practice-wide manager. */
  studio: { moduleId: number; lessonId: number; imageName: string };
}

let catalog: Catalog | null = null;
/** The real library, as the server builds it (lesson HTML is not needed to seed). */
export function realCatalog(): Catalog {
  if (catalog) return catalog;
  const { content, problems } = loadContent("./content");
  if (problems.length > 0) throw new Error("Content is invalid: run `npm run content:check`.");
  catalog = buildCatalog(content, () => "");
  return catalog;
}

export async function seedTrustPractice(db: DB, now = new Date()): Promise<TrustIds> {
  const lib = realCatalog();
  await syncCatalog(db, lib);
  await seedDemo(db, lib, now);
  const locations = Object.fromEntries(
    (await db.selectFrom("location").select(["id", "name"]).execute()).map((l) => [l.name, l.id]),
  );
  const maple = locations["Maple Street"] as number;
  const riverside = locations["Riverside"] as number;
  const hash = await hashPassword(PASSWORD);
  const at = now.toISOString();
  const base = { hourly_wage_cents: null, hired_on: null, password_hash: hash, created_at: at } as const;
  await db
    .insertInto("user")
    .values([
      { ...base, email: ACTORS.scoped, name: "Sam Ortiz", role: "manager", job_title: "Site lead", location_id: riverside, scope_location_id: riverside, status: "active" },
      { ...base, email: ACTORS.deactivated, name: "Gail North", role: "staff", job_title: "Receptionist", location_id: maple, status: "deactivated", deactivated_at: at },
    ])
    .execute();
  const users = Object.fromEntries(
    (await db.selectFrom("user").select(["id", "email"]).execute()).map((u) => [u.email.split("@")[0] as string, u.id]),
  );
  const attempt = async (userId: number) =>
    (await db.selectFrom("quiz_attempt").select("id").where("user_id", "=", userId).orderBy("id").executeTakeFirstOrThrow()).id;
  const assignment = await db.selectFrom("assignment").select("id").orderBy("id").executeTakeFirstOrThrow();
  const expense = await db.selectFrom("expense").select("id").orderBy("id").executeTakeFirstOrThrow();
  const outcome = async (locationId: number) =>
    (await db.selectFrom("outcome_month").select("id").where("location_id", "=", locationId).orderBy("id").executeTakeFirstOrThrow()).id;
  const feedback = await db.selectFrom("feedback_item").select("id").orderBy("id").executeTakeFirstOrThrow();
  const done = await db
    .selectFrom("completion")
    .select("lesson_slug")
    .where("user_id", "=", users.maria as number)
    .execute();
  const doneSlugs = new Set(done.map((d) => d.lesson_slug));
  const jamesDone = new Set(
    (await db.selectFrom("completion").select("lesson_slug").where("user_id", "=", users.james as number).execute()).map((d) => d.lesson_slug),
  );
  // A module Maria has finished and James has not, so that James asking about it is asking about hers.
  const module = lib.modules.find((m) => m.lessons.every((l) => doneSlugs.has(l.slug)) && !m.lessons.every((l) => jamesDone.has(l.slug)));
  if (!module) throw new Error("The demo's Maria has no completed module (that James has not also completed) to certify.");
  const certificateToken = await issueCertificateLink(db, { id: users.maria as number, name: "Maria Lopez" }, lib, module.slug, {
    now,
    timeZone: "America/Chicago",
  });
  const resetCode = await issueCode(db, { userId: users.omar as number, purpose: "reset", createdBy: users.manager as number, now });
  const unsubscribeToken = await issueUnsubscribeToken(db, users.maria as number, "staff-reminder", now);
  const passwordResetToken = await liveResetToken(db, "omar@demo.test", now);
  const studio = await seedStudio(db, lib, { id: users.manager as number, role: "manager", scopeLocationId: null }, now);
  return {
    users,
    locations: { maple, riverside },
    attempts: { maria: await attempt(users.maria as number), james: await attempt(users.james as number) },
    assignmentId: assignment.id,
    expenseId: expense.id,
    outcomes: { maple: await outcome(maple), riverside: await outcome(riverside) },
    feedbackItemId: feedback.id,
    certificateToken,
    resetCode,
    unsubscribeToken,
    passwordResetToken,
    studio,
  };
}

/**
 * A reset link as the sender makes it, without sending: asked for, then its token made. Dated a
 * day ahead, so that it still works at the end of the longest run (links last 30 minutes).
 */
async function liveResetToken(db: DB, email: string, now: Date): Promise<string> {
  const origin = "http://deskcoach.test";
  if (!(await requestPasswordReset(db, { email, now, origin }))) throw new Error(`No active account for ${email}`);
  const message = await db.selectFrom("mail_message").select(["id", "to_address"]).where("kind", "=", "password-reset").orderBy("id", "desc").executeTakeFirstOrThrow();
  const secrets = await accountSecrets(db, message, new Date(now.getTime() + 86_400_000), origin);
  if (!("replacements" in secrets)) throw new Error(secrets.refused);
  return Object.values(secrets.replacements)[0]!.split("/").at(-1)!;
}

/** A module of the practice's own with one draft lesson and a picture: objects the studio's routes aim at. */
async function seedStudio(db: DB, lib: Catalog, author: { id: number; role: "manager"; scopeLocationId: null }, now: Date) {
  const ctx = { now, timeZone: "America/Chicago", library: createLibrary(lib, () => "") };
  const moduleId = await createModule(db, author, { title: "How we do it here", summary: "Our own ways at the Maple Street desk.", skills: ["greeting"] }, ctx);
  const lessonId = await createLesson(db, author, { title: "Our phone greeting", moduleId }, ctx);
  const { default: sharp } = await import("sharp");
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#2a6" } }).png().toBuffer();
  const image = await acceptImage(new Uint8Array(png), "desk.png");
  if (!image.ok) throw new Error(image.message);
  const imageName = await addImage(db, author, lessonId, image, now);
  return { moduleId, lessonId, imageName };
}

/** The production build serving a fresh trust practice, and the ids in it. */
export async function startTrustServer(options: Omit<ServerOptions, "seed" | "dbFile"> = {}): Promise<{ server: TestServer; ids: TrustIds }> {
  let ids: TrustIds | undefined;
  const server = await startServer({
    ...options,
    seed: async (db) => {
      ids = await seedTrustPractice(db);
    },
  });
  if (!ids) throw new Error("The trust practice was not seeded");
  return { server, ids };
}

/** Origin headers a same-site browser form would send. */
export function sameSite(baseUrl: string): Record<string, string> {
  return { origin: baseUrl, "sec-fetch-site": "same-origin" };
}

/**
 * Signs `request` (a Playwright API context, which keeps cookies) in as `who` through the real
 * sign-in form. Returns without doing anything for "anonymous".
 */
export async function signInAs(request: APIRequestContext, baseUrl: string, who: Actor, password = PASSWORD): Promise<void> {
  if (who === "anonymous") return;
  if (who === "deactivated") throw new Error("Use signInThenDeactivate for the deactivated actor.");
  const response = await request.post(`${baseUrl}/login`, {
    form: { email: ACTORS[who], password },
    headers: sameSite(baseUrl),
    maxRedirects: 0,
  });
  if (response.status() !== 302) throw new Error(`Sign-in as ${who} answered ${response.status()}`);
}

/**
 * The deactivated actor: an account signed in while active, then deactivated behind its back, so
 * its session cookie is one the server issued. Flips the account back to deactivated in `db`.
 */
export async function signInThenDeactivate(request: APIRequestContext, baseUrl: string, db: DB): Promise<void> {
  await db.updateTable("user").set({ status: "active", deactivated_at: null }).where("email", "=", ACTORS.deactivated).execute();
  const response = await request.post(`${baseUrl}/login`, {
    form: { email: ACTORS.deactivated, password: PASSWORD },
    headers: sameSite(baseUrl),
    maxRedirects: 0,
  });
  if (response.status() !== 302) throw new Error(`Sign-in as the soon-deactivated user answered ${response.status()}`);
  await db
    .updateTable("user")
    .set({ status: "deactivated", deactivated_at: new Date().toISOString() })
    .where("email", "=", ACTORS.deactivated)
    .execute();
}

/** A fresh id for forms that carry an idempotency key. */
export const requestId = () => randomUUID();
