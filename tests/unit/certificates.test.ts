import { beforeEach, describe, expect, it } from "vitest";
import type { Catalog } from "#app/models/catalog.server.ts";
import { completedModules, findCertificate, issueCertificateLink, revokeCertificateLinks } from "#app/models/certificates.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createPractice, createUser } from "#tests/support/factories.ts";

const TZ = "America/Chicago";
const testDb = setupTestDb();
let catalog: Catalog;
let maria: { id: number; name: string };

beforeEach(async () => {
  await createPractice(testDb.db, { timeZone: TZ });
  catalog = await createCatalog(testDb.db);
  maria = { id: (await createUser(testDb.db, { name: "Maria Lopez" })).id, name: "Maria Lopez" };
});

const complete = (lessonSlug: string, at: string) =>
  testDb.db.insertInto("completion").values({ user_id: maria.id, lesson_slug: lessonSlug, completed_at: at, attempt_id: null, content_hash: "h" }).execute();
const context = { now: new Date("2026-03-20T15:00:00Z"), timeZone: TZ };

describe("certificates", () => {
  it("are earned by completing every lesson of a module, dated by the last one", async () => {
    await complete("greeting-basics", "2026-03-02T15:00:00Z");
    expect(await completedModules(testDb.db, maria.id, catalog, TZ)).toEqual([]);
    await expect(issueCertificateLink(testDb.db, maria, catalog, "basics", context)).rejects.toMatchObject({ status: 404 });
    // 03:00 UTC on 6 March is 5 March in Chicago. A later second completion changes nothing.
    await complete("reading-only", "2026-03-06T03:00:00Z");
    await complete("greeting-basics", "2026-03-10T15:00:00Z");
    expect(await completedModules(testDb.db, maria.id, catalog, TZ)).toEqual([{ slug: "basics", title: "Basics", completedOn: "2026-03-05", lessons: 2, liveLinks: 0 }]);
  });

  it("verify with an unguessable link that shows name, module and date only; only its hash is stored", async () => {
    await complete("greeting-basics", "2026-03-02T15:00:00Z");
    await complete("reading-only", "2026-03-03T15:00:00Z");
    const token = await issueCertificateLink(testDb.db, maria, catalog, "basics", context);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(await findCertificate(testDb.db, token)).toEqual({ name: "Maria Lopez", moduleTitle: "Basics", completedOn: "2026-03-03" });
    const stored = await testDb.db.selectFrom("certificate_link").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await findCertificate(testDb.db, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await findCertificate(testDb.db, "not-a-token")).toBeNull();
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "details"]).execute();
    expect(audit).toEqual([{ action: "certificate.link_issue", details: JSON.stringify({ module: "basics" }) }]);
  });

  it("keep what was printed when the name changes, and stop working when turned off", async () => {
    await complete("greeting-basics", "2026-03-02T15:00:00Z");
    await complete("reading-only", "2026-03-03T15:00:00Z");
    const first = await issueCertificateLink(testDb.db, maria, catalog, "basics", context);
    await testDb.db.updateTable("user").set({ name: "Maria Lopez-Reyes" }).where("id", "=", maria.id).execute();
    const second = await issueCertificateLink(testDb.db, { ...maria, name: "Maria Lopez-Reyes" }, catalog, "basics", context);
    expect((await findCertificate(testDb.db, first))?.name).toBe("Maria Lopez");
    expect((await findCertificate(testDb.db, second))?.name).toBe("Maria Lopez-Reyes");
    expect((await completedModules(testDb.db, maria.id, catalog, TZ))[0]?.liveLinks).toBe(2);
    expect(await revokeCertificateLinks(testDb.db, maria.id, "basics", context.now)).toBe(2);
    expect(await findCertificate(testDb.db, first)).toBeNull();
    expect(await findCertificate(testDb.db, second)).toBeNull();
    expect(await revokeCertificateLinks(testDb.db, maria.id, "basics", context.now)).toBe(0);
  });
});
