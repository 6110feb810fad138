// Small HTTP helpers on node:http: the harness needs the exact bytes a server sent (fetch would
// decompress them) and must only ever talk to loopback.
import http from "node:http";
import net from "node:net";
import zlib from "node:zlib";

export const LOOPBACK = "127.0.0.1";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function assertLoopback(url: URL): void {
  if (url.hostname !== LOOPBACK) throw new Error(`The bench only talks to ${LOOPBACK}, not ${url.hostname}`);
}

export function request(
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const url = new URL(target);
  assertLoopback(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, timeout: options.timeoutMs ?? 10_000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`Timed out: ${options.method ?? "GET"} ${target}`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A port nobody listens on right now (the server started next binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, LOOPBACK, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A body as text, whatever content coding the server chose. */
export function decodeBody(body: Buffer, encoding: string | undefined): string {
  if (encoding === "br") return zlib.brotliDecompressSync(body).toString("utf8");
  if (encoding === "gzip") return zlib.gunzipSync(body).toString("utf8");
  return body.toString("utf8");
}
