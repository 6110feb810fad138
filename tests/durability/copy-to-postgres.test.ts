// A practice moves from SQLite to PostgreSQL and nobody can tell: the demo practice, served from
// its SQLite file, is copied with `npm run db:copy` into an empty PostgreSQL database and served
// by two app processes behind HAProxy (deploy/haproxy.cfg), and every page the owner, a manager
// and a receptionist read shows the same text and figures as before the copy. The same browsers
// (session cookies) read both: sessions are copied with the practice.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog, syncCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { DEMO_PASSWORD, seedDemo } from "#app/models/demo.server.ts";
import { startLoadBalancer, type LoadBalancer } from "#tests/support/haproxy.ts";
import { createDatabase, databaseUrl, startThrowawayCluster, withClient, type ThrowawayCluster } from "#tests/support/postgres.ts";
import { killAllApps, prepareDatabase, startApp, type AppProcess } from "./support/app-process.ts";
import { getPage, signIn } from "./support/http.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The practice clock of both runs: the demo is seeded as of this instant, and both servers start at it. */
const NOW = "2026-10-14T16:00:00.000Z";

const COMPLETION_TABLES = ["module", "location", "month"];
const PAGES: Record<"owner" | "manager" | "staff", string[]> = {
  owner: ["/owner", "/owner/summary", "/owner/reports", ...["budget", "monthly", "employees", "value"].map((t) => `/owner/reports.csv?table=${t}`), "/owner/spend", "/owner/budget", "/owner/audit", "/owner/sign-ins", "/owner/library"],
  manager: ["/manage/progress", "/manage/progress.csv", "/manage/team", "/manage/assignments", "/manage/completion", ...COMPLETION_TABLES.map((t) => `/manage/completion.csv?table=${t}`), "/manage/feedback", "/manage/goal", "/outside-learning"],
  staff: ["/learn", "/progress"],
};
const PEOPLE = { owner: "owner@demo.test", manager: "manager@demo.test", staff: "maria@demo.test" };

/** What a reader sees of a page: its text, without scripts, styles or attributes (form keys differ per request). */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, " ")
    .replace(/<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

async function readPages(baseUrl: string, cookies: Record<keyof typeof PAGES, string>): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  for (const [who, paths] of Object.entries(PAGES) as [keyof typeof PAGES, string[]][]) {
    for (const page of paths) {
      const answer = await getPage(baseUrl, page, cookies[who]);
      expect(answer.status, `${who} ${page}`).toBe(200);
      pages.set(`${who} ${page}`, page.includes(".csv") ? answer.body : visibleText(answer.body));
    }
  }
  return pages;
}

describe("a practice copied from SQLite to PostgreSQL, served by two processes", () => {
  let dir: string;
  let cluster: ThrowawayCluster;
  const apps: AppProcess[] = [];
  let balancer: LoadBalancer | null = null;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-copy-"));
    cluster = await startThrowawayCluster();
  });

  afterAll(async () => {
    await balancer?.stop();
    await killAllApps();
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows every page the same after the copy", async () => {
    const dbFile = path.join(dir, "demo.sqlite");
    await prepareDatabase(dbFile, async (db) => {
      const { content } = loadContent(path.join(ROOT, "content"));
      const catalog = buildCatalog(content, () => "");
      await syncCatalog(db, catalog);
      await seedDemo(db, catalog, new Date(NOW));
    });
    const env = { DESKCOACH_NOW: NOW };

    const onSqlite = await startApp(dbFile, env);
    const cookies = {
      owner: await signIn(onSqlite.url, PEOPLE.owner, DEMO_PASSWORD),
      manager: await signIn(onSqlite.url, PEOPLE.manager, DEMO_PASSWORD),
      staff: await signIn(onSqlite.url, PEOPLE.staff, DEMO_PASSWORD),
    };
    const before = await readPages(onSqlite.url, cookies);
    await onSqlite.stop();

    const target = databaseUrl(cluster.url, "copied");
    await withClient(cluster.url, (client) => createDatabase(client, "copied"));
    const copy = spawnSync(process.execPath, ["--import", "tsx", "app/cli/db-copy.ts", "--from", `file:${dbFile}`, "--to", target], { cwd: ROOT, encoding: "utf8" });
    expect(copy.status, copy.stdout + copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/Copied: all \d+ tables match/);

    for (let i = 0; i < 2; i++) apps.push(await startApp("", { ...env, DATABASE_URL: target, TRUST_PROXY: "1" }));
    balancer = await startLoadBalancer([apps[0]!.url, apps[1]!.url]);
    const after = await readPages(balancer.url, cookies);

    // Page by page, so that a difference names its page.
    for (const [page, text] of before) expect(after.get(page), page).toBe(text);
    // And each process on its own gives the same pages (the balancer did not hide one).
    for (const app of apps) {
      const direct = await readPages(app.url, cookies);
      for (const [page, text] of before) expect(direct.get(page), `${page} from one process`).toBe(text);
    }
  });
});
