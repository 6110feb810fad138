// Cross-site request refusal for every state-changing request, applied before any route runs.
// A browser sends Origin on every POST and Sec-Fetch-Site on every request; a request must
// carry at least one of them and every one it carries must say "this app".
import type { IncomingHttpHeaders } from "node:http";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const FOREIGN_REQUEST = "Forbidden: this request did not come from DeskCoach's own pages.";

export function isForeignRequest(
  method: string,
  headers: { origin?: string | null; secFetchSite?: string | null },
  ownOrigin: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const { origin, secFetchSite } = headers;
  if (!origin && !secFetchSite) return true;
  if (origin && origin !== ownOrigin) return true;
  if (secFetchSite && secFetchSite !== "same-origin") return true;
  return false;
}

/** A header of node's incoming request; sent more than once, its first value. */
export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
