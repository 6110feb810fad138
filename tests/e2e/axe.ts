// axe-core, run in the page itself: injected once per page load, then `axe.run` with the rules axe
// runs by default (or only those named). @axe-core/playwright's analyze() injects axe afresh each
// time and finishes every run in a new blank page, which made axe most of the browser suite's
// time; our pages have no frames for it to reach into. Only violations are gathered: axe then
// does not collect every node that passed, about a fifth of its time on a large page.
import fs from "node:fs";
import { createRequire } from "node:module";
import { expect, test, type Page } from "@playwright/test";

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeWindow {
  axe?: {
    run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }>;
  };
}

/** What axe finds on the page as it stands, one line each: the rule, then where. */
export async function axeViolations(page: Page, rules?: readonly string[]): Promise<string[]> {
  if (!(await page.evaluate(() => typeof (window as AxeWindow).axe?.run === "function"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (only) => {
    const axe = (window as AxeWindow).axe;
    if (!axe) throw new Error("axe did not load");
    const { violations } = await axe.run(document, { resultTypes: ["violations"], ...(only ? { runOnly: { type: "rule", values: only } } : {}) });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, rules ? [...rules] : null);
}

/**
 * Fails the test with axe's findings, if it finds anything. axe runs in the page, so it needs
 * JavaScript: the run without it skips this (the run with it covers the same pages).
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  if (test.info().project.use.javaScriptEnabled === false) return;
  expect(await axeViolations(page)).toEqual([]);
}
