// What we ask of the production server besides speed, checked against the running
// bench server: long immutable caching and precompressed assets, compressed pages, security
// headers with a fresh CSP nonce that the page's scripts carry, cross-site POSTs refused.
// (Request logging and shutdown are checked by the harness around the runs.)
import zlib from "node:zlib";
import { decodeBody, request } from "./http.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function checkServer(origin: string, page: { path: string; cookie: string }, scriptPath: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  if (scriptPath) {
    const br = await request(`${origin}${scriptPath}`, { headers: { "accept-encoding": "gzip, deflate, br" } });
    const gz = await request(`${origin}${scriptPath}`, { headers: { "accept-encoding": "gzip" } });
    const plain = await request(`${origin}${scriptPath}`);
    const cache = String(br.headers["cache-control"]);
    check("assets: immutable, cached a year", /max-age=31536000/.test(cache) && /immutable/.test(cache), `${scriptPath}: Cache-Control ${cache}`);
    check(
      "assets: precompressed brotli / gzip",
      br.headers["content-encoding"] === "br" && gz.headers["content-encoding"] === "gzip" && plain.headers["content-encoding"] === undefined,
      `${plain.body.length} B plain, ${gz.body.length} B gzip, ${br.body.length} B brotli; Vary ${br.headers.vary}`,
    );
    check(
      "assets: the compressed bytes are the file",
      zlib.brotliDecompressSync(br.body).equals(plain.body) && zlib.gunzipSync(gz.body).equals(plain.body),
      "decompressed and compared",
    );
  }

  const headers = { "accept-encoding": "gzip, deflate, br", cookie: page.cookie };
  const first = await request(`${origin}${page.path}`, { headers });
  const second = await request(`${origin}${page.path}`, { headers });
  const gzipOnly = await request(`${origin}${page.path}`, { headers: { ...headers, "accept-encoding": "gzip, deflate" } });
  const plain = await request(`${origin}${page.path}`, { headers: { cookie: page.cookie } });
  check(
    "pages: compressed (br, else gzip)",
    first.headers["content-encoding"] === "br" &&
      gzipOnly.headers["content-encoding"] === "gzip" &&
      plain.headers["content-encoding"] === undefined &&
      /accept-encoding/i.test(String(first.headers.vary)),
    `${plain.body.length} B plain, ${gzipOnly.body.length} B gzip, ${first.body.length} B br; Vary ${first.headers.vary}, Cache-Control ${first.headers["cache-control"]}`,
  );
  const html = decodeBody(first.body, first.headers["content-encoding"]);
  const csp = String(first.headers["content-security-policy"] ?? "");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const scriptNonces = [...html.matchAll(/<script[^>]*\bnonce="([^"]*)"/g)].map((m) => m[1]);
  const scripts = [...html.matchAll(/<script\b/g)].length;
  check(
    "pages: CSP nonce, fresh per response, on every script",
    !!nonce &&
      nonce !== /'nonce-([^']+)'/.exec(String(second.headers["content-security-policy"] ?? ""))?.[1] &&
      scripts > 0 &&
      scriptNonces.length === scripts &&
      scriptNonces.every((n) => n === nonce),
    `${scripts} scripts, ${scriptNonces.filter((n) => n === nonce).length} with this response's nonce`,
  );
  const security = ["x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "permissions-policy"];
  const missing = security.filter((h) => !first.headers[h]);
  check("pages: security headers", missing.length === 0 && !first.headers["x-powered-by"], missing.length ? `missing ${missing.join(", ")}` : security.join(", "));

  const foreign = await request(`${origin}/logout`, { method: "POST", headers: { origin: "http://evil.example", cookie: page.cookie } });
  const bare = await request(`${origin}/logout`, { method: "POST", headers: { cookie: page.cookie } });
  check("POST from another site refused", foreign.status === 403 && bare.status === 403, `Origin evil.example: ${foreign.status}; no Origin: ${bare.status}`);
  return checks;
}
