// Cross-site requests: no page on another site can make DeskCoach change anything, even while the
// browser holds a signed-in owner's cookie. Two walls stand in the way: the session cookie is
// SameSite=Lax (a cross-site POST does not carry it), and the server refuses every POST whose
// Origin or Sec-Fetch-Site is not DeskCoach's own before any route runs (app/server/same-origin.ts).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { snapshotChanges, snapshotDatabase } from "#tests/support/db-snapshot.ts";
import type { TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, realCatalog, requestId, sameSite, startTrustServer, signInAs, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, FIRST_LESSON, quizKey, signIn, test } from "../fixtures.ts";

let server: TestServer;
let ids: TrustIds;
test.beforeAll(async () => {
  ({ server, ids } = await startTrustServer());
});
test.afterAll(async () => {
  await server.stop();
});

interface ActionRoute {
  id: string;
  /** The route's URL pattern, e.g. /manage/people/:id */
  pattern: string;
}

/**
 * Every route with an action, read from the production build the server runs. Importing the
 * build starts its services, so it is done in a child process against a throwaway database.
 */
function actionRoutes(): ActionRoute[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-routes-"));
  try {
    const script = `
      const { routes } = await import(${JSON.stringify(path.resolve("build/server/index.js"))});
      const full = (route) => {
        const parent = route.parentId ? full(routes[route.parentId]) : "";
        return route.path ? parent.replace(/\\/$/, "") + "/" + route.path : parent || "/";
      };
      const found = Object.values(routes).filter((r) => typeof r.module.action === "function").map((r) => ({ id: r.id, pattern: full(r) }));
      process.stdout.write(JSON.stringify(found));
      process.exit(0);
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", DATABASE_URL: `file:${path.join(dir, "routes.sqlite")}` },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as ActionRoute[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Attempt {
  path: string;
  body: URLSearchParams;
  /** Whether the same request sent from DeskCoach's own page changes the database. */
  changes: boolean;
  /**
   * The one route another site may post to: a mail program's one-click unsubscribe (RFC 8058).
   * From anywhere, only exactly this body is taken, and it changes only its person's choice.
   */
  oneClick?: { otherBody: URLSearchParams; changes: string[] };
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A request each action would carry out if it came from DeskCoach's own page: a new person, new
 * spend, a removed feedback item, a quiz submission… A new action fails the test until it has one.
 */
function plausible(route: ActionRoute): Attempt {
  const lib = realCatalog();
  const module = lib.modules[0]!;
  const form = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
    return body;
  };
  const expense = { spentOn: daysAgo(3), category: "online-courses", vendor: "Course House", description: "Phone manner course", amount: "149.00", belongsTo: "practice" };
  switch (route.id) {
    case "routes/learn":
      return { path: "/learn", body: form({ intent: "review", requestId: requestId() }), changes: false };
    case "routes/lessons.$slug.time":
      return { path: `/lessons/${FIRST_LESSON.slug}/time`, body: form({ seconds: "30" }), changes: true };
    case "routes/lessons.$slug": {
      const answers: Record<string, string[]> = {};
      for (const q of quizKey(FIRST_LESSON.quizFile).questions) answers[`q.${q.id}`] = q.choices.filter((c) => c.correct).map((c) => c.id);
      return { path: `/lessons/${FIRST_LESSON.slug}`, body: form({ intent: "submit", requestId: requestId(), ...answers }), changes: true };
    }
    // The sign-in forms and setup are for signed-out people: the owner is sent on, nothing changes.
    case "routes/login":
      return { path: "/login", body: form({ email: ACTORS.owner, password: PASSWORD }), changes: false };
    case "routes/login_.code":
      return { path: "/login/code", body: form({ email: "omar@demo.test", code: ids.resetCode, password: "a-new-password-1", confirmPassword: "a-new-password-1" }), changes: false };
    case "routes/login_.forgot":
      return { path: "/login/forgot", body: form({ email: ACTORS.staff }), changes: false };
    case "routes/login_.reset.$token":
      return { path: `/login/reset/${ids.passwordResetToken}`, body: form({ password: "a-new-password-1", confirmPassword: "a-new-password-1" }), changes: false };
    case "routes/setup":
      return { path: "/setup", body: form({ practiceName: "Evil Clinic", timeZone: "UTC", fiscalYearStartMonth: "1", ownerName: "Mallory", ownerEmail: "mallory@evil.example", password: "mallory-password-1", confirmPassword: "mallory-password-1" }), changes: false };
    case "routes/logout":
      return { path: "/logout", body: form({}), changes: true };
    case "routes/manage.assignments":
      return { path: "/manage/assignments", body: form({ intent: "create", item: `module:${module.slug}`, targetKind: "everyone", dueKind: "days", dueDays: "14" }), changes: true };
    case "routes/manage.feedback":
      return { path: "/manage/feedback", body: form({ intent: "assign", item: `module:${module.slug}`, target: "everyone" }), changes: true };
    case "routes/manage.feedback_.import":
      return { path: "/manage/feedback/import", body: form({ intent: "commit", csv: `date,source,rating,comment,location\n${daysAgo(2)},Google review,1,Rude at the desk,Riverside\n`, requestId: requestId() }), changes: true };
    case "routes/manage.feedback_.items":
      return { path: "/manage/feedback/items", body: form({ intent: "remove", id: String(ids.feedbackItemId) }), changes: true };
    case "routes/manage.goal":
      return { path: "/manage/goal", body: form({ intent: "goal", goal: "977" }), changes: true };
    case "routes/manage.reminders":
      return { path: "/manage/reminders", body: form({ intent: "settings", kind: "staff-reminder", enabled: "on", hour: "5", days: ["6", "7"] }), changes: true };
    case "routes/manage.people.$id":
      return { path: `/manage/people/${ids.users.omar}`, body: form({ intent: "reset-code" }), changes: true };
    case "routes/manage.team":
      return { path: "/manage/team", body: form({ intent: "add-person", name: "Mallory Evil", email: "mallory@evil.example", jobTitle: "Receptionist", locationId: String(ids.locations.riverside), role: "owner" }), changes: true };
    case "routes/manage.team_.import":
      return { path: "/manage/team/import", body: form({ intent: "commit", csv: "name,email,job title,location\nMallory Evil,mallory2@evil.example,Receptionist,Riverside\n", requestId: requestId() }), changes: true };
    case "routes/outside-learning":
      return { path: "/outside-learning", body: form({ intent: "log", title: "Fake seminar", provider: "Evil Inc", kind: "workshop", heldOn: daysAgo(4), hours: "1.5", cost: "999.00", attendees: String(ids.users.maria) }), changes: true };
    case "routes/owner.budget":
      return { path: "/owner/budget", body: form({ intent: "save", "amount.other": "98765.00" }), changes: true };
    case "routes/owner.settings":
      return { path: "/owner/settings", body: form({ intent: "save", labourCostEnabled: "on", managersRecordSpend: "on", managersSeeCosts: "on" }), changes: true };
    case "routes/owner.spend_.$id":
      return { path: `/owner/spend/${ids.expenseId}`, body: form({ intent: "delete" }), changes: true };
    case "routes/owner.spend":
      return { path: "/owner/spend", body: form(expense), changes: true };
    case "routes/owner.spend_.import":
      return { path: "/owner/spend/import", body: form({ intent: "commit", csv: `date,description,amount,category\n${daysAgo(5)},Evil course,5000.00,online-courses\n`, requestId: requestId() }), changes: true };
    case "routes/owner.outcomes":
      return { path: "/owner/outcomes", body: form({ intent: "values", returningPatient: "1.00", noShow: "" }), changes: true };
    case "routes/owner.outcomes_.entry":
      return { path: "/owner/outcomes/entry", body: form({ month: "2001-01", locationId: String(ids.locations.riverside), visits: "100" }), changes: true };
    case "routes/owner.outcomes_.$id":
      return { path: `/owner/outcomes/${ids.outcomes.maple}`, body: form({ intent: "delete" }), changes: true };
    case "routes/owner.outcomes_.import":
      return {
        path: "/owner/outcomes/import",
        body: form({ intent: "commit", csv: "month,location,visits,new patients,returning patients,no-shows,late cancellations,reviews,average stars,complaints\n2001-02,Riverside,100,,,,,,,\n", requestId: requestId() }),
        changes: true,
      };
    case "routes/manage.studio":
      return { path: "/manage/studio", body: form({ intent: "module", title: "Evil module", summary: "Planted from another site.", skills: lib.skills[0]!.id }), changes: true };
    case "routes/manage.studio_.modules.$id":
      return { path: `/manage/studio/modules/${ids.studio.moduleId}`, body: form({ intent: "module", title: "Renamed from elsewhere", summary: "Planted from another site.", skills: lib.skills[0]!.id }), changes: true };
    case "routes/manage.studio_.lessons.$id":
      return { path: `/manage/studio/lessons/${ids.studio.lessonId}`, body: form({ intent: "delete-image", name: ids.studio.imageName }), changes: true };
    // An import is a multipart upload; this form carries no file, so DeskCoach's own page gets
    // "Choose a .zip" back (the upload itself is in studio.spec.ts).
    case "routes/manage.studio_.import":
      return { path: "/manage/studio/import", body: form({ files: "module.zip" }), changes: false };
    // Addresses no page claims answer 404 to every method.
    case "routes/$":
      return { path: "/no-such-page", body: form({ intent: "anything" }), changes: false };
    case "routes/unsubscribe.$token":
      return {
        path: `/unsubscribe/${ids.unsubscribeToken}`,
        body: form({ "List-Unsubscribe": "One-Click" }),
        changes: true,
        oneClick: { otherBody: form({ "List-Unsubscribe": "One-Click", intent: "resubscribe-everyone" }), changes: ["mail_choice"] },
      };
    case "routes/progress":
      return { path: "/progress", body: form({ intent: "print", module: module.slug }), changes: false };
    default:
      throw new Error(`No plausible request for ${route.id} (${route.pattern}): add one to cross-site.spec.ts`);
  }
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

test("every action refuses a POST from another site, even with the owner's cookie, and changes nothing", async ({ playwright }) => {
  test.setTimeout(120_000);
  const routes = actionRoutes();
  // The build has actions in all the places the design puts them; an empty list would prove nothing.
  expect(routes.map((r) => r.id)).toEqual(expect.arrayContaining(["routes/logout", "routes/manage.team", "routes/owner.spend"]));
  // Sign-out goes last: its own request from DeskCoach ends the owner's session.
  const ordered = [...routes].sort((a, b) => Number(a.id === "routes/logout") - Number(b.id === "routes/logout"));
  const owner = await playwright.request.newContext();
  await signInAs(owner, server.url, "owner");
  const foreign: Record<string, string>[] = [
    { origin: "http://evil.example" },
    { origin: "http://evil.example", "sec-fetch-site": "same-origin" },
    // An origin that merely starts like ours.
    { origin: `${server.url}.evil.example`, "sec-fetch-site": "same-origin" },
    { origin: server.url, "sec-fetch-site": "cross-site" },
    { origin: server.url, "sec-fetch-site": "same-site" },
    // What a sandboxed frame or a privacy-minded redirect sends.
    { origin: "null" },
    {},
  ];
  for (const route of ordered) {
    const attempt = plausible(route);
    const url = `${server.url}${attempt.path}`;
    const before = await snapshotDatabase(server.db);
    if (attempt.oneClick) {
      for (const headers of foreign) {
        const response = await owner.post(url, { headers: { ...FORM, ...headers }, data: attempt.oneClick.otherBody.toString(), maxRedirects: 0 });
        expect(response.status(), `${route.id} with another body and ${JSON.stringify(headers)}`).toBe(400);
      }
      expect(snapshotChanges(before, await snapshotDatabase(server.db)), `${route.id}: the database after refused POSTs`).toEqual([]);
      // What a mail program sends: no cookie, no Origin, exactly the one-click body.
      const mailProgram = await playwright.request.newContext();
      const response = await mailProgram.post(url, { headers: FORM, data: attempt.body.toString(), maxRedirects: 0 });
      expect(response.status(), `${route.id}: a one-click unsubscribe`).toBe(200);
      // Sent again, naming its own origin: answered the same, and nothing more changes.
      const again = await mailProgram.post(url, { headers: { ...FORM, origin: "https://mail.example" }, data: attempt.body.toString(), maxRedirects: 0 });
      expect(again.status(), `${route.id}: a one-click unsubscribe with an Origin`).toBe(200);
      await mailProgram.dispose();
      expect(snapshotChanges(before, await snapshotDatabase(server.db)).map((c) => c.table)).toEqual(attempt.oneClick.changes);
      continue;
    }
    for (const headers of foreign) {
      const response = await owner.post(url, { headers: { ...FORM, ...headers }, data: attempt.body.toString(), maxRedirects: 0 });
      expect(response.status(), `${route.id} with ${JSON.stringify(headers)}`).toBe(403);
      expect(await response.text()).toContain("did not come from DeskCoach");
    }
    expect(snapshotChanges(before, await snapshotDatabase(server.db)), `${route.id}: the database after refused POSTs`).toEqual([]);

    // The same request from DeskCoach's own page is let through: the refusal above came from
    // where the request was sent, not from what it asked.
    const own = await owner.post(url, { headers: { ...FORM, ...sameSite(server.url) }, data: attempt.body.toString(), maxRedirects: 0 });
    expect(own.status(), `${route.id} from DeskCoach's own page`).not.toBe(403);
    expect(own.status(), `${route.id} from DeskCoach's own page`).toBeLessThan(500);
    if (attempt.changes) {
      const answer = `${own.status()} ${[...(await own.text()).matchAll(/-error"[^>]*>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, "")).join("; ")}`;
      expect(snapshotChanges(before, await snapshotDatabase(server.db)), `${route.id}: the same request sent from DeskCoach (${answer})`).not.toEqual([]);
    }
  }
  await owner.dispose();
});

/** A page on another origin that posts a form to DeskCoach as soon as it opens. */
interface Attacker {
  /** The attacker's page for a form posting `fields` to DeskCoach's `target`, at this host. */
  url(host: "localhost" | "127.0.0.1", target: string, fields: Record<string, string>): string;
  close(): Promise<void>;
}

async function startAttacker(): Promise<Attacker> {
  const pages = new Map<string, string>();
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const attacker = http.createServer((req, res) => {
    const html = pages.get(req.url ?? "");
    res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(html ?? "");
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  const port = (attacker.address() as { port: number }).port;
  return {
    url(host, target, fields) {
      const key = `/win-a-prize-${pages.size}`;
      const inputs = Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
        .join("");
      pages.set(
        key,
        `<!doctype html><title>You won!</title><form method="post" action="${escape(`${server.url}${target}`)}">${inputs}</form>` +
          `<script>document.forms[0].submit()</script>`,
      );
      return `http://${host}:${port}${key}`;
    },
    close: () => new Promise((resolve) => attacker.close(() => resolve())),
  };
}

const OWNER = { email: ACTORS.owner, password: PASSWORD };

/** The forged forms: adding a person, recording spend, signing the owner out. */
function forgeries(): { target: string; fields: Record<string, string> }[] {
  return [
    { target: "/manage/team", fields: { intent: "add-person", name: "Mallory Evil", email: "mallory@evil.example", jobTitle: "Receptionist", locationId: String(ids.locations.riverside), role: "owner" } },
    {
      target: "/owner/spend",
      fields: { spentOn: daysAgo(1), category: "other", vendor: "Evil Inc", description: "Nothing at all", amount: "9999.00", belongsTo: "practice" },
    },
    { target: "/logout", fields: {} },
  ];
}

/** Opens the attacker's page and waits for DeskCoach's answer to the form it posts. */
async function openAttack(page: Page, attackUrl: string, target: string) {
  const answered = page.waitForResponse((r) => r.url() === `${server.url}${target}` && r.request().method() === "POST");
  await page.goto(attackUrl);
  const response = await answered;
  return { status: response.status(), headers: await response.request().allHeaders() };
}

async function expectStillSignedIn(page: Page) {
  await page.goto(`${server.url}/manage/team`);
  await expect(page).toHaveURL(`${server.url}/manage/team`);
  await expect(page.getByRole("row", { name: /Maria/ })).toBeVisible();
}

const hasSessionCookie = (headers: Record<string, string>) => /(^|;\s*)deskcoach_session=/.test(headers.cookie ?? "");

test("a form on another site, posted while the owner is signed in, arrives without the cookie and changes nothing", async ({ page }) => {
  const attacker = await startAttacker();
  try {
    await signIn(page, server.url, OWNER);
    for (const { target, fields } of forgeries()) {
      const before = await snapshotDatabase(server.db);
      // localhost and 127.0.0.1 are different sites: the SameSite=Lax cookie stays behind.
      const { status, headers } = await openAttack(page, attacker.url("localhost", target, fields), target);
      expect(hasSessionCookie(headers), `the cookie on a cross-site POST to ${target}`).toBe(false);
      expect(headers["sec-fetch-site"]).toBe("cross-site");
      expect(status, `cross-site POST to ${target}`).toBe(403);
      expect(snapshotChanges(before, await snapshotDatabase(server.db)), `after the forged POST to ${target}`).toEqual([]);
      await expectStillSignedIn(page);
    }
  } finally {
    await attacker.close();
  }
});

test("a form on another port of the same host carries the cookie, and the origin check refuses it", async ({ page }) => {
  const attacker = await startAttacker();
  try {
    await signIn(page, server.url, OWNER);
    for (const { target, fields } of forgeries()) {
      const before = await snapshotDatabase(server.db);
      // Same host, other port: the same site as far as cookies go, so only the server's check stands.
      const { status, headers } = await openAttack(page, attacker.url("127.0.0.1", target, fields), target);
      expect(hasSessionCookie(headers), `the cookie on a same-site POST to ${target}`).toBe(true);
      expect(status, `POST from another port to ${target}`).toBe(403);
      expect(snapshotChanges(before, await snapshotDatabase(server.db)), `after the forged POST to ${target}`).toEqual([]);
      await expectStillSignedIn(page);
    }
  } finally {
    await attacker.close();
  }
});

test("a request that does carry the owner's cookie is refused for its foreign Origin", async ({ page }) => {
  await signIn(page, server.url, OWNER);
  // The browser context's own request client: it sends the owner's session cookie.
  const request: APIRequestContext = page.context().request;
  for (const { target, fields } of forgeries()) {
    const before = await snapshotDatabase(server.db);
    const response = await request.post(`${server.url}${target}`, {
      form: fields,
      headers: { origin: "http://localhost:9", "sec-fetch-site": "cross-site" },
      maxRedirects: 0,
    });
    expect(response.status(), `POST to ${target} with the cookie and a foreign Origin`).toBe(403);
    expect(snapshotChanges(before, await snapshotDatabase(server.db)), `after the POST to ${target}`).toEqual([]);
    await expectStillSignedIn(page);
  }
});
