import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { csvStreamResponse } from "#app/models/csv.server.ts";
import { progressCsvRows } from "#app/models/team-progress.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readMatrixFilters } from "#app/route-helpers/progress-filters.server.ts";
import { services } from "#app/services.server.ts";

// The progress matrix as CSV, with the same filters as the page (every page of it): one row per
// person and item, written as it is read.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  return csvStreamResponse(
    "deskcoach-progress.csv",
    ["Person", "Job title", "Location", "Module or lesson", "State", "Percent complete", "Due", "Completed"],
    progressCsvRows(services.db, actor, ctx.catalog, readMatrixFilters(new URL(request.url)), ctx),
  );
}
