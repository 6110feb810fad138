// Certificates: one for each module a person has completed (every lesson in it), printable, with a
// verification link that shows the name, the module and the date to anyone holding it, and nothing
// else. Only the SHA-256 of a link's token is stored, so a link cannot be shown again: printing
// makes a new one, and the learner can turn off earlier ones. See docs/decisions/0004-certificate-links.md.
import { createHash, randomBytes } from "node:crypto";
import type { DB } from "#db/connection.ts";
import { recordAudit } from "./audit.server.ts";
import type { Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { FieldError } from "./field-error.ts";

/** 32 random bytes: 256 bits, as 43 characters of base64url. */
const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface CompletedModule {
  slug: string;
  title: string;
  /** The day the last of its lessons was first completed, on the practice's calendar. */
  completedOn: string;
  lessons: number;
  /** Verification links that still work. */
  liveLinks: number;
}

/** The modules a person has completed, most recent first. */
export async function completedModules(db: DB, userId: number, catalog: Catalog, timeZone: string): Promise<CompletedModule[]> {
  const [firsts, links] = await Promise.all([
    db
      .selectFrom("completion")
      .select(["lesson_slug", (eb) => eb.fn.min("completed_at").as("first")])
      .where("user_id", "=", userId)
      .groupBy("lesson_slug")
      .execute(),
    db
      .selectFrom("certificate_link")
      .select(["module_slug", (eb) => eb.fn.countAll<number>().as("n")])
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .groupBy("module_slug")
      .execute(),
  ]);
  const first = new Map(firsts.map((f) => [f.lesson_slug, f.first as string]));
  const live = new Map(links.map((l) => [l.module_slug, Number(l.n)]));
  const done: CompletedModule[] = [];
  for (const m of catalog.modules) {
    const times = m.lessons.map((l) => first.get(l.slug));
    if (m.lessons.length === 0 || times.some((t) => !t)) continue;
    const last = (times as string[]).sort().at(-1) as string;
    done.push({ slug: m.slug, title: m.title, completedOn: localDate(last, timeZone), lessons: m.lessons.length, liveLinks: live.get(m.slug) ?? 0 });
  }
  return done.sort((a, b) => b.completedOn.localeCompare(a.completedOn) || a.title.localeCompare(b.title));
}

/** A new verification link for a completed module. Returns the token, which is never stored. */
export async function issueCertificateLink(
  db: DB,
  user: { id: number; name: string },
  catalog: Catalog,
  moduleSlug: string,
  context: { now: Date; timeZone: string },
): Promise<string> {
  const module = (await completedModules(db, user.id, catalog, context.timeZone)).find((m) => m.slug === moduleSlug);
  if (!module) throw new FieldError("module", "No such certificate.", 404);
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("certificate_link")
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        module_slug: module.slug,
        name: user.name,
        module_title: module.title,
        completed_on: module.completedOn,
        created_at: context.now.toISOString(),
        revoked_at: null,
      })
      .execute();
    await recordAudit(trx, { actorId: user.id, action: "certificate.link_issue", subject: `user:${user.id}`, details: { module: module.slug }, at: context.now });
  });
  return token;
}

export interface VerifiedCertificate {
  name: string;
  moduleTitle: string;
  completedOn: string;
}

/** What a verification link shows, or null for a link that is unknown or turned off. */
export async function findCertificate(db: DB, token: string): Promise<VerifiedCertificate | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db
    .selectFrom("certificate_link")
    .select(["name", "module_title as moduleTitle", "completed_on as completedOn"])
    .where("token_hash", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row ?? null;
}

/** Turns off every link to one of the person's certificates. Returns how many were live. */
export async function revokeCertificateLinks(db: DB, userId: number, moduleSlug: string, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("certificate_link")
      .set({ revoked_at: now.toISOString() })
      .where("user_id", "=", userId)
      .where("module_slug", "=", moduleSlug)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    if (count > 0) {
      await recordAudit(trx, { actorId: userId, action: "certificate.links_revoke", subject: `user:${userId}`, details: { module: moduleSlug, links: count }, at: now });
    }
    return count;
  });
}
