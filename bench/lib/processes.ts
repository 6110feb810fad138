// The processes a bench run measures: each is started with `node` directly on a loopback port,
// its output goes to a file (a log on disk costs the server what it costs in production, and
// the harness nothing), and it is stopped by its own PID, never by name.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort, LOOPBACK, request, sleep } from "./http.ts";

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** The last lines of its output, for error messages. */
  tail(): string;
  stop(): Promise<{ exitedInMs: number; code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
// If the harness dies, its servers die with it (by PID, the ones it started).
process.on("exit", () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

export interface StartOptions {
  name: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  logDir: string;
  /** Answered with 200 once the server is ready. */
  readyPath: string;
  startTimeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const fd = fs.openSync(logFile, "w");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    ...options.env,
    HOST: LOOPBACK,
    PORT: String(port),
  };
  const child: ChildProcess = spawn(process.execPath, options.args, { cwd: options.cwd, env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const tail = () => fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
  if (child.pid === undefined) throw new Error(`${options.name} did not start`);

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited while starting:\n${tail()}`);
    }
    const ok = await request(`${url}${options.readyPath}`, { timeoutMs: 2_000 }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} was not ready within ${options.startTimeoutMs ?? 60_000} ms:\n${tail()}`);
    }
    await sleep(100);
  }

  return {
    name: options.name,
    pid: child.pid,
    url,
    logFile,
    tail,
    async stop() {
      const started = performance.now();
      if (child.exitCode !== null || child.signalCode !== null) return { exitedInMs: 0, ...(await exited) };
      child.kill("SIGTERM");
      // remix-serve takes several seconds to leave after SIGTERM; nobody waits longer than 10 s.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return { exitedInMs: performance.now() - started, ...result };
    },
  };
}

export interface MemorySampler {
  /** Peak VmRSS seen by sampling, and the kernel's own high-water mark (VmHWM), in bytes. */
  stop(): { peakRss: number; hwm: number };
}

function readStatus(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

/** A process's resident memory now and its high-water mark so far (VmHWM), in bytes, or null. */
export function memoryNow(pid: number): { rss: number; hwm: number } | null {
  return readStatus(pid);
}

/** Samples a process's memory every `intervalMs` until stopped. */
export function sampleMemory(pid: number, intervalMs = 100): MemorySampler {
  let peakRss = 0;
  let hwm = 0;
  const take = () => {
    const s = readStatus(pid);
    if (!s) return;
    peakRss = Math.max(peakRss, s.rss);
    hwm = Math.max(hwm, s.hwm);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakRss, hwm };
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
/** A process's CPU time so far, all its threads; or one thread's, given its id (the main thread's is the pid). */
export function cpuMs(pid: number, thread?: number): number {
  try {
    const stat = fs.readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

// Linux reports CPU time in clock ticks of USER_HZ, which is 100 on every architecture Node runs on.
const CLOCK_TICKS = 100;

function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function processName(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

/** The processes whose parent is `parent` (from /proc), optionally only those named `name`. */
export function childPids(parent: number, name?: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (Number(statFields(pid)?.[1]) !== parent) continue;
    if (name !== undefined && processName(pid) !== name) continue;
    out.push(pid);
  }
  return out;
}

/**
 * CPU time (ms) of a server that forks a process per connection (PostgreSQL's postmaster): its
 * own, its children's that have exited (cutime + cstime, once reaped), and its living children's.
 */
export function processTreeCpuMs(pid: number): number {
  const own = statFields(pid);
  if (!own) return 0;
  const ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  return (ticks * 1000) / CLOCK_TICKS + childPids(pid).reduce((sum, child) => sum + cpuMs(child), 0);
}

/** CPU time (ms) every CPU of the machine has spent busy (not idle, not waiting for I/O) since boot. */
export function machineBusyMs(): number {
  try {
    const [, ...fields] = (fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/);
    const ticks = fields.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
    const busy = ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
    return (busy * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
