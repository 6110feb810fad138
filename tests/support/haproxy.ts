// HAProxy in front of app processes, with the example configuration the README points at
// (deploy/haproxy.cfg): the tests and the benchmark run the very file an operator copies.
// HAProxy comes from Debian's package (`apt-get install haproxy`; .ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const HAPROXY_CONFIG = path.resolve(import.meta.dirname, "../../deploy/haproxy.cfg");

export interface LoadBalancer {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

function haproxyBinary(): string {
  for (const candidate of ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]) if (fs.existsSync(candidate)) return candidate;
  const onPath = spawnSync("sh", ["-c", "command -v haproxy"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  throw new Error("No HAProxy found: install it (apt-get install -y haproxy); .ci/run does");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const hostPort = (url: string) => new URL(url).host;

/**
 * Starts HAProxy on a free loopback port in front of exactly two app processes (`apps`, their
 * http://host:port URLs), and resolves once a request through it has reached each of them
 * healthy (its first health checks have passed).
 */
export async function startLoadBalancer(apps: [string, string]): Promise<LoadBalancer> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(haproxyBinary(), ["-db", "-f", HAPROXY_CONFIG], {
    env: {
      NODE_ENV: process.env.NODE_ENV,
      PATH: process.env.PATH,
      DESKCOACH_LB_BIND: `127.0.0.1:${port}`,
      DESKCOACH_APP_1: hostPort(apps[0]),
      DESKCOACH_APP_2: hostPort(apps[1]),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };
  // Round robin: answers in a row have been through both apps.
  const deadline = Date.now() + 30_000;
  let inARow = 0;
  while (inARow < 4) {
    if (child.exitCode !== null) throw new Error(`HAProxy exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`HAProxy did not pass requests to both apps in 30 s:\n${output}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    inARow = ok ? inARow + 1 : 0;
    if (!ok) await new Promise((r) => setTimeout(r, 200));
  }
  return { url, output: () => output, stop };
}
