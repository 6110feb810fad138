// npm run demo — builds if needed, (re)creates data/demo.sqlite with the demo practice, and starts
// the production server on it in demo mode. DEMO_KEEP=1 keeps an existing demo database.
// On PostgreSQL (DEMO_DATABASE_URL, or else a postgres:// DATABASE_URL) the demo practice is
// seeded into an empty database, and a database that already holds a practice is served as it
// is: the demo never empties a PostgreSQL database.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseFileFromUrl, dialectOfUrl, migrateToLatest, openConnection } from "#db/connection.ts";
import { buildCatalog, syncCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { seedDemo } from "#app/models/demo.server.ts";
import { isSetupOpen } from "#app/models/practice.server.ts";
import { readEnvFor } from "#app/env.server.ts";
import { run } from "./run.ts";

const SOURCES = ["app", "content", "db", "public", "package.json", "vite.config.ts", "remix.config.js"];

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function buildIfNeeded(): void {
  const output = ["build/start.js", "build/server/index.js"];
  const built = Math.min(...output.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  if (built > 0 && SOURCES.every((s) => newestMtime(s) <= built)) return;
  console.log("Building DeskCoach…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("The build failed; see above.");
}

await run(async () => {
  const env = readEnvFor(["DATABASE_URL", "DEMO_DATABASE_URL", "DEMO_KEEP", "CONTENT_DIR"]);
  buildIfNeeded();
  const url = !process.env.DEMO_DATABASE_URL && dialectOfUrl(env.DATABASE_URL) === "postgres" ? env.DATABASE_URL : env.DEMO_DATABASE_URL;
  const onPostgres = dialectOfUrl(url) === "postgres";
  const where = onPostgres ? `the PostgreSQL database ${new URL(url).pathname.slice(1)} on ${new URL(url).host}` : path.relative(process.cwd(), databaseFileFromUrl(url));
  if (!onPostgres && !env.DEMO_KEEP) {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${databaseFileFromUrl(url)}${suffix}`, { force: true });
  }
  const connection = openConnection(url);
  try {
    await migrateToLatest(connection.db);
    if (await isSetupOpen(connection.db)) {
      const { content, problems } = loadContent(env.CONTENT_DIR);
      if (problems.length > 0) throw new Error("Content is invalid: run `npm run content:check`.");
      const catalog = buildCatalog(content, () => "");
      await syncCatalog(connection.db, catalog);
      await seedDemo(connection.db, catalog, new Date());
      console.log(`Seeded the demo practice into ${where}`);
    } else {
      console.log(`Keeping the practice already in ${where}${onPostgres && !env.DEMO_KEEP ? " (the demo never empties a PostgreSQL database: give it an empty one to start afresh)" : ""}`);
    }
  } finally {
    await connection.close();
  }

  const server = spawn(process.execPath, ["build/start.js"], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url, DEMO_MODE: "1", NODE_ENV: process.env.NODE_ENV ?? "production" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  return new Promise<number>((resolve) => server.on("exit", (code) => resolve(code ?? 0)));
});
