// "Builds if needed": the app is built into its own folder (bench/.build by default), so a bench
// run never clobbers build/ (which the end-to-end tests and `npm start` use). The build is the
// very `npm run build` script, with its one hard-coded output path pointed elsewhere, so the two
// cannot drift apart.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** What a build is made from: a change to any of these makes the bench build stale. */
const SOURCES = ["app", "content", "db", "public", "package.json", "package-lock.json", "vite.config.ts", "remix.config.js"];
const OUTPUTS = ["start.js", "mail-worker.js", "server/index.js", "client"];

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(target)
    .reduce((max, name) => Math.max(max, newestMtime(path.join(target, name))), stat.mtimeMs);
}

export function buildIsCurrent(root: string, buildDir: string): boolean {
  const built = Math.min(
    ...OUTPUTS.map((f) => {
      const file = path.join(buildDir, f);
      return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
    }),
  );
  return built > 0 && SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

/** The `build` script of package.json with its output redirected to `buildDir`. */
export function buildCommand(root: string, buildDir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const script = pkg.scripts.build;
  const outdir = "--outdir=build ";
  if (!script?.includes(outdir)) {
    throw new Error(`package.json's build script no longer contains "${outdir}": update bench/lib/build.ts`);
  }
  return script.replace(outdir, `--outdir=${JSON.stringify(buildDir)} `);
}

export function buildIfNeeded(root: string, buildDir: string, log: (line: string) => void): void {
  if (process.env.BENCH_REBUILD === "0") {
    // Measure the build that is there (for example another commit's, built elsewhere).
    if (!OUTPUTS.every((f) => fs.existsSync(path.join(buildDir, f)))) throw new Error(`No build in ${buildDir}`);
    log(`build: using ${buildDir} as it is (BENCH_REBUILD=0)`);
    return;
  }
  if (process.env.BENCH_REBUILD !== "1" && buildIsCurrent(root, buildDir)) {
    log(`build: ${path.relative(root, buildDir)} is up to date`);
    return;
  }
  log(`build: building into ${path.relative(root, buildDir)} (the same steps as npm run build)…`);
  const started = performance.now();
  // remix vite:build wipes its own output folders; start.js is rewritten by esbuild.
  const result = spawnSync("sh", ["-c", buildCommand(root, buildDir)], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      DESKCOACH_BUILD_DIR: buildDir,
      PATH: `${path.join(root, "node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    },
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) throw new Error("The bench build failed; see above.");
  log(`build: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
