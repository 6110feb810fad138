// Objects named in URLs and forms: someone without a right to an object is told it does not
// exist (404), whatever id they try, and the database does not change. A whole area a role may
// not use (staff on manager pages, managers on money pages without the owner's say-so) answers
// 403 for every id alike, as in the role matrix.
import { randomUUID } from "node:crypto";
import { expect, request as apiRequest, test, type APIRequestContext } from "@playwright/test";
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { logOutsideLearning } from "#app/models/outside-learning.server.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, sameSite, seedTrustPractice, signInAs, type TrustIds } from "#tests/support/trust-practice.ts";

interface Extra {
  /** Outside learning: one entry per case. */
  outside: { mapleOnly: number; mixed: number; jamesOwn: number };
  /** An open assignment aimed at Maple Street only. */
  mapleAssignmentId: number;
  /** A feedback item from Maple Street. */
  mapleFeedbackId: number;
  /** The module of Maria's certificate link. */
  certificateModule: string;
  /** Failed messages in the demo's outbox: Omar's (Maple Street) and Tom's (Riverside). */
  failedMail: { maple: number; riverside: number };
}

let server: TestServer;
let ids: TrustIds;
let extra: Extra;
const as: Record<"maria" | "james" | "manager" | "scoped" | "owner", APIRequestContext> = {} as never;

async function seed(db: DB) {
  ids = await seedTrustPractice(db);
  const now = new Date();
  const heldOn = new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
  const owner = { id: ids.users.owner as number, role: "owner" as const, scopeLocationId: null };
  const james = { id: ids.users.james as number, role: "staff" as const, scopeLocationId: null };
  const entry = (title: string, attendeeIds: number[]) => ({ title, provider: "County Medical Society", kind: "workshop" as const, heldOn, minutes: 90, costCents: 12_000, attendeeIds });
  const outside = {
    mapleOnly: await logOutsideLearning(db, owner, entry("Phone etiquette", [ids.users.maria as number, ids.users.omar as number]), now),
    mixed: await logOutsideLearning(db, owner, entry("Calm conversations", [ids.users.maria as number, ids.users.james as number]), now),
    jamesOwn: await logOutsideLearning(db, james, { ...entry("Billing basics", [james.id]), costCents: 0 }, now),
  };
  const mapleAssignment = await db
    .selectFrom("assignment")
    .select("id")
    .where("target_location_id", "=", ids.locations.maple)
    .where("cancelled_at", "is", null)
    .executeTakeFirstOrThrow();
  const mapleFeedback = await db.selectFrom("feedback_item").select("id").where("location_id", "=", ids.locations.maple).executeTakeFirstOrThrow();
  const link = await db.selectFrom("certificate_link").select("module_slug").where("user_id", "=", ids.users.maria as number).executeTakeFirstOrThrow();
  const failedOf = async (email: string) =>
    (await db.selectFrom("mail_message").innerJoin("user", "user.id", "mail_message.user_id").select("mail_message.id").where("user.email", "=", email).where("mail_message.status", "=", "failed").executeTakeFirstOrThrow()).id;
  const failedMail = { maple: await failedOf("omar@demo.test"), riverside: await failedOf("tom@demo.test") };
  extra = { outside, mapleAssignmentId: mapleAssignment.id, mapleFeedbackId: mapleFeedback.id, certificateModule: link.module_slug, failedMail };
}

/** Signs in through the real form as any seeded account (James is not one of the matrix's actors). */
async function signInEmail(email: string): Promise<APIRequestContext> {
  const context = await apiRequest.newContext({ baseURL: server.url });
  const response = await context.post("/login", { form: { email, password: PASSWORD }, headers: sameSite(server.url), maxRedirects: 0 });
  if (response.status() !== 302) throw new Error(`Sign-in as ${email} answered ${response.status()}`);
  return context;
}

test.beforeAll(async () => {
  server = await startServer({ seed });
  for (const actor of ["manager", "scoped", "owner"] as const) {
    as[actor] = await apiRequest.newContext({ baseURL: server.url });
    await signInAs(as[actor], server.url, actor);
  }
  as.maria = await signInEmail(ACTORS.staff);
  as.james = await signInEmail("james@demo.test");
});
test.afterAll(async () => {
  for (const context of Object.values(as)) await context.dispose();
  await server?.stop();
});

const get = async (who: APIRequestContext, path: string) => (await who.get(path, { maxRedirects: 0 })).status();
const post = async (who: APIRequestContext, path: string, form: Record<string, string>) =>
  (await who.post(path, { form, headers: sameSite(server.url), maxRedirects: 0 })).status();
/** The single-fetch data request for one route's loader. */
const data = (path: string, routeId: string) => `${path}.data?_routes=${encodeURIComponent(routeId)}`;

/**
 * Every row of every table, to compare before and after. Sessions lose their expiry columns: any
 * request may extend its own session.
 */
async function snapshot(db: DB, except: string[] = []): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    if (except.includes(name)) continue;
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    out[name] = rows
      .map((row) => {
        if (name !== "session") return JSON.stringify(row);
        const { expires_at: _idle, absolute_expires_at: _absolute, ...rest } = row;
        return JSON.stringify(rest);
      })
      .sort();
  }
  return out;
}

async function expectNoChange(attempt: () => Promise<void>, except: string[] = []) {
  const before = await snapshot(server.db, except);
  await attempt();
  expect(await snapshot(server.db, except), "the database changed").toEqual(before);
}

const MADE_UP = "999999";

test("someone else's quiz attempt does not exist, for a colleague or a manager", async () => {
  expect(await get(as.maria, `/attempts/${ids.attempts.maria}`)).toBe(200);
  await expectNoChange(async () => {
    for (const who of [as.maria, as.manager, as.scoped, as.owner]) {
      expect(await get(who, `/attempts/${ids.attempts.james}`)).toBe(404);
      expect(await get(who, data(`/attempts/${ids.attempts.james}`, "routes/attempts.$id"))).toBe(404);
    }
    expect(await get(as.maria, `/attempts/${MADE_UP}`)).toBe(404);
  });
});

test("a Riverside manager cannot see, export, edit, deactivate or reset a Maple Street person", async () => {
  const omar = ids.users.omar as number;
  const gail = ids.users.gone as number;
  // James works at Riverside: his page is theirs.
  expect(await get(as.scoped, `/manage/people/${ids.users.james}`)).toBe(200);
  await expectNoChange(async () => {
    for (const id of [String(omar), String(ids.users.maria), MADE_UP]) {
      for (const path of [`/manage/people/${id}`, `/manage/people/${id}?confirm=deactivate`, `/manage/people/${id}/export.csv`, data(`/manage/people/${id}`, "routes/manage.people.$id")]) {
        expect(await get(as.scoped, path), path).toBe(404);
      }
    }
    const update = { intent: "update", name: "Omar Haddad", email: "omar@demo.test", jobTitle: "Receptionist", locationId: String(ids.locations.riverside), role: "staff" };
    for (const form of [update, { intent: "deactivate" }, { intent: "reset-code" }]) {
      expect(await post(as.scoped, `/manage/people/${omar}`, form), form.intent).toBe(404);
    }
    // Gail (Maple Street) is deactivated: not theirs to bring back.
    expect(await post(as.scoped, `/manage/people/${gail}`, { intent: "reactivate" })).toBe(404);
  });
  // Filtering the progress export by Maple Street's id finds nobody.
  const csv = await (await as.scoped.get(`/manage/progress.csv?locationId=${ids.locations.maple}`)).text();
  expect(csv).not.toContain("Maria Lopez");
  expect(csv).not.toContain("Omar Haddad");
  expect(await (await as.scoped.get("/manage/progress.csv")).text()).toContain("James Carter");
});

test("a Riverside manager cannot cancel or create assignments outside Riverside", async () => {
  await expectNoChange(async () => {
    // The practice-wide assignment and the Maple Street one, then one that does not exist.
    for (const id of [ids.assignmentId, extra.mapleAssignmentId, MADE_UP]) {
      expect(await post(as.scoped, "/manage/assignments", { intent: "cancel", assignmentId: String(id) }), String(id)).toBe(404);
    }
    const create = { intent: "create", item: "module:first-impressions", dueKind: "days", dueDays: "7" };
    expect(await post(as.scoped, "/manage/assignments", { ...create, targetKind: "person", userId: String(ids.users.omar) })).toBe(404);
    expect(await post(as.scoped, "/manage/assignments", { ...create, targetKind: "location", locationId: String(ids.locations.maple) })).toBe(404);
    // Staff may not cancel anything at all.
    expect(await post(as.maria, "/manage/assignments", { intent: "cancel", assignmentId: String(ids.assignmentId) })).toBe(403);
  });
});

test("an expense is 404 to anyone without the money settings, whether it exists or not", async () => {
  expect(await get(as.owner, `/owner/spend/${ids.expenseId}`)).toBe(200);
  const edit = { intent: "update", spentOn: "2025-01-15", category: "other", vendor: "Changed", description: "Changed", amount: "1.00", belongsTo: "practice" };
  await expectNoChange(async () => {
    for (const who of [as.manager, as.scoped, as.maria]) {
      for (const id of [String(ids.expenseId), MADE_UP]) {
        // Staff are refused the whole owner area by its layout before the page looks for anything.
        const page = who === as.maria ? 403 : 404;
        for (const path of [`/owner/spend/${id}`, `/owner/spend/${id}?confirm=delete`]) expect(await get(who, path), path).toBe(page);
        expect(await get(who, data(`/owner/spend/${id}`, "routes/owner.spend_.$id")), "data").toBe(404);
        expect(await post(who, `/owner/spend/${id}`, edit), `edit ${id}`).toBe(404);
        expect(await post(who, `/owner/spend/${id}`, { intent: "delete" }), `delete ${id}`).toBe(404);
      }
    }
  });
});

test("outcome figures: a Riverside manager with the money grant has Riverside's alone; Maple Street's rows and id do not exist for them", async () => {
  await server.db.updateTable("practice").set({ managers_see_costs: 1 }).execute();
  try {
    expect(await get(as.scoped, `/owner/outcomes/${ids.outcomes.riverside}`)).toBe(200);
    const page = await (await as.scoped.get("/owner/outcomes")).text();
    expect(page).toContain("<bdi>Riverside</bdi>");
    expect(page).not.toContain("<bdi>Maple Street</bdi>");
    const riverside = { month: "2001-03", locationId: String(ids.locations.riverside), visits: "5" };
    const maple = { ...riverside, locationId: String(ids.locations.maple) };
    await expectNoChange(async () => {
      for (const id of [String(ids.outcomes.maple), MADE_UP]) {
        expect(await get(as.scoped, `/owner/outcomes/${id}`), id).toBe(404);
        expect(await get(as.scoped, data(`/owner/outcomes/${id}`, "routes/owner.outcomes_.$id")), "data").toBe(404);
        expect(await post(as.scoped, `/owner/outcomes/${id}`, { intent: "delete" }), `delete ${id}`).toBe(404);
        expect(await post(as.scoped, `/owner/outcomes/${id}`, { intent: "save", ...riverside }), `edit ${id}`).toBe(404);
      }
      // Their own month moved to Maple Street, or a new month typed for Maple Street.
      expect(await post(as.scoped, `/owner/outcomes/${ids.outcomes.riverside}`, { intent: "save", ...maple })).toBe(404);
      expect(await post(as.scoped, "/owner/outcomes/entry", maple)).toBe(404);
      for (const location of [String(ids.locations.maple), MADE_UP]) {
        expect(await get(as.scoped, `/owner/outcomes?location=${location}`), location).toBe(404);
        expect(await get(as.scoped, `/owner/outcomes.csv?table=figures&location=${location}`), location).toBe(404);
      }
    });
    // The practice-wide manager with the same grant reaches both locations.
    expect(await get(as.manager, `/owner/outcomes/${ids.outcomes.maple}`)).toBe(200);
    expect(await get(as.manager, `/owner/outcomes?location=${ids.locations.maple}`)).toBe(200);
  } finally {
    await server.db.updateTable("practice").set({ managers_see_costs: 0 }).execute();
  }
});

test("feedback items: staff cannot remove one, and a Riverside manager cannot remove Maple Street's", async () => {
  await expectNoChange(async () => {
    expect(await post(as.maria, "/manage/feedback/items", { intent: "remove", id: String(ids.feedbackItemId) })).toBe(403);
    for (const id of [extra.mapleFeedbackId, MADE_UP]) {
      expect(await post(as.scoped, "/manage/feedback/items", { intent: "remove", id: String(id) }), String(id)).toBe(404);
    }
  });
});

test("outside learning: nobody removes an entry that is not theirs to remove", async () => {
  await expectNoChange(async () => {
    // Maria attended these, but did not log them; James logged his own.
    for (const id of [extra.outside.mapleOnly, extra.outside.mixed, extra.outside.jamesOwn]) {
      expect(await post(as.maria, "/outside-learning", { intent: "delete", entryId: String(id) }), String(id)).toBe(404);
    }
    // A Riverside manager: not Maple Street's entry, nor one that Maple Street people share.
    for (const id of [extra.outside.mapleOnly, extra.outside.mixed, Number(MADE_UP)]) {
      expect(await post(as.scoped, "/outside-learning", { intent: "delete", entryId: String(id) }), String(id)).toBe(404);
    }
    const log = { intent: "log", title: "Webinar", provider: "Someone", kind: "webinar", heldOn: "2025-01-10", hours: "1", attendees: String(ids.users.omar) };
    expect(await post(as.scoped, "/outside-learning", log)).toBe(404);
  });
  // The Riverside manager does not see a way to remove the shared entry either.
  const page = await (await as.scoped.get("/outside-learning")).text();
  expect(page).toContain("Calm conversations");
  expect(page).toContain(`confirm=${extra.outside.jamesOwn}"`);
  expect(page).not.toContain(`confirm=${extra.outside.mixed}"`);
});

test("a reset code signs in its own person and nobody else", async () => {
  const code = { code: ids.resetCode, password: "a brand new password", confirmPassword: "a brand new password" };
  const anonymous = await apiRequest.newContext({ baseURL: server.url });
  try {
    // Omar's code with someone else's email: refused. Only the throttle notes the failure.
    await expectNoChange(async () => {
      for (const email of [ACTORS.staff, ACTORS.manager, ACTORS.owner]) {
        expect(await post(anonymous, "/login/code", { ...code, email }), email).toBe(400);
      }
    }, ["login_failure"]);
    // Signed in as Maria, the code page is not for her: nothing happens at all.
    await expectNoChange(async () => {
      expect(await post(as.maria, "/login/code", { ...code, email: "omar@demo.test" })).toBe(302);
    });
    const sessionsBefore = await server.db.selectFrom("session").select(["id", "user_id"]).execute();
    // Omar's own: he is signed in, as himself.
    const response = await anonymous.post("/login/code", { form: { ...code, email: "omar@demo.test" }, headers: sameSite(server.url), maxRedirects: 0 });
    expect(response.status()).toBe(302);
    const sessionsAfter = await server.db.selectFrom("session").select(["id", "user_id"]).execute();
    const added = sessionsAfter.filter((s) => !sessionsBefore.some((b) => b.id === s.id));
    expect(added.map((s) => s.user_id)).toEqual([ids.users.omar]);
    expect(await (await anonymous.get("/progress")).text()).toContain("Omar Haddad");
  } finally {
    await anonymous.dispose();
  }
});

test("certificates: a made-up or revoked link shows nothing, and nobody turns off someone else's", async () => {
  const link = `/certificates/${ids.certificateToken}`;
  expect(await get(as.james, link)).toBe(200);
  await expectNoChange(async () => {
    for (const token of ["A".repeat(43), "not-a-token", randomUUID()]) {
      expect(await get(as.james, `/certificates/${token}`), token).toBe(404);
    }
    // James asks to turn off (or print) a certificate of a module he has not finished: Maria's.
    expect(await post(as.james, "/progress", { intent: "revoke", module: extra.certificateModule })).toBe(404);
    expect(await post(as.james, "/progress", { intent: "print", module: extra.certificateModule })).toBe(404);
  });
  expect(await get(as.owner, link)).toBe(200);
  // Maria turns it off herself: from then on the link shows nothing.
  expect(await post(as.maria, "/progress", { intent: "revoke", module: extra.certificateModule })).toBe(302);
  expect(await get(as.owner, link)).toBe(404);
  expect(await get(as.maria, data(link, "routes/certificates.$token"))).toBe(404);
});

test("studio: another manager's draft does not exist to a Riverside manager, a made-up one to nobody, and no draft's picture is in the library", async () => {
  const { moduleId, lessonId, imageName } = ids.studio;
  const draft = await server.db.selectFrom("studio_lesson").select("slug").where("id", "=", lessonId).executeTakeFirstOrThrow();
  const lessonPages = (id: string | number) => [
    `/manage/studio/lessons/${id}`,
    `/manage/studio/lessons/${id}/preview`,
    `/manage/studio/lessons/${id}/versions`,
    `/manage/studio/lessons/${id}/images/${imageName}`,
    data(`/manage/studio/lessons/${id}`, "routes/manage.studio_.lessons.$id"),
  ];
  // The practice-wide manager wrote it: theirs and the owner's to open.
  expect(await get(as.manager, `/manage/studio/lessons/${lessonId}`)).toBe(200);
  expect(await get(as.owner, `/manage/studio/lessons/${lessonId}/images/${imageName}`)).toBe(200);
  await expectNoChange(async () => {
    for (const path of lessonPages(lessonId)) expect(await get(as.scoped, path), path).toBe(404);
    for (const who of [as.manager, as.scoped, as.owner]) {
      for (const path of [...lessonPages(MADE_UP), `/manage/studio/modules/${MADE_UP}`, `/manage/studio/modules/${MADE_UP}/export.zip`]) expect(await get(who, path), path).toBe(404);
    }
    const save: Record<string, string> = { intent: "save", title: "Taken over", summary: "x", minutes: "5", body: "x" };
    const forms: Record<string, string>[] = [save, { ...save, intent: "publish" }, { intent: "archive", confirm: "yes" }, { intent: "restore" }, { intent: "delete-image", name: imageName }];
    for (const form of forms) {
      expect(await post(as.scoped, `/manage/studio/lessons/${lessonId}`, form), form.intent).toBe(404);
    }
    // Moving it up or down from its module's page names it too.
    expect(await post(as.scoped, `/manage/studio/modules/${moduleId}`, { intent: "down", lessonId: String(lessonId) })).toBe(404);
    // Staff never reach the studio, whatever the id.
    for (const path of [...lessonPages(lessonId), `/manage/studio/modules/${moduleId}`]) expect(await get(as.maria, path), path).toBe(403);
    // A draft is not published: its picture is not served with the library's lessons to anyone.
    for (const who of [as.maria, as.manager, as.owner]) expect(await get(who, `/lessons/${draft.slug}/images/${imageName}`)).toBe(404);
  });
  // The module's .zip, as the Riverside manager may take it, leaves the other manager's draft out.
  const zip = Buffer.from(await (await as.scoped.get(`/manage/studio/modules/${moduleId}/export.zip`)).body());
  const full = Buffer.from(await (await as.manager.get(`/manage/studio/modules/${moduleId}/export.zip`)).body());
  expect(full.includes(`${draft.slug}.mdx`)).toBe(true);
  expect(zip.includes(`${draft.slug}.mdx`)).toBe(false);
  expect(zip.includes(imageName)).toBe(false);
});

test("email: a Riverside manager cannot preview, see or retry a Maple Street person's email, nor change the practice's settings; staff reach none of it", async () => {
  const omar = String(ids.users.omar);
  const reminders = "/manage/reminders";
  await expectNoChange(async () => {
    for (const id of [omar, String(ids.users.maria), MADE_UP]) {
      for (const path of [`${reminders}?userId=${id}`, data(`${reminders}?userId=${id}`, "routes/manage.reminders")]) expect(await get(as.scoped, path), path).toBe(404);
    }
    for (const id of [String(extra.failedMail.maple), MADE_UP]) {
      expect(await post(as.scoped, reminders, { intent: "retry", id }), id).toBe(404);
    }
    expect(await post(as.owner, reminders, { intent: "retry", id: MADE_UP })).toBe(404);
    // When emails go out is the practice's: a manager of one location only sees it.
    expect(await post(as.scoped, reminders, { intent: "settings", kind: "staff-reminder", enabled: "on", hour: "5", days: "6" })).toBe(403);
    // Staff never reach the page, whatever the id.
    expect(await get(as.maria, `${reminders}?userId=${ids.users.maria}`)).toBe(403);
    expect(await post(as.maria, reminders, { intent: "retry", id: String(extra.failedMail.maple) })).toBe(403);
    expect(await post(as.james, reminders, { intent: "retry", id: String(extra.failedMail.riverside) })).toBe(403);
  });
  // The outbox a Riverside manager sees holds Riverside's people only.
  const page = await (await as.scoped.get(reminders)).text();
  expect(page).toContain("Tom Nguyen");
  expect(page).not.toContain("Omar Haddad");
  expect(page).not.toContain("omar@demo.test");
  expect(await get(as.scoped, `${reminders}?userId=${ids.users.james}`)).toBe(200);
  // Their own location's failed message is theirs to retry.
  expect(await post(as.scoped, reminders, { intent: "retry", id: String(extra.failedMail.riverside) })).toBe(302);
  const retried = await server.db.selectFrom("mail_message").select(["status", "attempts"]).where("id", "=", extra.failedMail.riverside).executeTakeFirstOrThrow();
  expect(retried).toEqual({ status: "pending", attempts: 0 });
});

test("an import's upload is its uploader's: another manager's upload id, a made-up one and one of another kind are 404, and mapping it changes nothing", async () => {
  const uploaded = await as.manager.post("/manage/feedback/import", {
    multipart: { intent: "preview", file: { name: "survey.csv", mimeType: "text/csv", buffer: Buffer.from("Submitted at,Score,Comments\n3/2/2026 14:05:09,5,Kind words from patient 4711\n") } },
    headers: sameSite(server.url),
    maxRedirects: 0,
  });
  expect(uploaded.status()).toBe(302);
  const location = uploaded.headers().location ?? "";
  const id = new URL(location, server.url).searchParams.get("upload") ?? "";
  expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(await get(as.manager, `/manage/feedback/import?upload=${id}`)).toBe(200);
  await expectNoChange(async () => {
    expect(await get(as.scoped, `/manage/feedback/import?upload=${id}`)).toBe(404);
    expect(await get(as.owner, `/manage/feedback/import?upload=${id}`)).toBe(404);
    expect(await get(as.manager, `/manage/team/import?upload=${id}`)).toBe(404);
    expect(await get(as.owner, `/owner/outcomes/import?upload=${id}`)).toBe(404);
    expect(await get(as.manager, `/manage/feedback/import?upload=${"A".repeat(22)}`)).toBe(404);
    expect(await get(as.manager, "/manage/feedback/import?upload=..%2F..%2Fpackage.json")).toBe(404);
    expect(await post(as.scoped, "/manage/feedback/import", { intent: "map", upload: id, "column.0": "date", "column.1": "rating", source: "Mallory" })).toBe(404);
    expect(await post(as.owner, "/owner/spend/import", { intent: "map", upload: id, "column.0": "date", "column.1": "description", "column.2": "amount" })).toBe(404);
  });
  const page = await (await as.scoped.get(`/manage/feedback/import?upload=${id}`)).text();
  expect(page).not.toContain("patient 4711");
  expect(page).not.toContain("Submitted at");
});
