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
    // The files share each worker's modules instead of importing the app afresh each: importing
    // was two thirds of the suite's time (123 s to 56 s on SQLite, 215 s to 114 s on PostgreSQL).
    // Every file opens its own database, and the one test with fake timers restores them after
    // each test.
    isolate: false,
    testTimeout: 20_000,
  },
});
