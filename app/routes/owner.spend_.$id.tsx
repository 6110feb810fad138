import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccessToObject } from "#app/route-helpers/auth.server.ts";
import { ExpenseFields } from "#app/components/expense-fields.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { expenseFormValues, readExpenseForm } from "#app/route-helpers/expense-form.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { formatCents } from "#app/rules/money.ts";
import { deleteExpense, findExpense, updateExpense } from "#app/models/spend.server.ts";
import { peopleToPick } from "#app/models/team.server.ts";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { PersonFinderForm } from "#app/components/person-finder.tsx";
import { services } from "#app/services.server.ts";
import { formReply, invariantResponse, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Edit expense · DeskCoach" }];

async function expenseFor(param: string | undefined) {
  const id = readId(param);
  const expense = id ? await findExpense(services.db, id) : undefined;
  invariantResponse(expense);
  return expense;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMoneyAccessToObject(request, "record-spend");
  const expense = await expenseFor(params.id);
  const ctx = await fiscalContext(request);
  const url = new URL(request.url);
  const finder = finderRequest(url);
  const pick = await peopleToPick(services.db, user, { search: finder.search, keep: [...expense.shares.map((s) => s.userId), ...finder.keep] });
  const equal = expense.shares.length > 0 && Math.max(...expense.shares.map((s) => s.cents)) - Math.min(...expense.shares.map((s) => s.cents)) <= 1;
  return {
    expense,
    today: ctx.today,
    pick,
    values: finder.values ?? ({
      spentOn: expense.spentOn,
      category: expense.category,
      vendor: expense.vendor,
      description: expense.description,
      amount: (expense.amountCents / 100).toFixed(2),
      belongsTo: expense.shares.length === 0 ? "practice" : equal ? "equal" : "explicit",
      people: expense.shares.map((s) => s.userId).join(","),
      ...Object.fromEntries(equal ? [] : expense.shares.map((s) => [`share.${s.userId}`, (s.cents / 100).toFixed(2)])),
    } as Record<string, string>),
    confirmDelete: url.searchParams.get("confirm") === "delete",
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMoneyAccessToObject(request, "record-spend");
  const expense = await expenseFor(params.id);
  const ctx = await fiscalContext(request);
  const form = await readForm(request);
  return withFieldErrors(
    form,
    {},
    async () => {
      if (form.get("intent") === "delete") {
        await deleteExpense(services.db, user, expense.id, ctx.now);
        throw redirect("/owner/spend");
      }
      const read = readExpenseForm(form, ctx.today);
      if (!read.ok) return formReply(read, {});
      await updateExpense(services.db, user, expense.id, read.input, ctx.now);
      throw redirect("/owner/spend");
    },
    expenseFormValues(form),
  );
}

export default function EditExpense() {
  const { confirmDelete, expense, pick, today, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/spend">Spend</Link> <span aria-hidden="true">›</span> <bdi>{expense.vendor}</bdi>
      </p>
      <h1>
        Edit expense: <bdi>{expense.vendor}</bdi>, {formatCents(expense.amountCents)}
      </h1>
      {confirmDelete ? (
        <section className="card confirm" role="alertdialog" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete this expense?</h2>
          <p>
            {expense.spentOn}, <bdi>{expense.vendor}</bdi>, {formatCents(expense.amountCents)}. The deletion is kept in the audit log.
          </p>
          <Form method="post" className="actions" replace>
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="button primary">
              Delete
            </button>
            <Link to="." className="button" replace>
              Keep it
            </Link>
          </Form>
        </section>
      ) : null}
      <Form method="post" noValidate className="stack" id="expense-form">
        <input type="hidden" name="intent" value="update" />
        <FormError error={result?.errors.form} />
        <ExpenseFields values={result?.values ?? values} errors={result?.errors ?? {}} pick={pick} today={today} />
        <p className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            Save changes
          </button>
          <Link to="?confirm=delete" className="button">
            Delete…
          </Link>
        </p>
      </Form>
      <PersonFinderForm pick={pick} serves="expense-form" />
    </>
  );
}
