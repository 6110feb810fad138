// The built client assets (build/client), indexed once at start and served from memory: immutable
// caching for hashed files under /assets/, and the .br or .gz the build wrote when the client
// takes it.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { acceptsEncoding } from "./send-response.ts";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ico": "image/x-icon",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
};

/** One stored form of a file: as built, or precompressed (.br / .gz, written by the build). */
interface StoredFile {
  file: string;
  size: number;
  /** Files up to MAX_IN_MEMORY are held in memory: serving one is a single write. */
  bytes: Buffer | null;
}

export interface StaticFile {
  type: string;
  immutable: boolean;
  identity: StoredFile;
  br: StoredFile | null;
  gz: StoredFile | null;
}

/** The whole client build is a few hundred KB; anything unusually large streams from disk. */
const MAX_IN_MEMORY = 512 * 1024;

function stored(file: string): StoredFile | null {
  if (!fs.existsSync(file)) return null;
  const size = fs.statSync(file).size;
  return { file, size, bytes: size <= MAX_IN_MEMORY ? fs.readFileSync(file) : null };
}

/** Every servable file, found once at start: no request ever touches a path it names itself. */
export function indexStatic(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      // Dot-files and dot-folders (Vite's .vite/manifest.json) are build bookkeeping, not assets.
      if (entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith(".br") && !entry.name.endsWith(".gz")) {
        const url = `/${path.relative(root, full).split(path.sep).join("/")}`;
        files.set(url, {
          type: TYPES[path.extname(entry.name)] ?? "application/octet-stream",
          immutable: url.startsWith("/assets/"),
          identity: stored(full) as StoredFile,
          br: stored(`${full}.br`),
          gz: stored(`${full}.gz`),
        });
      }
    }
  };
  if (fs.existsSync(root)) walk(root);
  return files;
}

export function serveStatic(req: IncomingMessage, res: ServerResponse, asset: StaticFile): void {
  res.setHeader("Content-Type", asset.type);
  res.setHeader("Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600");
  res.setHeader("Vary", "Accept-Encoding");
  let chosen = asset.identity;
  if (asset.br && acceptsEncoding(req, "br")) {
    chosen = asset.br;
    res.setHeader("Content-Encoding", "br");
  } else if (asset.gz && acceptsEncoding(req, "gzip")) {
    chosen = asset.gz;
    res.setHeader("Content-Encoding", "gzip");
  }
  res.setHeader("Content-Length", chosen.size);
  if (req.method === "HEAD") res.end();
  else if (chosen.bytes) res.end(chosen.bytes);
  else fs.createReadStream(chosen.file).on("error", (error) => res.destroy(error)).pipe(res);
}
