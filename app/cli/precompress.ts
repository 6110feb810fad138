// After the client build: write .br and .gz beside every text asset, so the server sends
// compressed bytes without compressing on each request.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { readEnvFor } from "#app/env.server.ts";
import { run } from "./run.ts";

const TEXT = /\.(js|css|svg|json|txt|html|webmanifest)$/;

await run(async () => {
  // The benchmark builds into its own folder (DESKCOACH_BUILD_DIR); the default is build/.
  const root = path.resolve(readEnvFor(["DESKCOACH_BUILD_DIR"]).DESKCOACH_BUILD_DIR, "client");
  let count = 0;
  let jsGzip = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (TEXT.test(entry.name)) {
        const raw = fs.readFileSync(full);
        const gz = zlib.gzipSync(raw, { level: 9 });
        fs.writeFileSync(`${full}.gz`, gz);
        fs.writeFileSync(
          `${full}.br`,
          zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        if (entry.name.endsWith(".js")) jsGzip += gz.length;
        count++;
      }
    }
  };
  walk(root);
  console.log(`precompressed ${count} assets (all JavaScript: ${(jsGzip / 1024).toFixed(1)} KB gzipped)`);
});
