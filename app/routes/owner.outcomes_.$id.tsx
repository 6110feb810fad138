import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccessToObject } from "#app/route-helpers/auth.server.ts";
import { FormError } from "#app/components/field.tsx";
import { OutcomeFields } from "#app/components/outcome-fields.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { formFields, formReply, formValues, invariantResponse, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";
import type { SessionUser } from "#app/models/sessions.server.ts";
import { checkOutcomeFields, deleteOutcomeMonth, findOutcomeMonth, saveOutcomeMonth } from "#app/models/outcomes.server.ts";
import { listLocations } from "#app/models/team.server.ts";
import { OUTCOME_FIGURES, monthLabel } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Edit outcome figures · DeskCoach" }];

/** The month's row, if this person may see its location; otherwise 404. */
async function rowFor(user: SessionUser, param: string | undefined) {
  const id = readId(param);
  const row = id ? await findOutcomeMonth(services.db, user, id) : undefined;
  invariantResponse(row);
  return row;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMoneyAccessToObject(request, "see-costs");
  const row = await rowFor(user, params.id);
  const ctx = await fiscalContext(request);
  const values: Record<string, string> = { month: row.month, locationId: String(row.locationId) };
  for (const f of OUTCOME_FIGURES) {
    const v = row.figures[f.key];
    values[f.key] = v === null ? "" : f.key === "stars" ? v.toFixed(2) : String(v);
  }
  return { row, values, locations: await listLocations(services.db, user), latestMonth: ctx.today.slice(0, 7) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMoneyAccessToObject(request, "see-costs");
  const row = await rowFor(user, params.id);
  const ctx = await fiscalContext(request);
  const form = await readForm(request);
  // Checked as sent; only the answer's echo leaves out what is too long to put back.
  const values = formValues(form);
  if (form.get("intent") === "delete") {
    return withFieldErrors(form, {}, async () => {
      await deleteOutcomeMonth(services.db, user, row.id, ctx.now);
      throw redirect("/owner/outcomes#months-heading");
    });
  }
  if (form.get("intent") !== "save") return formReply({ errors: { form: "Unknown action." }, values }, {});
  const check = checkOutcomeFields(formFields(form), ctx.today);
  if (!check.ok) return formReply({ errors: check.errors, values }, {});
  return withFieldErrors(form, {}, async () => {
    await saveOutcomeMonth(services.db, user, check.input, ctx.now, row.id);
    throw redirect("/owner/outcomes#months-heading");
  });
}

export default function EditOutcome() {
  const { row, values, locations, latestMonth } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saving = useIsPending({ intent: "save" });
  const deleting = useIsPending({ intent: "delete" });
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/outcomes">Outcomes</Link> <span aria-hidden="true">›</span> Edit figures
      </p>
      <h1>
        <bdi>{row.locationName}</bdi>, {monthLabel(row.month)}
      </h1>
      <Form method="post" noValidate className="stack">
        <input type="hidden" name="intent" value="save" />
        <FormError error={result?.errors.form} />
        <OutcomeFields values={result?.values ?? values} errors={result?.errors ?? {}} locations={locations} latestMonth={latestMonth} />
        <button type="submit" className="button primary" disabled={saving}>
          Save changes
        </button>
      </Form>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="delete" />
        <button type="submit" className="button" disabled={deleting}>
          Delete this month&apos;s figures
        </button>
      </Form>
    </>
  );
}
