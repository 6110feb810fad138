import { beforeEach, expect, it } from "vitest";
import type { DB } from "#db/connection.ts";
import { precompiled } from "#db/precompiled.ts";
import type { Role } from "#db/schema.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";

const testDb = setupTestDb();
beforeEach(async () => {
  await createPractice(testDb.db);
});

it("runs the SQL compiled once with each call's values, constants kept in place", async () => {
  const ana = await createUser(testDb.db, { name: "Ana", role: "staff" });
  await createUser(testDb.db, { name: "Ben", role: "manager" });
  const byRole = precompiled((db: DB, args: { role: Role; after: number }) =>
    db.selectFrom("user").select("name").where("role", "=", args.role).where("id", ">", args.after).where("status", "=", "active").orderBy("id"),
  );
  expect(await byRole(testDb.db, { role: "staff", after: 0 })).toEqual([{ name: "Ana" }]);
  expect(await byRole(testDb.db, { role: "manager", after: 0 })).toEqual([{ name: "Ben" }]);
  expect(await byRole(testDb.db, { role: "staff", after: ana.id })).toEqual([]);
});

it("refuses an argument that did not become a parameter", async () => {
  const bad = precompiled((db: DB, args: { role: Role; unused: string }) => db.selectFrom("user").select("id").where("role", "=", args.role));
  await expect(bad(testDb.db, { role: "staff", unused: "x" })).rejects.toThrow("unused did not become parameters");
});
