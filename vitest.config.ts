// Unit tests run in Node without the Remix plugin (it would try to build the app).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/unit/**/*.test.ts"],
    // DESKCOACH_TEST_DB=postgres runs the suite on PostgreSQL; this prepares the server (and
    // does nothing otherwise).
    globalSetup: ["tests/support/global-setup.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
  },
});
