// Requests answered before any route runs, because no page of ours would send them: a cross-site
// state change (403, same-origin.ts), a method other than GET, HEAD and POST (405), and a POST
// that is not a form (415). See docs/decisions/0010-refusals-before-routes.md.
import type { IncomingHttpHeaders } from "node:http";
import { FOREIGN_REQUEST, firstHeader, isForeignRequest } from "./same-origin.ts";

export interface Refusal {
  status: 403 | 405 | 415;
  message: string;
  headers: Record<string, string>;
}

/**
 * DeskCoach changes state only through forms, so a request is GET, HEAD, or a POST with a form
 * body. Anything else (PUT, a JSON or text body, a multipart type without its boundary) would
 * reach an action's `request.formData()` and fail there as a 500; it gets a plain 4xx here.
 */
export function unsupportedRequest(method: string, contentType: string | undefined): { status: 405 | 415; message: string } | null {
  if (method === "GET" || method === "HEAD") return null;
  if (method !== "POST") return { status: 405, message: "DeskCoach accepts only GET, HEAD and POST." };
  const type = (contentType ?? "").toLowerCase();
  const urlEncoded = /^application\/x-www-form-urlencoded\s*(;|$)/.test(type);
  const multipart = /^multipart\/form-data\s*;.*\bboundary=\S/.test(type);
  if (urlEncoded || multipart) return null;
  return { status: 415, message: "DeskCoach accepts only forms: send the form from its own page." };
}

/**
 * The one state change another site may send: a mail program's one-click unsubscribe (RFC 8058),
 * a form POST from its own servers to the link in a message's List-Unsubscribe header. The route
 * accepts exactly the body `List-Unsubscribe=One-Click` and turns off only what its token names
 * (app/routes/unsubscribe.$token.tsx); it needs no session, so a forged one gains nothing.
 */
const ONE_CLICK_UNSUBSCRIBE = /^\/unsubscribe\/[A-Za-z0-9_-]+$/;

/**
 * Whether this is a POST to an unsubscribe link. Remix refuses (as a 500) an action whose Origin
 * names another host, so the server drops a foreign Origin from this request before Remix sees
 * it: here it is expected, and the route does not rely on it.
 */
export function isOneClickUnsubscribe(method: string, pathname: string): boolean {
  return method === "POST" && ONE_CLICK_UNSUBSCRIBE.test(pathname);
}

/** Why this request is refused before any route, or null. The cross-site check comes first. */
export function refusalBeforeRoutes(method: string, headers: IncomingHttpHeaders, ownOrigin: string, pathname = ""): Refusal | null {
  const sameOrigin = { origin: firstHeader(headers, "origin"), secFetchSite: firstHeader(headers, "sec-fetch-site") };
  if (!isOneClickUnsubscribe(method, pathname) && isForeignRequest(method, sameOrigin, ownOrigin)) return { status: 403, message: FOREIGN_REQUEST, headers: {} };
  const unsupported = unsupportedRequest(method, firstHeader(headers, "content-type"));
  if (!unsupported) return null;
  return { ...unsupported, headers: unsupported.status === 405 ? { Allow: "GET, HEAD, POST" } : {} };
}
