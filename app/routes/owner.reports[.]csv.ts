import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { csvStreamResponse, inBatches } from "#app/models/csv.server.ts";
import { employeeSpendReport } from "#app/models/employee-spend.server.ts";
import { budgetReport, valueReport, yearToDate } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { notFound } from "#app/route-helpers/validation.ts";

const BATCH = 500;
const dollars = (cents: number | null) => (cents === null ? "" : (cents / 100).toFixed(2));

// Every table of the cost reports as CSV (?table=budget|monthly|employees|value&fy=2026).
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const table = new URL(request.url).searchParams.get("table");
  const period = yearToDate(ctx.fy, ctx.today);
  const name = (t: string) => `deskcoach-${t}-${ctx.fy.year}.csv`;
  switch (table) {
    case "budget": {
      const report = await budgetReport(services.db, ctx.fy.year, ctx.startMonth, ctx.today);
      return csvStreamResponse(name(table), ["Category", "Planned", "Actual to date", "Variance"], inBatches([
        ...report.rows.map((x) => [x.label, dollars(x.plannedCents), dollars(x.actualCents), dollars(x.varianceCents)]),
        ["Total", dollars(report.total.plannedCents), dollars(report.total.actualCents), dollars(report.total.varianceCents)],
      ]));
    }
    case "monthly": {
      const report = await budgetReport(services.db, ctx.fy.year, ctx.startMonth, ctx.today);
      return csvStreamResponse(name(table), ["Month", "Spent", "Spent so far", "Plan so far"], inBatches(report.months.map((m) => [m.month, dollars(m.actualCents), dollars(m.cumulativeCents), dollars(m.planCumulativeCents)])));
    }
    case "employees": {
      const report = await employeeSpendReport(services.db, period, ctx.labour);
      const header = ["Person", "Location", "Their own", "Share of practice-wide", "Total", "Minutes learning", ...(ctx.labour ? ["Labour (separate)"] : [])];
      const total = ["Total", "", dollars(report.totals.ownCents), dollars(report.totals.sharedCents), dollars(report.totals.totalCents), report.totals.minutes, ...(ctx.labour ? [dollars(report.totals.labourCents)] : [])];
      // The rows are made a batch at a time, as the file is sent.
      const batches = function* () {
        for (let offset = 0; offset < report.count; offset += BATCH) {
          yield report.rows(offset, BATCH).map((x) => [x.name, x.location, dollars(x.ownCents), dollars(x.sharedCents), dollars(x.totalCents), x.minutes, ...(ctx.labour ? [dollars(x.labourCents)] : [])]);
        }
        yield [total];
      };
      return csvStreamResponse(name(table), header, batches());
    }
    case "value": {
      const report = await valueReport(services.db, period, ctx.timeZone);
      return csvStreamResponse(name(table), ["Category", "Spend", "Per completed lesson", "Per learning hour"], inBatches([
        ...report.rows.map((x) => [x.label, dollars(x.spendCents), dollars(x.perCompletionCents), dollars(x.perHourCents)]),
        ["Total", dollars(report.total.spendCents), dollars(report.total.perCompletionCents), dollars(report.total.perHourCents)],
      ]));
    }
    default:
      throw notFound();
  }
}
