// What every response says about itself: the security headers on every kind of answer, a fresh
// CSP nonce each time, HSTS exactly when DeskCoach is served over HTTPS, error pages that tell
// nothing of the server's insides, and none of the server's own files served.
import type http from "node:http";
import net from "node:net";
import type { APIResponse } from "@playwright/test";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, sameSite, seedTrustPractice, signInAs } from "#tests/support/trust-practice.ts";
import { expect, signIn, test } from "../fixtures.ts";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer({
    seed: async (db) => {
      await seedTrustPractice(db);
    },
  });
});
test.afterAll(async () => {
  await server.stop();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request exactly as written: no URL normalising (`/../x` stays `/../x`), any method, body and
 * header, which a browser or Playwright's request client would tidy up or refuse to send.
 *
 * It reads the answer even when the server answers before the body is sent and closes: a 413 for
 * a 10 MB upload arrives while the body is still being written, and writing the rest then fails
 * with EPIPE or ECONNRESET. An HTTP client gives up on the request at that error; this one keeps
 * what the server said (the kernel hands over what it received before the reset) and parses it.
 */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(server.url);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
  // A browser says how long its form is; so do these requests.
  const length = options.body === undefined ? {} : { "content-length": String(body.length) };
  const headers = { host: `${hostname}:${port}`, connection: "close", ...length, ...options.headers };
  const head = `${options.method ?? "GET"} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let writeError: Error | null = null;
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET") writeError = error;
      else reject(error);
    });
    socket.on("close", () => {
      const bytes = Buffer.concat(received);
      if (bytes.length === 0) return reject(writeError ?? new Error(`no answer to ${path}`));
      try {
        resolve(parseResponse(bytes));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.write(head);
    // In pieces, so that an early answer stops the writing instead of racing it.
    const send = (offset: number) => {
      if (offset >= body.length || received.length > 0 || socket.destroyed) return;
      const next = Math.min(body.length, offset + 64 * 1024);
      if (socket.write(body.subarray(offset, next))) setImmediate(() => send(next));
      else socket.once("drain", () => send(next));
    };
    send(0);
  });
}

/** An HTTP/1.1 answer from its bytes: status, headers (set-cookie as a list) and the body, unchunked. */
function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`an incomplete answer: ${bytes.toString("latin1").slice(0, 200)}`);
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "set-cookie") headers["set-cookie"] = [...(headers["set-cookie"] ?? []), value];
    else headers[name] = headers[name] === undefined ? value : `${String(headers[name])}, ${value}`;
  }
  let rest = bytes.subarray(end + 4);
  if (/chunked/i.test(String(headers["transfer-encoding"] ?? ""))) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.subarray(0, lineEnd).toString("latin1"), 16);
      if (!(size > 0)) break;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    rest = Buffer.concat(chunks);
  }
  return { status, headers, body: rest.toString("utf8") };
}

/** The session cookie of a fresh sign-in, for raw requests. */
async function sessionCookie(email: string): Promise<string> {
  const response = await raw("/login", {
    method: "POST",
    headers: { ...sameSite(server.url), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD }).toString(),
  });
  expect(response.status).toBe(302);
  return String(response.headers["set-cookie"]?.[0]).split(";")[0]!;
}

const nonceOf = (csp: string | undefined) => /script-src 'self' 'nonce-([A-Za-z0-9+/=]{22,})'/.exec(csp ?? "")?.[1];

/**
 * The headers every answer carries, whatever it is.
 *
 * Referrer-Policy must be same-origin or no-referrer. DeskCoach's addresses name people
 * (/manage/people/12), attempts and certificate tokens, and lessons link out to other sites;
 * strict-origin-when-cross-origin (the browser default) would still tell each of those sites
 * which practice's DeskCoach the reader came from. same-origin keeps the referrer inside the app.
 */
function expectSecurityHeaders(what: string, headers: Record<string, string | string[] | undefined>) {
  const csp = String(headers["content-security-policy"] ?? "");
  expect(nonceOf(csp), `${what}: a script nonce in the CSP`).toBeTruthy();
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]) {
    expect(csp, `${what}: ${directive}`).toContain(directive);
  }
  expect(csp, `${what}: no unsafe-inline scripts`).not.toContain("unsafe-inline");
  expect(headers["x-content-type-options"], `${what}: nosniff`).toBe("nosniff");
  expect(["same-origin", "no-referrer"], `${what}: Referrer-Policy`).toContain(headers["referrer-policy"]);
  expect(headers["x-powered-by"], `${what}: X-Powered-By`).toBeUndefined();
  // Served over plain HTTP here: HSTS would be meaningless (and is ignored by browsers).
  expect(headers["strict-transport-security"], `${what}: HSTS over plain HTTP`).toBeUndefined();
}

test("every kind of answer carries the security headers, each with its own nonce", async ({ playwright }) => {
  const owner = await playwright.request.newContext();
  await signInAs(owner, server.url, "owner");
  const staff = await playwright.request.newContext();
  await signInAs(staff, server.url, "staff");

  const page = await owner.get(`${server.url}/manage/team`);
  expect(page.headers()["content-type"]).toContain("text/html");
  const asset = /<script[^>]*\ssrc="(\/assets\/[^"]+\.js)"|<link[^>]*href="(\/assets\/[^"]+\.js)"/.exec(await page.text());
  const assetPath = asset?.[1] ?? asset?.[2];
  expect(assetPath, "a script asset named by the page").toBeTruthy();

  const answers: [string, APIResponse, number][] = [
    ["a page", page, 200],
    ["page data", await owner.get(`${server.url}/manage/team.data`), 200],
    ["a CSV export", await owner.get(`${server.url}/manage/progress.csv`), 200],
    ["a script asset", await owner.get(`${server.url}${assetPath}`), 200],
    ["the favicon", await owner.get(`${server.url}/favicon.ico`), 200],
    ["a missing page", await owner.get(`${server.url}/no-such-page`), 404],
    ["missing page data", await owner.get(`${server.url}/no-such-page.data`), 404],
    ["a page staff may not open", await staff.get(`${server.url}/manage`), 403],
    ["a POST from another site", await owner.post(`${server.url}/manage/team`, { headers: { origin: "http://evil.example" }, form: { intent: "add-location", locationName: "Evil" } }), 403],
  ];
  const nonces = new Set<string>();
  for (const [what, response, status] of answers) {
    expect(response.status(), what).toBe(status);
    expectSecurityHeaders(what, response.headers());
    nonces.add(nonceOf(response.headers()["content-security-policy"])!);
  }
  expect(answers[1]![1].headers()["content-type"]).toContain("text/x-script");
  expect(answers[2]![1].headers()["content-type"]).toContain("text/csv");
  expect(nonces.size, "a different nonce on every answer").toBe(answers.length);
  await owner.dispose();
  await staff.dispose();
});

test("a page's inline scripts carry the nonce its CSP names, and the next page gets another", async ({ request }) => {
  const pages = [await request.get(`${server.url}/login`), await request.get(`${server.url}/login`), await request.get(`${server.url}/no-such-page`)];
  const seen: string[] = [];
  for (const response of pages) {
    const nonce = nonceOf(response.headers()["content-security-policy"])!;
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    const inline = scripts.filter((tag) => !/\ssrc=/.test(tag));
    expect(inline.length, "inline scripts on the page").toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, "every script carries this response's nonce").toContain(`nonce="${nonce}"`);
    seen.push(nonce);
  }
  expect(new Set(seen).size).toBe(seen.length);
});

test("pages run in the browser without a single CSP violation, error pages included", async ({ page }) => {
  // The page guard (fixtures.ts) fails this test on any CSP report or page error.
  await signIn(page, server.url, { email: ACTORS.owner, password: PASSWORD });
  await page.goto(`${server.url}/manage/team`);
  await expect(page.getByRole("heading", { level: 1, name: "Team" })).toBeVisible();
  const missing = await page.goto(`${server.url}/no-such-page`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  // The app is live (hydrated under the CSP): a client-side link works from the error page.
  await page.getByRole("link", { name: "Go to the start page" }).click();
  await expect(page).toHaveURL(/\/manage\/progress$/);
});

test("HSTS is sent when DeskCoach is served over HTTPS, and not over plain HTTP", async ({ request }) => {
  const plain = await request.get(`${server.url}/login`);
  expect(plain.headers()["strict-transport-security"]).toBeUndefined();

  // Behind a TLS proxy: APP_ORIGIN tells the server its public address is https.
  const behindTls = await startServer({ env: { APP_ORIGIN: "https://coach.example.org" } });
  try {
    for (const path of ["/login", "/favicon.ico", "/no-such-page"]) {
      const response = await request.get(`${behindTls.url}${path}`);
      const hsts = response.headers()["strict-transport-security"] ?? "";
      expect(hsts, `HSTS on ${path}`).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(hsts)?.[1]), "at least a year").toBeGreaterThanOrEqual(31_536_000);
    }
  } finally {
    await behindTls.stop();
  }
});

/** Stack frames, file paths and exception names: nothing a visitor should ever read. */
function expectNothingInternal(what: string, body: string) {
  expect(body, `${what}: a stack frame`).not.toMatch(/\bat \S+ \(|\n\s+at \S|:\d+:\d+\)/);
  for (const path of ["/work/", "node_modules", "build/server", "file://", "app/routes", ".server.ts"]) {
    expect(body, `${what}: a file path`).not.toContain(path);
  }
  expect(body, `${what}: an exception`).not.toMatch(/\b\w*(Error|Exception):/);
}

test("errors of every kind answer without a stack trace, a file path or an exception", async () => {
  test.setTimeout(60_000);
  const cookie = await sessionCookie(ACTORS.owner);
  const same = sameSite(server.url);
  const bigFile = Buffer.concat([
    Buffer.from('--b\r\nContent-Disposition: form-data; name="intent"\r\n\r\npreview\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="team.csv"\r\nContent-Type: text/csv\r\n\r\n'),
    Buffer.alloc(10 * 1024 * 1024 + 1, "a"),
    Buffer.from("\r\n--b--\r\n"),
  ]);
  const form = { ...same, cookie, "content-type": "application/x-www-form-urlencoded" };
  const cases: { what: string; path: string; method?: string; headers?: Record<string, string>; body?: string | Buffer; status: number | "4xx" | "any" }[] = [
    { what: "a malformed address", path: "/%E0%A4%A", status: 404 },
    { what: "malformed address data", path: "/%E0%A4%A.data", status: 404 },
    { what: "a malformed lesson address", path: "/lessons/%E0%A4%A", headers: { cookie }, status: 404 },
    { what: "a header too large", path: "/login", headers: { "x-filler": "a".repeat(20_000) }, status: 431 },
    { what: "a ?_data request for no route", path: "/login?_data=routes%2Fnope", status: "4xx" },
    { what: "a .data request for no route", path: "/manage/team.data?_routes=routes%2Fnope", headers: { cookie }, status: 200 },
    { what: "data of a missing page", path: "/no-such-page.data", headers: { cookie }, status: 404 },
    { what: "a person id that is not a number", path: "/manage/people/abc", headers: { cookie }, status: 404 },
    { what: "a person id too large", path: "/manage/people/99999999999999999999999", headers: { cookie }, status: 404 },
    { what: "an expense id in exponent form", path: "/owner/spend/1e3", headers: { cookie }, status: 404 },
    { what: "a negative attempt id", path: "/attempts/-1", headers: { cookie }, status: 404 },
    { what: "a certificate token with a NUL", path: "/certificates/%00", status: 404 },
    { what: "a lesson slug climbing out", path: "/lessons/..%2f..%2fpackage.json", headers: { cookie }, status: 404 },
    { what: "a report of no such table", path: "/owner/reports.csv?fy=99999999&table=nope", headers: { cookie }, status: 404 },
    { what: "a 10 MB sign-in form", path: "/login", method: "POST", headers: { ...same, "content-type": "application/x-www-form-urlencoded" }, body: `email=${"a".repeat(10 * 1024 * 1024)}&password=x`, status: 400 },
    { what: "an upload over 10 MB", path: "/manage/team/import", method: "POST", headers: { ...same, cookie, "content-type": "multipart/form-data; boundary=b" }, body: bigFile, status: 413 },
    { what: "a JSON body", path: "/manage/team", method: "POST", headers: { ...form, "content-type": "application/json" }, body: '{"intent":"add-location"', status: 415 },
    { what: "multipart without a boundary", path: "/manage/team", method: "POST", headers: { ...form, "content-type": "multipart/form-data" }, body: "intent=add-location", status: 415 },
    { what: "a text/plain form", path: "/manage/team", method: "POST", headers: { ...form, "content-type": "text/plain" }, body: "intent=add-location", status: 415 },
    { what: "a POST with no body at all", path: "/manage/team", method: "POST", headers: { ...same, cookie }, status: 415 },
    { what: "a PUT", path: "/manage/team", method: "PUT", headers: form, body: "intent=add-location", status: 405 },
    // A body that claims to be multipart and is not: the action's form parsing fails inside Remix.
    // Its status is Remix's to choose; what the page must not do is describe the failure.
    { what: "a broken multipart body", path: "/manage/team", method: "POST", headers: { ...form, "content-type": "multipart/form-data; boundary=zz" }, body: "not multipart", status: "any" },
    { what: "an action's form with every field missing", path: "/manage/team", method: "POST", headers: form, body: "intent=add-person", status: 400 },
  ];
  for (const c of cases) {
    const response = await raw(c.path, { method: c.method, headers: c.headers, body: c.body });
    const what = `${c.what} (${c.method ?? "GET"} ${c.path.slice(0, 60)})`;
    if (typeof c.status === "number") expect(response.status, what).toBe(c.status);
    else if (c.status === "4xx") expect(response.status >= 400 && response.status < 500, `${what}: ${response.status}`).toBe(true);
    expectNothingInternal(what, response.body);
  }
});

test("the server's own files are never served, however the address is spelled", async () => {
  const paths = [
    "/.env",
    "/.git/config",
    "/build/",
    "/build/server/index.js",
    "/build/start.js",
    "/package.json",
    "/data/demo.sqlite",
    "/data/deskcoach.sqlite",
    "/.vite/manifest.json",
    "/app/server/main.ts",
    "/../package.json",
    "/%2e%2e%2fpackage.json",
    "/%2e%2e/%2e%2e/package.json",
    "/assets/../../package.json",
    "/assets/%2e%2e/%2e%2e/package.json",
    "/assets/..%2f..%2f..%2fpackage.json",
    "/favicon.ico/..%2f..%2fpackage.json",
  ];
  // What each file would give away if it were served.
  const contents = [/"dependencies"\s*:/, /\[core\]/, /SQLite format 3/, /createRequestHandler/, /"assetsBuildDirectory"|entry\.module/, /DATABASE_URL=/];
  for (const path of paths) {
    const response = await raw(path);
    expect(response.status, path).toBe(404);
    expect(response.body, path).toContain("Page not found");
    for (const content of contents) expect(response.body, `${path} shows the file`).not.toMatch(content);
    expectNothingInternal(path, response.body);
  }
});
