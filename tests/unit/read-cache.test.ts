import { beforeEach, expect, it } from "vitest";
import type { DB } from "#db/connection.ts";
import { createReadCache } from "#app/models/read-cache.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";

const testDb = setupTestDb();
beforeEach(async () => {
  await createPractice(testDb.db);
});

const countPeople = async (db: DB) =>
  Number((await db.selectFrom("user").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

it("keeps a result until the database changes, then works it out again", async () => {
  const cache = createReadCache(4);
  let computed = 0;
  const read = () => cache.read(testDb.db, "people", async () => (computed++, countPeople(testDb.db)));
  expect(await read()).toBe(0);
  expect(await read()).toBe(0);
  expect(computed).toBe(1);
  await createUser(testDb.db);
  expect(await read()).toBe(1);
  expect(computed).toBe(2);
});

it("shares one computation among requests that arrive together, and forgets a failure", async () => {
  const cache = createReadCache(4);
  let computed = 0;
  const results = await Promise.all(Array.from({ length: 5 }, () => cache.read(testDb.db, "k", () => ++computed)));
  expect(results).toEqual([1, 1, 1, 1, 1]);
  await expect(cache.read(testDb.db, "bad", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
  expect(await cache.read(testDb.db, "bad", () => "fine")).toBe("fine");
});

it("keeps at most its size, dropping the least recently used", async () => {
  const cache = createReadCache(2);
  let computed = 0;
  const read = (key: string) => cache.read(testDb.db, key, () => `${key}${++computed}`);
  await read("a");
  await read("b");
  await read("a"); // a is now the most recent
  await read("c"); // b goes
  expect(await read("a")).toBe("a1");
  expect(await read("b")).toBe("b4");
});
