import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { csvResponse, toCsv } from "#app/models/csv.server.ts";
import { completionReport, yearToDate } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { invariantResponse } from "#app/route-helpers/validation.ts";

// The completion tables as CSV (?table=module|location|month&fy=2026), within the manager's scope.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await fiscalContext(request);
  const table = new URL(request.url).searchParams.get("table");
  const report = await completionReport(services.db, actor, await currentCatalog(), yearToDate(ctx.fy, ctx.today), ctx);
  const name = `deskcoach-completion-${table}-${ctx.fy.year}.csv`;
  if (table === "month") {
    return csvResponse(name, toCsv(["Month", "Lessons completed"], report.byMonth.map((m) => [m.month, m.completions])));
  }
  const groups = table === "module" ? report.byModule : table === "location" ? report.byLocation : null;
  invariantResponse(groups);
  const row = (g: (typeof groups)[number]) => [g.label, g.completions, g.learners, g.attempts, g.averageScore, g.firstAttemptPassRate];
  return csvResponse(
    name,
    toCsv([table === "module" ? "Module" : "Location", "Lessons completed", "Learners", "Quiz attempts", "Average score %", "Passed on first try %"], [
      ...groups.map(row),
      row(report.total),
    ]),
  );
}
