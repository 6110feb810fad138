import { describe, expect, it } from "vitest";
import type { DB } from "#db/connection.ts";
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_DAYS,
  deviceCookie,
  findDevice,
  hashDeviceToken,
  MAX_DEVICE_TOKENS,
  MAX_DEVICES_PER_ACCOUNT,
  readDeviceTokens,
} from "#app/models/device-cookies.server.ts";
import {
  clearAccountFailures,
  DEVICE_MAX_FAILURES,
  guardSignIn,
  lockoutMessage,
  MAX_FAILURES,
  recordFailure,
  throttledFor,
  throttleKeys,
  type SignInAttempt,
} from "#app/models/login-throttle.server.ts";
import { blockedSignIns, KEEP_BLOCK_DAYS, MAX_BLOCK_ROWS_PER_DAY, recordBlock, REPORT_DAYS } from "#app/models/sign-in-blocks.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createUser } from "#tests/support/factories.ts";

const testDb = setupTestDb();

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));

describe("sign-in throttling", () => {
  it("throttles an account after ten failures in fifteen minutes, then lets it try again", async () => {
    const keys = throttleKeys("Maria@Example.com", "10.0.0.1");
    for (let i = 0; i < MAX_FAILURES - 1; i++) await recordFailure(testDb.db, keys, at(i));
    expect(await throttledFor(testDb.db, keys, at(9))).toBe(0);
    await recordFailure(testDb.db, keys, at(9));
    expect(await throttledFor(testDb.db, keys, at(10))).toBe(5);
    // The window slides: the oldest failure ages out and the real user can try again.
    expect(await throttledFor(testDb.db, keys, at(15))).toBe(0);
  });

  it("counts failures per address across accounts, and the same for unknown emails", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      await recordFailure(testDb.db, throttleKeys(`nobody${i}@example.com`, "10.0.0.2"), at(0));
    }
    expect(await throttledFor(testDb.db, throttleKeys("someone@example.com", "10.0.0.2"), at(1))).toBeGreaterThan(0);
    expect(await throttledFor(testDb.db, throttleKeys("someone@example.com", "10.0.0.3"), at(1))).toBe(0);
  });

  it("clears an account's failures after a successful sign-in", async () => {
    const keys = throttleKeys("tom@example.com", "10.0.0.4");
    for (let i = 0; i < MAX_FAILURES; i++) await recordFailure(testDb.db, keys, at(0));
    await clearAccountFailures(testDb.db, "TOM@example.com");
    expect(await throttledFor(testDb.db, [keys[0] as string], at(1))).toBe(0);
  });
});

const check = (userId: number | null) => async () => (userId === null ? null : { userId });
const attempt = (email: string, address: string, deviceTokens: string[], now: Date): SignInAttempt => ({ email, address, deviceTokens, now });

/** Signs `email` in once from a new browser and returns what its device cookie then holds. */
async function knownBrowser(db: DB, email: string, userId: number, now: Date, held: string[] = []): Promise<string[]> {
  const result = await guardSignIn(db, attempt(email, "10.9.9.9", held, now), check(userId));
  if (result.outcome !== "signed-in") throw new Error(`sign-in as ${email}: ${result.outcome}`);
  return result.deviceTokens;
}

describe("the guard on each attempt", () => {
  it("lets no more than the limit through when attempts arrive side by side", async () => {
    let calls = 0;
    const slow = async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
      return null;
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => guardSignIn(testDb.db, attempt("x@example.com", "10.0.0.7", [], at(0)), slow)));
    expect(calls).toBe(MAX_FAILURES);
    expect(results.filter((r) => r.outcome === "locked")).toHaveLength(30 - MAX_FAILURES);
  });

  it("does not count a success against the address: a whole office signs in from one", async () => {
    const people = await Promise.all(Array.from({ length: 3 }, (_, i) => createUser(testDb.db, { email: `desk${i}@example.com`, password: null })));
    for (let round = 0; round < 5; round++) {
      for (const p of people) expect((await guardSignIn(testDb.db, attempt(p.email, "10.0.0.8", [], at(round)), check(p.id))).outcome).toBe("signed-in");
    }
    expect(await throttledFor(testDb.db, throttleKeys("anyone@example.com", "10.0.0.8"), at(5))).toBe(0);
    expect(await testDb.db.selectFrom("login_failure").select("id").execute()).toEqual([]);
  });
});

describe("device cookies", () => {
  it("a sign-in makes the browser known: a 43-character token whose hash alone is stored", async () => {
    const maria = await createUser(testDb.db, { email: "maria@example.com" });
    const tokens = await knownBrowser(testDb.db, "Maria@Example.com", maria.id, at(0));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await testDb.db.selectFrom("device_cookie").selectAll().execute();
    expect(rows).toEqual([{ token_hash: hashDeviceToken(tokens[0] as string), user_id: maria.id, created_at: at(0).toISOString(), last_used_at: at(0).toISOString() }]);
    // The cookie: HttpOnly, SameSite=Strict, kept for 180 days; read back exactly.
    const cookie = deviceCookie(tokens, false);
    expect(cookie).toBe(`${DEVICE_COOKIE}=${tokens[0]}; Path=/; Max-Age=${DEVICE_COOKIE_DAYS * 86_400}; HttpOnly; SameSite=Strict`);
    expect(deviceCookie(tokens, true)).toMatch(/; Secure$/);
    expect(readDeviceTokens(`a=1; ${cookie.split(";")[0]}; b=2`)).toEqual(tokens);
  });

  it("reads only well-formed tokens from the cookie, at most eight", () => {
    const t = (c: string) => c.repeat(43);
    expect(readDeviceTokens(null)).toEqual([]);
    expect(readDeviceTokens(`${DEVICE_COOKIE}=`)).toEqual([]);
    expect(readDeviceTokens(`${DEVICE_COOKIE}=short.${t("a")}.${t("a")}.<script>`)).toEqual([t("a")]);
    const many = "abcdefghij".split("").map(t);
    expect(readDeviceTokens(`${DEVICE_COOKIE}=${many.join(".")}`)).toEqual(many.slice(-MAX_DEVICE_TOKENS));
    expect(readDeviceTokens(`other_${DEVICE_COOKIE}=${t("b")}`)).toEqual([]);
  });

  it("an attacker's guesses lock new browsers out of the account, never the person at their known browser", async () => {
    const maria = await createUser(testDb.db, { email: "maria@example.com" });
    const held = await knownBrowser(testDb.db, "maria@example.com", maria.id, at(0));
    // 50 wrong guesses for Maria from the office's address, then for a made-up email.
    let calls = 0;
    const wrong = async () => (calls++, null);
    for (let i = 0; i < 50; i++) await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", [], at(1)), wrong);
    expect(calls).toBe(MAX_FAILURES); // the rest were refused before any password was checked
    const locked = await guardSignIn(testDb.db, attempt("MARIA@example.com", "10.0.0.2", [], at(2)), check(maria.id));
    expect(locked).toEqual({ outcome: "locked", lockout: { reason: "account", minutes: 14 } });
    const fromOffice = await guardSignIn(testDb.db, attempt("someone@example.com", "10.0.0.1", [], at(2)), check(null));
    expect(fromOffice).toEqual({ outcome: "locked", lockout: { reason: "address", minutes: 14 } });
    // Maria, on her own browser, from the same office: signed in at the first try.
    const known = await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", held, at(2)), check(maria.id));
    expect(known).toEqual({ outcome: "signed-in", value: { userId: maria.id }, deviceTokens: held });
    // Her success does not clear the attacker's count: new browsers for her stay paused.
    expect((await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.3", [], at(3)), check(maria.id))).outcome).toBe("locked");
  });

  it("a known browser that keeps failing locks out only itself", async () => {
    const maria = await createUser(testDb.db, { email: "maria@example.com" });
    const desk = await knownBrowser(testDb.db, "maria@example.com", maria.id, at(0));
    const phone = await knownBrowser(testDb.db, "maria@example.com", maria.id, at(0));
    for (let i = 0; i < DEVICE_MAX_FAILURES; i++) {
      expect((await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", desk, at(1)), check(null))).outcome).toBe("refused");
    }
    expect(await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", desk, at(2)), check(maria.id))).toEqual({
      outcome: "locked",
      lockout: { reason: "device", minutes: 14 },
    });
    expect(lockoutMessage({ reason: "device", minutes: 14 })).toBe("Too many failed attempts on this browser. Try again in 14 minutes.");
    // Her phone, a new browser and the address are not touched by the desk's failures.
    expect((await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", phone, at(2)), check(maria.id))).outcome).toBe("signed-in");
    expect((await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", [], at(2)), check(maria.id))).outcome).toBe("signed-in");
    // Fifteen minutes after the desk's first failure, it may try again.
    expect((await guardSignIn(testDb.db, attempt("maria@example.com", "10.0.0.1", desk, at(16)), check(maria.id))).outcome).toBe("signed-in");
  });

  it("a browser is known only for the accounts signed in on it, and only for 180 days after the last time", async () => {
    const maria = await createUser(testDb.db, { email: "maria@example.com" });
    const tom = await createUser(testDb.db, { email: "tom@example.com" });
    const held = await knownBrowser(testDb.db, "maria@example.com", maria.id, at(0));
    for (let i = 0; i < MAX_FAILURES; i++) await guardSignIn(testDb.db, attempt("tom@example.com", "10.0.0.1", [], at(1)), check(null));
    // Maria's cookie says nothing about Tom: he is a new browser here, and paused.
    expect((await guardSignIn(testDb.db, attempt("tom@example.com", "10.0.0.2", held, at(2)), check(tom.id))).outcome).toBe("locked");
    // Signing Tom in on the same (shared) PC adds his token beside hers.
    const both = await knownBrowser(testDb.db, "tom@example.com", tom.id, at(20), held);
    expect(both).toHaveLength(2);
    expect(both[0]).toBe(held[0]);
    // 181 days later, Maria's browser is new again (Tom's, used since, likewise).
    const later = new Date(at(20).getTime() + (DEVICE_COOKIE_DAYS + 1) * 86_400_000);
    expect(await findDevice(testDb.db, maria.id, both, later)).toBeNull();
    expect(await findDevice(testDb.db, maria.id, both, at(30))).toEqual({ token: held[0], tokenHash: hashDeviceToken(held[0] as string) });
    // A new sign-in then drops the dead tokens from the cookie.
    const fresh = await knownBrowser(testDb.db, "maria@example.com", maria.id, later, both);
    expect(fresh).toHaveLength(1);
    expect(both).not.toContain(fresh[0]);
  });

  it("keeps at most eight accounts in a browser's cookie and twenty browsers per account", async () => {
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(testDb.db, { email: `p${i}@example.com`, password: null })));
    let held: string[] = [];
    for (const p of people) held = await knownBrowser(testDb.db, p.email, p.id, at(0), held);
    expect(held).toHaveLength(MAX_DEVICE_TOKENS);
    const first = people[0] as { id: number; email: string };
    for (let i = 0; i < MAX_DEVICES_PER_ACCOUNT + 5; i++) await knownBrowser(testDb.db, first.email, first.id, at(i + 1));
    const rows = await testDb.db.selectFrom("device_cookie").select("token_hash").where("user_id", "=", first.id).execute();
    expect(rows).toHaveLength(MAX_DEVICES_PER_ACCOUNT);
  });
});

describe("blocked sign-ins, for the owner", () => {
  it("are counted per day, account, address and reason; an email that names no account is not kept", async () => {
    await createUser(testDb.db, { email: "maria@example.com", name: "Maria Lopez" });
    const made = ["nobody@example.com", "made-up@example.org"];
    for (let i = 0; i < 30; i++) {
      await guardSignIn(testDb.db, attempt("maria@example.com", "203.0.113.7", [], at(1)), check(null));
      await guardSignIn(testDb.db, attempt(made[i % 2] as string, "203.0.113.7", [], at(1)), check(null));
    }
    // Blocks on the next day, from another address, for the locked email.
    const nextDay = new Date(at(1).getTime() + 86_400_000);
    for (let i = 0; i < MAX_FAILURES; i++) await guardSignIn(testDb.db, attempt("maria@example.com", "198.51.100.2", [], nextDay), check(null));
    await guardSignIn(testDb.db, attempt("maria@example.com", "198.51.100.2", [], nextDay), check(null));

    const rows = await testDb.db.selectFrom("sign_in_block").selectAll().orderBy("id").execute();
    const text = JSON.stringify(rows);
    for (const email of made) expect(text).not.toContain(email);
    expect(text).not.toContain("maria@");

    const report = await blockedSignIns(testDb.db, nextDay);
    // 60 attempts on day one: 10 failures (the address's limit), 50 refused.
    expect(report.total).toBe(51);
    expect(report.days).toEqual([
      // Both the email and the new address reached ten failures at once: the email is named.
      { day: "2026-03-03", attempts: 1, account: 1, address: 0, device: 0 },
      { day: "2026-03-02", attempts: 50, account: 0, address: 50, device: 0 },
    ]);
    expect(report.accounts).toEqual([
      { name: "Maria Lopez", email: "maria@example.com", attempts: 26, addresses: 2, lastAt: nextDay.toISOString() },
      { name: null, email: null, attempts: 25, addresses: 1, lastAt: at(1).toISOString() },
    ]);
    expect(report.addresses).toEqual([
      { address: "203.0.113.7", attempts: 50, accounts: 2, lastAt: at(1).toISOString() },
      { address: "198.51.100.2", attempts: 1, accounts: 1, lastAt: nextDay.toISOString() },
    ]);
    // Thirty days on, the first day has left the page; ninety-one days on, the table (the second day, 90 days old, stays).
    expect((await blockedSignIns(testDb.db, new Date(at(1).getTime() + REPORT_DAYS * 86_400_000))).days.map((d) => d.day)).toEqual(["2026-03-03"]);
    await recordBlock(testDb.db, { now: new Date(at(1).getTime() + (KEEP_BLOCK_DAYS + 1) * 86_400_000), userId: null, address: "10.0.0.1", reason: "address" });
    expect((await testDb.db.selectFrom("sign_in_block").select("day").orderBy("day").execute()).map((r) => r.day)).toEqual(["2026-03-03", "2026-06-01"]);
  });

  it("are an empty report when there are none", async () => {
    expect(await blockedSignIns(testDb.db, at(0))).toEqual({ since: "2026-02-01", total: 0, days: [], accounts: [], addresses: [] });
  });

  it("count addresses beyond a day's limit of rows together, so a flood cannot fill the disk", async () => {
    const now = at(0);
    const day = now.toISOString().slice(0, 10);
    await testDb.db
      .insertInto("sign_in_block")
      .values(Array.from({ length: MAX_BLOCK_ROWS_PER_DAY }, (_, i) => ({ day, user_id: null, address: `10.1.${i >> 8}.${i & 255}`, reason: "address" as const, attempts: 1, first_at: now.toISOString(), last_at: now.toISOString() })))
      .execute();
    for (let i = 0; i < 5; i++) await recordBlock(testDb.db, { now, userId: null, address: `2001:db8::${i}`, reason: "address" });
    const count = await testDb.db.selectFrom("sign_in_block").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(MAX_BLOCK_ROWS_PER_DAY + 1);
    const report = await blockedSignIns(testDb.db, now);
    expect(report.addresses[0]).toEqual({ address: null, attempts: 5, accounts: 1, lastAt: now.toISOString() });
  });
});
