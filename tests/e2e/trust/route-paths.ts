// The routes the production build actually serves, read from the client manifest the build
// writes (build/client/assets/manifest-<hash>.js). It lists every route with its parent, its path
// and whether it has a loader and an action, and reading it has no side effects (importing the
// server build would open a database).
import fs from "node:fs";
import path from "node:path";

export interface BuiltRoute {
  id: string;
  parentId: string | undefined;
  /** The full URL pattern, e.g. "/manage/people/:id". */
  pattern: string;
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
}

interface ManifestRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  hasLoader: boolean;
  hasAction: boolean;
}

export function builtRoutes(root = path.resolve(import.meta.dirname, "../../..")): BuiltRoute[] {
  const dir = path.join(root, "build/client/assets");
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((name) => /^manifest-[\w-]+\.js$/.test(name)) : undefined;
  if (!file) throw new Error("No client manifest in build/client/assets: run `npm run build` first (npm test does).");
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  const json = text.slice(text.indexOf("=") + 1).replace(/;\s*$/, "");
  const routes = (JSON.parse(json) as { routes: Record<string, ManifestRoute> }).routes;
  const pattern = (id: string): string => {
    const route = routes[id];
    if (!route) throw new Error(`The manifest names a parent route ${id} it does not list.`);
    const parent = route.parentId ? pattern(route.parentId) : "";
    return route.path ? `${parent.replace(/\/$/, "")}/${route.path}` : parent;
  };
  return Object.values(routes).map((r) => ({
    id: r.id,
    parentId: r.parentId,
    pattern: pattern(r.id) || "/",
    index: Boolean(r.index),
    hasLoader: r.hasLoader,
    hasAction: r.hasAction,
  }));
}

/** Fills ":name" segments; a pattern naming a param that is not given is an error. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)|\*$/g, (match, name: string | undefined) => {
    // A splat (the catch-all route's "*") takes the "*" param, as Remix names it.
    const key = name ?? "*";
    const value = params[key];
    if (value === undefined) throw new Error(`No value for ${match} in ${pattern}`);
    return encodeURIComponent(value);
  });
}

/** The single-fetch data URL for one route's loader only (what the browser asks for on navigation). */
export function dataUrl(pathname: string, query: string, routeId: string): string {
  const base = pathname === "/" ? "/_root.data" : `${pathname.replace(/\/$/, "")}.data`;
  const search = new URLSearchParams(query);
  search.set("_routes", routeId);
  return `${base}?${search}`;
}
