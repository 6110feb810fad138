// No GET changes anything: a crawler signed in as each role follows every link DeskCoach shows
// it (pages, their `.data`, CSV exports, certificate links), and the database is the same after.
// Along the way no page fails (5xx) and no link leads to a missing page.
//
// The one thing a GET may write: a signed-in person's session is extended as they use the app
// (`session.expires_at`, at most once a minute; see app/models/sessions.server.ts), so that
// someone working stays signed in. The comparison leaves out exactly that column.
import type { APIRequestContext } from "@playwright/test";
import { snapshotChanges, snapshotDatabase, type IgnoredColumns } from "#tests/support/db-snapshot.ts";
import type { TestServer } from "#tests/support/server.ts";
import { startTrustServer, signInAs, type Actor, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, test } from "../fixtures.ts";

const SESSION_EXTENSION: IgnoredColumns = { session: ["expires_at"] };

let server: TestServer;
let ids: TrustIds;
test.beforeAll(async () => {
  ({ server, ids } = await startTrustServer());
});
test.afterAll(async () => {
  await server.stop();
});

interface Visit {
  url: string;
  status: number;
  /** The page whose link, or redirect, led here. */
  from: string;
}

/** The `href` of every <a> in a page, HTML entities undone. */
function links(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/gi)].map((m) =>
    m[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
  );
}

/** A page's single-fetch data address: /manage/team → /manage/team.data, / → /_root.data */
function dataUrl(url: URL): string {
  const data = new URL(url);
  data.pathname = url.pathname === "/" ? "/_root.data" : `${url.pathname.replace(/\/$/, "")}.data`;
  return data.href;
}

interface Crawl {
  visits: Visit[];
  /** Pages showing a link to /logout (signing out must be a form, never a link). */
  logoutLinks: string[];
}

/**
 * How many addresses of one page with the same query parameters (values aside) are followed.
 * Lists link every row and every page of themselves (the feedback list alone makes some 700
 * addresses of `?page=…&remove=…`); past a few, more values run the same loader the same way.
 */
const VARIANTS_PER_SHAPE = 8;

/** Breadth-first over every same-origin link, following redirects one step at a time. */
async function crawl(request: APIRequestContext, starts: string[]): Promise<Crawl> {
  const origin = new URL(server.url).origin;
  const seen = new Set<string>();
  const shapes = new Map<string, number>();
  const queue: { url: string; from: string }[] = [];
  const visits: Visit[] = [];
  const logoutLinks: string[] = [];
  const enqueue = (href: string, from: string) => {
    const url = new URL(href, from);
    if (url.origin !== origin) return;
    url.hash = "";
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const shape = `${url.pathname}?${[...new Set(url.searchParams.keys())].sort().join("&")}`;
    const count = shapes.get(shape) ?? 0;
    if (count >= VARIANTS_PER_SHAPE) return;
    shapes.set(shape, count + 1);
    queue.push({ url: url.href, from });
  };
  for (const start of starts) enqueue(start, server.url);
  while (queue.length > 0) {
    const { url, from } = queue.shift()!;
    const response = await request.get(url, { maxRedirects: 0 });
    const status = response.status();
    visits.push({ url, status, from });
    const location = response.headers().location;
    if (status >= 300 && status < 400 && location) {
      enqueue(location, url);
      continue;
    }
    const type = response.headers()["content-type"] ?? "";
    if (!type.startsWith("text/html")) continue;
    const page = new URL(url);
    if (!page.pathname.endsWith(".data")) enqueue(dataUrl(page), url);
    for (const href of links(await response.text())) {
      if (new URL(href, url).pathname === "/logout") logoutLinks.push(url);
      enqueue(href, url);
    }
  }
  return { visits, logoutLinks };
}

const HOME: Record<Exclude<Actor, "deactivated">, string> = {
  anonymous: "/",
  staff: "/learn",
  manager: "/manage",
  scoped: "/manage",
  owner: "/manage",
};

for (const [actor, home] of Object.entries(HOME) as [keyof typeof HOME, string][]) {
  test(`${actor}: following every link changes nothing in the database, and every link works`, async ({ playwright }) => {
    test.setTimeout(240_000);
    const request = await playwright.request.newContext();
    await signInAs(request, server.url, actor);
    const before = await snapshotDatabase(server.db, SESSION_EXTENSION);
    // A signed-out visitor can also hold a certificate link someone shared with them.
    const starts = [home, ...(actor === "anonymous" ? [`/certificates/${ids.certificateToken}`] : [])];
    const { visits, logoutLinks } = await crawl(request, starts.map((s) => `${server.url}${s}`));
    const after = await snapshotDatabase(server.db, SESSION_EXTENSION);
    await request.dispose();

    expect(snapshotChanges(before, after), "what the crawl wrote").toEqual([]);
    const describe = (v: Visit) => `${v.status} ${v.url.slice(server.url.length)} (linked from ${v.from.slice(server.url.length) || "/"})`;
    expect(visits.filter((v) => v.status >= 500).map(describe), "pages that failed").toEqual([]);
    expect(visits.filter((v) => v.status === 404).map(describe), "links to missing pages").toEqual([]);
    expect(logoutLinks, "pages with a sign-out link instead of a form").toEqual([]);
    // The crawl reached the role's pages, not just a sign-in form.
    const pages = visits.filter((v) => v.status === 200 && !v.url.endsWith(".data"));
    expect(pages.length).toBeGreaterThan(actor === "anonymous" ? 2 : 5);
    if (actor === "anonymous") expect(pages.some((v) => v.url.includes("/certificates/"))).toBe(true);
    if (actor !== "anonymous") expect(pages.some((v) => new URL(v.url).pathname.startsWith(home))).toBe(true);
    // Still signed in at the end: nothing on the way signed the crawler out.
    if (actor !== "anonymous") {
      const signInForms = visits.filter((v) => v.status === 200 && new URL(v.url).pathname.startsWith("/login"));
      expect(signInForms.map(describe), "sign-in forms shown to a signed-in person").toEqual([]);
    }
    if (actor === "owner" || actor === "manager") expect(pages.some((v) => v.url.includes(".csv"))).toBe(true);
  });
}
