// Between node:http and Remix: a Fetch Request made from the incoming message, and Remix's
// Response written back, gathered and compressed in one piece unless it keeps streaming. Also the
// server's own short plain-text answers.
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";

/**
 * Pages are compressed as they are sent, so speed beats the last few percent of size: brotli at
 * quality 1 takes a third of the time gzip at level 5 did for a lesson page, for about 20% more
 * bytes (decision 0007). gzip at level 1 is for clients without br (browsers offer br only over
 * HTTPS). Static assets are compressed at build time, at maximum.
 */
const BROTLI_OPTIONS = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
const GZIP_OPTIONS = { level: 1, memLevel: 9 };
/** Bodies up to this size are compressed in place (well under a millisecond); larger ones on the thread pool. */
const MAX_SYNC_COMPRESS_BYTES = 256 * 1024;
const brotliAsync = promisify(zlib.brotliCompress);
const gzipAsync = promisify(zlib.gzip);

/** Whether the client accepts this content coding (Accept-Encoding, with q=0 meaning no). */
export function acceptsEncoding(req: IncomingMessage, encoding: "br" | "gzip"): boolean {
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

/** `dropOrigin`: leave out the Origin header (a one-click unsubscribe's, see refusals.ts). */
export function toRequest(req: IncomingMessage, res: ServerResponse, origin: string, dropOrigin = false): Request {
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (dropOrigin && (req.rawHeaders[i] as string).toLowerCase() === "origin") continue;
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
 * Waits until a full sink takes more, or the client has gone. The listener on the side that did
 * not happen is removed: a long export waits thousands of times on one response, and listeners
 * left behind would pile up on it (Node warns past ten).
 */
async function drainedOrClosed(sink: NodeJS.WritableStream, res: ServerResponse): Promise<void> {
  const done = new AbortController();
  const settled = (event: Promise<unknown>) => event.then(() => undefined, () => undefined);
  await Promise.race([settled(once(sink as NodeJS.EventEmitter, "drain", { signal: done.signal })), settled(once(res, "close", { signal: done.signal }))]);
  done.abort();
}

/**
 * Writes a Remix response. React and single fetch hand a page over in dozens of small chunks
 * across several ticks; writing, and gzip-flushing, each one on its own cost a syscall and a
 * compressor flush apiece, which was most of what a page cost us beyond rendering it. So the
 * chunks are gathered and the page leaves in one write with a Content-Length, compressed in one
 * go (brotli or gzip, whichever the client takes). A body that has not ended within
 * STREAM_AFTER_MS switches to streaming: what was gathered goes out at once and the rest follows
 * chunk by chunk, gzip sync-flushed so that the browser sees each part as it comes.
 */
export async function sendResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
  onStreaming: () => void,
): Promise<void> {
  if (!req.complete) {
    // Waiting on the client's upload needs no admission slot.
    onStreaming();
    await discardUnreadBody(req);
  }
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
        if (!sink.write(value)) await drainedOrClosed(sink, res);
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

/** An early answer waits for at most this much of the body it did not read, and for at most this long. */
const MAX_DISCARDED_BYTES = 32 * 1024 * 1024;
const MAX_DISCARD_MS = 15_000;

/**
 * An answer given before the request's body has all arrived (a 413 for a 10 MB upload, a
 * cross-site POST refused) waits until the client has finished sending it, reading and dropping
 * the rest. Answering at once and closing would make the kernel reset the connection while the
 * client is still writing, and a client told "connection reset" loses the answer with it: the
 * person would see a broken page instead of "That file is too large". A body declared larger than
 * MAX_DISCARDED_BYTES, sent without a length, or still arriving after MAX_DISCARD_MS is not waited
 * for: that answer closes the connection (closeIfBodyUnread).
 */
async function discardUnreadBody(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return;
  const declared = Number(req.headers["content-length"]);
  if (!(declared <= MAX_DISCARDED_BYTES)) return;
  // The only reader is the web stream made for Remix (toRequest), which nobody reads once an
  // answer exists: without its listener the rest of the body is dropped instead of queued in it.
  req.removeAllListeners("data");
  req.resume();
  const done = new AbortController();
  const settled = (event: Promise<unknown>) => event.then(() => undefined, () => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    settled(once(req, "end", { signal: done.signal })),
    settled(once(req, "close", { signal: done.signal })),
    new Promise((resolve) => (timer = setTimeout(resolve, MAX_DISCARD_MS))),
  ]);
  clearTimeout(timer);
  done.abort();
}

/**
 * An answer sent while the request's body is still unread (not waited for, above) ends its
 * connection. Otherwise the unread rest of the body stays in the socket, and the next request on
 * that keep-alive connection never starts.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) res.setHeader("Connection", "close");
}

/** One of the server's own short answers (a refusal, busy, an error), before or instead of Remix. */
export async function answerPlain(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): Promise<void> {
  await discardUnreadBody(req);
  if (res.destroyed) return;
  res.statusCode = status;
  closeIfBodyUnread(req, res);
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(message);
}
