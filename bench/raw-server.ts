// The ceiling: a plain node:http server answering every request with the bytes our server sent
// for the lesson page (status, headers and body, compressed as it was), captured by the harness.
// Run with `node --import tsx bench/raw-server.ts`; BENCH_RAW_RESPONSE names the capture.
import fs from "node:fs";
import http from "node:http";

interface Capture {
  status: number;
  headers: Record<string, string | string[]>;
  bodyBase64: string;
}

const capture = JSON.parse(fs.readFileSync(process.env.BENCH_RAW_RESPONSE ?? "", "utf8")) as Capture;
const body = Buffer.from(capture.bodyBase64, "base64");
const headers = { ...capture.headers, "content-length": String(body.length) };

const server = http.createServer((_req, res) => {
  res.writeHead(capture.status, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
