// Sign-in that nobody can lock (device cookies, docs/decisions/0014-device-cookies.md), against
// the production server over real HTTP: 1,000 failed sign-ins from one address, for one real
// account and many made-up ones, then the people of that office sign in.
//
// Run twice: with TRUST_PROXY=1, the test is the proxy (every request reaches the server from
// 127.0.0.1, the client's address in X-Forwarded-For, after whatever the client forged); and with
// no proxy, each client on its own loopback address (any 127.x address reaches the server), with a
// forged X-Forwarded-For that must change nothing.
import http from "node:http";
import { DEVICE_COOKIE } from "#app/models/device-cookies.server.ts";
import { MAX_FAILURES } from "#app/models/login-throttle.server.ts";
import { SESSION_COOKIE } from "#app/models/sessions.server.ts";
import type { TestServer } from "#tests/support/server.ts";
import { ACTORS, PASSWORD, startTrustServer } from "#tests/support/trust-practice.ts";
import { expect, test } from "../fixtures.ts";
import { expectNoAxeViolations } from "../axe.ts";

const WRONG = "That email and password do not match an active account.";
const KNOWN_STILL_WORKS = "On a browser where you have signed in before, you can still sign in.";
const ATTEMPTS = 1_000;
/** Attempts in flight at once: an attacker does not wait for each answer. */
const PARALLEL = 8;
const COLLEAGUE = "james@demo.test";

interface Reply {
  status: number;
  location: string | undefined;
  body: string;
  setCookies: string[];
}

/** Where a request comes from: a loopback address of its own, or a client behind the test-as-proxy. */
interface Origin {
  /** The socket's address (a 127.x address). */
  local?: string;
  /** The X-Forwarded-For header, as the client plus any proxies made it. */
  forwardedFor?: string;
}

function post(baseUrl: string, pathname: string, form: Record<string, string>, from: Origin, cookie = ""): Promise<Reply> {
  const url = new URL(pathname, baseUrl);
  const body = new URLSearchParams(form).toString();
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    origin: baseUrl,
    "sec-fetch-site": "same-origin",
  };
  if (cookie) headers.cookie = cookie;
  if (from.forwardedFor !== undefined) headers["x-forwarded-for"] = from.forwardedFor;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers, localAddress: from.local }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text, setCookies: res.headers["set-cookie"] ?? [] }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A browser reduced to its cookie jar: what sign-in sets, it sends back. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(
    private readonly baseUrl: string,
    readonly from: Origin,
  ) {}

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async send(pathname: string, form: Record<string, string>): Promise<Reply> {
    const reply = await post(this.baseUrl, pathname, form, this.from, this.cookie);
    for (const set of reply.setCookies) {
      const [pair = "", ...attributes] = set.split(";").map((p) => p.trim());
      const name = pair.slice(0, pair.indexOf("="));
      const value = pair.slice(pair.indexOf("=") + 1);
      if (value === "" || attributes.includes("Max-Age=0")) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return reply;
  }

  signIn(email: string, password = PASSWORD): Promise<Reply> {
    return this.send("/login", { email, password });
  }

  /** Signs in, then out: the browser keeps only what outlives the session. */
  async becomeKnown(email: string): Promise<void> {
    const reply = await this.signIn(email);
    expect(reply.status, `${email} signs in`).toBe(302);
    expect(this.jar.get(DEVICE_COOKIE), "a device cookie").toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await this.send("/logout", {})).status).toBe(302);
    expect(this.jar.has(SESSION_COOKIE)).toBe(false);
    expect(this.jar.has(DEVICE_COOKIE), "signing out keeps the browser known").toBe(true);
  }
}

/** The page without what differs by design: the CSP nonce, the email typed, the minutes left. */
function plain(reply: Reply, email: string): string {
  return reply.body
    .replace(/nonce-[^']+'|nonce="[^"]+"/g, "NONCE")
    .split(email)
    .join("EMAIL")
    .replace(/paused for \d+ minutes?/g, "paused for N minutes");
}

/** Sends `count` attempts, PARALLEL at a time, and returns the replies in order. */
async function sendAll(count: number, attempt: (i: number) => Promise<Reply>): Promise<Reply[]> {
  const replies: Reply[] = new Array<Reply>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      replies[i] = await attempt(i);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return replies;
}

function getPage(baseUrl: string, pathname: string, cookie: string): Promise<{ status: number; body: string }> {
  const url = new URL(pathname, baseUrl);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: url.pathname, headers: { cookie } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      })
      .on("error", reject);
  });
}

const MODES = [
  {
    name: "behind a proxy (TRUST_PROXY=1)",
    env: { TRUST_PROXY: "1" },
    /** The office's one public address, another address, and spares for the other checks. */
    addresses: ["203.0.113.7", "198.51.100.20", "198.51.100.30", "198.51.100.40", "198.51.100.50", "198.51.100.60"],
    /** What the proxy sends for a client at `address` who forged `forged` (none when empty). */
    from: (address: string, forged = ""): Origin => ({ forwardedFor: forged ? `${forged}, ${address}` : address }),
  },
  {
    name: "without a proxy (TRUST_PROXY unset), X-Forwarded-For forged",
    env: {},
    addresses: ["127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"],
    from: (address: string, forged = ""): Origin => ({ local: address, ...(forged ? { forwardedFor: forged } : {}) }),
  },
] as const;

for (const mode of MODES) {
  const [office, elsewhere, third, fourth, fifth, sixth] = mode.addresses;
  test.describe(`1,000 failed sign-ins from one address, ${mode.name}`, () => {
    let server: TestServer;
    test.beforeAll(async () => {
      ({ server } = await startTrustServer({ env: mode.env }));
    });
    test.afterAll(async () => {
      await server.stop();
    });

    test("lock out only new browsers: Maria and her colleague sign in at the first try on their own", async () => {
      test.setTimeout(180_000);
      // Before the attack, Maria and James have each signed in on their office PCs.
      const mariasPc = new Browser(server.url, mode.from(office));
      const jamesPc = new Browser(server.url, mode.from(office));
      await mariasPc.becomeKnown(ACTORS.staff);
      await jamesPc.becomeKnown(COLLEAGUE);

      // The attack, all from the office's address, each attempt forging a different
      // X-Forwarded-For before it: ten guesses at Maria's password…
      const forged = (i: number) => `10.${i % 250}.0.${i % 200}`;
      const first: Reply[] = [];
      for (let i = 0; i < MAX_FAILURES; i++) {
        first.push(await post(server.url, "/login", { email: ACTORS.staff, password: `guess-${i}` }, mode.from(office, forged(i))));
      }
      for (const reply of first) {
        expect(reply.status).toBe(400);
        expect(reply.body).toContain(WRONG);
      }
      // …then 990 more, eight at a time, at her account and at made-up emails.
      const rest = await sendAll(ATTEMPTS - MAX_FAILURES, (i) => {
        const email = i % 2 === 0 ? ACTORS.staff : `made-up-${i}@demo.test`;
        return post(server.url, "/login", { email, password: `guess-${i}` }, mode.from(office, forged(i)));
      });
      // Every one of those was refused before any password was hashed.
      expect(rest.map((r) => r.status).filter((s) => s !== 429)).toEqual([]);
      for (const reply of [...first, ...rest]) expect(reply.setCookies).toEqual([]);
      // Ten failures were counted, each under Maria's account and the office's address, whatever
      // the forged entries said.
      const failures = (await server.db.selectFrom("login_failure").select("key").execute()).map((f) => f.key).sort();
      expect(failures).toEqual([...Array<string>(MAX_FAILURES).fill(`account:${ACTORS.staff}`), ...Array<string>(MAX_FAILURES).fill(`address:${office}`)]);

      // Maria, on her own PC in the same office, signs in at the first try…
      const maria = await mariasPc.signIn(ACTORS.staff);
      expect(maria.status).toBe(302);
      expect(maria.location).toBe("/learn");
      // …and so does James at his.
      const james = await jamesPc.signIn(COLLEAGUE);
      expect(james.status).toBe(302);
      expect(james.location).toBe("/learn");

      // A new browser for Maria's account is refused, with the right password, from the office
      // or from anywhere else, and told why and what still works.
      for (const where of [office, elsewhere]) {
        const fresh = await new Browser(server.url, mode.from(where)).signIn(ACTORS.staff);
        expect(fresh.status, `a new browser at ${where}`).toBe(429);
        expect(fresh.setCookies).toEqual([]);
        expect(fresh.body).toMatch(/class="form-error" role="alert"/);
        expect(fresh.body).toMatch(/Too many failed attempts for this email\. Signing in to it from a new browser is paused for 1[45] minutes\./);
        expect(fresh.body).toContain(KNOWN_STILL_WORKS);
      }
      // Someone else on a new browser elsewhere is not affected; in the office, new browsers wait.
      const owner = new Browser(server.url, mode.from(elsewhere));
      expect((await owner.signIn(ACTORS.owner)).status).toBe(302);
      const newInOffice = await new Browser(server.url, mode.from(office)).signIn(ACTORS.manager);
      expect(newInOffice.status).toBe(429);
      expect(newInOffice.body).toContain("Too many failed attempts from this network. Signing in from a new browser here is paused for");

      // The owner sees the attack: Maria's account, the office's address, the made-up emails
      // counted together and not named.
      const page = await getPage(server.url, "/owner/sign-ins", owner.cookie);
      expect(page.status).toBe(200);
      expect(page.body).toContain("Maria Lopez");
      expect(page.body).toContain(`<code>${office}</code>`);
      expect(page.body).toContain("Emails that are not accounts here");
      expect(page.body).not.toContain("made-up-");
      const blocked = await server.db.selectFrom("sign_in_block").select(["attempts", "address", "user_id"]).execute();
      expect(blocked.reduce((sum, b) => sum + b.attempts, 0)).toBe(ATTEMPTS - MAX_FAILURES + 3);
      expect(new Set(blocked.map((b) => b.address))).toEqual(new Set([office, elsewhere]));
    });

    test("a locked email answers the same whether or not it is an account", async () => {
      // The same ten guesses at a made-up email, from another address.
      const madeUp = "nobody-here@demo.test";
      for (let i = 0; i < MAX_FAILURES; i++) {
        expect((await post(server.url, "/login", { email: madeUp, password: `guess-${i}` }, mode.from(third))).status).toBe(400);
      }
      // Lock Maria's account the same way (it may be already, from the test before).
      for (let i = 0; i < MAX_FAILURES; i++) await post(server.url, "/login", { email: ACTORS.staff, password: `guess-${i}` }, mode.from(fourth));
      const real = await new Browser(server.url, mode.from(fifth)).signIn(ACTORS.staff);
      const fake = await new Browser(server.url, mode.from(fifth)).signIn(madeUp);
      expect(real.status).toBe(429);
      expect(fake.status).toBe(429);
      expect(plain(fake, madeUp)).toBe(plain(real, ACTORS.staff));
    });

    test("a forged X-Forwarded-For does not move an attempt to another address", async () => {
      // Lock an address with ten failures at made-up emails.
      for (let i = 0; i < MAX_FAILURES; i++) await post(server.url, "/login", { email: `forger-${i}@demo.test`, password: "guess" }, mode.from(sixth));
      // Someone at another address claims to be there: not locked.
      expect((await new Browser(server.url, mode.from(elsewhere, sixth)).signIn(ACTORS.scoped)).status).toBe(302);
      // Someone there claims to be elsewhere: locked all the same.
      const claimsElsewhere = await new Browser(server.url, mode.from(sixth, elsewhere)).signIn(ACTORS.scoped);
      expect(claimsElsewhere.status).toBe(429);
      expect(claimsElsewhere.body).toContain("Too many failed attempts from this network.");
    });
  });
}

test.describe("in a browser", () => {
  let server: TestServer;
  test.beforeAll(async () => {
    ({ server } = await startTrustServer());
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("the known browser signs in during an attack; a new one is told why not, beside the form @core", async ({ browser, javaScriptEnabled }) => {
    test.setTimeout(60_000);
    // Maria has signed in on this browser before, and signed out.
    const known = await browser.newContext({ javaScriptEnabled });
    const desk = await known.newPage();
    await desk.goto(`${server.url}/login`);
    await desk.getByLabel("Email").fill(ACTORS.staff);
    await desk.getByLabel("Password").fill(PASSWORD);
    await desk.getByRole("button", { name: "Sign in" }).click();
    await desk.waitForURL(/\/learn$/);
    const deviceCookie = (await known.cookies()).find((c) => c.name === DEVICE_COOKIE);
    expect(deviceCookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    await desk.getByRole("button", { name: /Sign out/ }).click();
    await desk.waitForURL(/\/login$/);

    // Someone on the same network (this browser's own address) guesses her password, and others'.
    for (let i = 0; i < 2 * MAX_FAILURES; i++) {
      const email = i % 2 === 0 ? ACTORS.staff : `made-up-${i}@demo.test`;
      await post(server.url, "/login", { email, password: `guess-${i}` }, {});
    }

    // A new browser: refused with the right password, the reason beside the form.
    const fresh = await browser.newContext({ javaScriptEnabled });
    const page = await fresh.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(ACTORS.staff);
    await page.getByLabel("Password").fill(PASSWORD);
    const answered = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await answered).status()).toBe(429);
    const alert = page.getByRole("alert");
    await expect(alert).toContainText("is paused for");
    await expect(alert).toContainText(KNOWN_STILL_WORKS);
    await expect(page.getByLabel("Email")).toHaveValue(ACTORS.staff);
    await expectNoAxeViolations(page);
    await fresh.close();

    // Her own browser: signed in at the first try.
    await desk.getByLabel("Email").fill(ACTORS.staff);
    await desk.getByLabel("Password").fill(PASSWORD);
    await desk.getByRole("button", { name: "Sign in" }).click();
    await desk.waitForURL(/\/learn$/);
    await known.close();
  });

  test("the owner reads blocked sign-ins on a page of their own; a manager cannot open it @core", async ({ browser, javaScriptEnabled }) => {
    // Blocked attempts from an address of their own: ten failures, then one for Maria refused.
    const from = { local: "127.0.0.9" };
    for (let i = 0; i < MAX_FAILURES + 2; i++) await post(server.url, "/login", { email: `someone-${i}@demo.test`, password: "guess" }, from);
    expect((await post(server.url, "/login", { email: ACTORS.staff, password: "guess" }, from)).status).toBe(429);

    // The owner signs in from yet another address; the browser is handed the session.
    const owner = new Browser(server.url, { local: "127.0.0.10" });
    expect((await owner.signIn(ACTORS.owner)).status).toBe(302);
    const context = await browser.newContext({ javaScriptEnabled });
    const { hostname } = new URL(server.url);
    await context.addCookies([{ name: SESSION_COOKIE, value: owner.jar.get(SESSION_COOKIE) as string, domain: hostname, path: "/" }]);
    const page = await context.newPage();
    await page.goto(`${server.url}/owner`);
    await page.getByRole("navigation", { name: "Training money" }).getByRole("link", { name: "Blocked sign-ins" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Blocked sign-ins");
    await expect(page.getByRole("region", { name: "By account" })).toContainText("Maria Lopez");
    await expect(page.getByRole("region", { name: "By account" })).toContainText("Emails that are not accounts here");
    await expect(page.getByRole("region", { name: "By address" })).toContainText("127.0.0.9");
    await expect(page.getByText("someone-")).toHaveCount(0);
    await expectNoAxeViolations(page);
    await context.close();

    const manager = new Browser(server.url, { local: "127.0.0.10" });
    expect((await manager.signIn(ACTORS.manager)).status).toBe(302);
    expect((await getPage(server.url, "/owner/sign-ins", manager.cookie)).status).toBe(403);
    expect((await getPage(server.url, "/owner/sign-ins.data", manager.cookie)).status).toBe(403);
  });
});

test("the owner's page says so when nothing was blocked", async ({ page }) => {
  const { server } = await startTrustServer();
  try {
    const owner = new Browser(server.url, {});
    expect((await owner.signIn(ACTORS.owner)).status).toBe(302);
    const { hostname } = new URL(server.url);
    await page.context().addCookies([{ name: SESSION_COOKIE, value: owner.jar.get(SESSION_COOKIE) as string, domain: hostname, path: "/" }]);
    await page.goto(`${server.url}/owner/sign-ins`);
    await expect(page.getByText("No sign-in attempt was blocked in the last 30 days.")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
