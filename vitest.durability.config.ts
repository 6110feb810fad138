// The slow durability rounds (`npm run test:durability`): the production build killed mid-write and
// run on a full disk. Kept out of vitest.config.ts, whose `include` covers tests/unit only.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/durability/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // Each file starts servers and hammers one database file: one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
