import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { CostReports } from "#app/components/cost-reports.tsx";
import { StaticHtml } from "#app/components/static-html.tsx";
import { YearPicker } from "#app/components/year-picker.tsx";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { fiscalYear, fiscalYearLabel } from "#app/rules/fiscal.ts";
import { pageWindow, requestedPage } from "#app/rules/paging.ts";
import { createReadCache } from "#app/models/read-cache.server.ts";
import { employeeSpendReport } from "#app/models/employee-spend.server.ts";
import { budgetReport, valueReport, yearToDate } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { staticHtml, staticHtmlData } from "#app/route-helpers/static-html.server.tsx";

export const meta: MetaFunction = () => [{ title: "Cost reports · DeskCoach" }];

// The reports are worked out once per database version, day and year, and each page of them
// (the spend per employee comes 50 people a page) rendered once and kept (see
// docs/decisions/0009-static-fragments-for-big-tables.md).
const reportCache = createReadCache(8);
const pageCache = createReadCache(32);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const page = requestedPage(new URL(request.url).searchParams.get("page"));
  const key = ["cost-reports", ctx.fy.year, ctx.startMonth, ctx.today, ctx.labour].join("|");
  const reportsHtml = await pageCache.read(services.db, `${key}|${page}`, async () => {
    const { budget, employees, value } = await reportCache.read(services.db, key, async () => {
      const period = yearToDate(ctx.fy, ctx.today);
      const [budget, employees, value] = await Promise.all([
        budgetReport(services.db, ctx.fy.year, ctx.startMonth, ctx.today),
        employeeSpendReport(services.db, period, ctx.labour),
        valueReport(services.db, period, ctx.timeZone),
      ]);
      return { budget, employees, value };
    });
    return staticHtml(
      <CostReports
        year={ctx.fy.year}
        startMonth={ctx.startMonth}
        labour={ctx.labour}
        budget={budget}
        employees={employees}
        employeePage={pageWindow(employees.count, page)}
        value={value}
      />,
    );
  });
  return { year: ctx.fy.year, current: ctx.current, startMonth: ctx.startMonth, reports: staticHtmlData(context, "cost-reports", reportsHtml) };
}

export default function Reports() {
  const { year, current, startMonth, reports } = useLoaderData<typeof loader>();
  const label = (y: number) => fiscalYearLabel(fiscalYear(y, startMonth));
  return (
    <>
      <h1>Training cost {label(year)}</h1>
      <YearPicker year={year} current={current} label={label} />
      <p className="muted">
        <Link to="/owner/summary">Monthly summary (printable)</Link> · <Link to="/manage/completion">Completion report</Link>
      </p>
      <StaticHtml data={reports} />
    </>
  );
}
