import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess, requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { BeforeAfterTables, OutcomeCharts, ValueEstimate, type ValueLine } from "#app/components/outcome-report.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { outcomeFilter } from "#app/route-helpers/outcome-filter.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { formReply, readForm } from "#app/route-helpers/validation.ts";
import { getOutcomeValues, outcomeReport, saveOutcomeValues, valueRange } from "#app/models/outcomes.server.ts";
import { budgetReport } from "#app/models/reports.server.ts";
import { fiscalYearLabel } from "#app/rules/fiscal.ts";
import { parseAmount } from "#app/rules/money.ts";
import { COMPLAINT_RATING } from "#app/rules/feedback.ts";
import { OUTCOME_FIGURES, WINDOW_CHOICES, monthLabel } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Outcomes · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const catalog = await currentCatalog();
  const filter = await outcomeFilter(new URL(request.url), user);
  const [report, values, budget] = await Promise.all([
    outcomeReport(services.db, user, { locationId: filter.locationId, window: filter.window, today: ctx.today, timeZone: ctx.timeZone, now: ctx.now, catalog }),
    getOutcomeValues(services.db),
    budgetReport(services.db, ctx.current, ctx.startMonth, ctx.today),
  ]);
  const lines: ValueLine[] = report.rollouts.flatMap((r) =>
    r.changes.flatMap((c) => {
      if (c.measure.key !== "returnRate" && c.measure.key !== "noShowRate") return [];
      const range = valueRange(c, values);
      return range ? [{ moduleTitle: r.moduleTitle, measure: c.measure.key, range }] : [];
    }),
  );
  const query = new URLSearchParams({ ...(filter.locationId && !user.scopeLocationId ? { location: String(filter.locationId) } : {}), window: String(filter.window) });
  return {
    report,
    values,
    lines,
    locations: filter.locations,
    locationId: filter.locationId,
    scoped: user.scopeLocationId !== null,
    window: filter.window,
    query: query.toString(),
    spendCents: budget.total.actualCents,
    spendLabel: `${fiscalYearLabel(budget.fiscalYear)} to date`,
    isOwner: user.role === "owner",
  };
}

/** The owner's values for the estimate. Everyone else may read them, not change them. */
export async function action({ request }: ActionFunctionArgs) {
  const owner = await requireRole(request, "owner");
  const form = await readForm(request);
  const values = { returningPatient: String(form.get("returningPatient") ?? ""), noShow: String(form.get("noShow") ?? "") };
  if (form.get("intent") !== "values") return formReply({ errors: { form: "Unknown action." }, values }, {});
  const errors: Record<string, string> = {};
  const read = (field: "returningPatient" | "noShow"): number | null => {
    if (values[field].trim() === "") return null;
    const amount = parseAmount(values[field]);
    if (!amount.ok) errors[field] = amount.message;
    return amount.ok ? amount.cents : null;
  };
  const returningPatientCents = read("returningPatient");
  const noShowCents = read("noShow");
  if (Object.keys(errors).length > 0) return formReply({ errors, values }, {});
  await saveOutcomeValues(services.db, owner, { returningPatientCents, noShowCents }, services.clock.now());
  throw redirect("/owner/outcomes?saved=values#value-heading");
}

const dollars = (cents: number | null) => (cents === null ? "" : (cents / 100).toFixed(2));

export default function Outcomes() {
  const { report, values, lines, locations, locationId, scoped, window, query, spendCents, spendLabel, isOwner } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending({ intent: "values" });
  const csv = (table: string) => `/owner/outcomes.csv?${query}&table=${table}`;
  const where = locationId === null ? "all locations" : (locations.find((l) => l.id === locationId)?.name ?? "");
  return (
    <>
      <h1>Outcomes</h1>
      <p className="caveat">
        This page shows what moved alongside training, not proof that training moved it. Seasons, staffing, a new doctor or a price change
        move these figures too. A change is called one only when its 95% interval leaves out zero; otherwise it says there is too little
        data to tell.
      </p>
      <p>
        <Link to="/owner/outcomes/entry">Enter a month&apos;s figures</Link> · <Link to="/owner/outcomes/import">Import figures (CSV or Excel)</Link>
      </p>
      <Form method="get" className="inline-fields" aria-label="What to show">
        {scoped ? null : (
          <SelectField
            label="Location"
            name="location"
            defaultValue={locationId === null ? "" : String(locationId)}
            options={[{ value: "", label: "All locations" }, ...locations.map((l) => ({ value: String(l.id), label: l.name }))]}
          />
        )}
        <SelectField
          label="Months before and after"
          name="window"
          defaultValue={String(window)}
          options={WINDOW_CHOICES.map((n) => ({ value: String(n), label: String(n) }))}
        />
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      {report.months.length === 0 ? (
        <p>
          No outcome figures for {where} yet. <Link to="/owner/outcomes/entry">Enter a month&apos;s figures</Link> or{" "}
          <Link to="/owner/outcomes/import">import them</Link>.
        </p>
      ) : (
        <>
          <section aria-labelledby="before-after-heading">
            <h2 id="before-after-heading">Before and after each roll-out ({where})</h2>
            <BeforeAfterTables report={report} />
            <p>
              <a href={csv("before-after")}>Download the before and after (CSV)</a>
            </p>
          </section>
          <section aria-labelledby="value-heading">
            <h2 id="value-heading">What a change could be worth</h2>
            <ValueEstimate lines={lines} values={values} spendCents={spendCents} spendLabel={spendLabel} />
          </section>
        </>
      )}
      {isOwner ? (
        <section className="card" aria-labelledby="values-heading">
          <h2 id="values-heading">Your values</h2>
          <Form method="post" noValidate className="inline-fields">
            <input type="hidden" name="intent" value="values" />
            <FormError error={result?.errors.form} />
            <TextField
              label="A returning patient is worth ($)"
              name="returningPatient"
              inputMode="decimal"
              defaultValue={result?.values.returningPatient ?? dollars(values.returningPatientCents)}
              error={result?.errors.returningPatient}
              hint="What a patient who comes back brings the practice, roughly."
            />
            <TextField
              label="A no-show costs ($)"
              name="noShow"
              inputMode="decimal"
              defaultValue={result?.values.noShow ?? dollars(values.noShowCents)}
              error={result?.errors.noShow}
              hint="Optional."
            />
            <button type="submit" className="button" disabled={busy}>
              Save values
            </button>
          </Form>
        </section>
      ) : null}
      {report.months.length > 0 ? (
        <>
          <section aria-labelledby="charts-heading">
            <h2 id="charts-heading">Month by month ({where})</h2>
            <p className="muted">Numbered lines mark each module&apos;s roll-out. A dash in a table: no figure for that month.</p>
            <p className="muted">
              The patient feedback kept in DeskCoach joins in by itself, by the day it was received: its average rating over every item of the
              month, and the share of its comments that mention a theme and are rated {COMPLAINT_RATING} or lower. Feedback for the whole
              practice shows under all locations only.
            </p>
            <OutcomeCharts report={report} csv={csv} />
          </section>
          <section aria-labelledby="months-heading">
            <h2 id="months-heading">Months kept</h2>
            {report.rows.length === 0 ? <p>No outcome figures entered or imported for {where} yet: the charts show the patient feedback only.</p> : null}
            <div hidden={report.rows.length === 0} className="table-wrap" role="region" aria-label="The figures of each month kept" tabIndex={0}>
              <table className="dense">
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col">Location</th>
                    {OUTCOME_FIGURES.map((f) => (
                      <th scope="col" className="num" key={f.key}>
                        {f.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((r) => (
                    <tr key={r.id}>
                      <td className="date">
                        <Link to={`/owner/outcomes/${r.id}`}>
                          {monthLabel(r.month)}
                          <span className="visually-hidden">
                            {" "}
                            <bdi>{r.locationName}</bdi>: edit
                          </span>
                        </Link>
                      </td>
                      <td>
                        <bdi>{r.locationName}</bdi>
                      </td>
                      {OUTCOME_FIGURES.map((f) => (
                        <td className="num" key={f.key}>
                          {r.figures[f.key] === null ? "—" : f.key === "stars" ? (r.figures[f.key] as number).toFixed(2) : r.figures[f.key]}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
    </>
  );
}
