// DeskCoach's production server: Remix's request handler on bare node:http. Stock remix-serve
// (Express) costs about half the throughput on this kind of machine; see
// docs/decisions/0003-own-production-server.md.
//
// This file wires the parts together and shuts down within two seconds of SIGTERM. Each request:
// the security headers with a fresh CSP nonce (security-headers.ts); a built asset, served from
// memory (static-assets.ts); or a refusal before any route (refusals.ts); or a turn in the
// admission queue (admission.ts), then Remix, its answer written in one piece
// (send-response.ts); and one line in the request log (request-log.ts). Importing the build
// starts the services (app/services.server.ts); then the mail thread starts (mail-thread.ts).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { storageFailureOf } from "#db/storage-errors.ts";
import { readEnvFor } from "#app/env.server.ts";
import { STORAGE_NOTICES } from "#app/rules/storage-full.ts";
import { createAdmission, MAX_IN_PROGRESS, MAX_WAITING } from "./admission.ts";
import { clientAddress } from "./client-address.ts";
import { isOneClickUnsubscribe, refusalBeforeRoutes } from "./refusals.ts";
import { startMailThread } from "./mail-thread.ts";
import { createLog } from "./request-log.ts";
import { securityHeaders } from "./security-headers.ts";
import { answerPlain, sendResponse, toRequest } from "./send-response.ts";
import { indexStatic, serveStatic } from "./static-assets.ts";
import { answerStorageFailures, STORAGE_FAILURE_HEADERS } from "./storage-failures.ts";

process.env.NODE_ENV ??= "production";

async function main(): Promise<void> {
  const env = readEnvFor(["NODE_ENV", "DESKCOACH_BUILD_DIR", "PORT", "HOST", "APP_ORIGIN", "LOG_REQUESTS", "TRUST_PROXY", "MAIL_SCHEDULER"]);
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
  // Email, composed and sent once a minute on a thread of its own (docs/decisions/0019). Off
  // under NODE_ENV=test unless MAIL_SCHEDULER=1, so that end-to-end tests see only the mail they
  // ask for; off with MAIL_SCHEDULER=0 where cron runs `npm run reminders -- --once` instead.
  const mailThread = (env.MAIL_SCHEDULER ?? env.NODE_ENV !== "test") ? startMailThread(new URL("./mail-worker.js", import.meta.url)) : null;
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
      const refusal = refusalBeforeRoutes(method, req.headers, origin, pathname);
      if (refusal) {
        await answerPlain(req, res, refusal.status, refusal.message, refusal.headers);
        return;
      }
      const release = await admission.enter();
      if (!release) {
        await answerPlain(req, res, 503, "DeskCoach is busy. Please try again in a moment.", { "Retry-After": "1" });
        return;
      }
      try {
        // A client that left while waiting gets nothing done for it.
        if (res.destroyed || req.socket.destroyed) return;
        const request = toRequest(req, res, origin, isOneClickUnsubscribe(method, pathname));
        const response = await handle(request, {
          nonce,
          clientAddress: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], env.TRUST_PROXY),
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
      const storageFailure = storageFailureOf(error);
      if (!res.headersSent && storageFailure) {
        await answerPlain(req, res, 503, STORAGE_NOTICES[storageFailure].message, STORAGE_FAILURE_HEADERS);
      } else if (!res.headersSent) {
        await answerPlain(req, res, 500, "Something went wrong on our side. Please try again.");
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
    void mailThread?.stop();
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
