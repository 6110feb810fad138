// How much JavaScript a page makes the browser load: every module script, modulepreload and
// static import named in its HTML, gzipped (the .gz our build writes, as the server sends it).
import zlib from "node:zlib";
import { request } from "./http.ts";

export interface JsSize {
  files: { path: string; gzipBytes: number; rawBytes: number }[];
  totalGzipBytes: number;
  totalRawBytes: number;
}

export function scriptsIn(html: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /<script[^>]*\bsrc="([^"]+\.js)"/g,
    /<link[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g,
    /<link[^>]*\bhref="([^"]+)"[^>]*\brel="modulepreload"/g,
    /\bimport\s*(?:[\w*{}\s,]+\s+from\s*)?["']([^"']+\.js)["']/g,
    /\bimport\(\s*["']([^"']+\.js)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of html.matchAll(pattern)) if (match[1]) found.add(match[1]);
  return [...found].sort();
}

export async function measureJs(origin: string, html: string): Promise<JsSize> {
  const files: JsSize["files"] = [];
  for (const path of scriptsIn(html)) {
    if (!path.startsWith("/")) throw new Error(`The page loads a script from elsewhere: ${path}`);
    const gz = await request(`${origin}${path}`, { headers: { "accept-encoding": "gzip" } });
    const raw = await request(`${origin}${path}`);
    if (gz.status !== 200 || raw.status !== 200) throw new Error(`${path} answered ${gz.status}`);
    const gzipBytes = gz.headers["content-encoding"] === "gzip" ? gz.body.length : zlib.gzipSync(raw.body, { level: 9 }).length;
    files.push({ path, gzipBytes, rawBytes: raw.body.length });
  }
  return {
    files,
    totalGzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0),
    totalRawBytes: files.reduce((a, f) => a + f.rawBytes, 0),
  };
}
