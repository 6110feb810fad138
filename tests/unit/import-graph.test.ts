// The layers DESIGN.md draws, checked on the source: routes → models → db, with no cycle among
// app/ and db/ (a type import counts: that is how assignments and team once needed each other),
// models free of routes, route helpers and React, and app/rules importable by the browser.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

const FILES = [...sourceFiles("app"), ...sourceFiles("db")];
const IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

/** Every import of a file: the project's files as paths from the root, packages by name. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = (m[1] ?? m[2] ?? "").replace(/\?.*$/, "");
    if (spec.startsWith("#app/")) return `app/${spec.slice(5)}`;
    if (spec.startsWith("#db/")) return `db/${spec.slice(4)}`;
    if (spec.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    return spec;
  });
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of GRAPH.get(file) ?? []) {
      if (!GRAPH.has(next)) continue;
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of FILES) if (!state.has(file)) visit(file);
  return found;
}

const importing = (prefix: string, forbidden: (spec: string) => boolean) =>
  FILES.filter((f) => f.startsWith(prefix)).flatMap((f) => (GRAPH.get(f) ?? []).filter(forbidden).map((spec) => `${f} imports ${spec}`));

describe("the import graph", () => {
  it("reads the whole app", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(GRAPH.get("app/routes/manage.team.tsx")).toContain("app/models/team.server.ts");
  });

  it("has no cycle", () => {
    expect(cycles()).toEqual([]);
  });

  it("keeps models free of routes, route helpers, components and React", () => {
    expect(importing("app/models/", (s) => /^app\/(routes|route-helpers|components)\/|^react|^@remix-run\/react/.test(s))).toEqual([]);
  });

  it("keeps the shared rules free of anything the browser cannot load", () => {
    const allowed = (s: string) => s.startsWith("app/rules/") || s === "db/schema.ts" || s === "zod" || s === "date-fns";
    expect(importing("app/rules/", (s) => !allowed(s))).toEqual([]);
  });
});
