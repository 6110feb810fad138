import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { csvStreamResponse, inBatches } from "#app/models/csv.server.ts";
import { completionReport, yearToDate, type CompletionGroup } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { notFound } from "#app/route-helpers/validation.ts";

const TABLES = ["module", "location", "month"] as const;

// The completion tables as CSV (?table=module|location|month&fy=2026), within the manager's scope.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const table = TABLES.find((t) => t === new URL(request.url).searchParams.get("table"));
  if (!table) throw notFound();
  const ctx = await fiscalContext(request);
  const report = await completionReport(services.db, actor, await currentCatalog(), yearToDate(ctx.fy, ctx.today), ctx);
  const name = `deskcoach-completion-${table}-${ctx.fy.year}.csv`;
  if (table === "month") {
    return csvStreamResponse(name, ["Month", "Lessons completed"], inBatches(report.byMonth.map((m) => [m.month, m.completions])));
  }
  const groups = table === "module" ? report.byModule : report.byLocation;
  const row = (g: CompletionGroup) => [g.label, g.completions, g.learners, g.attempts, g.averageScore, g.firstAttemptPassRate];
  return csvStreamResponse(
    name,
    [table === "module" ? "Module" : "Location", "Lessons completed", "Learners", "Quiz attempts", "Average score %", "Passed on first try %"],
    inBatches([...groups.map(row), row(report.total)]),
  );
}
