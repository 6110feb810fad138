// A full or failing disk, or a database server out of reach, is answered as "try again shortly"
// (503), never as a crash of ours (500). Every loader and action of the build is wrapped here, in
// one place: a storage error it throws becomes a thrown 503 response, which Remix renders with
// the root error boundary (or returns as is from a resource route). The database has already
// rolled the failed transaction back (SQLite itself; PostgreSQL when the connection ended).
import type { ServerBuild } from "@remix-run/node";
import { storageFailureOf, type StorageFailure } from "#db/storage-errors.ts";
import { STORAGE_NOTICES, STORAGE_RETRY_AFTER_SECONDS } from "#app/rules/storage-full.ts";

/** The headers every storage-failure answer carries, whoever writes it. */
export const STORAGE_FAILURE_HEADERS = { "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS) } as const;

function storageFailureResponse(kind: StorageFailure): Response {
  return new Response(STORAGE_NOTICES[kind].message, {
    status: 503,
    statusText: "Service Unavailable",
    headers: { "Content-Type": "text/plain; charset=utf-8", ...STORAGE_FAILURE_HEADERS },
  });
}

type DataFunction = (args: never) => unknown;

function guard<F extends DataFunction>(routeId: string, fn: F): F {
  const guarded = async (args: never) => {
    try {
      return await fn(args);
    } catch (error) {
      const kind = storageFailureOf(error);
      if (!kind) throw error;
      // The log keeps the detail the person is spared.
      console.error(`Storage failure (${kind}) in ${routeId}:`, error);
      throw storageFailureResponse(kind);
    }
  };
  return guarded as unknown as F;
}

export function answerStorageFailures(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    if (!route) continue;
    const module = { ...route.module };
    if (module.loader) module.loader = guard(id, module.loader);
    if (module.action) module.action = guard(id, module.action);
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}
