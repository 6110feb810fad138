import { Fragment } from "react";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { ExpenseFields } from "#app/components/expense-fields.tsx";
import { FormError } from "#app/components/field.tsx";
import { YearPicker } from "#app/components/year-picker.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { expenseFormValues, readExpenseForm } from "#app/route-helpers/expense-form.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { fiscalYear, fiscalYearLabel } from "#app/rules/fiscal.ts";
import { formatCents } from "#app/rules/money.ts";
import { createExpense, listExpenses } from "#app/models/spend.server.ts";
import { peopleToPick } from "#app/models/team.server.ts";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { PersonFinderForm } from "#app/components/person-finder.tsx";
import { services } from "#app/services.server.ts";
import { CATEGORY_LABEL } from "#app/rules/spend-categories.ts";
import { formReply, readForm, withFieldErrors } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Spend · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "record-spend");
  const ctx = await fiscalContext(request);
  const finder = finderRequest(new URL(request.url));
  const [expenses, pick] = await Promise.all([
    listExpenses(services.db, { from: ctx.fy.start, to: ctx.fy.end }),
    peopleToPick(services.db, user, { search: finder.search, keep: finder.keep, spendBetween: { from: ctx.fy.start, to: ctx.fy.end } }),
  ]);
  return {
    year: ctx.fy.year,
    current: ctx.current,
    startMonth: ctx.startMonth,
    today: ctx.today,
    expenses,
    totalCents: expenses.reduce((s, e) => s + e.amountCents, 0),
    pick,
    finding: finder.values,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "record-spend");
  const ctx = await fiscalContext(request);
  const form = await readForm(request);
  const read = readExpenseForm(form, ctx.today);
  if (!read.ok) return formReply(read, { savedId: null });
  return withFieldErrors(
    form,
    { savedId: null },
    async () => ({ errors: {} as Record<string, string>, values: {} as Record<string, string>, savedId: await createExpense(services.db, user, read.input, ctx.now) }),
    expenseFormValues(form),
  );
}

export default function Spend() {
  const { current, expenses, finding, pick, startMonth, today, totalCents, year } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const label = (y: number) => fiscalYearLabel(fiscalYear(y, startMonth));
  return (
    <>
      <h1>Training spend {label(year)}</h1>
      <YearPicker year={year} current={current} label={label} />
      <p>
        <Link to="/owner/spend/import">Import from a card or bank export (CSV)</Link>
      </p>
      {result?.savedId ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Expense recorded.
        </p>
      ) : null}
      {expenses.length === 0 ? (
        <p>No spend recorded for {label(year)} yet.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Expenses" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Category</th>
                <th scope="col">Vendor</th>
                <th scope="col">Description</th>
                <th scope="col">Belongs to</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {expenses.map((e) => (
                <tr key={e.id}>
                  <td className="date">
                    <Link to={`/owner/spend/${e.id}`}>
                      {e.spentOn}
                      <span className="visually-hidden">
                        {" "}
                        <bdi>{e.vendor}</bdi>: edit
                      </span>
                    </Link>
                  </td>
                  <td>{CATEGORY_LABEL[e.category]}</td>
                  <td>{e.vendor}</td>
                  <td>{e.description}</td>
                  <td>
                    {e.shares.length === 0
                      ? "Practice"
                      : e.shares.map((s, i) => (
                          <Fragment key={s.userId}>
                            {i > 0 ? ", " : null}
                            <bdi>{s.name}</bdi> ({formatCents(s.cents)})
                          </Fragment>
                        ))}
                  </td>
                  <td className="num">{formatCents(e.amountCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  Total
                </th>
                <td className="num">
                  <strong>{formatCents(totalCents)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <section className="card" aria-labelledby="record-heading">
        <h2 id="record-heading">Record an expense</h2>
        <Form method="post" noValidate className="stack" id="expense-form" key={result?.savedId ?? "form"}>
          <FormError error={result?.errors.form} />
          <ExpenseFields values={result?.savedId ? {} : (result?.values ?? finding ?? {})} errors={result?.errors ?? {}} pick={pick} today={today} />
          <button type="submit" className="button primary" disabled={busy}>
            Record expense
          </button>
        </Form>
        <PersonFinderForm pick={pick} serves="expense-form" />
      </section>
    </>
  );
}
