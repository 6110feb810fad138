// DeskCoach's production server: Remix's request handler on bare node:http. Stock remix-serve
// (Express) costs about half the throughput on this kind of machine; see
// docs/decisions/0003-own-production-server.md.
//
// It serves the built client assets from memory-mapped file metadata (immutable caching,
// precompressed variants), refuses cross-site state changes before any route runs, adds the
// security headers with a fresh CSP nonce per response, logs one line per request without
// blocking, and shuts down within two seconds of SIGTERM.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { once } from "node:events";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { isStorageFailure } from "#db/storage-errors.ts";
import { readEnvFor } from "#app/env.server.ts";
import { STORAGE_FULL, STORAGE_RETRY_AFTER_SECONDS } from "#app/rules/storage-full.ts";
import { isForeignRequest } from "./same-origin.ts";
import { answerStorageFailures } from "./storage-failures.ts";

process.env.NODE_ENV ??= "production";

/**
 * Pages are compressed as they are sent, so speed beats the last few percent of size: brotli at
 * quality 1 takes about a third of the time gzip at level 5 did for a lesson page (0.16 against
 * 0.54 ms) for 8.2 instead of 6.8 KB; gzip at level 1 is the fallback for clients without br
 * (browsers only offer br over HTTPS). Static assets are compressed at build time, at maximum.
 */
const BROTLI_OPTIONS = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
const GZIP_OPTIONS = { level: 1, memLevel: 9 };
/** Bodies up to this size are compressed in place (well under a millisecond); larger ones on the thread pool. */
const MAX_SYNC_COMPRESS_BYTES = 256 * 1024;
const brotliAsync = promisify(zlib.brotliCompress);
const gzipAsync = promisify(zlib.gzip);

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

interface StaticFile {
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
function indexStatic(root: string): Map<string, StaticFile> {
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

// The policy around the nonce, joined once.
const [CSP_BEFORE_NONCE, CSP_AFTER_NONCE] = [
  "default-src 'self'",
  "script-src 'self' 'nonce-{nonce}'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
]
  .join("; ")
  .split("{nonce}") as [string, string];

function securityHeaders(res: ServerResponse, nonce: string, https: boolean): void {
  res.setHeader("Content-Security-Policy", `${CSP_BEFORE_NONCE}${nonce}${CSP_AFTER_NONCE}`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

/**
 * DeskCoach changes state only through forms, so a request is GET, HEAD, or a POST with a form
 * body. Anything else (PUT, a JSON or text body, a multipart type without its boundary) would
 * reach an action's `request.formData()` and fail there as a 500; it gets a plain 4xx here.
 */
function unsupportedRequest(method: string, contentType: string | undefined): { status: 405 | 415; message: string } | null {
  if (method === "GET" || method === "HEAD") return null;
  if (method !== "POST") return { status: 405, message: "DeskCoach accepts only GET, HEAD and POST." };
  const type = (contentType ?? "").toLowerCase();
  const urlEncoded = /^application\/x-www-form-urlencoded\s*(;|$)/.test(type);
  const multipart = /^multipart\/form-data\s*;.*\bboundary=\S/.test(type);
  if (urlEncoded || multipart) return null;
  return { status: 415, message: "DeskCoach accepts only forms: send the form from its own page." };
}

/** Whether the client accepts this content coding (Accept-Encoding, with q=0 meaning no). */
function acceptsEncoding(req: IncomingMessage, encoding: "br" | "gzip"): boolean {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string") return false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (name?.trim().toLowerCase() !== encoding) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return q === undefined || Number(q) > 0;
  }
  return false;
}

function serveStatic(req: IncomingMessage, res: ServerResponse, asset: StaticFile): void {
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

function toRequest(req: IncomingMessage, res: ServerResponse, origin: string): Request {
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = Readable.toWeb(req) as ReadableStream;
    init.duplex = "half";
  }
  return new Request(new URL(req.url ?? "/", origin), init);
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|x-script))/;
/** Below this, gzip's header and dictionary cost more than they save. */
const MIN_COMPRESS_BYTES = 1024;
/**
 * A body still going after this long (a deferred loader, a slow Suspense boundary, a long
 * export) is streamed from then on; every other body is sent in one piece. Under load a page's
 * chunks come several event-loop turns apart, tens of milliseconds in all: the limit is well
 * above that, and still short enough for a deferred page to show its shell quickly.
 */
const STREAM_AFTER_MS = 1000;
/** A body larger than this is streamed rather than held in memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Writes a Remix response. React and single fetch hand a page over in dozens of small chunks
 * across several ticks; writing, and gzip-flushing, each one on its own cost a syscall and a
 * compressor flush apiece, which was most of what a page cost us beyond rendering it. So the
 * chunks are gathered and the page leaves in one write with a Content-Length, compressed in one
 * go (brotli or gzip, whichever the client takes). A body that has not ended within STREAM_AFTER_MS switches to streaming: what was gathered
 * goes out at once and the rest follows chunk by chunk, gzip sync-flushed so that the browser
 * sees each part as it comes.
 */
async function sendResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
  onStreaming: () => void,
): Promise<void> {
  res.statusCode = response.status;
  closeIfBodyUnread(req, res);
  for (const [key, value] of response.headers) {
    if (key !== "set-cookie") res.setHeader(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  if (!response.body || req.method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  const type = response.headers.get("content-type") ?? "";
  const compressible = COMPRESSIBLE.test(type) && !response.headers.has("content-encoding");
  if (compressible) {
    const vary = response.headers.get("vary");
    res.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  const coding = !compressible ? null : acceptsEncoding(req, "br") ? "br" : acceptsEncoding(req, "gzip") ? "gzip" : null;

  const reader = response.body.getReader();
  res.once("close", () => {
    // The client left: stop rendering for it.
    if (!res.writableFinished) reader.cancel().catch(() => {});
  });
  let chunks: Uint8Array[] = [];
  let size = 0;
  // Set once the body streams (assigned in startStreaming, so declared without narrowing).
  let sink = null as NodeJS.WritableStream | null;
  const startStreaming = () => {
    if (sink || res.destroyed) return;
    onStreaming();
    res.removeHeader("Content-Length");
    // A streamed body is gzipped, sync-flushed after each chunk, when the client takes gzip.
    if (coding && acceptsEncoding(req, "gzip")) {
      res.setHeader("Content-Encoding", "gzip");
      const gzip = zlib.createGzip({ ...GZIP_OPTIONS, flush: zlib.constants.Z_SYNC_FLUSH });
      gzip.on("error", (error) => res.destroy(error));
      gzip.pipe(res);
      sink = gzip;
    } else {
      sink = res;
    }
    for (const chunk of chunks) sink.write(chunk);
    chunks = [];
  };
  const timer = setTimeout(startStreaming, STREAM_AFTER_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (sink) {
        if (!sink.write(value)) await Promise.race([once(sink, "drain"), once(res, "close")]);
      } else {
        chunks.push(value);
        size += value.byteLength;
        if (size > MAX_BUFFERED_BYTES) startStreaming();
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (sink) {
    sink.end();
    return;
  }
  let body = Buffer.concat(chunks, size);
  if (coding && size >= MIN_COMPRESS_BYTES) {
    const inPlace = size <= MAX_SYNC_COMPRESS_BYTES;
    if (coding === "br") {
      const options = { params: { ...BROTLI_OPTIONS.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } };
      body = inPlace ? zlib.brotliCompressSync(body, options) : await brotliAsync(body, options);
    } else {
      body = inPlace ? zlib.gzipSync(body, GZIP_OPTIONS) : await gzipAsync(body, GZIP_OPTIONS);
    }
    res.setHeader("Content-Encoding", coding);
  }
  res.setHeader("Content-Length", body.byteLength);
  res.end(body);
}

/**
 * How many requests Remix works on at once. The server is one thread: past a handful, more
 * requests in progress only interleave (each takes longer) and keep more half-built pages alive
 * long enough for V8 to promote and keep them. Under 50 connections, admitting 8 at a time gave
 * the same throughput, a lesson-page p99 of 350-400 ms instead of 750-950 ms, and a peak
 * resident size 30-70 MB lower. The rest wait their turn, in order, before any work is done for
 * them; a response that turns to streaming gives its place up.
 */
const MAX_IN_PROGRESS = 8;
/** Past this many waiting, the server is overloaded: answer 503 at once rather than queue more. */
const MAX_WAITING = 1024;

function createAdmission(limit: number, maxWaiting: number) {
  let inProgress = 0;
  const waiting: (() => void)[] = [];
  return {
    /** Resolves with a release function once admitted, or with null when the queue is full. */
    async enter(): Promise<(() => void) | null> {
      if (inProgress >= limit) {
        if (waiting.length >= maxWaiting) return null;
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        inProgress++;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // The place passes straight to the next in line, if any.
        const next = waiting.shift();
        if (next) next();
        else inProgress--;
      };
    },
  };
}

/**
 * What the log keeps of a request's address. A certificate link's token is the link's only key
 * and sits in its path (/certificates/<token>, and /certificates/<token>.data for a client
 * navigation), so that segment is replaced; query values may carry anything, so only the names
 * of parameters are kept. Route matching ignores case and decodes the path, so the check does too.
 */
function loggableUrl(url: string): string {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const segments = pathname.split("/");
  for (let i = 0; i < segments.length - 1; i++) {
    if (decodeSegment(segments[i] as string).toLowerCase() === "certificates" && segments[i + 1]) {
      segments[i + 1] = (segments[i + 1] as string).endsWith(".data") ? "[token].data" : "[token]";
    }
  }
  const query = q === -1 ? "" : url.slice(q + 1);
  const names = query
    .split("&")
    .filter(Boolean)
    .map((pair) => (pair.includes("=") ? `${pair.slice(0, pair.indexOf("="))}=[redacted]` : "[redacted]"));
  return `${segments.join("/")}${names.length > 0 ? `?${names.join("&")}` : ""}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * An answer sent before the request's body has all arrived (an action that refuses without
 * reading the form, a cross-site POST) ends its connection. Otherwise the unread rest of the body
 * stays in the socket, unread, and the next request on that keep-alive connection never starts.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) res.setHeader("Connection", "close");
}

/** One of the server's own short answers (a refusal, busy, an error), before or instead of Remix. */
function answerPlain(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  closeIfBodyUnread(req, res);
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(message);
}

/** Request log lines, written in batches so that logging never throttles serving. */
function createLog(quiet: boolean) {
  let buffer: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (buffer.length === 0) return;
    process.stdout.write(`${buffer.join("\n")}\n`);
    buffer = [];
  };
  return {
    request(method: string, url: string, status: number, ms: number) {
      if (quiet) return;
      buffer.push(`${new Date().toISOString()} ${method} ${loggableUrl(url)} ${status} ${ms.toFixed(1)}ms`);
      if (buffer.length >= 512) flush();
      else timer ??= setTimeout(flush, 200);
    },
    flush,
  };
}

async function main(): Promise<void> {
  const env = readEnvFor(["DESKCOACH_BUILD_DIR", "PORT", "HOST", "APP_ORIGIN", "LOG_REQUESTS"]);
  const BUILD_DIR = path.resolve(env.DESKCOACH_BUILD_DIR);
  const { PORT, HOST, APP_ORIGIN } = env;
  const serverBuildFile = path.join(BUILD_DIR, "server", "index.js");
  if (!fs.existsSync(serverBuildFile)) {
    console.error(`No build at ${serverBuildFile}. Run \`npm run build\` first.`);
    process.exit(1);
  }
  // Importing the build opens and migrates the database and loads the catalog.
  // A full disk makes any route's write fail: those answer 503, not 500 (storage-failures.ts).
  const build = answerStorageFailures((await import(pathToFileURL(serverBuildFile).href)) as ServerBuild);
  // Always production mode: other modes put stack traces into error responses. NODE_ENV=test
  // only unlocks test-only settings such as DESKCOACH_NOW.
  const handle = createRequestHandler(build, "production");
  const assets = indexStatic(path.join(BUILD_DIR, "client"));
  const log = createLog(!env.LOG_REQUESTS);
  const admission = createAdmission(MAX_IN_PROGRESS, MAX_WAITING);

  let stopping = false;
  const server = http.createServer(async (req, res) => {
    const started = performance.now();
    // While stopping, every answer ends its connection, so that busy keep-alive clients let go.
    if (stopping) res.setHeader("Connection", "close");
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    res.on("finish", () => {
      log.request(method, url, res.statusCode, performance.now() - started);
      // A request already in flight when we began stopping leaves its connection idle: close it.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
    const origin = APP_ORIGIN ?? `http://${req.headers.host ?? `${HOST}:${PORT}`}`;
    const nonce = randomBytes(16).toString("base64");
    securityHeaders(res, nonce, origin.startsWith("https:"));
    try {
      const pathname = url.split("?")[0] ?? "/";
      const asset = (method === "GET" || method === "HEAD") && assets.get(pathname);
      if (asset) {
        serveStatic(req, res, asset);
        return;
      }
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      if (isForeignRequest(method, { origin: header("origin"), secFetchSite: header("sec-fetch-site") }, origin)) {
        answerPlain(req, res, 403, "Forbidden: this request did not come from DeskCoach's own pages.");
        return;
      }
      const unsupported = unsupportedRequest(method, header("content-type"));
      if (unsupported) {
        answerPlain(req, res, unsupported.status, unsupported.message, unsupported.status === 405 ? { Allow: "GET, HEAD, POST" } : {});
        return;
      }
      const release = await admission.enter();
      if (!release) {
        answerPlain(req, res, 503, "DeskCoach is busy. Please try again in a moment.", { "Retry-After": "1" });
        return;
      }
      try {
        // A client that left while waiting gets nothing done for it.
        if (res.destroyed || req.socket.destroyed) return;
        const request = toRequest(req, res, origin);
        const response = await handle(request, {
          nonce,
          clientAddress: req.socket.remoteAddress ?? "unknown",
          // A whole page, not a client navigation's `.data` request.
          pageHtml: pathname.endsWith(".data") ? undefined : new Map(),
        });
        await sendResponse(req, res, response, release);
      } finally {
        release();
      }
    } catch (error) {
      // Never a stack trace to the client; the log has it.
      console.error(error);
      if (!res.headersSent && isStorageFailure(error)) {
        answerPlain(req, res, 503, STORAGE_FULL.message, { "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS) });
      } else if (!res.headersSent) {
        answerPlain(req, res, 500, "Something went wrong on our side. Please try again.");
      } else {
        res.destroy();
      }
    }
  });
  server.keepAliveTimeout = 65_000;

  server.listen(PORT, HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : PORT;
    console.log(`DeskCoach is listening on http://${HOST}:${port}`);
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    const exit = () => {
      // Requests that finished while stopping are logged too.
      log.flush();
      process.exit(0);
    };
    server.close(exit);
    server.closeIdleConnections();
    // Whatever has not finished within 1.5 s is cut off, so we are gone within 2 s.
    setTimeout(() => {
      server.closeAllConnections();
      exit();
    }, 1500).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
