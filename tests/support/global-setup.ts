// Vitest's global setup. With DESKCOACH_TEST_DB=postgres the unit tests run on PostgreSQL: the
// server in TEST_DATABASE_URL (a role that may CREATE DATABASE), or else a throwaway cluster
// started here (tests/support/postgres.ts). The migrations run once, into a template database;
// every test then gets a database of its own copied from it (tests/support/db.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { writeMigratedBase } from "./sqlite-base.ts";
import { createMigratedTemplate, dropDatabase, startThrowawayCluster, withClient, type ThrowawayCluster } from "./postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server the tests run on, when DESKCOACH_TEST_DB=postgres. */
    postgresUrl: string | null;
    /** The migrated database each test's database is copied from. */
    postgresTemplate: string | null;
    /** SQLite: the migrated file each test's database is copied from. */
    sqliteBase: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DESKCOACH_TEST_DB !== "postgres") {
    project.provide("postgresUrl", null);
    project.provide("postgresTemplate", null);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-base-"));
    project.provide("sqliteBase", await writeMigratedBase(dir));
    return async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  project.provide("sqliteBase", null);
  let cluster: ThrowawayCluster | null = null;
  let url = process.env.TEST_DATABASE_URL || null;
  if (!url) {
    cluster = await startThrowawayCluster();
    url = cluster.url;
    console.log(`Unit tests on PostgreSQL: a throwaway cluster at ${new URL(url).host}`);
  } else {
    console.log(`Unit tests on PostgreSQL: ${new URL(url).host}${new URL(url).pathname}`);
  }
  const template = `deskcoach_template_${process.pid}`;
  const serverUrl = url;
  await createMigratedTemplate(serverUrl, template);
  project.provide("postgresUrl", serverUrl);
  project.provide("postgresTemplate", template);
  return async () => {
    try {
      await withClient(serverUrl, (client) => dropDatabase(client, template));
    } finally {
      cluster?.stop();
    }
  };
}
