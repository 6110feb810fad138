// Every page of every role, as a phone (390 px) and a desktop (1280 px) show it, with the demo
// practice's data: nothing wider than the window, no content spilling out of its box, no number
// broken across lines, no table header broken inside a word, a wide table scrolls inside its own
// box with its first column kept in view, and axe finds nothing (every rule at 390 px, and again
// at 1280 px those a layout can change: LAID_OUT_RULES). A screenshot of each page at each width
// is kept with the test's results on request (looked at, not compared).
import type { Page } from "@playwright/test";
import { seedCrowd } from "#tests/support/crowd-practice.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { realCatalog, signInAs, startTrustServer, type Actor, type TrustIds } from "#tests/support/trust-practice.ts";
import { axeViolations } from "./axe.ts";
import { expect, PEOPLE, signIn, test } from "./fixtures.ts";
import { EXPECTED } from "./trust/roles.expected.ts";
import { builtRoutes, fillPattern } from "./trust/route-paths.ts";

const WIDTHS = [390, 1280] as const;
/**
 * The axe rules whose findings depend on where things are laid out, run again at the second
 * width. Every rule runs at the first. No stylesheet shows or hides anything by width (the only
 * width query sizes a figure's font), so only the layout differs between the two: text over
 * another background, and which boxes overflow and so must take focus to scroll.
 */
const LAID_OUT_RULES = ["color-contrast", "scrollable-region-focusable"] as const;
/** axe at a width: everything at the first, the layout's rules at the second. */
const axeAt = (page: Page, width: number) => axeViolations(page, width === WIDTHS[0] ? undefined : LAID_OUT_RULES);
/** Anonymous visitors, and one of each signed-in role (the scoped manager sees the manager's pages). */
const ROLES = ["anonymous", "staff", "manager", "owner"] as const satisfies readonly Actor[];

let server: TestServer;
let ids: TrustIds;
test.beforeAll(async () => {
  ({ server, ids } = await startTrustServer());
});
test.afterAll(async () => {
  await server?.stop();
});

/** The pages (HTML, answered 200, or the not-found page) this role can open, from the role matrix. */
function pagesFor(actor: Actor): string[] {
  const lessonSlug = realCatalog().modules[0]?.lessons[0]?.slug;
  if (!lessonSlug) throw new Error("The library has no lesson.");
  const paths: string[] = [];
  for (const route of builtRoutes()) {
    const row = EXPECTED[route.id];
    if (!row || /\.csv$|^\/(healthz|bench)/.test(route.pattern.replace(/\[\.\]csv$/, ".csv"))) continue;
    if (route.id.endsWith("[.]csv") || route.id.endsWith("[.]zip") || route.id.includes(".images.") || route.id === "root" || route.id === "routes/lessons.$slug.time") continue;
    // The not-found page once, for the signed-out visitor.
    const answer = row.get[actor];
    if (answer !== 200 && !(route.id === "routes/$" && actor === "anonymous")) continue;
    const pathname = fillPattern(route.pattern, row.params?.({ ...ids, lessonSlug }) ?? {});
    paths.push(row.query ? `${pathname}?${row.query}` : pathname);
  }
  return [...new Set(paths)].sort();
}

/** What the person would notice on the page as it stands, one line each. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element): string => {
      const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      const text = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
    };
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      problems.push(`the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
    }
    const scrolls = (style: CSSStyleDeclaration, axis: "x" | "y") => {
      const value = axis === "x" ? style.overflowX : style.overflowY;
      return value === "auto" || value === "scroll" || value === "hidden" || value === "clip";
    };
    for (const el of document.body.querySelectorAll<HTMLElement>("*")) {
      if (!(el instanceof HTMLElement)) continue;
      if (["INPUT", "SELECT", "TEXTAREA", "OPTION", "SCRIPT", "STYLE", "BR"].includes(el.tagName)) continue;
      const style = getComputedStyle(el);
      if (style.display === "inline" || style.display === "none" || style.display === "contents") continue;
      // Tables size themselves to their content; what matters is whether their box fits its parent.
      if (["TABLE", "TBODY", "THEAD", "TFOOT", "TR"].includes(el.tagName)) continue;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !scrolls(style, "x")) {
        problems.push(`${describe(el)} spills ${el.scrollWidth - el.clientWidth}px out of its box sideways`);
      }
    }
    // A legend's text sits inside its fieldset's box. A legend drawn in the top border has the
    // border at its middle: one line straddles it by design, but with several lines the first
    // ones sit above the box, outside it.
    for (const fieldset of document.querySelectorAll("fieldset")) {
      const legend = fieldset.querySelector(":scope > legend");
      if (!(legend instanceof HTMLElement) || legend.offsetParent === null) continue;
      const box = fieldset.getBoundingClientRect();
      const own = legend.getBoundingClientRect();
      const border = parseFloat(getComputedStyle(fieldset).borderTopWidth) || 0;
      const inBorder = own.top <= box.top + 0.5;
      const borderAt = inBorder ? box.top + Math.max(0, (own.height - border) / 2) : box.top;
      const range = document.createRange();
      range.selectNodeContents(legend);
      const above = [...range.getClientRects()].filter((r) => r.width > 0 && r.bottom < borderAt - 1);
      if (above.length > 0) problems.push(`${describe(legend)} runs over the top border of its box`);
    }

    // Numbers, amounts, percentages and dates never break across lines.
    const numberLike = /^[−+-]?[$€£]?\d[\d,.]*(%| ?h| min)?$|^\d{4}-\d{2}-\d{2}$/;
    const lineCount = (el: Element): number => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => Math.round(r.top));
      // Rects of one line differ by a pixel or two (mixed fonts, badges).
      return tops.sort((a, b) => a - b).filter((t, i, all) => i === 0 || t - (all[i - 1] as number) > 4).length;
    };
    // Headers of number columns (th.num) are words, and wrap between them.
    const cells = new Set<Element>(document.querySelectorAll(":not(th).num, [data-num], .date"));
    for (const cell of document.querySelectorAll("td, th, dd")) {
      if (numberLike.test((cell.textContent ?? "").trim())) cells.add(cell);
    }
    for (const cell of cells) {
      if (!(cell instanceof HTMLElement) || cell.offsetParent === null) continue;
      if ((cell.textContent ?? "").trim() === "") continue;
      const n = lineCount(cell);
      if (n > 1 && !cell.querySelector("br, .cell-note")) problems.push(`${describe(cell)} is broken across ${n} lines`);
    }

    // Table headers and cells wrap between words (or after a hyphen or slash), never inside one.
    for (const cell of document.querySelectorAll("th, td")) {
      if (!(cell instanceof HTMLElement) || cell.offsetParent === null) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      let previous: { top: number; char: string } | null = null;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        // Text set to break anywhere on purpose (the audit log's raw JSON details) is not words.
        if (node.parentElement && getComputedStyle(node.parentElement).wordBreak === "break-all") continue;
        const text = node.textContent ?? "";
        for (let i = 0; i < text.length; i++) {
          const char = text[i] as string;
          if (/\s/.test(char)) {
            previous = { top: NaN, char };
            continue;
          }
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (!rect) continue;
          if (previous && !Number.isNaN(previous.top) && rect.top - previous.top > 4 && !/[-/–—,)]/.test(previous.char)) {
            problems.push(`${describe(cell)} breaks inside a word ("${text.slice(Math.max(0, i - 8), i)}|${text.slice(i, i + 8)}")`);
            break;
          }
          previous = { top: rect.top, char };
        }
        // Separate elements (a badge after a name) may start a new line.
        previous = null;
      }
    }
    return problems;
  });
}

/** On a phone, what a thumb presses (buttons, form fields, menu links, quiz choices) is at least 44 px high. */
async function touchProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const targets = document.querySelectorAll<HTMLElement>(
      "main button, main .button, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main select, main textarea, nav a, header button, .choice",
    );
    const problems: string[] = [];
    for (const el of targets) {
      if (el.offsetParent === null || el.closest(".visually-hidden")) continue;
      const rect = el.getBoundingClientRect();
      if (rect.height < 43.5) {
        const text = (el.textContent || el.getAttribute("name") || "").replace(/\s+/g, " ").trim().slice(0, 30);
        problems.push(`<${el.tagName.toLowerCase()}> "${text}" is ${Math.round(rect.height)}px high, under 44 px`);
      }
    }
    return problems;
  });
}

/** A table that scrolls sideways keeps its first column in view when scrolled to the end. */
async function stickyProblems(page: Page, width: number): Promise<string[]> {
  return page.evaluate((windowWidth) => {
    const problems: string[] = [];
    for (const wrap of document.querySelectorAll<HTMLElement>(".table-wrap")) {
      if (wrap.offsetParent === null || wrap.scrollWidth <= wrap.clientWidth + 1) continue;
      const table = wrap.querySelector("table");
      const caption = (table?.querySelector("caption")?.textContent ?? wrap.getAttribute("aria-label") ?? "a table").trim().slice(0, 40);
      // On a desktop a table that would fit the window is not hidden behind a scroll bar.
      if (windowWidth >= 1024 && wrap.scrollWidth <= windowWidth - 48) {
        problems.push(`"${caption}" scrolls sideways (${wrap.scrollWidth}px in ${wrap.clientWidth}px) on a window with room for it`);
      }
      const before = wrap.scrollLeft;
      wrap.scrollLeft = wrap.scrollWidth;
      const left = wrap.getBoundingClientRect().left;
      const firstCells = [...wrap.querySelectorAll("tbody tr > :first-child")].slice(0, 3);
      for (const cell of firstCells) {
        const rect = cell.getBoundingClientRect();
        if (rect.left < left - 1) {
          problems.push(`"${caption}": the first column scrolls out of view (${(cell.textContent ?? "").trim().slice(0, 30)})`);
          break;
        }
      }
      wrap.scrollLeft = before;
    }
    return problems;
  }, width);
}

/** The window at a width (a phone's height below 600 px), the page laid out again for it. */
async function viewAt(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
}

/** A file name for a path: /owner/spend/3 → owner-spend-3. */
const slug = (path: string) => path.replace(/^\//, "").replace(/[^\w]+/g, "-").replace(/-$/, "") || "home";

for (const actor of ROLES) {
  test(`${actor}: every page reads at 390 px and 1280 px, and axe finds nothing`, async ({ browser }, testInfo) => {
    test.setTimeout(600_000);
    const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 844 } });
    const page = await context.newPage();
    const guard: string[] = [];
    page.on("pageerror", (error) => guard.push(String(error)));
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) guard.push(message.text());
    });
    await signInAs(context.request, server.url, actor);
    const problems: string[] = [];
    const pages = pagesFor(actor);
    expect(pages.length, `${actor} opens pages`).toBeGreaterThan(0);
    for (const path of pages) {
      for (const width of WIDTHS) {
        await viewAt(page, width);
        // Loaded once, at the first width; the second is the same page laid out again.
        if (width === WIDTHS[0]) {
          await page.goto(`${server.url}${path}`);
          await page.waitForLoadState("load");
        }
        const where = `${path} at ${width}px`;
        for (const p of await layoutProblems(page)) problems.push(`${where}: ${p}`);
        for (const p of await stickyProblems(page, width)) problems.push(`${where}: ${p}`);
        if (width < 600) for (const p of await touchProblems(page)) problems.push(`${where}: ${p}`);
        // Pictures of every page for a person to look through, on request: nothing above depends
        // on them, and under load Chromium can fail to capture a tall page whole, which is no
        // fault of the page.
        if (process.env.LAYOUT_SCREENSHOTS === "1") await page.screenshot({ path: testInfo.outputPath(`${actor}-${slug(path)}-${width}.png`), fullPage: true });
        for (const v of await axeAt(page, width)) problems.push(`${where}: axe ${v}`);
      }
    }
    await context.close();
    expect(guard, "CSP violations or uncaught errors on the page").toEqual([]);
    expect(problems).toEqual([]);
  });
}

// The paged, searched and empty lists in a practice larger than a page, and the forms that find
// one person among many, at both widths; and the progress matrix on a
// phone: the person stays in view while the modules scroll sideways, and a keyboard scrolls them
// (the scrolling box is a named region that takes focus).
test.describe("a practice larger than a page", () => {
  let crowd: TestServer;
  test.beforeAll(async () => {
    crowd = await startServer({ seed: seedCrowd });
  });
  test.afterAll(async () => {
    await crowd?.stop();
  });

  test("the paged lists and the forms that find one person read at 390 px and 1280 px, and axe finds nothing", async ({ browser }) => {
    test.setTimeout(180_000);
    const problems: string[] = [];
    for (const [who, paths] of [
      [
        PEOPLE.rosa,
        [
          "/manage/progress",
          "/manage/progress?page=2",
          "/manage/progress?page=2&sort=name",
          "/manage/progress?page=3",
          "/manage/progress?page=3&sort=name",
          "/manage/progress?q=quispe",
          "/manage/progress?q=nobody",
          "/manage/team?page=2",
          "/manage/team?page=3",
          "/manage/team?q=quispe",
          "/manage/team?q=nobody",
          // The forms that find one person among many.
          "/manage/assignments",
          "/manage/assignments?find=quispe",
          "/manage/assignments?find=staff",
          "/manage/assignments?find=nobody",
          "/outside-learning",
          "/outside-learning?find=quispe",
        ],
      ],
      [PEOPLE.owner, ["/owner/reports?page=2", "/owner/reports?page=3", "/owner/spend", "/owner/spend?find=quispe&belongsTo=equal"]],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 844 } });
      const page = await context.newPage();
      await signIn(page, crowd.url, who);
      for (const path of paths) {
        for (const width of WIDTHS) {
          await viewAt(page, width);
          if (width === WIDTHS[0]) await page.goto(`${crowd.url}${path}`);
          const where = `${path} at ${width}px`;
          for (const p of await layoutProblems(page)) problems.push(`${where}: ${p}`);
          for (const p of await stickyProblems(page, width)) problems.push(`${where}: ${p}`);
          if (width < 600) for (const p of await touchProblems(page)) problems.push(`${where}: ${p}`);
          for (const v of await axeAt(page, width)) problems.push(`${where}: axe ${v}`);
        }
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  test("on a phone the person stays in view while the modules scroll sideways, and a keyboard scrolls them", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, crowd.url, PEOPLE.rosa);
    await page.goto(`${crowd.url}/manage/progress?page=2`);
    const region = page.getByRole("region", { name: "Progress by person and module" });
    await expect(region).toBeVisible();
    const box = await region.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, tabIndex: el.tabIndex }));
    expect(box.scrollWidth, "the matrix is wider than a phone").toBeGreaterThan(box.clientWidth);
    expect(box.tabIndex).toBe(0);
    // The page itself does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)).toBe(true);

    // Keyboard: Tab reaches the region, and the arrow keys scroll it, to the end.
    await page.getByRole("link", { name: "Download this table, every page (CSV)" }).focus();
    for (let i = 0; i < 20 && !(await region.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(region).toBeFocused();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    const atEnd = () => region.evaluate((el) => Math.ceil(el.scrollLeft + el.clientWidth) >= el.scrollWidth - 1);
    for (let i = 0; i < 100 && !(await atEnd()); i++) await page.keyboard.press("ArrowRight");
    expect(await atEnd(), "the arrow keys reach the last column").toBe(true);

    // Scrolled to the end, each person's name is still in view at the left edge, in front of the cells.
    const sticky = await region.evaluate((el) => {
      const left = el.getBoundingClientRect().left;
      return [...el.querySelectorAll("tbody tr")].slice(0, 5).map((row) => {
        const head = row.querySelector("th") as HTMLElement;
        const rect = head.getBoundingClientRect();
        const atPoint = document.elementFromPoint(rect.left + 5, rect.top + rect.height / 2);
        return { name: head.textContent, inView: rect.left >= left - 1, onTop: head.contains(atPoint), position: getComputedStyle(head).position };
      });
    });
    expect(sticky).toHaveLength(5);
    for (const s of sticky) expect(s, String(s.name)).toMatchObject({ inView: true, onTop: true, position: "sticky" });
    await context.close();
  });
});
