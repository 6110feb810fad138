import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "#db/connection.ts";
import { clearAccountFailures, MAX_FAILURES, recordFailure, throttledFor, throttleKeys } from "#app/models/login-throttle.server.ts";
import { createTestDb, removeTempDirs } from "#tests/support/db.ts";

let connection: Connection;
beforeEach(async () => {
  connection = await createTestDb();
});
afterEach(async () => {
  await connection.close();
  removeTempDirs();
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));

describe("sign-in throttling", () => {
  it("throttles an account after ten failures in fifteen minutes, then lets it try again", async () => {
    const keys = throttleKeys("Maria@Example.com", "10.0.0.1");
    for (let i = 0; i < MAX_FAILURES - 1; i++) await recordFailure(connection.db, keys, at(i));
    expect(await throttledFor(connection.db, keys, at(9))).toBe(0);
    await recordFailure(connection.db, keys, at(9));
    expect(await throttledFor(connection.db, keys, at(10))).toBe(5);
    // The window slides: the oldest failure ages out and the real user can try again.
    expect(await throttledFor(connection.db, keys, at(15))).toBe(0);
  });

  it("counts failures per address across accounts, and the same for unknown emails", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      await recordFailure(connection.db, throttleKeys(`nobody${i}@example.com`, "10.0.0.2"), at(0));
    }
    expect(await throttledFor(connection.db, throttleKeys("someone@example.com", "10.0.0.2"), at(1))).toBeGreaterThan(0);
    expect(await throttledFor(connection.db, throttleKeys("someone@example.com", "10.0.0.3"), at(1))).toBe(0);
  });

  it("clears an account's failures after a successful sign-in", async () => {
    const keys = throttleKeys("tom@example.com", "10.0.0.4");
    for (let i = 0; i < MAX_FAILURES; i++) await recordFailure(connection.db, keys, at(0));
    await clearAccountFailures(connection.db, "TOM@example.com");
    expect(await throttledFor(connection.db, [keys[0] as string], at(1))).toBe(0);
  });
});
