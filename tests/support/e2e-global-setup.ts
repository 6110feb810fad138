// Playwright's global setup. With DESKCOACH_TEST_DB=postgres the end-to-end tests run on
// PostgreSQL: the server in TEST_DATABASE_URL (a role that may CREATE DATABASE), or else a
// throwaway cluster started here (tests/support/postgres.ts). The migrations run once, into a
// template database; each test server then gets a database copied from it (tests/support/server.ts).
// On SQLite there is nothing to set up.
import { createMigratedTemplate, dropDatabase, startThrowawayCluster, withClient, type ThrowawayCluster } from "./postgres.ts";

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DESKCOACH_TEST_DB !== "postgres") return undefined;
  let cluster: ThrowawayCluster | null = null;
  let url = process.env.TEST_DATABASE_URL || null;
  if (!url) {
    cluster = await startThrowawayCluster();
    url = cluster.url;
  }
  const serverUrl = url;
  const template = `deskcoach_e2e_template_${process.pid}`;
  try {
    await createMigratedTemplate(serverUrl, template);
  } catch (error) {
    cluster?.stop();
    throw error;
  }
  const apps = process.env.DESKCOACH_E2E_APPS === "2" ? ", two app processes behind HAProxy" : "";
  console.log(`End-to-end tests on PostgreSQL (${new URL(serverUrl).host})${apps}`);
  // Workers inherit the environment the global setup leaves.
  process.env.DESKCOACH_E2E_POSTGRES_URL = serverUrl;
  process.env.DESKCOACH_E2E_POSTGRES_TEMPLATE = template;
  return async () => {
    try {
      await withClient(serverUrl, (client) => dropDatabase(client, template));
    } finally {
      cluster?.stop();
    }
  };
}
