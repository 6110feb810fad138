// Migrations are listed in code rather than read from a folder: the Vite server build bundles
// what is imported, and Kysely's FileMigrationProvider would look for files that are not there.
import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-initial.ts";
import * as m0002 from "./0002-team-and-assignments.ts";
import * as m0004 from "./0004-feedback-and-review.ts";

export const migrations: Record<string, Migration> = {
  "0001-initial": m0001,
  "0002-team-and-assignments": m0002,
  // 0003 belongs to the budget and spend work.
  "0004-feedback-and-review": m0004,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
