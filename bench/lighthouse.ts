// npm run lighthouse — Lighthouse 12 (mobile: a mid-range phone, simulated slow 4G) on the
// production build serving the demo practice, signed in, on the lesson, learn, progress matrix
// and reports pages; prints performance and accessibility scores. Needs `npm run build` first.
// Not part of `npm test`: the scores move with the machine's load.
//
// Lighthouse 12 dropped its PWA category; installability is checked in
// tests/e2e/offline.spec.ts with Chromium's own Page.getInstallabilityErrors.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import lighthouse from "lighthouse";
import { findChromium } from "#tests/support/chromium.ts";
import { realCatalog, startTrustServer, PASSWORD } from "#tests/support/trust-practice.ts";

const PORT = Number(process.env.LIGHTHOUSE_PORT ?? 9333);

const { server } = await startTrustServer();
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-lighthouse-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: findChromium(),
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", `--remote-debugging-port=${PORT}`],
});
const page = context.pages()[0] ?? (await context.newPage());

async function signIn(email: string) {
  await context.clearCookies();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

const lesson = realCatalog().modules[0]?.lessons[0]?.slug;
const runs: { who: string; path: string }[] = [
  { who: "maria@demo.test", path: `/lessons/${lesson}` },
  { who: "maria@demo.test", path: "/learn" },
  { who: "owner@demo.test", path: "/manage/progress" },
  { who: "owner@demo.test", path: "/owner/reports" },
];

const rows: { page: string; performance: number; accessibility: number; fcp: string; lcp: string; tbt: string; cls: string }[] = [];
let signedIn = "";
try {
  for (const run of runs) {
    if (run.who !== signedIn) {
      await signIn(run.who);
      signedIn = run.who;
    }
    // Keep the session cookie (Lighthouse clears the origin's storage before a run otherwise).
    const result = await lighthouse(`${server.url}${run.path}`, {
      port: PORT,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      disableStorageReset: true,
    });
    if (!result) throw new Error(`Lighthouse returned nothing for ${run.path}`);
    const { categories, audits, finalDisplayedUrl } = result.lhr;
    if (new URL(finalDisplayedUrl).pathname !== run.path) throw new Error(`${run.path} ended at ${finalDisplayedUrl} (not signed in?)`);
    rows.push({
      page: run.path,
      performance: Math.round((categories.performance?.score ?? 0) * 100),
      accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
      fcp: audits["first-contentful-paint"]?.displayValue ?? "",
      lcp: audits["largest-contentful-paint"]?.displayValue ?? "",
      tbt: audits["total-blocking-time"]?.displayValue ?? "",
      cls: audits["cumulative-layout-shift"]?.displayValue ?? "",
    });
    const failed = Object.values(audits).filter((a) => a.score !== null && a.score < 1 && result.lhr.categories.accessibility?.auditRefs.some((r) => r.id === a.id));
    for (const a of failed) console.log(`  ${run.path}: accessibility audit "${a.id}" scored ${a.score}`);
  }
} finally {
  await context.close();
  await server.stop();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.table(rows);
