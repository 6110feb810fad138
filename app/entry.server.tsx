import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { PageHtmlContext } from "./components/static-html.tsx";
import { NonceContext } from "./nonce.tsx";
import "./context.ts";

const ABORT_DELAY = 5_000;

// Pages carry personal records; nothing dynamic may be stored by the browser or a proxy.
function noStore(headers: Headers): void {
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
}

export const handleDataRequest: HandleDataRequestFunction = (response) => {
  noStore(response.headers);
  return response;
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.nonce ?? "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let abortRender = () => {};
    const abortTimer = setTimeout(() => abortRender(), ABORT_DELAY);
    const sendShell = () => {
      const body = new PassThrough();
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      noStore(responseHeaders);
      resolve(
        new Response(createReadableStreamFromReadable(body), {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      );
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <PageHtmlContext.Provider value={loadContext.pageHtml ?? null}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </PageHtmlContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          if (!waitForAll) sendShell();
        },
        onAllReady() {
          // A finished render must not stay reachable from a pending timer for five seconds: at a
          // few hundred pages a second that is a thousand or more renders held in memory.
          clearTimeout(abortTimer);
          if (waitForAll) sendShell();
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Every render error reaches the log (a render cut off after ABORT_DELAY included); the
          // visitor gets the error page without details.
          console.error(error);
        },
      },
    );
    abortRender = abort;
  });
}
