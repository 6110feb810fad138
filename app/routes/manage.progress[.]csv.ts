import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { csvResponse, toCsv } from "#app/models/csv.server.ts";
import { STATE_LABELS } from "#app/rules/item-states.ts";
import { progressMatrix } from "#app/models/team-progress.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readMatrixFilters } from "#app/route-helpers/progress-filters.server.ts";
import { services } from "#app/services.server.ts";

// The progress matrix as CSV, with the same filters as the page: one row per person and item.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const matrix = await progressMatrix(services.db, actor, ctx.catalog, readMatrixFilters(new URL(request.url)), ctx);
  const rows = matrix.rows.flatMap((r) =>
    matrix.columns.flatMap((c) => {
      const cell = r.cells[c.key];
      return cell
        ? [[r.person.name, r.person.jobTitle, r.person.locationName, c.title, STATE_LABELS[cell.state], cell.percent, cell.dueOn, cell.completedOn]]
        : [];
    }),
  );
  return csvResponse(
    "deskcoach-progress.csv",
    toCsv(["Person", "Job title", "Location", "Module or lesson", "State", "Percent complete", "Due", "Completed"], rows),
  );
}
