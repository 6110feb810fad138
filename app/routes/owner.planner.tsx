import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { TextField } from "#app/components/field.tsx";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { fiscalYearLabel } from "#app/rules/fiscal.ts";
import { formatCents } from "#app/rules/money.ts";
import { projectFormats } from "#app/models/planner.ts";
import { budgetReport } from "#app/models/reports.server.ts";
import { services } from "#app/services.server.ts";
import { FORMAT_RANGES } from "#app/rules/spend-categories.ts";

export const meta: MetaFunction = () => [{ title: "Format planner · DeskCoach" }];

// A GET form: trying out a mix changes nothing, so it needs no action.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const budget = await budgetReport(services.db, ctx.fy.year, ctx.startMonth, ctx.today);
  const params = new URL(request.url).searchParams;
  const errors: Record<string, string> = {};
  const read = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 10_000) {
      errors[name] = "Enter a whole number from 0 to 10,000.";
      return fallback;
    }
    return n;
  };
  const headcount = read("headcount", budget.headcount);
  const quantities = Object.fromEntries(FORMAT_RANGES.map((f) => [f.id, read(f.id, 0)]));
  return {
    fyLabel: fiscalYearLabel(ctx.fy),
    headcount,
    values: Object.fromEntries([...params.entries()]),
    errors,
    projection: projectFormats(quantities),
    leftCents: budget.total.plannedCents - budget.total.actualCents,
    planned: budget.total.plannedCents,
  };
}

export default function Planner() {
  const { errors, fyLabel, headcount, leftCents, planned, projection, values } = useLoaderData<typeof loader>();
  const range = (low: number, high: number | null) => (high === null ? `from ${formatCents(low)}` : low === high ? formatCents(low) : `${formatCents(low)}–${formatCents(high)}`);
  const fits = projection.highCents !== null && projection.highCents <= leftCents;
  const mayNotFit = projection.lowCents > leftCents;
  return (
    <>
      <h1>Format planner</h1>
      <p className="muted">
        Projected cost from published price ranges per format, against what is left of the {fyLabel} budget (
        {formatCents(leftCents)} of {formatCents(planned)}).
      </p>
      <Form method="get" className="stack card" noValidate>
        <TextField label="Headcount" name="headcount" type="number" min={0} defaultValue={String(headcount)} error={errors.headcount} />
        {FORMAT_RANGES.map((f) => (
          <TextField
            key={f.id}
            label={f.perEmployee ? `${f.label}: people enrolled` : `${f.label}: how many`}
            name={f.id}
            type="number"
            min={0}
            defaultValue={values[f.id] ?? "0"}
            error={errors[f.id]}
            hint={`${f.highCents === null ? `from ${formatCents(f.lowCents)}` : `${formatCents(f.lowCents)}–${formatCents(f.highCents)}`}${f.perEmployee ? " per employee" : " each"}`}
          />
        ))}
        <button type="submit" className="button primary">
          Project the cost
        </button>
      </Form>
      <div className="table-wrap" role="region" aria-label="Projected cost by format" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Format</th>
              <th scope="col" className="num">Quantity</th>
              <th scope="col" className="num">Projected cost</th>
            </tr>
          </thead>
          <tbody>
            {projection.rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.label}</th>
                <td className="num">{r.quantity}</td>
                <td className="num">{range(r.lowCents, r.highCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td />
              <td className="num">
                <strong>{range(projection.lowCents, projection.highCents)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p className={mayNotFit ? "warning" : "notice"} role="status">
        {mayNotFit
          ? `Even the low end (${formatCents(projection.lowCents)}) is more than the ${formatCents(leftCents)} left in the budget.`
          : fits
            ? `The whole range fits in the ${formatCents(leftCents)} left in the budget.`
            : `The low end fits in the ${formatCents(leftCents)} left; the high end may not.`}
      </p>
    </>
  );
}
