// The cost reports' sections as plain markup: no hooks and no router, so the server renders them
// once per database version and year and sends the same bytes to every owner who asks (see
// docs/decisions/0009-static-fragments-for-big-tables.md).
import { ComboChart } from "#app/components/charts.tsx";
import { Pager } from "#app/components/pager.tsx";
import { fiscalYear, fiscalYearLabel } from "#app/rules/fiscal.ts";
import { formatCents } from "#app/rules/money.ts";
import { pageHref, type PageWindow } from "#app/rules/paging.ts";
import type { employeeSpendReport } from "#app/models/employee-spend.server.ts";
import type { budgetReport, valueReport } from "#app/models/reports.server.ts";
import { BENCHMARKS } from "#app/rules/spend-categories.ts";

export interface CostReportsProps {
  year: number;
  startMonth: number;
  labour: boolean;
  budget: Awaited<ReturnType<typeof budgetReport>>;
  employees: Awaited<ReturnType<typeof employeeSpendReport>>;
  /** The page of the spend per employee shown (its totals are over everyone). */
  employeePage: PageWindow;
  value: Awaited<ReturnType<typeof valueReport>>;
}

const money = (cents: number | null) => (cents === null ? "—" : formatCents(cents));
const WHOLE_DOLLARS = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const shortMoney = (cents: number) => `$${WHOLE_DOLLARS.format(Math.round(cents / 100))}`;
const MONTH = new Intl.DateTimeFormat("en-US", { month: "short", timeZone: "UTC" });

export function CostReports({ year, startMonth, labour, budget, employees, employeePage, value }: CostReportsProps) {
  const label = (y: number) => fiscalYearLabel(fiscalYear(y, startMonth));
  const csv = (table: string) => `/owner/reports.csv?fy=${year}&table=${table}`;
  const employeeRows = employees.rows(employeePage.offset, employeePage.limit);
  const employeeHref = (page: number) => pageHref("/owner/reports", { fy: year }, page, "#employee-heading");
  const monthNames = budget.months.map((m) => MONTH.format(new Date(`${m.month}-15T00:00:00Z`)));
  return (
    <>
      <p className="muted">
        Year to date: {budget.period.start} to {budget.period.end}.
      </p>
      <section aria-labelledby="budget-heading">
        <h2 id="budget-heading">Budget against actual</h2>
        {!budget.hasPlan ? (
          <p>
            No plan for {label(year)} yet. <a href={`/owner/budget?fy=${year}`}>Set the budget</a>.
          </p>
        ) : null}
        {budget.overshootCents > 0 ? (
          <p className="warning" role="alert">
            <span aria-hidden="true">⚠ </span>At this pace the year ends at {money(budget.projectedCents)}, {money(budget.overshootCents)} over the
            plan of {money(budget.total.plannedCents)}.
          </p>
        ) : (
          <p>
            At this pace the year ends at <strong>{money(budget.projectedCents)}</strong> against a plan of {money(budget.total.plannedCents)}.
          </p>
        )}
        <div className="table-wrap" role="region" aria-label="Budget against actual by category" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col" className="num">Planned</th>
                <th scope="col" className="num">Actual to date</th>
                <th scope="col" className="num">Left (variance)</th>
              </tr>
            </thead>
            <tbody>
              {budget.rows.map((r) => (
                <tr key={r.category}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{money(r.plannedCents)}</td>
                  <td className="num">{money(r.actualCents)}</td>
                  <td className={`num ${r.varianceCents < 0 ? "over" : ""}`}>{money(r.varianceCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num">{money(budget.total.plannedCents)}</td>
                <td className="num">{money(budget.total.actualCents)}</td>
                <td className={`num ${budget.total.varianceCents < 0 ? "over" : ""}`}>{money(budget.total.varianceCents)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <p>
          <a href={csv("budget")}>Download (CSV)</a>
        </p>
        <ComboChart
          id="monthly-spend"
          title={`Spend by month, ${label(year)}, against the plan`}
          categories={monthNames}
          format={shortMoney}
          series={[
            { label: "Spent in the month", kind: "bar", className: "series-a", values: budget.months.map((m) => m.actualCents) },
            { label: "Spent so far (cumulative)", kind: "line", className: "series-b", values: budget.months.map((m) => m.cumulativeCents) },
            { label: "Plan (cumulative, even pace)", kind: "line", className: "series-plan", values: budget.months.map((m) => m.planCumulativeCents) },
          ]}
        />
        <p>
          <a href={csv("monthly")}>Download months (CSV)</a>
        </p>
      </section>

      <section aria-labelledby="employee-heading">
        <h2 id="employee-heading">Spend per employee</h2>
        <p>
          What belongs to each person, plus an equal share of practice-wide spend ({money(employees.practiceWideCents)} among{" "}
          {employees.employees} people active in the period).
          {labour ? " Labour (time in lessons × hourly wage) is shown beside it, not added to it." : null}
        </p>
        <dl className="stats">
          <div>
            <dt>Average per employee, year to date</dt>
            <dd>{money(employees.averageCents)}</dd>
          </div>
          <div>
            <dt>Your plan per employee</dt>
            <dd>{money(budget.planPerEmployeeCents)}</dd>
          </div>
          <div>
            <dt>{BENCHMARKS.smallOfficePerEmployee.label}</dt>
            <dd>
              {money(BENCHMARKS.smallOfficePerEmployee.lowCents)}–{money(BENCHMARKS.smallOfficePerEmployee.highCents)}
            </dd>
          </div>
          <div>
            <dt>{BENCHMARKS.healthcareAdminPerEmployee.label}</dt>
            <dd>{money(BENCHMARKS.healthcareAdminPerEmployee.cents)}</dd>
          </div>
        </dl>
        {employees.unallocatedCents > 0 ? <p className="warning">{money(employees.unallocatedCents)} of practice-wide spend has no employees in the period to share it.</p> : null}
        {employees.count > 0 ? <Pager window={employeePage} href={employeeHref} label="Pages of the spend per employee" /> : null}
        <div className="table-wrap" role="region" aria-label="Spend by person" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Location</th>
                <th scope="col" className="num">Their own</th>
                <th scope="col" className="num">Share of practice-wide</th>
                <th scope="col" className="num">Total</th>
                <th scope="col" className="num">Minutes learning</th>
                {labour ? <th scope="col" className="num">Labour (separate)</th> : null}
              </tr>
            </thead>
            <tbody>
              {employeeRows.map((r) => (
                <tr key={r.userId}>
                  <th scope="row">{r.name}</th>
                  <td>{r.location ?? "—"}</td>
                  <td className="num">{money(r.ownCents)}</td>
                  <td className="num">{money(r.sharedCents)}</td>
                  <td className="num">{money(r.totalCents)}</td>
                  <td className="num">{r.minutes}</td>
                  {labour ? <td className="num">{money(r.labourCents)}</td> : null}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total, everyone</th>
                <td />
                <td className="num">{money(employees.totals.ownCents)}</td>
                <td className="num">{money(employees.totals.sharedCents)}</td>
                <td className="num">{money(employees.totals.totalCents)}</td>
                <td className="num">{employees.totals.minutes}</td>
                {labour ? <td className="num">{money(employees.totals.labourCents)}</td> : null}
              </tr>
            </tfoot>
          </table>
        </div>
        {employeePage.pageCount > 1 ? <Pager window={employeePage} href={employeeHref} label="Pages of the spend per employee, again" /> : null}
        <p>
          <a href={csv("employees")}>Download, every employee (CSV)</a>
        </p>
      </section>

      <section aria-labelledby="value-heading">
        <h2 id="value-heading">Value</h2>
        <p>
          {value.completions} lessons completed and {(value.learningSeconds / 3600).toFixed(1)} hours of learning so far this year.
        </p>
        <div className="table-wrap" role="region" aria-label="Cost per completed lesson and per learning hour" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col" className="num">Spend</th>
                <th scope="col" className="num">Per completed lesson</th>
                <th scope="col" className="num">Per learning hour</th>
              </tr>
            </thead>
            <tbody>
              {value.rows.map((r) => (
                <tr key={r.category}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{money(r.spendCents)}</td>
                  <td className="num">{money(r.perCompletionCents)}</td>
                  <td className="num">{money(r.perHourCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num">{money(value.total.spendCents)}</td>
                <td className="num">{money(value.total.perCompletionCents)}</td>
                <td className="num">{money(value.total.perHourCents)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <p>
          <a href={csv("value")}>Download (CSV)</a>
        </p>
      </section>
    </>
  );
}
