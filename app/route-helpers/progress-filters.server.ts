// Reads the progress matrix's filters from a URL, shared by the page and its CSV export. A value
// that will not do is read as the nearest sensible one (no filter, page 1, the last page), never
// an error.
import { z } from "zod";
import type { MatrixFilters } from "#app/models/team-progress.server.ts";
import { ITEM_STATES } from "#app/rules/item-states.ts";
import { requestedPage, searchText } from "#app/rules/paging.ts";

const schema = z.object({
  locationId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  jobTitle: z.string().trim().min(1).max(80).optional().catch(undefined),
  state: z.enum(ITEM_STATES).optional().catch(undefined),
  sort: z.enum(["behind", "name"]).optional().catch(undefined),
});

export function readMatrixFilters(url: URL): MatrixFilters {
  const raw = Object.fromEntries([...url.searchParams.entries()].filter(([, v]) => v !== ""));
  const parsed = schema.parse(raw);
  return {
    locationId: parsed.locationId ?? null,
    jobTitle: parsed.jobTitle ?? null,
    state: parsed.state ?? null,
    sort: parsed.sort ?? "behind",
    q: searchText(url.searchParams.get("q")),
  };
}

/** The page asked for (`?page=N`); the model turns one past the end into the last page. */
export function readPage(url: URL): number {
  return requestedPage(url.searchParams.get("page"));
}
