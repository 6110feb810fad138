import { defineConfig } from "@playwright/test";
import { findChromium } from "./tests/support/chromium.ts";

const executablePath = findChromium();

export default defineConfig({
  testDir: "tests/e2e",
  // DESKCOACH_TEST_DB=postgres: a PostgreSQL server for the run (nothing to do on SQLite).
  globalSetup: "./tests/support/e2e-global-setup.ts",
  fullyParallel: false,
  forbidOnly: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? "list" : "line",
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "off",
  },
  projects: [
    { name: "chromium" },
    // The core flows again, as a browser without JavaScript sees them.
    { name: "no-js", grep: /@core/, use: { javaScriptEnabled: false } },
  ],
});
