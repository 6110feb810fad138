import { describe, expect, it } from "vitest";
import { clearAccountFailures, MAX_FAILURES, recordFailure, throttledFor, throttleKeys } from "#app/models/login-throttle.server.ts";
import { setupTestDb } from "#tests/support/db.ts";

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
