// DeskCoach's service worker: lessons open on a phone that has lost its connection.
//
// - A lesson page (/lessons/<slug>) is fetched from the network first. When the page says it is
//   assigned to the person reading it (data-offline="keep"), the copy is kept, for 14 days from
//   that visit. Offline, the kept copy opens with its "You are offline" note shown.
// - Built assets (/assets/*, named by their content hash) are kept as they are fetched, so a
//   kept lesson also works offline with its script and styles.
// - Nothing is ever sent later: a form posted offline gets a page saying it was not sent.
// - Signing in or out empties the kept lessons (before the request goes, when the page's script
//   sends it; the sign-in page asks again), so the next person never sees the last one's pages.
//
// Type-checked with the project (tsconfig checkJs) against the DOM library, which has no
// service-worker types: the few used are described here.
/** @typedef {{ waitUntil(promise: Promise<unknown>): void }} ExtendableEvent */
/** @typedef {ExtendableEvent & { request: Request; respondWith(response: Promise<Response>): void }} FetchEvent */
/** @typedef {ExtendableEvent & { data: unknown }} ExtendableMessageEvent */
/** @type {{ skipWaiting(): Promise<void>; clients: { claim(): Promise<void> }; location: Location; navigator: Navigator; addEventListener(type: string, listener: (event: never) => void): void }} */
const worker = /** @type {any} */ (self);

const LESSONS = "deskcoach-lessons-v1";
const ASSETS = "deskcoach-assets-v1";
const KEEP_MS = 14 * 24 * 60 * 60 * 1000;
const KEPT_AT = "x-deskcoach-kept-at";
const LESSON_PAGE = /^\/lessons\/[^/.]+\/?$/;
const SIGN_IN_OR_OUT = /^\/(login|logout)(\.data)?$/;

worker.addEventListener("install", () => {
  void worker.skipWaiting();
});

worker.addEventListener("activate", (/** @type {ExtendableEvent} */ event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== LESSONS && name !== ASSETS) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

/** Forget every kept lesson page (the person's own); the built assets are the same for everyone. */
function forgetLessons() {
  return caches.delete(LESSONS);
}

worker.addEventListener("message", (/** @type {ExtendableMessageEvent} */ event) => {
  if (event.data === "forget-lessons") event.waitUntil(forgetLessons());
});

worker.addEventListener("fetch", (/** @type {FetchEvent} */ event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;

  if (request.method === "POST") {
    // A form post (a navigation, which another site can start too) goes to the network untouched:
    // its cookies, Origin and Sec-Fetch-Site exactly as the browser set them, for the server's
    // cross-site check. The worker never re-sends one.
    if (SIGN_IN_OR_OUT.test(url.pathname) && request.mode !== "navigate") {
      // From one of our own pages' scripts (only they reach the worker with a fetch): forget,
      // then send, so the next page can never show the last person's lessons.
      event.respondWith(forgetLessons().then(() => fetch(request)));
    } else if (SIGN_IN_OR_OUT.test(url.pathname)) {
      event.waitUntil(forgetLessons());
    } else if (request.mode === "navigate" && !worker.navigator.onLine) {
      // A form sent without the page's script, offline: say it was not sent, rather than fail blankly.
      event.respondWith(Promise.resolve(notSentPage()));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/assets/")) {
    event.respondWith(assetFirstFromCache(request));
  } else if (request.mode === "navigate" && LESSON_PAGE.test(url.pathname)) {
    event.respondWith(lessonFromNetworkFirst(request, url));
  }
});

/** @param {Request} request */
async function assetFirstFromCache(request) {
  const cache = await caches.open(ASSETS);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** @param {Request} request @param {URL} url */
async function lessonFromNetworkFirst(request, url) {
  const key = `${url.origin}${url.pathname.replace(/\/$/, "")}`;
  let response;
  try {
    response = await fetch(request);
  } catch {
    return (await keptLesson(key)) ?? offlinePage();
  }
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(LESSONS);
    const html = await response.clone().text();
    if (html.includes('data-offline="keep"')) {
      const headers = new Headers(response.headers);
      headers.set(KEPT_AT, String(Date.now()));
      await cache.put(key, new Response(html, { status: 200, headers }));
    } else {
      // No longer assigned to this person: not kept any more.
      await cache.delete(key);
    }
  }
  return response;
}

/** The kept copy of a lesson, if it is younger than 14 days, with its offline note showing. */
/** @param {string} key */
async function keptLesson(key) {
  const cache = await caches.open(LESSONS);
  const kept = await cache.match(key);
  if (!kept) return null;
  if (Date.now() - Number(kept.headers.get(KEPT_AT) ?? 0) > KEEP_MS) {
    await cache.delete(key);
    return null;
  }
  const html = (await kept.text()).replace(/(<[^>]*\bdata-offline-note="")\s+hidden=""/g, "$1");
  return new Response(html, { status: 200, headers: kept.headers });
}

/** @param {string} title @param {string} message */
function page(title, message) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · DeskCoach</title></head><body><main><h1>${title}</h1><p>${message}</p><p><a href="/learn">Back to Learn</a></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

function offlinePage() {
  return page("You are offline", "This page is not kept on this phone. Lessons assigned to you that you opened in the last 14 days open without a connection.");
}

function notSentPage() {
  return page("Not sent: you are offline", "Nothing was sent, saved or graded. Your answers will be checked when you are back online: open the lesson again and send them then.");
}
