// The results of a run: the per-scenario figures, the ratios we hold it to, the targets
// and whether each holds, as a printed table and as bench/results/latest.json.

export interface ScenarioResult {
  name: string;
  description: string;
  status: "measured" | "not built yet" | "failed" | "skipped";
  note?: string;
  requestsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  errors?: number;
  responses?: number;
  seconds?: number;
  statusCounts?: Record<string, number>;
  /** Server CPU time (user + system) per answered request: robust on a busy machine. */
  serverCpuMsPerRequest?: number | null;
  /** Peak resident memory of the server under test during the scenario (sampled VmRSS). */
  serverPeakRssMB?: number | null;
  verification?: Record<string, number | string | boolean>;
  /** PostgreSQL rows only: CPU time (ms) during the measured seconds, by whom ("apps" summed over the app processes). */
  cpuMs?: Record<string, number>;
  /** PostgreSQL rows only: how many app processes answered. */
  appProcesses?: number;
}

export interface Target {
  name: string;
  measured: number | null;
  limit: number;
  /** "min": measured ≥ limit; "max": measured ≤ limit (or < for strict). */
  kind: "min" | "max";
  unit: string;
  holds: boolean | null;
  detail: string;
}

const byName = (results: ScenarioResult[], name: string) => {
  const r = results.find((x) => x.name === name);
  return r?.status === "measured" ? r : undefined;
};

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : null;

export function ratios(results: ScenarioResult[]): Record<string, number | null> {
  const rps = (name: string) => byName(results, name)?.requestsPerSecond;
  const fsync = rps("fsync");
  const trivial = rps("trivial");
  const floor = fsync !== undefined && trivial !== undefined ? Math.min(fsync, trivial) : undefined;
  return {
    "lesson/trivial": ratio(rps("lesson"), trivial),
    "trivial/remix-serve-trivial": ratio(trivial, rps("remix-serve-trivial")),
    "submit/min(fsync,trivial)": ratio(rps("submit"), floor),
    "progress/trivial": ratio(rps("progress"), trivial),
    "reports/trivial": ratio(rps("reports"), trivial),
    "lesson/raw": ratio(rps("lesson"), rps("raw")),
    "trivial/raw": ratio(trivial, rps("raw")),
  };
}

export function targets(
  results: ScenarioResult[],
  r: Record<string, number | null>,
  extra: { jsGzipKB: number | null; peakRssMB: number | null; shutdownMs: number | null },
): Target[] {
  const submit = byName(results, "submit");
  const paced = byName(results, "lesson-paced");
  const make = (name: string, measured: number | null, kind: Target["kind"], limit: number, unit: string, detail = ""): Target => ({
    name,
    measured,
    limit,
    kind,
    unit,
    holds: measured === null ? null : kind === "min" ? measured >= limit : measured <= limit,
    detail,
  });
  const lost = submit?.verification?.lost;
  return [
    make("lesson ≥ 0.85 × trivial", r["lesson/trivial"] ?? null, "min", 0.85, "×"),
    make("trivial ≥ 1.5 × remix-serve-trivial", r["trivial/remix-serve-trivial"] ?? null, "min", 1.5, "×"),
    make("submit ≥ 0.7 × min(fsync, trivial)", r["submit/min(fsync,trivial)"] ?? null, "min", 0.7, "×"),
    make("submit errors = 0", submit?.errors ?? null, "max", 0, ""),
    make("submit lost acknowledged = 0", typeof lost === "number" ? lost : null, "max", 0, ""),
    make("lesson p99 < 50 ms at 70% of its saturation rate", paced?.p99Ms ?? null, "max", 49.999, "ms", paced?.note ?? "the lesson-paced row"),
    make("server RSS < 250 MB throughout", extra.peakRssMB, "max", 249.999, "MB", "kernel high-water mark (VmHWM) of each server"),
    make("progress ≥ 0.5 × trivial", r["progress/trivial"] ?? null, "min", 0.5, "×"),
    make("reports ≥ 0.5 × trivial", r["reports/trivial"] ?? null, "min", 0.5, "×"),
    make("lesson page JavaScript ≤ 110 KB gzipped", extra.jsGzipKB, "max", 110, "KB"),
    make("shutdown ≤ 2 s after SIGTERM, under load", extra.shutdownMs, "max", 2000, "ms", "SIGTERM during a 50-connection load"),
  ];
}

const fmt = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function table(results: ScenarioResult[]): string {
  const head = ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req", "peak RSS MB", "note"];
  const rows = results.map((r) => [
    r.name,
    fmt(r.requestsPerSecond),
    fmt(r.p50Ms, 1),
    fmt(r.p99Ms, 1),
    r.errors === undefined ? "–" : String(r.errors),
    fmt(r.serverCpuMsPerRequest, 2),
    fmt(r.serverPeakRssMB, 0),
    r.status === "measured" ? (r.note ?? "") : `${r.status}${r.note ? `: ${r.note}` : ""}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function targetTable(list: Target[]): string {
  return list
    .map((t) => {
      const mark = t.holds === null ? "n/a " : t.holds ? "PASS" : "FAIL";
      const value = t.measured === null ? "not measured" : `${fmt(t.measured, t.unit === "×" ? 2 : t.unit === "MB" || t.unit === "KB" ? 1 : 0)}${t.unit === "×" ? "×" : t.unit ? ` ${t.unit}` : ""}`;
      return `${mark}  ${t.name.padEnd(42)} ${value}`;
    })
    .join("\n");
}

/** The same figures as a Markdown table, for pasting into bench/README.md. */
export function markdown(results: ScenarioResult[], list: Target[], date: string): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.errors ?? "–"} | ${fmt(r.serverCpuMsPerRequest, 2)} | ${fmt(r.serverPeakRssMB, 0)} | ${r.status === "measured" ? (r.note ?? "") : r.status} |`,
  );
  const targetRows = list.map((t) => {
    const value = t.measured === null ? "not measured" : `${fmt(t.measured, t.unit === "×" ? 2 : t.unit === "MB" || t.unit === "KB" ? 1 : 0)}${t.unit === "×" ? "×" : t.unit ? ` ${t.unit}` : ""}`;
    return `| ${t.name} | ${value} | ${t.holds === null ? "n/a" : t.holds ? "holds" : "**does not hold**"} |`;
  });
  return [
    `Run of ${date}:`,
    "",
    "| scenario | req/s | p50 ms | p99 ms | errors | server CPU ms/req | peak RSS MB | note |",
    "|---|--:|--:|--:|--:|--:|--:|---|",
    ...rows,
    "",
    "| target | measured | |",
    "|---|--:|---|",
    ...targetRows,
    "",
  ].join("\n");
}

/** One scenario measured on SQLite, on PostgreSQL with one app process, and with two behind HAProxy. */
export interface SideBySideRow {
  scenario: string;
  setups: Record<string, { requestsPerSecond: number | null; p99Ms: number | null; cpuMsPerRequest: number | null; errors: number | null; acknowledged?: number; lost?: number; status: ScenarioResult["status"] }>;
  /** requests/s with two processes ÷ with one. */
  ratio2to1: number | null;
}

export const SETUP_LABELS: Record<string, string> = { sqlite: "SQLite", postgres1: "PostgreSQL ×1", postgres2: "PostgreSQL ×2 (LB)" };

export function sideBySide(scenarios: readonly string[], bySetup: Record<string, ScenarioResult[]>): SideBySideRow[] {
  return scenarios.map((scenario) => {
    const setups: SideBySideRow["setups"] = {};
    for (const [setup, results] of Object.entries(bySetup)) {
      const r = results.find((x) => x.name === scenario);
      if (!r) continue;
      const v = r.verification;
      setups[setup] = {
        requestsPerSecond: r.requestsPerSecond ?? null,
        p99Ms: r.p99Ms ?? null,
        cpuMsPerRequest: r.serverCpuMsPerRequest ?? null,
        errors: r.errors ?? null,
        ...(typeof v?.acknowledged === "number" ? { acknowledged: v.acknowledged } : {}),
        ...(typeof v?.lost === "number" ? { lost: v.lost } : {}),
        status: r.status,
      };
    }
    const one = setups.postgres1?.requestsPerSecond ?? undefined;
    const two = setups.postgres2?.requestsPerSecond ?? undefined;
    return { scenario, setups, ratio2to1: ratio(two, one) };
  });
}

function sideBySideCells(rows: SideBySideRow[]): { head: string[]; body: string[][] } {
  const setups = Object.keys(SETUP_LABELS);
  const head = ["scenario", "setup", "req/s", "p99 ms", "app CPU ms/req", "errors", "acknowledged", "lost", "×2/×1"];
  const body = rows.flatMap((row) =>
    setups
      .filter((s) => row.setups[s])
      .map((s, i) => {
        const c = row.setups[s] as SideBySideRow["setups"][string];
        return [
          i === 0 ? row.scenario : "",
          SETUP_LABELS[s] as string,
          c.status === "measured" ? fmt(c.requestsPerSecond) : c.status,
          fmt(c.p99Ms, 1),
          fmt(c.cpuMsPerRequest, 2),
          c.errors === null ? "–" : String(c.errors),
          c.acknowledged === undefined ? "" : fmt(c.acknowledged),
          c.lost === undefined ? "" : String(c.lost),
          s === "postgres2" && row.ratio2to1 !== null ? `${fmt(row.ratio2to1, 2)}×` : "",
        ];
      }),
  );
  return { head, body };
}

/** The side-by-side table for the console. */
export function sideBySideTable(rows: SideBySideRow[]): string {
  const { head, body } = sideBySideCells(rows);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The same as Markdown, for bench/README.md. */
export function sideBySideMarkdown(rows: SideBySideRow[]): string {
  const { head, body } = sideBySideCells(rows);
  return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "--:")).join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
