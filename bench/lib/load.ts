// One timed load run with autocannon: fixed connections, fixed duration, and the counts the
// report needs (responses by status, the ones we did not expect, connection errors, latency).
import autocannon, { type Client, type Request } from "autocannon";

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** The status every response must have; anything else counts as an error. */
  expectStatus: number;
  headers?: Record<string, string>;
  requests?: Request[];
  setupClient?: (client: Client) => void;
  /** Called about once a second with seconds elapsed and responses so far. */
  onTick?: (elapsed: number, responses: number) => void;
}

export interface LoadResult {
  seconds: number;
  responses: number;
  /** Responses with the expected status, per second. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors + timeouts + responses with any other status. */
  errors: number;
  statusCounts: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1") throw new Error("Load goes to 127.0.0.1 only");
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    headers: options.headers,
    requests: options.requests,
    setupClient: options.setupClient,
  });
  let responses = 0;
  let ticks = 0;
  instance.on("response", () => responses++);
  instance.on("tick", () => options.onTick?.(++ticks, responses));
  // autocannon stops itself after `duration`; this is the backstop if it ever did not.
  const backstop = setTimeout(() => instance.stop(), (options.seconds + 30) * 1000);
  const result = await instance;
  clearTimeout(backstop);

  const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
  const expected = statusCounts[String(options.expectStatus)] ?? 0;
  const total = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    seconds: result.duration,
    responses: total,
    requestsPerSecond: expected / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + (total - expected),
    statusCounts,
  };
}
