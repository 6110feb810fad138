// `npm test` runs this first: find a Chromium for Playwright, or install one.
// Debian's package when we are root on Debian (Playwright's own download is not reachable
// everywhere), otherwise Playwright's installer.
import { execSync } from "node:child_process";
import fs from "node:fs";
import { findChromium } from "./chromium.ts";

function run(command: string): void {
  console.log(`$ ${command}`);
  execSync(command, { stdio: "inherit" });
}

if (findChromium()) {
  process.exit(0);
}
const isRoot = process.getuid?.() === 0;
const isDebian = fs.existsSync("/etc/debian_version");
if (isRoot && isDebian) {
  run("apt-get update -qq");
  run("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium");
} else {
  run("npx playwright install chromium");
}
