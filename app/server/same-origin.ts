// Cross-site request refusal for every state-changing request, applied before any route runs.
// A browser sends Origin on every POST and Sec-Fetch-Site on every request; a request must
// carry at least one of them and every one it carries must say "this app".

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

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
