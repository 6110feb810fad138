import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Fragment } from "react";
import { Form, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { formatCents } from "#app/rules/money.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { summaryOutcomes } from "#app/models/outcomes.server.ts";
import { practiceMonthlySummary } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";

export const meta: MetaFunction = () => [{ title: "Monthly summary · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const asked = new URL(request.url).searchParams.get("month") ?? "";
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) && asked <= ctx.today.slice(0, 7) ? asked : ctx.today.slice(0, 7);
  const practice = await getPractice(services.db);
  const catalog = await currentCatalog();
  const summary = await practiceMonthlySummary(services.db, user, catalog, month, ctx.now);
  const outcomes = await summaryOutcomes(services.db, user, month, { ...ctx, catalog });
  return { practiceName: practice?.name ?? "", summary, latest: ctx.today.slice(0, 7), outcomes };
}

export default function MonthlySummaryPage() {
  const { practiceName, summary: s, latest, outcomes } = useLoaderData<typeof loader>();
  const monthName = new Date(`${s.month}-15T00:00:00Z`).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  const done = s.completion.onTime + s.completion.late;
  return (
    <article className="summary">
      <Form method="get" className="inline-fields no-print">
        <div className="field">
          <label htmlFor="month">Month</label>
          <input id="month" name="month" type="month" max={latest} defaultValue={s.month} />
        </div>
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      <h1>
        {practiceName}: training, {monthName}
      </h1>
      <p className="muted">
        {s.period.start} to {s.period.end}. Print this page for a one-sheet summary.
      </p>
      <div className="summary-grid">
        <section aria-labelledby="s-money">
          <h2 id="s-money">Money</h2>
          <dl className="summary-list">
            <dt>Spent this month</dt>
            <dd>
              {formatCents(s.spendCents)} <span className="muted">(plan: about {formatCents(s.monthPlanCents)} a month)</span>
            </dd>
            <dt>Year to date</dt>
            <dd>
              {formatCents(s.budget.total.actualCents)} of {formatCents(s.budget.total.plannedCents)} planned
            </dd>
            <dt>Projected for the year</dt>
            <dd>
              {formatCents(s.budget.projectedCents)}
              {s.budget.overshootCents > 0 ? <strong className="over"> · {formatCents(s.budget.overshootCents)} over plan</strong> : " · within plan"}
            </dd>
          </dl>
          {s.spend.length > 0 ? (
            <table>
              <caption>Spend this month by category</caption>
              <tbody>
                {s.spend.map((x) => (
                  <tr key={x.category}>
                    <th scope="row">{x.label}</th>
                    <td className="num">{formatCents(x.cents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No spend recorded this month.</p>
          )}
        </section>
        <section aria-labelledby="s-learning">
          <h2 id="s-learning">Learning</h2>
          <dl className="summary-list">
            <dt>Lessons completed</dt>
            <dd>
              {s.completion.total.completions} by {s.completion.total.learners} people
            </dd>
            <dt>Time learning</dt>
            <dd>{(s.learningSeconds / 3600).toFixed(1)} hours</dd>
            <dt>Average quiz score</dt>
            <dd>{s.completion.total.averageScore === null ? "—" : `${s.completion.total.averageScore}%`}</dd>
            <dt>Passed on first try</dt>
            <dd>{s.completion.total.firstAttemptPassRate === null ? "—" : `${s.completion.total.firstAttemptPassRate}%`}</dd>
            <dt>Assigned work done on time</dt>
            <dd>{done === 0 ? "—" : `${s.completion.onTime} of ${done}`}</dd>
            <dt>Overdue now</dt>
            <dd>{s.overdueNow}</dd>
          </dl>
          {s.behind.length > 0 ? (
            <>
              <h3>Furthest behind</h3>
              <ul>
                {s.behind.map((b) => (
                  <li key={b.name}>
                    <bdi>{b.name}</bdi>: {b.overdue} overdue
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section aria-labelledby="s-outcomes">
          <h2 id="s-outcomes">Outcomes</h2>
          {outcomes.figures.length === 0 ? (
            <p>No outcome figures for this month.</p>
          ) : (
            <dl className="summary-list">
              {outcomes.figures.map((f) => (
                <Fragment key={f.label}>
                  <dt>{f.label}</dt>
                  <dd>{f.value}</dd>
                </Fragment>
              ))}
            </dl>
          )}
          {outcomes.rollout ? (
            <>
              <h3>
                Since <bdi>{outcomes.rollout.title}</bdi> ({outcomes.rollout.on})
              </h3>
              <ul>
                {outcomes.rollout.changes.map((c) => (
                  <li key={c.label}>
                    {c.label}: {c.text}
                  </li>
                ))}
              </ul>
              <p className="muted">What moved alongside training, not proof that training moved it.</p>
            </>
          ) : null}
        </section>
      </div>
    </article>
  );
}
