// One line per request (time, method, address, status, milliseconds), written in batches, and
// never a secret: see loggableUrl.

/**
 * What the log keeps of a request's address. A certificate link's token is the link's only key
 * and sits in its path (/certificates/<token>, and /certificates/<token>.data for a client
 * navigation), so that segment is replaced; query values may carry anything, so only the names
 * of parameters are kept. Route matching ignores case and decodes the path, so the check does too.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const segments = pathname.split("/");
  for (let i = 0; i < segments.length - 1; i++) {
    if (decodeSegment(segments[i] as string).toLowerCase() === "certificates" && segments[i + 1]) {
      segments[i + 1] = (segments[i + 1] as string).endsWith(".data") ? "[token].data" : "[token]";
    }
  }
  const query = q === -1 ? "" : url.slice(q + 1);
  const names = query
    .split("&")
    .filter(Boolean)
    .map((pair) => (pair.includes("=") ? `${pair.slice(0, pair.indexOf("="))}=[redacted]` : "[redacted]"));
  return `${segments.join("/")}${names.length > 0 ? `?${names.join("&")}` : ""}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Request log lines, written in batches so that logging never throttles serving. */
export function createLog(quiet: boolean) {
  let buffer: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (buffer.length === 0) return;
    process.stdout.write(`${buffer.join("\n")}\n`);
    buffer = [];
  };
  return {
    request(method: string, url: string, status: number, ms: number) {
      if (quiet) return;
      buffer.push(`${new Date().toISOString()} ${method} ${loggableUrl(url)} ${status} ${ms.toFixed(1)}ms`);
      if (buffer.length >= 512) flush();
      else timer ??= setTimeout(flush, 200);
    },
    flush,
  };
}
