import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "#app/auth.server.ts";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { dateString, plainText } from "#app/forms.ts";
import { localDate } from "#app/models/clock.server.ts";
import { formatCents, parseAmount } from "#app/models/money.ts";
import { deleteOutsideLearning, listOutsideLearning, logOutsideLearning, OutsideError } from "#app/models/outside-learning.server.ts";
import { listPeople } from "#app/models/team.server.ts";
import { OUTSIDE_KINDS } from "#app/outside-kinds.ts";
import { practiceContext } from "#app/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { parseForm, readForm } from "#app/validation.ts";
import { TypedList } from "#app/components/typed-list.tsx";

export const meta: MetaFunction = () => [{ title: "Outside learning · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const manager = user.role !== "staff";
  const [entries, people] = await Promise.all([
    listOutsideLearning(services.db, user),
    manager ? listPeople(services.db, user) : Promise.resolve([]),
  ]);
  const confirm = Number(new URL(request.url).searchParams.get("confirm"));
  return {
    me: user.id,
    manager,
    today: localDate(ctx.now, ctx.timeZone),
    entries,
    people: people.filter((p) => p.status === "active").map((p) => ({ id: p.id, name: p.name })),
    confirmDelete: entries.some((e) => e.id === confirm) ? confirm : null,
  };
}

const schema = z.object({
  title: plainText("The title", 160).pipe(z.string().min(1, "Enter the title.")),
  provider: plainText("The provider", 120).pipe(z.string().min(1, "Enter who ran it.")),
  kind: z.enum(OUTSIDE_KINDS.map((k) => k.id) as [string, ...string[]], { errorMap: () => ({ message: "Choose what kind of learning it was." }) }),
  heldOn: dateString,
  hours: z
    .string()
    .trim()
    .regex(/^\d{1,3}(\.\d{1,2})?$/, "Enter hours like 1.5")
    .transform((v) => Math.round(Number(v) * 60))
    .refine((m) => m >= 1 && m <= 10_000, "Enter between 0.02 and 166 hours."),
  cost: z.string().optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const form = await readForm(request);
  try {
    if (form.get("intent") === "delete") {
      const id = Number(form.get("entryId"));
      if (!Number.isSafeInteger(id) || id <= 0) throw new OutsideError("entry", "No such entry.", 404);
      await deleteOutsideLearning(services.db, user, id, ctx.now);
      throw redirect("/outside-learning");
    }
    const parsed = parseForm(form, schema);
    const values: Record<string, string> = parsed.ok ? {} : parsed.values;
    const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors };
    const rawCost = String(form.get("cost") ?? "").trim();
    const cost = rawCost === "" ? ({ ok: true, cents: 0 } as const) : parseAmount(rawCost);
    if (!cost.ok) errors.cost = cost.message;
    if (parsed.ok && parsed.data.heldOn > localDate(ctx.now, ctx.timeZone)) errors.heldOn = "Log it after it has happened.";
    if (!parsed.ok || !cost.ok || Object.keys(errors).length > 0) {
      return data({ errors, values: { ...values, ...Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) } as Record<string, string>, loggedId: null }, { status: 400 });
    }
    const attendeeIds = user.role === "staff" ? [user.id] : form.getAll("attendees").map(Number);
    const loggedId = await logOutsideLearning(
      services.db,
      user,
      { ...parsed.data, kind: parsed.data.kind as (typeof OUTSIDE_KINDS)[number]["id"], minutes: parsed.data.hours, costCents: cost.cents, attendeeIds },
      ctx.now,
    );
    return { errors: {} as Record<string, string>, values: {} as Record<string, string>, loggedId };
  } catch (error) {
    if (error instanceof OutsideError) {
      if (error.status === 404) throw new Response("Not found", { status: 404 });
      return data({ errors: { [error.field]: error.message }, values: {} as Record<string, string>, loggedId: null }, { status: error.status });
    }
    throw error;
  }
}

export default function OutsideLearning() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = result?.errors ?? {};
  const v: Record<string, string> = result?.values ?? {};
  const totalMinutes = d.entries.reduce((s, e) => s + e.minutes, 0);
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
      {d.entries.length === 0 ? (
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
              {d.entries.map((e) => (
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
                    {!e.canDelete ? null : d.confirmDelete === e.id ? (
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
        <Form method="post" noValidate className="stack" key={result?.loggedId ?? "form"}>
          <input type="hidden" name="intent" value="log" />
          <FormError error={errors.form} />
          <TextField label="Title" name="title" defaultValue={v.title} error={errors.title} required />
          <TextField label="Provider" name="provider" defaultValue={v.provider} error={errors.provider} required />
          <SelectField label="Kind" name="kind" defaultValue={v.kind ?? ""} error={errors.kind} options={[{ value: "", label: "Choose…" }, ...OUTSIDE_KINDS.map((k) => ({ value: k.id, label: k.label }))]} />
          <TextField label="Date" name="heldOn" type="date" max={d.today} defaultValue={v.heldOn ?? d.today} error={errors.heldOn} required />
          <TextField label="Hours" name="hours" inputMode="decimal" defaultValue={v.hours} error={errors.hours} hint="Like 1.5" required />
          <TextField label="Cost (optional)" name="cost" inputMode="decimal" defaultValue={v.cost} error={errors.cost} hint="The whole cost for everyone who attended, like 325.00" />
          {d.manager ? (
            <fieldset>
              <legend>Who attended</legend>
              {errors.attendees ? <p className="field-error">{errors.attendees}</p> : null}
              {d.people.map((p) => (
                <div className="choice" key={p.id}>
                  <input type="checkbox" id={`a-${p.id}`} name="attendees" value={p.id} />
                  <label htmlFor={`a-${p.id}`}>{p.name}</label>
                </div>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" className="button primary" disabled={busy}>
            Log it
          </button>
        </Form>
      </section>
    </>
  );
}
