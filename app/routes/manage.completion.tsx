import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { ComboChart } from "#app/components/charts.tsx";
import { YearPicker } from "#app/components/year-picker.tsx";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { fiscalYear, fiscalYearLabel } from "#app/rules/fiscal.ts";
import { completionReport, yearToDate, type CompletionGroup } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";

export const meta: MetaFunction = () => [{ title: "Completion · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await fiscalContext(request);
  const report = await completionReport(services.db, actor, await currentCatalog(), yearToDate(ctx.fy, ctx.today), ctx);
  return { year: ctx.fy.year, current: ctx.current, startMonth: ctx.startMonth, report, scoped: actor.scopeLocationId !== null };
}

const pct = (n: number | null) => (n === null ? "—" : `${n}%`);

function GroupTable({ title, first, groups, total, csv }: { title: string; first: string; groups: CompletionGroup[]; total: CompletionGroup; csv: string }) {
  return (
    <>
      <div className="table-wrap" role="region" aria-label={title} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{first}</th>
              <th scope="col" className="num">Lessons completed</th>
              <th scope="col" className="num">Learners</th>
              <th scope="col" className="num">Quiz attempts</th>
              <th scope="col" className="num">Average score</th>
              <th scope="col" className="num">Passed on first try</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">{g.label}</th>
                <td className="num">{g.completions}</td>
                <td className="num">{g.learners}</td>
                <td className="num">{g.attempts}</td>
                <td className="num">{pct(g.averageScore)}</td>
                <td className="num">{pct(g.firstAttemptPassRate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All</th>
              <td className="num">{total.completions}</td>
              <td className="num">{total.learners}</td>
              <td className="num">{total.attempts}</td>
              <td className="num">{pct(total.averageScore)}</td>
              <td className="num">{pct(total.firstAttemptPassRate)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p>
        <Link to={csv} reloadDocument>
          Download (CSV)
        </Link>
      </p>
    </>
  );
}

export default function Completion() {
  const { year, current, startMonth, report, scoped } = useLoaderData<typeof loader>();
  const label = (y: number) => fiscalYearLabel(fiscalYear(y, startMonth));
  const csv = (table: string) => `/manage/completion.csv?fy=${year}&table=${table}`;
  const done = report.onTime + report.late;
  return (
    <>
      <h1>Completion {label(year)}</h1>
      <YearPicker year={year} current={current} label={label} />
      <p className="muted">
        {report.period.start} to {report.period.end}
        {scoped ? ", your location only" : ""}.
      </p>
      <dl className="stats">
        <div>
          <dt>Lessons completed</dt>
          <dd>{report.total.completions}</dd>
        </div>
        <div>
          <dt>Assigned work done on time</dt>
          <dd>{done === 0 ? "—" : `${Math.round((100 * report.onTime) / done)}%`}</dd>
        </div>
        <div>
          <dt>On time / late</dt>
          <dd>
            {report.onTime} / {report.late}
          </dd>
        </div>
        <div>
          <dt>Passed on first try</dt>
          <dd>{pct(report.total.firstAttemptPassRate)}</dd>
        </div>
      </dl>
      <ComboChart
        id="completion-months"
        title={`Lessons completed by month, ${label(year)}`}
        categories={report.byMonth.map((m) => new Date(`${m.month}-15T00:00:00Z`).toLocaleString("en-US", { month: "short", timeZone: "UTC" }))}
        format={(n) => String(Math.round(n))}
        series={[{ label: "Lessons completed", kind: "bar", className: "series-a", values: report.byMonth.map((m) => m.completions) }]}
      />
      <p>
        <Link to={csv("month")} reloadDocument>
          Download months (CSV)
        </Link>
      </p>
      <h2>By module</h2>
      <GroupTable title="Completion by module" first="Module" groups={report.byModule} total={report.total} csv={csv("module")} />
      <h2>By location</h2>
      <GroupTable title="Completion by location" first="Location" groups={report.byLocation} total={report.total} csv={csv("location")} />
    </>
  );
}
