import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { OutsideKind } from "#db/schema.ts";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { dateString, plainText } from "#app/rules/fields.ts";
import { localDate } from "#app/models/clock.server.ts";
import { formatCents, parseAmount } from "#app/rules/money.ts";
import { FieldError } from "#app/models/field-error.ts";
import { deleteOutsideLearning, listOutsideLearning, logOutsideLearning } from "#app/models/outside-learning.server.ts";
import { peopleToPick } from "#app/models/team.server.ts";
import { OUTSIDE_KINDS } from "#app/rules/outside-kinds.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { formReply, formValues, parseForm, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";
import { TypedList } from "#app/components/typed-list.tsx";
import { PersonFinder, PersonFinderForm } from "#app/components/person-finder.tsx";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { useIsPending } from "#app/components/use-is-pending.ts";

export const meta: MetaFunction = () => [{ title: "Outside learning · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const manager = user.role !== "staff";
  const url = new URL(request.url);
  const finder = finderRequest(url);
  const [entries, pick] = await Promise.all([
    listOutsideLearning(services.db, user),
    manager ? peopleToPick(services.db, user, { search: finder.search, keep: finder.keep }) : Promise.resolve(null),
  ]);
  const confirm = Number(url.searchParams.get("confirm"));
  return {
    me: user.id,
    today: localDate(ctx.now, ctx.timeZone),
    entries,
    pick,
    finding: finder.values,
    confirmDelete: entries.some((e) => e.id === confirm) ? confirm : null,
  };
}

/** Time is typed in hours ("1.5") and kept in whole minutes. */
const minutesFromHours = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, "Enter hours like 1.5")
  .transform((v) => Math.round(Number(v) * 60))
  .refine((m) => m >= 1 && m <= 10_000, "Enter between 0.02 and 166 hours.");

const schema = z
  .object({
    title: plainText("The title", 160).pipe(z.string().min(1, "Enter the title.")),
    provider: plainText("The provider", 120).pipe(z.string().min(1, "Enter who ran it.")),
    kind: z.enum(OUTSIDE_KINDS.map((k) => k.id) as [OutsideKind, ...OutsideKind[]], { errorMap: () => ({ message: "Choose what kind of learning it was." }) }),
    heldOn: dateString,
    // The field is named for what people type; the entry gets minutes.
    hours: minutesFromHours,
    // Optional, so read with parseAmount below.
    cost: z.string().optional(),
  })
  .transform(({ hours, cost: _cost, ...entry }) => ({ ...entry, minutes: hours }));

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const form = await readForm(request);
  return withFieldErrors(form, { loggedId: null }, async () => {
    if (form.get("intent") === "delete") {
      const id = readId(form.get("entryId"));
      if (!id) throw new FieldError("entry", "No such entry.", 404);
      await deleteOutsideLearning(services.db, user, id, ctx.now);
      throw redirect("/outside-learning");
    }
    const parsed = parseForm(form, schema);
    const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors };
    const rawCost = String(form.get("cost") ?? "").trim();
    const cost = rawCost === "" ? ({ ok: true, cents: 0 } as const) : parseAmount(rawCost);
    if (!cost.ok) errors.cost = cost.message;
    if (parsed.ok && parsed.data.heldOn > localDate(ctx.now, ctx.timeZone)) errors.heldOn = "Log it after it has happened.";
    if (!parsed.ok || !cost.ok || Object.keys(errors).length > 0) {
      return formReply({ errors, values: formValues(form) }, { loggedId: null });
    }
    const attendeeIds = user.role === "staff" ? [user.id] : form.getAll("attendees").map(Number);
    const loggedId = await logOutsideLearning(
      services.db,
      user,
      { ...parsed.data, costCents: cost.cents, attendeeIds },
      ctx.now,
    );
    return { errors: {} as Record<string, string>, values: {} as Record<string, string>, loggedId };
  });
}

export default function OutsideLearning() {
  const { confirmDelete, entries, finding, pick, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? finding ?? {};
  const ticked = new Set((values.attendees ?? "").split(","));
  const totalMinutes = entries.reduce((s, e) => s + e.minutes, 0);
  return (
    <>
      <h1>Outside learning</h1>
      <p className="muted">
        Conferences, workshops, webinars and courses taken outside DeskCoach. Hours count on each person's record; the cost is
        recorded as training spend once, split among the people who attended.
      </p>
      {result?.loggedId ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Logged.
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p>Nothing logged yet.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Outside learning logged" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Who</th>
                <th scope="col" className="num">Hours</th>
                <th scope="col" className="num">Cost</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td className="date">{e.heldOn}</td>
                  <td>
                    <bdi>{e.title}</bdi> <span className="muted">
                      (<bdi>{e.provider}</bdi>)
                    </span>
                  </td>
                  <td>{OUTSIDE_KINDS.find((k) => k.id === e.kind)?.label}</td>
                  <td>
                    <TypedList items={e.attendees.map((a) => a.name)} />
                  </td>
                  <td className="num">{(e.minutes / 60).toFixed(1)}</td>
                  <td className="num">{formatCents(e.costCents)}</td>
                  <td>
                    {!e.canDelete ? null : confirmDelete === e.id ? (
                      <Form method="post" className="inline-form" replace>
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="entryId" value={e.id} />
                        <button type="submit" className="button">
                          Yes, delete it and its spend
                        </button>{" "}
                        <Link to="." replace>
                          Keep
                        </Link>
                      </Form>
                    ) : (
                      <Link to={`?confirm=${e.id}`}>
                        Delete<span className="visually-hidden"> <bdi>{e.title}</bdi></span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>Total: {(totalMinutes / 60).toFixed(1)} hours.</p>
        </div>
      )}
      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Log learning</h2>
        <Form method="post" noValidate className="stack" id="log-form" key={result?.loggedId ?? "form"}>
          <input type="hidden" name="intent" value="log" />
          <FormError error={errors.form} />
          <TextField label="Title" name="title" defaultValue={values.title} error={errors.title} required />
          <TextField label="Provider" name="provider" defaultValue={values.provider} error={errors.provider} required />
          <SelectField label="Kind" name="kind" defaultValue={values.kind ?? ""} error={errors.kind} options={[{ value: "", label: "Choose…" }, ...OUTSIDE_KINDS.map((k) => ({ value: k.id, label: k.label }))]} />
          <TextField label="Date" name="heldOn" type="date" max={today} defaultValue={values.heldOn ?? today} error={errors.heldOn} required />
          <TextField label="Hours" name="hours" inputMode="decimal" defaultValue={values.hours} error={errors.hours} hint="Like 1.5" required />
          <TextField label="Cost (optional)" name="cost" inputMode="decimal" defaultValue={values.cost} error={errors.cost} hint="The whole cost for everyone who attended, like 325.00" />
          {pick ? (
            <fieldset>
              <legend>Who attended</legend>
              {errors.attendees ? <p className="field-error">{errors.attendees}</p> : null}
              <PersonFinder pick={pick} />
              {pick.people.map((p) => (
                <div className="choice" key={p.id}>
                  <input type="checkbox" id={`a-${p.id}`} name="attendees" value={p.id} defaultChecked={ticked.has(String(p.id))} />
                  <label htmlFor={`a-${p.id}`}>{p.name}</label>
                </div>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" className="button primary" disabled={busy}>
            Log it
          </button>
        </Form>
        {pick ? <PersonFinderForm pick={pick} serves="log-form" /> : null}
      </section>
    </>
  );
}
