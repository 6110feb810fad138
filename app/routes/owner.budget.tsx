import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess, requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError } from "#app/components/field.tsx";
import { YearPicker } from "#app/components/year-picker.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { copyPlan, getPlan, hasPlan, headcountOn, resolvePlan, savePlan, type PlanLine } from "#app/models/budget.server.ts";
import { fiscalYear, fiscalYearLabel } from "#app/rules/fiscal.ts";
import { formatCents, parseAmount } from "#app/rules/money.ts";
import { services } from "#app/services.server.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";
import { formReply, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Budget · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const [plan, headcount, lastYear, thisYear] = await Promise.all([
    getPlan(services.db, ctx.fy.year),
    headcountOn(services.db, ctx.today),
    hasPlan(services.db, ctx.fy.year - 1),
    hasPlan(services.db, ctx.fy.year),
  ]);
  const resolved = resolvePlan(plan, headcount);
  return {
    year: ctx.fy.year,
    current: ctx.current,
    startMonth: ctx.startMonth,
    headcount,
    lines: plan.map((l, i) => ({ ...l, amount: (l.plannedCents / 100).toFixed(2), resolvedCents: resolved[i]?.cents ?? 0 })),
    totalCents: resolved.reduce((s, r) => s + r.cents, 0),
    canEdit: user.role === "owner",
    // Copying never overwrites: it is offered only while this year has no plan.
    canCopy: lastYear && !thisYear,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const owner = await requireRole(request, "owner");
  const ctx = await fiscalContext(request);
  const form = await readForm(request);
  const now = services.clock.now();
  if (form.get("intent") === "copy") {
    const copied = !(await hasPlan(services.db, ctx.fy.year)) && (await copyPlan(services.db, owner, ctx.fy.year - 1, ctx.fy.year, now));
    if (!copied) return formReply({ errors: { form: "Last year has no plan to copy, or this year already has one." }, values: {} }, {});
    throw redirect(`/owner/budget?fy=${ctx.fy.year}`);
  }
  // Empty fields mean zero, so only the plan's own form may save one: a post without it (a stray
  // or forged request) must not wipe the year's plan.
  if (form.get("intent") !== "save") {
    return formReply({ errors: { form: "Unknown action." }, values: {} }, {});
  }
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const lines: PlanLine[] = [];
  for (const c of CATEGORIES) {
    const raw = String(form.get(`amount.${c.id}`) ?? "").trim();
    values[`amount.${c.id}`] = raw;
    values[`perEmployee.${c.id}`] = form.get(`perEmployee.${c.id}`) === "on" ? "on" : "";
    const parsed = raw === "" ? ({ ok: true, cents: 0 } as const) : parseAmount(raw);
    if (!parsed.ok) errors[`amount.${c.id}`] = parsed.message;
    else lines.push({ category: c.id, plannedCents: parsed.cents, perEmployee: values[`perEmployee.${c.id}`] === "on" });
  }
  if (Object.keys(errors).length > 0) return formReply({ errors, values }, {});
  await savePlan(services.db, owner, ctx.fy.year, lines, now);
  throw redirect(`/owner/budget?fy=${ctx.fy.year}&saved=1`);
}

export default function Budget() {
  const { canCopy, canEdit, current, headcount, lines, startMonth, totalCents, year } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? {};
  const label = (y: number) => fiscalYearLabel(fiscalYear(y, startMonth));
  return (
    <>
      <h1>Training budget {label(year)}</h1>
      <YearPicker year={year} current={current} label={label} />
      <p className="muted">
        Plan each category for the whole practice, or per employee (multiplied by today's headcount of {headcount}).
      </p>
      <FormError error={errors.form} />
      <Form method="post" noValidate className="stack" action={`/owner/budget?fy=${year}`}>
        <input type="hidden" name="intent" value="save" />
        <div className="table-wrap" role="region" aria-label="Plan by category" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Planned amount</th>
                <th scope="col">Per employee?</th>
                <th scope="col">For the year</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => {
                const field = `amount.${l.category}`;
                const label = CATEGORIES.find((c) => c.id === l.category)?.label ?? l.category;
                return (
                  <tr key={l.category}>
                    <th scope="row">
                      <label htmlFor={field}>{label}</label>
                    </th>
                    <td>
                      <input
                        id={field}
                        name={field}
                        inputMode="decimal"
                        defaultValue={values[field] ?? l.amount}
                        readOnly={!canEdit}
                        aria-invalid={errors[field] ? true : undefined}
                        aria-describedby={errors[field] ? `${field}-error` : undefined}
                        className="money-input"
                      />
                      {errors[field] ? (
                        <p id={`${field}-error`} className="field-error">
                          {errors[field]}
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        name={`perEmployee.${l.category}`}
                        aria-label={`${label}: amount is per employee`}
                        defaultChecked={values[`perEmployee.${l.category}`] ? values[`perEmployee.${l.category}`] === "on" : l.perEmployee}
                        disabled={!canEdit}
                      />
                    </td>
                    <td>{formatCents(l.resolvedCents)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td />
                <td />
                <td>
                  <strong>{formatCents(totalCents)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
        {canEdit ? (
          <button type="submit" className="button primary" disabled={busy}>
            Save plan
          </button>
        ) : (
          <p className="muted">Only the owner can change the plan.</p>
        )}
      </Form>
      {canEdit && canCopy ? (
        <Form method="post" action={`/owner/budget?fy=${year}`} className="actions">
          <input type="hidden" name="intent" value="copy" />
          <button type="submit" className="button">
            Copy last year's plan into {label(year)}
          </button>
        </Form>
      ) : null}
    </>
  );
}
