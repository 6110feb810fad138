import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessions, hashToken, SESSION_COOKIE } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createUser } from "#tests/support/factories.ts";

const testDb = setupTestDb();
afterEach(() => {
  vi.useRealTimers();
});

const minutes = (n: number) => n * 60_000;

describe("sessions", () => {
  it("creates a session with a long random token and stores only its SHA-256", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const user = await createUser(testDb.db);
    const token = await sessions.create(user.id);
    // Lucia's ids carry 200 bits (40 base32 characters).
    expect(token).toMatch(/^[a-z2-7]{40}$/);
    const rows = await testDb.db.selectFrom("session").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(hashToken(token));
    const dump = JSON.stringify(await testDb.db.selectFrom("session").selectAll().execute());
    expect(dump).not.toContain(token);
    expect((await sessions.validate(token))?.id).toBe(user.id);
  });

  it("gives a new token at every sign-in", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const user = await createUser(testDb.db);
    expect(await sessions.create(user.id)).not.toBe(await sessions.create(user.id));
  });

  it("ends a session after the idle period, counting from the last request", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-02T09:00:00Z"), toFake: ["Date"] });
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const user = await createUser(testDb.db);
    const token = await sessions.create(user.id);
    // Active every 10 minutes for an hour: still signed in.
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(minutes(10));
      expect(await sessions.validate(token)).not.toBeNull();
    }
    // Then 16 quiet minutes: gone, and the row is deleted.
    vi.advanceTimersByTime(minutes(16));
    expect(await sessions.validate(token)).toBeNull();
    expect(await testDb.db.selectFrom("session").selectAll().execute()).toHaveLength(0);
  });

  it("ends a session at its absolute lifetime even when active", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-02T07:00:00Z"), toFake: ["Date"] });
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 2 });
    const user = await createUser(testDb.db);
    const token = await sessions.create(user.id);
    for (let i = 0; i < 11; i++) {
      vi.advanceTimersByTime(minutes(10));
      expect(await sessions.validate(token)).not.toBeNull();
    }
    vi.advanceTimersByTime(minutes(11)); // 2 h 1 min after sign-in
    expect(await sessions.validate(token)).toBeNull();
  });

  it("ends one session at sign-out and all of a user's at once", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const user = await createUser(testDb.db);
    const a = await sessions.create(user.id);
    const b = await sessions.create(user.id);
    await sessions.invalidate(a);
    expect(await sessions.validate(a)).toBeNull();
    expect(await sessions.validate(b)).not.toBeNull();
    await sessions.invalidateUser(user.id);
    expect(await sessions.validate(b)).toBeNull();
  });

  it("refuses a deactivated user's session", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    const user = await createUser(testDb.db);
    const token = await sessions.create(user.id);
    await testDb.db.updateTable("user").set({ status: "deactivated" }).where("id", "=", user.id).execute();
    expect(await sessions.validate(token)).toBeNull();
  });

  it("reads and writes the cookie", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    expect(sessions.readToken(`a=1; ${SESSION_COOKIE}=abc; b=2`)).toBe("abc");
    expect(sessions.readToken(null)).toBeNull();
    const cookie = sessions.cookie("abc", true);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Secure");
    expect(sessions.cookie("abc", false)).not.toContain("Secure");
    expect(sessions.blankCookie(false)).toContain("Max-Age=0");
  });
});
