// Sessions and sign-in, end to end against the production server: what the cookie carries, what
// the database and the log keep, when a session ends, and what throttling does to an attacker and
// to the real person.
//
// Sessions measure real elapsed time (sessions.server.ts reads the system clock, not the practice
// clock that DESKCOACH_NOW moves), so the expiry tests age a session by moving its stored
// timestamps back, exactly as the passing of that much time would. Sign-in throttling reads the
// practice clock, so its window is passed by restarting the server with DESKCOACH_NOW later.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Page } from "@playwright/test";
import { issueCode } from "#app/models/access-codes.server.ts";
import { DEVICE_COOKIE } from "#app/models/device-cookies.server.ts";
import { MAX_FAILURES, WINDOW_MINUTES } from "#app/models/login-throttle.server.ts";
import { SESSION_COOKIE } from "#app/models/sessions.server.ts";
import { ACTORS, PASSWORD, startTrustServer, type TrustIds } from "#tests/support/trust-practice.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { expect, signIn, test } from "../fixtures.ts";

const WRONG = "That email and password do not match an active account.";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The session cookie's value when the reply sets one ("" when it clears it). */
  token: string | null;
  /** The device cookie's tokens when the reply sets it (a successful sign-in does). */
  deviceTokens: string[];
}

/**
 * One request the way a browser would send it, without a cookie jar: a held cookie is replayed
 * exactly, and `from` picks the client's address (any 127.x address reaches the loopback server,
 * which reads only the socket's address).
 */
function send(
  baseUrl: string,
  pathname: string,
  options: { form?: Record<string, string>; cookie?: string | null; from?: string } = {},
): Promise<Reply> {
  const url = new URL(pathname, baseUrl);
  const body = options.form ? new URLSearchParams(options.form).toString() : null;
  const headers: Record<string, string> = {};
  if (body !== null) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers["content-length"] = String(Buffer.byteLength(body));
    headers.origin = baseUrl;
    headers["sec-fetch-site"] = "same-origin";
  }
  if (options.cookie) headers.cookie = `${SESSION_COOKIE}=${options.cookie}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: body === null ? "GET" : "POST", headers, localAddress: options.from },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const set = (res.headers["set-cookie"] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
          const token = set === undefined ? null : (set.split(";")[0] as string).slice(SESSION_COOKIE.length + 1);
          const device = (res.headers["set-cookie"] ?? []).find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
          const deviceTokens = device === undefined ? [] : (device.split(";")[0] as string).slice(DEVICE_COOKIE.length + 1).split(".");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, token, deviceTokens });
        });
      },
    );
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

/** Signs in through the real form and returns the new session's token. */
async function signInToken(baseUrl: string, email: string, password = PASSWORD, from?: string): Promise<string> {
  const reply = await send(baseUrl, "/login", { form: { email, password }, from });
  expect(reply.status, `sign-in as ${email}`).toBe(302);
  expect(reply.token).toBeTruthy();
  return reply.token as string;
}

/** Whether a held cookie still opens a signed-in page (true), or gets sent to sign in (false). */
async function stillSignedIn(baseUrl: string, token: string, pathname = "/progress"): Promise<boolean> {
  const reply = await send(baseUrl, pathname, { cookie: token });
  if (reply.status === 200) return true;
  expect(reply.status).toBe(302);
  expect(reply.headers.location).toBe(`/login?redirectTo=${encodeURIComponent(pathname)}`);
  // The dead cookie is cleared on the way out.
  expect(reply.token).toBe("");
  return false;
}

async function userId(server: TestServer, email: string): Promise<number> {
  return (await server.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

/** Moves every stored time of a user's sessions back, as if `minutes` had passed with no request. */
async function ageSessions(server: TestServer, id: number, minutes: number): Promise<void> {
  const rows = await server.db.selectFrom("session").select(["id", "created_at", "expires_at", "absolute_expires_at"]).where("user_id", "=", id).execute();
  const back = (iso: string) => new Date(new Date(iso).getTime() - minutes * 60_000).toISOString();
  for (const row of rows) {
    await server.db
      .updateTable("session")
      .set({ created_at: back(row.created_at), expires_at: back(row.expires_at), absolute_expires_at: back(row.absolute_expires_at) })
      .where("id", "=", row.id)
      .execute();
  }
}

async function signInPage(page: Page, server: TestServer, email: string) {
  await signIn(page, server.url, { email, password: PASSWORD });
}

test.describe("sessions", () => {
  let server: TestServer;
  let ids: TrustIds;
  test.beforeAll(async () => {
    ({ server, ids } = await startTrustServer());
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("every sign-in gets a new session token of at least 128 random bits in an HttpOnly cookie", async () => {
    const tokens: string[] = [];
    for (const email of [ACTORS.staff, ACTORS.manager, ACTORS.owner]) {
      for (let i = 0; i < 4; i++) {
        const reply = await send(server.url, "/login", { form: { email, password: PASSWORD } });
        expect(reply.status).toBe(302);
        const cookie = (reply.headers["set-cookie"] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`)) as string;
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; SameSite=Lax/);
        tokens.push(reply.token as string);
      }
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    // The smallest common alphabet that spells every token, and the bits its length carries.
    const all = tokens.join("");
    const alphabet = [
      { name: "hex", size: 16, chars: /^[0-9a-f]+$/ },
      { name: "base32", size: 32, chars: /^[a-z2-7]+$/ },
      { name: "base32 (any case)", size: 32, chars: /^[A-Z2-7]+$/ },
      { name: "base64url", size: 64, chars: /^[A-Za-z0-9_-]+$/ },
      { name: "base64", size: 64, chars: /^[A-Za-z0-9+/=]+$/ },
    ].find((a) => a.chars.test(all));
    expect(alphabet, `tokens use an unexpected alphabet: ${tokens[0]}`).toBeDefined();
    const shortest = Math.min(...tokens.map((t) => t.replace(/=+$/, "").length));
    expect(shortest * Math.log2(alphabet?.size ?? 1)).toBeGreaterThanOrEqual(128);
  });

  test("the database file keeps no session token, device cookie, password or one-time code, only their hashes", async () => {
    const tokens: string[] = [];
    for (const email of [ACTORS.staff, ACTORS.manager, ACTORS.owner, "james@demo.test"]) {
      for (let i = 0; i < 3; i++) tokens.push(await signInToken(server.url, email));
    }
    // Each of those sign-ins made its browser known: a device cookie with a new token.
    const devices: string[] = [];
    for (const email of [ACTORS.staff, ACTORS.owner]) {
      const reply = await send(server.url, "/login", { form: { email, password: PASSWORD } });
      expect(reply.deviceTokens).toHaveLength(1);
      devices.push(...reply.deviceTokens);
    }
    // Omar redeems the reset code his manager gave him; a newcomer redeems a setup code.
    const omarPassword = "omar-chooses-this-1";
    const redeemed = await send(server.url, "/login/code", {
      form: { email: "omar@demo.test", code: ids.resetCode, password: omarPassword, confirmPassword: omarPassword },
    });
    expect(redeemed.status).toBe(302);
    tokens.push(redeemed.token as string);
    const newcomer = await server.db
      .insertInto("user")
      .values({ email: "nina@demo.test", name: "Nina Park", role: "staff", status: "active", password_hash: null, created_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const setupCode = await issueCode(server.db, { userId: newcomer.id, purpose: "setup", createdBy: ids.users.manager as number, now: new Date() });
    const ninaPassword = "nina-first-password-1";
    const setUp = await send(server.url, "/login/code", {
      form: { email: "nina@demo.test", code: setupCode, password: ninaPassword, confirmPassword: ninaPassword },
    });
    expect(setUp.status).toBe(302);
    tokens.push(setUp.token as string);
    tokens.push(await signInToken(server.url, "nina@demo.test", ninaPassword));

    const bytes = Buffer.concat(
      ["", "-wal"].map((suffix) => `${server.dbFile}${suffix}`).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
    );
    expect(bytes.length).toBeGreaterThan(0);
    const bare = (code: string) => code.replace(/-/g, "");
    const secrets = [
      ...tokens,
      ...devices,
      PASSWORD,
      omarPassword,
      ninaPassword,
      ids.resetCode,
      bare(ids.resetCode),
      setupCode,
      bare(setupCode),
      ids.certificateToken,
    ];
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `the database holds ${secret}`).toBe(false);
    // What it does hold for a session is a hash: one row per sign-in above.
    const rows = await server.db.selectFrom("session").select("id").execute();
    expect(rows.length).toBeGreaterThanOrEqual(tokens.length);
    for (const row of rows) expect(row.id).toMatch(/^[0-9a-f]{64}$/);
    for (const row of await server.db.selectFrom("device_cookie").select("token_hash").execute()) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a session ends after 15 minutes without a request, but not while the person keeps working", async () => {
    const maria = await userId(server, ACTORS.staff);
    await server.db.deleteFrom("session").where("user_id", "=", maria).execute();
    const token = await signInToken(server.url, ACTORS.staff);
    // A request every 10 minutes for 40 minutes: still signed in.
    for (let i = 0; i < 4; i++) {
      await ageSessions(server, maria, 10);
      expect(await stillSignedIn(server.url, token)).toBe(true);
    }
    // Then 15 minutes and a few seconds without one: the next page is the sign-in page.
    await ageSessions(server, maria, 15.1);
    expect(await stillSignedIn(server.url, token)).toBe(false);
    expect(await server.db.selectFrom("session").select("id").where("user_id", "=", maria).execute()).toHaveLength(0);
  });

  test("a session ends 12 hours after sign-in even while the person keeps working", async () => {
    const james = await userId(server, "james@demo.test");
    await server.db.deleteFrom("session").where("user_id", "=", james).execute();
    const token = await signInToken(server.url, "james@demo.test");
    // A request every 10 minutes: signed in through 11 h 50 min…
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      await ageSessions(server, james, 10);
      expect(await stillSignedIn(server.url, token), `after ${minutes} minutes`).toBe(true);
    }
    // …and at 12 h the next request is sent to sign in.
    await ageSessions(server, james, 10);
    expect(await stillSignedIn(server.url, token)).toBe(false);
  });

  test("signing out ends that session: the cookie it had no longer opens any page", async () => {
    const frontDesk = await signInToken(server.url, "tom@demo.test");
    const backOffice = await signInToken(server.url, "tom@demo.test");
    const out = await send(server.url, "/logout", { form: {}, cookie: frontDesk });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe("/login");
    expect(out.token).toBe("");
    // Someone who copied the cookie before sign-out gets the sign-in page.
    expect(await stillSignedIn(server.url, frontDesk)).toBe(false);
    // Signing out at one desk is not signing out everywhere (see sessions.test.ts).
    expect(await stillSignedIn(server.url, backOffice)).toBe(true);
  });

  test("a manager deactivating someone on their page signs that person out everywhere at once", async ({ page }) => {
    const desk = await signInToken(server.url, "aisha@demo.test");
    const phone = await signInToken(server.url, "aisha@demo.test");
    expect(await stillSignedIn(server.url, desk)).toBe(true);
    await signInPage(page, server, ACTORS.manager);
    await page.goto(`${server.url}/manage/people/${await userId(server, "aisha@demo.test")}?confirm=deactivate`);
    await page.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
    await expect(page.getByText("· Deactivated")).toBeVisible();
    expect(await stillSignedIn(server.url, desk)).toBe(false);
    expect(await stillSignedIn(server.url, phone)).toBe(false);
    const again = await send(server.url, "/login", { form: { email: "aisha@demo.test", password: PASSWORD }, from: "127.0.0.9" });
    expect(again.status).toBe(400);
    expect(again.body).toContain(WRONG);
  });

  test("the owner making a manager staff ends the manager's sessions; the next sign-in is as staff", async ({ page }) => {
    const token = await signInToken(server.url, ACTORS.scoped);
    expect(await stillSignedIn(server.url, token, "/manage/team")).toBe(true);
    await signInPage(page, server, ACTORS.owner);
    await page.goto(`${server.url}/manage/people/${await userId(server, ACTORS.scoped)}`);
    await page.getByLabel("Role").selectOption("staff");
    // The select shows "staff" as soon as it is chosen: wait for the save itself to be answered.
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/manage/people/"));
    await page.getByRole("button", { name: "Save changes" }).click();
    expect((await saved).status()).toBeLessThan(400);
    await expect(page.getByLabel("Role")).toHaveValue("staff");
    expect(await stillSignedIn(server.url, token, "/manage/team")).toBe(false);
    const again = await send(server.url, "/login", { form: { email: ACTORS.scoped, password: PASSWORD } });
    expect(again.headers.location).toBe("/learn");
    expect((await send(server.url, "/manage/team", { cookie: again.token })).status).toBe(403);
  });

  test("a reset code issued by the manager and redeemed ends the person's earlier sessions", async ({ page }) => {
    const held = await signInToken(server.url, "lena@demo.test");
    await signInPage(page, server, ACTORS.manager);
    await page.goto(`${server.url}/manage/people/${await userId(server, "lena@demo.test")}?confirm=reset-code`);
    await page.getByRole("alertdialog").getByRole("button", { name: "Issue code" }).click();
    const code = (await page.locator("code.one-time-code").innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    // Issuing the code alone signs nobody out…
    expect(await stillSignedIn(server.url, held)).toBe(true);
    // …redeeming it does.
    const chosen = "lena-new-password-1";
    const redeemed = await send(server.url, "/login/code", { form: { email: "lena@demo.test", code, password: chosen, confirmPassword: chosen } });
    expect(redeemed.status).toBe(302);
    expect(await stillSignedIn(server.url, held)).toBe(false);
    expect(await stillSignedIn(server.url, redeemed.token as string)).toBe(true);
    expect((await send(server.url, "/login", { form: { email: "lena@demo.test", password: PASSWORD }, from: "127.0.0.9" })).status).toBe(400);
  });

  test("sign-in answers an unknown email exactly as it answers a known one", async () => {
    // Its own client address, so that these failures throttle nobody else in this file.
    const from = "127.0.0.5";
    const attempts: { path: string; form: Record<string, string> & { email: string } }[] = [
      { path: "/login", form: { email: ACTORS.staff, password: "not-her-password" } },
      { path: "/login", form: { email: "nobody-here@demo.test", password: "not-her-password" } },
      // A deactivated account with its right password looks the same as well.
      { path: "/login", form: { email: ACTORS.deactivated, password: PASSWORD } },
      { path: "/login/code", form: { email: ACTORS.staff, code: "ABCD-EFGH-JKMN", password: "long-enough-pw-1", confirmPassword: "long-enough-pw-1" } },
      { path: "/login/code", form: { email: "nobody-here@demo.test", code: "ABCD-EFGH-JKMN", password: "long-enough-pw-1", confirmPassword: "long-enough-pw-1" } },
    ];
    const seen = new Map<string, { status: number; headers: string; cookie: boolean; body: string }>();
    for (const attempt of attempts) {
      const reply = await send(server.url, attempt.path, { form: attempt.form, from });
      const nonce = /'nonce-([^']+)'/.exec(String(reply.headers["content-security-policy"]))?.[1] as string;
      expect(nonce).toBeTruthy();
      const body = reply.body.split(nonce).join("NONCE").split(attempt.form.email).join("EMAIL");
      const shape = {
        status: reply.status,
        headers: Object.keys(reply.headers).sort().join(","),
        cookie: reply.headers["set-cookie"] !== undefined,
        body,
      };
      const first = seen.get(attempt.path);
      if (first) expect(shape, `${attempt.path} as ${attempt.form.email}`).toEqual(first);
      else seen.set(attempt.path, shape);
    }
    expect(seen.get("/login")?.status).toBe(400);
    expect(seen.get("/login")?.body).toContain(WRONG);
    expect(seen.get("/login/code")?.status).toBe(400);
  });
});

test.describe("sign-in throttling", () => {
  let server: TestServer;
  let dir: string;
  test.beforeAll(async () => {
    ({ server } = await startTrustServer());
    dir = path.dirname(server.dbFile);
  });
  test.afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the 11th failure in 15 minutes is refused; the account waits out the window, then the right password works", async () => {
    const attacker = "127.0.0.3";
    const elsewhere = "127.0.0.4";
    for (let i = 0; i < MAX_FAILURES; i++) {
      const reply = await send(server.url, "/login", { form: { email: ACTORS.staff, password: `guess-${i}` }, from: attacker });
      expect(reply.status, `attempt ${i + 1}`).toBe(400);
      expect(reply.body).toContain(WRONG);
    }
    const eleventh = await send(server.url, "/login", { form: { email: ACTORS.staff, password: "guess-10" }, from: attacker });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body).toContain(`Too many failed attempts for this email. Signing in to it from a new browser is paused for ${WINDOW_MINUTES} minutes.`);
    // While throttled, even the right password is refused, so guessing has stopped.
    expect((await send(server.url, "/login", { form: { email: ACTORS.staff, password: PASSWORD }, from: attacker })).status).toBe(429);

    // Browsers that have not signed in to an account before are throttled per account and per
    // address, so for the window (a browser she has signed in on is not: sign-in-lockout.spec.ts):
    // Maria is refused on a new browser at her own desk too (the account is throttled)…
    const maria = await send(server.url, "/login", { form: { email: ACTORS.staff, password: PASSWORD }, from: elsewhere });
    expect(maria.status).toBe(429);
    expect(maria.token).toBeNull();
    // …the attacker's address is refused for every account…
    expect((await send(server.url, "/login", { form: { email: ACTORS.owner, password: PASSWORD }, from: attacker })).status).toBe(429);
    // …and everyone else, from any other address, signs in as usual.
    expect((await send(server.url, "/login", { form: { email: ACTORS.owner, password: PASSWORD }, from: elsewhere })).status).toBe(302);

    // Once the window has passed, the right password works again, from either address.
    await server.stop({ keepDatabase: true });
    const later = new Date(Date.now() + (WINDOW_MINUTES + 1) * 60_000).toISOString();
    server = await startServer({ dbFile: path.join(dir, "e2e.sqlite"), env: { DESKCOACH_NOW: later } });
    const back = await send(server.url, "/login", { form: { email: ACTORS.staff, password: PASSWORD }, from: elsewhere });
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe("/learn");
    expect((await send(server.url, "/login", { form: { email: ACTORS.owner, password: PASSWORD }, from: attacker })).status).toBe(302);
  });
});

test.describe("request log", () => {
  let server: TestServer;
  let ids: TrustIds;
  test.beforeAll(async () => {
    ({ server, ids } = await startTrustServer({ env: { LOG_REQUESTS: "1" } }));
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("no password, session token, device cookie, one-time code or certificate token reaches the server's log", async ({ page }) => {
    const secrets: string[] = [PASSWORD, ids.certificateToken, ids.resetCode, ids.resetCode.replace(/-/g, "")];
    secrets.push(await signInToken(server.url, ACTORS.staff));

    // A newcomer redeems a setup code in the browser.
    const nina = await server.db
      .insertInto("user")
      .values({ email: "nina@demo.test", name: "Nina Park", role: "staff", status: "active", password_hash: null, created_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const setupCode = await issueCode(server.db, { userId: nina.id, purpose: "setup", createdBy: ids.users.manager as number, now: new Date() });
    const ninaPassword = "nina-first-password-1";
    secrets.push(setupCode, setupCode.replace(/-/g, ""), ninaPassword);
    await page.goto(`${server.url}/login/code`);
    await page.getByLabel("Email").fill("nina@demo.test");
    await page.getByLabel("Code").fill(setupCode);
    await page.getByLabel("New password", { exact: true }).fill(ninaPassword);
    await page.getByLabel("New password again").fill(ninaPassword);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await expect(page).toHaveURL(/\/learn$/);
    const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
    secrets.push(cookie?.value as string);
    const device = (await page.context().cookies()).find((c) => c.name === DEVICE_COOKIE);
    expect(device?.value).toBeTruthy();
    secrets.push(device?.value as string);

    // Omar redeems his reset code.
    const omarPassword = "omar-chooses-this-1";
    secrets.push(omarPassword);
    const redeemed = await send(server.url, "/login/code", {
      form: { email: "omar@demo.test", code: ids.resetCode, password: omarPassword, confirmPassword: omarPassword },
    });
    expect(redeemed.status).toBe(302);
    secrets.push(redeemed.token as string);

    // A certificate link is opened, as a page, as the data request a client navigation makes, and
    // with the token in a query string.
    await page.goto(`${server.url}/certificates/${ids.certificateToken}`);
    await expect(page.getByRole("heading", { name: "Certificate of completion" })).toBeVisible();
    expect((await send(server.url, `/certificates/${ids.certificateToken}.data`)).status).toBe(200);
    expect((await send(server.url, `/login?redirectTo=${ids.certificateToken}&code=${setupCode}`)).status).toBe(200);
    // Spellings of the same address that the router may match as well.
    await send(server.url, `/Certificates/${ids.certificateToken}`);
    await send(server.url, `/%63ertificates/${ids.certificateToken}`);

    // Every request so far is in the log (it is written in batches)…
    await expect.poll(() => server.output()).toMatch(/ GET \/%63ertificates\/\S+ \d{3} /);
    await expect.poll(() => server.output().match(/ GET \/certificates\/\S+ 200 /g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    await expect.poll(() => server.output()).toMatch(/ POST \/login\/code 302 /);
    await expect.poll(() => server.output()).toMatch(/ GET \/login(\?\S*)? 200 /);
    // …and nothing secret is.
    const log = server.output();
    for (const secret of secrets) expect(log.includes(secret), `the log holds ${secret}`).toBe(false);
    // What the log does say is still useful: which kind of page, and which parameters.
    expect(log).toMatch(/ GET \/certificates\/\[token\] 200 /);
    expect(log).toMatch(/ GET \/login\?redirectTo=\[redacted\]&code=\[redacted\] 200 /);
  });
});
