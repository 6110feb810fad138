import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { FormError } from "#app/components/field.tsx";
import { OutcomeFields } from "#app/components/outcome-fields.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { formFields, formReply, formValues, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";
import { checkOutcomeFields, saveOutcomeMonth } from "#app/models/outcomes.server.ts";
import { listLocations } from "#app/models/team.server.ts";
import { addMonthsToMonth, monthLabel } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Enter outcome figures · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const url = new URL(request.url);
  const locations = await listLocations(services.db, user);
  // After a save: that month's location again and the month after it, for the next one.
  const saved = /^\d{4}-(0[1-9]|1[0-2])$/.test(url.searchParams.get("saved") ?? "") ? (url.searchParams.get("saved") as string) : null;
  const location = readId(url.searchParams.get("location"));
  const savedAt = locations.find((l) => l.id === location) ?? null;
  const next = saved ? addMonthsToMonth(saved, 1) : null;
  return {
    locations,
    latestMonth: ctx.today.slice(0, 7),
    saved: saved && savedAt ? { month: saved, location: savedAt.name } : null,
    start: { month: next && next <= ctx.today.slice(0, 7) ? next : "", locationId: savedAt ? String(savedAt.id) : "" },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const form = await readForm(request);
  // Checked as sent; only the answer's echo leaves out what is too long to put back.
  const values = formValues(form);
  const check = checkOutcomeFields(formFields(form), ctx.today);
  if (!check.ok) return formReply({ errors: check.errors, values }, {});
  return withFieldErrors(form, {}, async () => {
    await saveOutcomeMonth(services.db, user, check.input, ctx.now);
    throw redirect(`/owner/outcomes/entry?saved=${check.input.month}&location=${check.input.locationId}`);
  });
}

export default function OutcomeEntry() {
  const { locations, latestMonth, saved, start } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/outcomes">Outcomes</Link> <span aria-hidden="true">›</span> Enter figures
      </p>
      <h1>Enter a month&apos;s figures</h1>
      {saved ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Saved the figures for <bdi>{saved.location}</bdi>, {monthLabel(saved.month)}. The next month is ready below.
        </p>
      ) : null}
      <p>
        Type only the figures the practice has, from its scheduling system or review sites; a blank stays blank, never zero. Many months at
        once? <Link to="/owner/outcomes/import">Import a CSV file</Link>.
      </p>
      {locations.length === 0 ? (
        <p>
          Figures are kept per location, and there is none yet. <Link to="/manage/team">Add a location</Link> first.
        </p>
      ) : (
        <Form method="post" noValidate className="stack" key={saved ? `${saved.month}-${saved.location}` : "form"}>
          <FormError error={result?.errors.form} />
          <OutcomeFields values={result?.values ?? start} errors={result?.errors ?? {}} locations={locations} latestMonth={latestMonth} />
          <button type="submit" className="button primary" disabled={busy}>
            Save figures
          </button>
        </Form>
      )}
    </>
  );
}
