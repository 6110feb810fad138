import { afterEach, beforeEach, expect, it } from "vitest";
import type { Connection, DB } from "#db/connection.ts";
import { precompiled } from "#db/precompiled.ts";
import type { Role } from "#db/schema.ts";
import { createTestDb, removeTempDirs } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";

let connection: Connection;
beforeEach(async () => {
  connection = await createTestDb();
  await createPractice(connection.db);
});
afterEach(async () => {
  await connection.close();
  removeTempDirs();
});

it("runs the SQL compiled once with each call's values, constants kept in place", async () => {
  const ana = await createUser(connection.db, { name: "Ana", role: "staff" });
  await createUser(connection.db, { name: "Ben", role: "manager" });
  const byRole = precompiled((db: DB, args: { role: Role; after: number }) =>
    db.selectFrom("user").select("name").where("role", "=", args.role).where("id", ">", args.after).where("status", "=", "active").orderBy("id"),
  );
  expect(await byRole(connection.db, { role: "staff", after: 0 })).toEqual([{ name: "Ana" }]);
  expect(await byRole(connection.db, { role: "manager", after: 0 })).toEqual([{ name: "Ben" }]);
  expect(await byRole(connection.db, { role: "staff", after: ana.id })).toEqual([]);
});

it("refuses an argument that did not become a parameter", async () => {
  const bad = precompiled((db: DB, args: { role: Role; unused: string }) => db.selectFrom("user").select("id").where("role", "=", args.role));
  await expect(bad(connection.db, { role: "staff", unused: "x" })).rejects.toThrow("unused did not become parameters");
});
