// What our server hands every loader and action besides the request.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The CSP nonce of this response. */
    nonce?: string;
    /** The client's address (X-Forwarded-For only behind TRUST_PROXY proxies), for sign-in throttling. */
    clientAddress?: string;
    /**
     * Present when this request renders a whole page (not a `.data` request): markup a loader
     * puts here is rendered into the page but left out of the hydration data (route-helpers/static-html.server.tsx).
     */
    pageHtml?: Map<string, string>;
  }
  // Loaders return plain objects under single fetch; this makes useLoaderData infer them.
  interface Future {
    v3_singleFetch: true;
  }
}
export {};
