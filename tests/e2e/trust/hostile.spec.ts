// Hostile text in every field a person can type into, and in every cell of every CSV import: what a
// field's rule refuses is answered 400 with a message beside the field and is not kept; what it
// allows is kept exactly, and then every page and export that shows it shows it as text: no script
// runs, no page breaks its layout, no right-to-left override reorders the page around it, and every
// export parses to even rows with formulas neutralised.
import { randomUUID } from "node:crypto";
import { request as playwright, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { stringify } from "csv-stringify/sync";
import { scrubComment } from "#app/models/scrub.ts";
import { accepts, ONE_MEGABYTE, PAYLOADS, RLO, SCRIPT_PAYLOADS, unbroken, type TextRule } from "#tests/support/hostile-corpus.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, sameSite, seedTrustPractice, signInAs, type TrustIds } from "#tests/support/trust-practice.ts";
import { expect, signIn, test } from "../fixtures.ts";

test.describe.configure({ mode: "serial" });

let server: TestServer;
let ids: TrustIds;
let today = "";
const api: Partial<Record<"owner" | "manager" | "staff", APIRequestContext>> = {};

/** What was kept, by field: the page checks look for these. */
const kept = { names: [] as string[], rtlNames: [] as string[], longName: "" };

test.beforeAll(async () => {
  test.setTimeout(60_000);
  server = await startServer({ seed: async (db) => void (ids = await seedTrustPractice(db)) });
  const practice = await server.db.selectFrom("practice").select("time_zone").executeTakeFirstOrThrow();
  today = new Intl.DateTimeFormat("en-CA", { timeZone: practice.time_zone }).format(new Date());
  for (const who of ["owner", "manager", "staff"] as const) {
    const context = await playwright.newContext();
    await signInAs(context, server.url, who);
    api[who] = context;
  }
});
test.afterAll(async () => {
  if (/Error/.test(server?.output() ?? "")) console.log(server.output().slice(0, 6000));
  for (const context of Object.values(api)) await context?.dispose();
  await server?.stop();
});

function as(who: keyof typeof api): APIRequestContext {
  const context = api[who];
  if (!context) throw new Error(`No ${who} context`);
  return context;
}

async function post(who: keyof typeof api, path: string, form: Record<string, string>): Promise<APIResponse> {
  return as(who).post(`${server.url}${path}`, { form, headers: sameSite(server.url), maxRedirects: 0 });
}

/** A field (or two fields that share a rule) of a real form, and how to find what it kept. */
interface Field {
  name: string;
  who: keyof typeof api;
  path: string;
  /** The form's input names that take the payload, each with its rule. */
  inputs: Record<string, TextRule>;
  form(values: Record<string, string>, n: number): Record<string, string>;
  /** The values kept for this submission, by input name, or null when nothing was kept. */
  stored(values: Record<string, string>, n: number): Promise<Record<string, string> | null>;
}

const FIELDS: Field[] = [
  {
    name: "a person's name and job title",
    who: "owner",
    path: "/manage/team",
    inputs: { name: { kind: "line", max: 120 }, jobTitle: { kind: "line", max: 80 } },
    form: (v, n) => ({ intent: "add-person", name: v.name!, email: `hostile-person-${n}@demo.test`, jobTitle: v.jobTitle!, locationId: String(ids.locations.riverside), role: "staff" }),
    async stored(_, n) {
      const row = await server.db.selectFrom("user").select(["name", "job_title"]).where("email", "=", `hostile-person-${n}@demo.test`).executeTakeFirst();
      return row ? { name: row.name, jobTitle: row.job_title ?? "" } : null;
    },
  },
  {
    name: "a person's email",
    who: "owner",
    path: "/manage/team",
    // No payload is an email address, so every one is refused.
    inputs: { email: { kind: "line", max: 0 } },
    form: (v, n) => ({ intent: "add-person", name: `Hostile email ${n}`, email: v.email!, jobTitle: "", role: "staff" }),
    async stored(_, n) {
      const row = await server.db.selectFrom("user").select("email").where("name", "=", `Hostile email ${n}`).executeTakeFirst();
      return row ? { email: row.email } : null;
    },
  },
  {
    name: "a location's name",
    who: "owner",
    path: "/manage/team",
    inputs: { locationName: { kind: "line", max: 80 } },
    form: (v) => ({ intent: "add-location", locationName: v.locationName! }),
    async stored(v) {
      const row = await server.db.selectFrom("location").select("name").where("name", "=", v.locationName!.trim()).executeTakeFirst();
      return row ? { locationName: row.name } : null;
    },
  },
  {
    name: "an expense's vendor and description",
    who: "owner",
    path: "/owner/spend",
    inputs: { vendor: { kind: "line", max: 120 }, description: { kind: "line", max: 200 } },
    form: (v, n) => ({ spentOn: today, category: "online-courses", vendor: v.vendor!, description: v.description!, amount: `${n + 1}.00`, belongsTo: "practice" }),
    async stored(_, n) {
      const row = await server.db.selectFrom("expense").select(["vendor", "description"]).where("amount_cents", "=", (n + 1) * 100).where("spent_on", "=", today).executeTakeFirst();
      return row ? { vendor: row.vendor, description: row.description } : null;
    },
  },
  {
    name: "outside learning's title and provider",
    who: "staff",
    path: "/outside-learning",
    inputs: { title: { kind: "line", max: 160 }, provider: { kind: "line", max: 120 } },
    form: (v, n) => ({ intent: "log", title: v.title!, provider: v.provider!, kind: "webinar", heldOn: today, hours: `${n + 1}`, cost: "" }),
    async stored(_, n) {
      const row = await server.db.selectFrom("outside_learning").select(["title", "provider"]).where("minutes", "=", (n + 1) * 60).where("held_on", "=", today).executeTakeFirst();
      return row ? { title: row.title, provider: row.provider } : null;
    },
  },
  {
    name: "a feedback item's source and comment",
    who: "manager",
    path: "/manage/feedback/items",
    inputs: { source: { kind: "feedback", max: 60 }, comment: { kind: "feedback", max: 2000 } },
    form: (v, n) => ({ intent: "save", requestId: feedbackIds[n]!, date: today, source: v.source!, rating: "2", comment: v.comment!, locationId: String(ids.locations.riverside) }),
    async stored(_, n) {
      const row = await server.db.selectFrom("feedback_item").select(["source", "comment"]).where("request_id", "=", feedbackIds[n]!).executeTakeFirst();
      return row ? { source: row.source, comment: row.comment } : null;
    },
  },
  {
    name: "an assignment's job title",
    who: "owner",
    path: "/manage/assignments",
    inputs: { jobTitle: { kind: "line", max: 80 } },
    form: (v) => ({ intent: "create", item: "module:first-impressions", targetKind: "jobTitle", jobTitle: v.jobTitle!, dueKind: "days", dueDays: "7" }),
    async stored(v) {
      const row = await server.db.selectFrom("assignment").select("target_job_title").where("target_job_title", "=", v.jobTitle!.trim()).executeTakeFirst();
      return row ? { jobTitle: row.target_job_title ?? "" } : null;
    },
  },
];
const feedbackIds = Array.from({ length: 40 }, () => randomUUID());

/** Every payload, then a long unbroken word at each input's own limit (for layout). */
function samples(field: Field): { id: string; values: Record<string, string> }[] {
  const inputs = Object.keys(field.inputs);
  return [
    ...PAYLOADS.map((p) => ({ id: p.id, values: Object.fromEntries(inputs.map((i) => [i, p.value])) })),
    { id: "longest", values: Object.fromEntries(inputs.map((i) => [i, unbroken(Math.max(1, field.inputs[i]!.max))])) },
  ];
}

const ERROR_TEXT = (input: string) => new RegExp(`id="${input.replace(".", "\\.")}-error"[^>]*>(?:<span[^>]*>[^<]*</span>)?[^<]+`);

test("every typed field keeps hostile text exactly, or refuses it with a message beside the field and keeps nothing", async () => {
  test.setTimeout(90_000);
  // The fields are independent of one another: two at a time, each payload in turn.
  const queue = [...FIELDS];
  const lane = async () => {
    for (let field = queue.shift(); field; field = queue.shift()) await fill(field);
  };
  await Promise.all([lane(), lane()]);
  // Whatever was refused, a megabyte never reached the database.
  const megabyteRows = await server.db
    .selectFrom("audit_event")
    .select("id")
    .where(sql<number>`length(details)`, ">", 100_000)
    .execute();
  expect(megabyteRows).toEqual([]);
});

async function fill(field: Field) {
  {
    for (const [n, sample] of samples(field).entries()) {
      const label = `${field.name} ← ${sample.id}`;
      const refused = Object.entries(field.inputs).filter(([input, rule]) => !accepts(rule, sample.values[input]!)).map(([input]) => input);
      // A refusal is read as the page a browser gets (the message must be beside the field); what is
      // kept is sent the way the page's own script sends it, which skips re-rendering the page.
      const response = await post(field.who, refused.length > 0 ? field.path : `${field.path}.data`, field.form(sample.values, n));
      const stored = await field.stored(sample.values, n);
      if (refused.length > 0) {
        const body = await response.text();
        expect(response.status(), `${label}: ${body.slice(body.indexOf("<main"), body.indexOf("<main") + 400)}`).toBe(400);
        for (const input of refused) expect(body, `${label}: a message beside ${input}`).toMatch(ERROR_TEXT(input));
        expect(stored, `${label}: nothing kept`).toBeNull();
      } else {
        expect(response.status(), label).toBeLessThan(400);
        const expected = Object.fromEntries(
          Object.keys(field.inputs).map((input) => [input, input === "comment" ? scrubComment(sample.values[input]!.trim()).text : sample.values[input]!.trim()]),
        );
        expect(stored, `${label}: kept as typed`).toEqual(expected);
        if (field.path === "/manage/team" && "name" in expected) {
          kept.names.push(expected.name!);
          if (expected.name!.includes(RLO)) kept.rtlNames.push(expected.name!);
          if (sample.id === "longest") kept.longName = expected.name!;
        }
      }
    }
  }
}

/** A CSV file whose rows put `value` into the cells named in `hostile`. */
function csvFile(header: string[], rows: Record<string, string>[]): string {
  return stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ""))], { record_delimiter: "\r\n" });
}

async function upload(path: string, csv: string): Promise<APIResponse> {
  return as("owner").post(`${server.url}${path}`, {
    multipart: { intent: "preview", file: { name: "import.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") } },
    headers: sameSite(server.url),
    maxRedirects: 0,
  });
}

interface Import {
  path: string;
  header: string[];
  rules: Record<string, TextRule>;
  row(value: string, n: number): Record<string, string>;
  count(): Promise<number>;
}

test("outcome figures take only counts and stars: every hostile value in every figure is refused beside it, and nothing is kept", async () => {
  const before = await server.db.selectFrom("outcome_month").select("id").execute();
  const figures = ["visits", "newPatients", "returningPatients", "noShows", "lateCancellations", "reviewCount", "stars", "complaints"];
  for (const payload of PAYLOADS) {
    // Digits alone are a count (a plausible one is kept elsewhere); everything else is not a figure.
    if (/^\s*\d+(\.\d+)?\s*$/.test(payload.value)) continue;
    for (const field of figures) {
      const form = { month: "2001-05", locationId: String(ids.locations.riverside), reviewCount: "3", [field]: payload.value };
      const response = await post("owner", "/owner/outcomes/entry", form);
      expect(response.status(), `${payload.id} in ${field}`).toBe(400);
      const html = await response.text();
      expect(html, `${payload.id} in ${field}: a message beside the field`).toContain(`id="${field}-error"`);
    }
    for (const name of ["month", "locationId"]) {
      const response = await post("owner", "/owner/outcomes/entry", { month: "2001-05", locationId: String(ids.locations.riverside), visits: "10", [name]: payload.value });
      expect(response.status(), `${payload.id} in ${name}`).toBe(400);
    }
  }
  expect(await server.db.selectFrom("outcome_month").select("id").execute()).toEqual(before);
});

const IMPORTS: Record<string, Import> = {
  people: {
    path: "/manage/team/import",
    header: ["name", "email", "job title", "location"],
    rules: { name: { kind: "line", max: 120 }, "job title": { kind: "line", max: 80 } },
    row: (v, n) => ({ name: v, email: `imported-${n}@demo.test`, "job title": v, location: "Riverside" }),
    count: async () => (await server.db.selectFrom("user").select("id").where("email", "like", "imported-%").execute()).length,
  },
  spend: {
    path: "/owner/spend/import",
    header: ["date", "description", "amount", "category"],
    rules: { description: { kind: "line", max: 200 } },
    row: (v, n) => ({ date: today, description: v, amount: `${n + 1}.37`, category: "Online courses" }),
    count: async () => (await server.db.selectFrom("expense").select("id").where("source", "like", "import:%").execute()).length,
  },
  feedback: {
    path: "/manage/feedback/import",
    header: ["date", "source", "rating", "comment", "location"],
    rules: { source: { kind: "feedback", max: 60 }, comment: { kind: "feedback", max: 2000 } },
    row: (v) => ({ date: today, source: v, rating: "3", comment: v, location: "Riverside" }),
    count: async () => (await server.db.selectFrom("feedback_item").select("id").where("import_id", "is not", null).execute()).length,
  },
};

test("CSV imports with hostile cells: a file with a bad cell is refused row by row and adds nothing; a file of allowed ones is added exactly", async () => {
  for (const [name, spec] of Object.entries(IMPORTS)) {
    const ok = (v: string) => Object.values(spec.rules).every((rule) => accepts(rule, v));
    const good = PAYLOADS.filter((p) => ok(p.value));
    const bad = PAYLOADS.filter((p) => !ok(p.value) && p.id !== "megabyte");

    const before = await spec.count();
    // A megabyte in a cell: refused, as a row or as a file over the size limit, with a message.
    const huge = await upload(spec.path, csvFile(spec.header, [spec.row(ONE_MEGABYTE, 99)]));
    expect(huge.status(), `${name}: a megabyte cell`).toBe(400);
    expect(await huge.text(), `${name}: a megabyte cell`).toMatch(/class="(form-error|row-error)"/);
    const refused = await upload(spec.path, csvFile(spec.header, bad.map((p, n) => spec.row(p.value, 100 + n))));
    expect(refused.status(), `${name}: the bad file`).toBe(400);
    const page = await refused.text();
    expect(page.match(/class="row-error"/g)?.length, `${name}: every bad row is marked`).toBe(bad.length);
    expect(await spec.count(), `${name}: nothing added`).toBe(before);

    const csv = csvFile(spec.header, good.map((p, n) => spec.row(p.value, n)));
    const preview = await upload(spec.path, csv);
    expect(preview.status(), `${name}: the good file's preview`).toBe(200);
    expect(await preview.text()).not.toContain('class="row-error"');
    const commit = await as("owner").post(`${server.url}${spec.path}`, {
      form: { intent: "commit", csv, requestId: randomUUID() },
      headers: sameSite(server.url),
      maxRedirects: 0,
    });
    expect(commit.status(), `${name}: the good file's import`).toBe(200);
    expect(await spec.count(), `${name}: every row added`).toBe(before + good.length);
  }
  const imported = await server.db.selectFrom("user").select("name").where("email", "like", "imported-%").execute();
  expect(imported.map((u) => u.name).sort()).toEqual(
    PAYLOADS.filter((p) => accepts({ kind: "line", max: 80 }, p.value)).map((p) => p.value.trim()).sort(),
  );
});

/** The same imports, in a file whose headers are not DeskCoach's: each goes through the mapping step. */
const MAPPED: Record<string, { headers: Record<string, string>; fields: Record<string, string>; email?: (n: number) => string; extra?: Record<string, string> }> = {
  people: {
    headers: { name: "Employee Name", email: "Work Email", "job title": "Position", location: "Work Location" },
    fields: { name: "name", email: "email", "job title": "jobTitle", location: "location" },
    email: (n) => `mapped-${n}@demo.test`,
  },
  spend: {
    headers: { date: "Transaction Date", description: "Memo", amount: "Amount USD", category: "Spend Category" },
    fields: { date: "date", description: "description", amount: "amount", category: "category" },
    extra: { outgoing: "positive" },
  },
  feedback: {
    headers: { date: "Timestamp", source: "Channel", rating: "Stars", comment: "Comments", location: "Office" },
    fields: { date: "date", source: "source", rating: "rating", comment: "comment", location: "location" },
  },
};

/** Uploads a file that needs the mapping step and answers it: the preview's (or the refusal's) response. */
async function uploadAndMap(spec: Import, name: string, rows: Record<string, string>[]): Promise<APIResponse> {
  const mapped = MAPPED[name]!;
  const header = spec.header.map((h) => mapped.headers[h]!);
  const csv = stringify([header, ...rows.map((r) => spec.header.map((h) => r[h] ?? ""))], { record_delimiter: "\r\n" });
  const uploaded = await upload(spec.path, csv);
  expect(uploaded.status(), `${name}: the upload goes to the mapping step`).toBe(302);
  const id = new URL(uploaded.headers().location ?? "", server.url).searchParams.get("upload") ?? "";
  const mappingPage = await as("owner").get(`${server.url}${spec.path}?upload=${id}`);
  expect(mappingPage.status()).toBe(200);
  const form: Record<string, string> = { intent: "map", upload: id, sheet: "", ...mapped.extra };
  spec.header.forEach((h, i) => (form[`column.${i}`] = mapped.fields[h]!));
  return as("owner").post(`${server.url}${spec.path}`, { form, headers: sameSite(server.url), maxRedirects: 0 });
}

/** The checked CSV the preview carries to its confirm form, as the browser would send it back. */
function confirmCsv(page: string): string {
  const value = /name="csv" value="([^"]*)"/.exec(page)?.[1] ?? "";
  return value.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

test("the same hostile cells through the mapping step: a bad cell refused on its row, nothing added; allowed ones added exactly", async () => {
  test.setTimeout(120_000);
  for (const [name, spec] of Object.entries(IMPORTS)) {
    const ok = (v: string) => Object.values(spec.rules).every((rule) => accepts(rule, v));
    const good = PAYLOADS.filter((p) => ok(p.value) && p.id !== "nul");
    const bad = PAYLOADS.filter((p) => !ok(p.value) && p.id !== "megabyte" && p.id !== "nul");
    const row = (v: string, n: number) => ({ ...spec.row(v, n), ...(MAPPED[name]!.email ? { email: MAPPED[name]!.email!(n) } : {}) });
    const count = name === "people" ? async () => (await server.db.selectFrom("user").select("id").where("email", "like", "mapped-%").execute()).length : spec.count;
    const before = await count();
    const refused = await uploadAndMap(spec, name, bad.map((p, n) => row(p.value, 100 + n)));
    expect(refused.status(), `${name}: the bad file`).toBe(400);
    expect((await refused.text()).match(/class="row-error"/g)?.length, `${name}: every bad row is marked`).toBe(bad.length);
    expect(await count(), `${name}: nothing added`).toBe(before);

    const preview = await uploadAndMap(spec, name, good.map((p, n) => row(p.value, n)));
    expect(preview.status(), `${name}: the good file's preview`).toBe(200);
    const page = await preview.text();
    expect(page).not.toContain('class="row-error"');
    const commit = await as("owner").post(`${server.url}${spec.path}`, {
      form: { intent: "commit", csv: confirmCsv(page), requestId: randomUUID() },
      headers: sameSite(server.url),
      maxRedirects: 0,
    });
    expect(commit.status(), `${name}: the good file's import`).toBe(200);
    expect(await count(), `${name}: every row added`).toBe(before + good.length);
  }
  // A name from a file is read with its spaces made one (readFullName): U+FEFF is a space to JavaScript.
  const imported = await server.db.selectFrom("user").select("name").where("email", "like", "mapped-%").execute();
  expect(imported.map((u) => u.name).sort()).toEqual(
    PAYLOADS.filter((p) => p.id !== "nul" && accepts({ kind: "line", max: 80 }, p.value))
      .map((p) => p.value.trim().replace(/\s+/g, " "))
      .sort(),
  );
});

/** Signs the browser in; a dialog or a script payload that ran fails the visit. */
async function watch(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

interface LayoutReport {
  pwned: unknown;
  overflow: number;
  sticking: string[];
  wideCells: string[];
  unisolated: string[];
}

/** What the page shows of the payloads: whether anything ran, overflowed or escaped its isolation. */
async function inspect(page: Page): Promise<LayoutReport> {
  return page.evaluate(([rlo, values]) => {
    const w = window as unknown as { __pwned?: unknown };
    const wideCells = [...document.querySelectorAll("td, th")]
      .filter((cell) => /W{60}/.test(cell.textContent ?? "") && cell.getBoundingClientRect().width > window.innerWidth)
      .map((cell) => (cell.textContent ?? "").slice(0, 40));
    // A right-to-left override runs to the end of its paragraph: it must sit in an isolate (bdi or
    // dir=auto), or be alone in its block, so that it cannot reorder the words around it.
    const unisolated: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      if (!text.includes(rlo)) continue;
      let el = node.parentElement;
      let ok = false;
      while (el) {
        if (el.tagName === "BDI" || el.getAttribute("dir") === "auto" || ["OPTION", "TEXTAREA", "SCRIPT", "TITLE"].includes(el.tagName)) {
          ok = true;
          break;
        }
        if (!getComputedStyle(el).display.startsWith("inline")) {
          // Alone in its block, and nothing but a value as typed (not joined with other words).
          ok = (el.textContent ?? "").trim() === text.trim() && values.includes(text.trim());
          break;
        }
        el = el.parentElement;
      }
      if (!ok) unisolated.push(`${node.parentElement?.tagName}: ${(node.parentElement?.parentElement?.textContent ?? "").slice(0, 80)}`);
    }
    // What sticks out, outermost first, to name in a failure.
    const sticking = [...document.querySelectorAll("main *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 2 && !el.closest(".table-wrap"))
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? "").slice(0, 40)}`)
      .slice(0, 3);
    return {
      pwned: w.__pwned,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      sticking,
      wideCells,
      unisolated,
    };
  }, [RLO, RTL_VALUES] as const);
}

async function visit(page: Page, path: string, dialogs: string[]) {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status(), path).toBe(200);
  await page.waitForLoadState("load");
  const report = await inspect(page);
  expect.soft(report.pwned, `${path}: no payload ran`).toBeUndefined();
  expect.soft(dialogs, `${path}: no dialog opened`).toEqual([]);
  expect.soft(report.overflow, `${path}: nothing wider than the window: ${report.sticking.join(" | ")}`).toBeLessThanOrEqual(2);
  expect.soft(report.wideCells, `${path}: table cells wrap long words`).toEqual([]);
  expect.soft(report.unisolated, `${path}: right-to-left overrides are isolated`).toEqual([]);
}

/** Parses an export and checks its shape and its formulas; returns the rows. */
async function exportRows(page: Page, path: string): Promise<string[][]> {
  const response = await page.request.get(`${server.url}${path}`);
  expect(response.status(), path).toBe(200);
  const text = (await response.text()).replace(/^\uFEFF/, "");
  const rows = parse(text, { relax_column_count: true }) as string[][];
  expect(rows.length, path).toBeGreaterThan(1);
  const width = rows[0]!.length;
  expect(rows.filter((r) => r.length !== width), `${path}: every row has ${width} columns`).toEqual([]);
  for (const cell of rows.flat()) {
    if (/^[+-]?\d+(\.\d+)?$/.test(cell)) continue;
    expect(cell, `${path}: no cell a spreadsheet would run`).not.toMatch(/^[=+\-@\t\r]/);
  }
  expect(rows.flat().filter((c) => /^'[+-]?\d+(\.\d+)?$/.test(c)), `${path}: numbers stay numbers`).toEqual([]);
  return rows;
}

/** Every typed value with a right-to-left override that this file stores. */
const MARIA_NAME = `"><svg onload=window.__pwned=1> ${RLO}Maria`;
const SETUP_PRACTICE_NAME = `<img src=x onerror="window.__pwned=1"> ${RLO}Clinic`;
const RTL_VALUES = [PAYLOADS.find((p) => p.id === "rtl")!.value, MARIA_NAME, SETUP_PRACTICE_NAME];

const MANAGER_PAGES = ["/manage/team", "/manage/progress", "/manage/completion", "/manage/assignments", "/manage/feedback", "/manage/feedback/items", "/outside-learning", "/learn"];
const OWNER_PAGES = [...MANAGER_PAGES, "/owner/spend", "/owner/reports", "/owner/summary", "/owner/audit", "/owner/budget", "/owner/planner", "/owner/outcomes", "/owner/outcomes/entry"];

test("the owner sees every hostile value as text on every page and export", async ({ page }) => {
  test.setTimeout(90_000);
  expect(kept.names.length).toBeGreaterThan(5);
  // Rankings on, so the Learn page lists people by name too.
  expect((await post("owner", "/manage/goal", { intent: "rankings", rankings: "on" })).status()).toBe(302);
  const dialogs = await watch(page);
  await signIn(page, server.url, { email: ACTORS.owner, password: PASSWORD });
  for (const path of OWNER_PAGES) await visit(page, path, dialogs);
  const hostilePeople = await server.db.selectFrom("user").select(["id", "name"]).where("email", "like", "hostile-person-%").execute();
  for (const person of hostilePeople) await visit(page, `/manage/people/${person.id}`, dialogs);
  const expense = await server.db.selectFrom("expense").select("id").where("spent_on", "=", today).where("vendor", "like", "%__pwned%").executeTakeFirstOrThrow();
  await visit(page, `/owner/spend/${expense.id}`, dialogs);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Edit expense: ");
  // The kept names are on the page as typed, not as markup.
  await page.goto(`${server.url}/manage/team`);
  for (const name of SCRIPT_PAYLOADS.map((p) => p.value).filter((v) => kept.names.includes(v))) {
    await expect(page.getByRole("link", { name, exact: true }).first()).toBeVisible();
  }

  const progress = await exportRows(page, "/manage/progress.csv");
  const people = new Set(progress.map((r) => r[0]));
  for (const name of kept.names) expect(people.has(name) || !name, `progress.csv keeps ${JSON.stringify(name.slice(0, 30))}`).toBe(true);
  for (const table of ["module", "location", "month"]) await exportRows(page, `/manage/completion.csv?table=${table}`);
  for (const table of ["budget", "monthly", "employees", "value"]) await exportRows(page, `/owner/reports.csv?table=${table}`);
  for (const table of ["figures", "training", "before-after"]) await exportRows(page, `/owner/outcomes.csv?table=${table}`);
  for (const person of hostilePeople) {
    const rows = await exportRows(page, `/manage/people/${person.id}/export.csv`);
    expect(rows.slice(1).every((r) => r[0] === person.name), `the record of ${JSON.stringify(person.name.slice(0, 30))} names them exactly`).toBe(true);
  }
});

test("a manager and a location-scoped manager see the hostile values of their people as text", async ({ browser }) => {
  test.setTimeout(60_000);
  for (const who of ["manager", "scoped"] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => void (/Content Security Policy|Refused to/i.test(m.text()) && problems.push(m.text())));
    const dialogs = await watch(page);
    await signIn(page, server.url, { email: ACTORS[who], password: PASSWORD });
    for (const path of MANAGER_PAGES) await visit(page, path, dialogs);
    // The hostile people are at Riverside: the scoped manager's own.
    await page.goto(`${server.url}/manage/team`);
    for (const name of kept.rtlNames) await expect(page.getByRole("link", { name, exact: true }).first()).toBeVisible();
    const rows = await exportRows(page, "/manage/progress.csv");
    expect(rows.some((r) => kept.names.includes(r[0] ?? "")), `${who}: hostile people in the export`).toBe(true);
    expect(problems, `${who}: CSP violations or page errors`).toEqual([]);
    await context.close();
  }
});

test("a staff member with a hostile name sees their own record and certificate as text", async ({ page }) => {
  const svg = MARIA_NAME;
  const maria = await server.db.selectFrom("user").selectAll().where("email", "=", ACTORS.staff).executeTakeFirstOrThrow();
  const renamed = await post("owner", `/manage/people/${maria.id}`, {
    intent: "update",
    name: svg,
    email: maria.email,
    jobTitle: maria.job_title ?? "",
    locationId: String(maria.location_id ?? ""),
    role: "staff",
  });
  expect(renamed.status()).toBe(302);
  const certificate = await server.db.selectFrom("certificate_link").select("module_slug").where("user_id", "=", maria.id).executeTakeFirstOrThrow();

  const dialogs = await watch(page);
  await signIn(page, server.url, { email: ACTORS.staff, password: PASSWORD });
  for (const path of ["/learn", "/progress", "/outside-learning"]) await visit(page, path, dialogs);
  const printed = await page.request.post(`${server.url}/progress`, {
    form: { intent: "print", module: certificate.module_slug },
    headers: sameSite(server.url),
    maxRedirects: 0,
  });
  expect(printed.status()).toBe(302);
  const address = printed.headers().location!;
  await visit(page, address, dialogs);
  await expect(page.locator(".certificate-name")).toHaveText(svg);
});

test("setting up a practice: a megabyte name is refused beside the field; hostile names are kept and shown as text", async ({ page }) => {
  const fresh = await startServer();
  try {
    const form = (practiceName: string, ownerName: string) => ({
      practiceName,
      timeZone: "America/Chicago",
      fiscalYearStartMonth: "1",
      ownerName,
      ownerEmail: "first-owner@practice.test",
      password: "a-long-enough-password-1",
      confirmPassword: "a-long-enough-password-1",
    });
    const headers = sameSite(fresh.url);
    const huge = await page.request.post(`${fresh.url}/setup`, { form: form(ONE_MEGABYTE, ONE_MEGABYTE), headers, maxRedirects: 0 });
    expect(huge.status()).toBe(400);
    const body = await huge.text();
    expect(body).toMatch(ERROR_TEXT("practiceName"));
    expect(body).toMatch(ERROR_TEXT("ownerName"));
    expect(await fresh.db.selectFrom("practice").select("id").execute()).toEqual([]);

    const practiceName = SETUP_PRACTICE_NAME;
    const ownerName = "<script>window.__pwned=1</script>";
    const made = await page.request.post(`${fresh.url}/setup`, { form: form(practiceName, ownerName), headers, maxRedirects: 0 });
    expect(made.status()).toBe(302);
    const dialogs = await watch(page);
    for (const path of ["/manage/team", "/learn"]) {
      await page.goto(`${fresh.url}${path}`);
      const report = await inspect(page);
      expect.soft(report.pwned).toBeUndefined();
      expect.soft(report.unisolated).toEqual([]);
    }
    expect(dialogs).toEqual([]);
    await expect(page.getByText(ownerName, { exact: true }).first()).toBeVisible();
  } finally {
    await fresh.stop();
  }
});

test("signing in with a hostile email is refused with a message, never an error", async () => {
  const anonymous = await playwright.newContext();
  try {
    for (const payload of PAYLOADS) {
      const response = await anonymous.post(`${server.url}/login`, {
        form: { email: payload.value, password: "whatever-password" },
        headers: sameSite(server.url),
        maxRedirects: 0,
      });
      expect([400, 429], payload.id).toContain(response.status());
      expect(await response.text(), payload.id).toMatch(/class="(form|field)-error"/);
    }
  } finally {
    await anonymous.dispose();
  }
});
