import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { dateString, plainText } from "#app/rules/fields.ts";
import { cancelAssignment, createAssignment, listAssignments, type AssignmentInput } from "#app/models/assignments.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { jobTitles, listLocations, peopleToPick } from "#app/models/team.server.ts";
import { PersonFinder, PersonFinderForm } from "#app/components/person-finder.tsx";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { formReply, parseForm, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Assignments · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const url = new URL(request.url);
  const finder = finderRequest(url);
  const preselectUserId = url.searchParams.get("userId") ?? "";
  const [assignments, pick, locations, titles] = await Promise.all([
    listAssignments(services.db, actor),
    peopleToPick(services.db, actor, { search: finder.search, keep: [...finder.keep, Number(preselectUserId)] }),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
  ]);
  const cancelId = Number(url.searchParams.get("cancel"));
  const titleOf = (a: { moduleSlug: string | null; lessonSlug: string | null }) =>
    a.moduleSlug ? (ctx.catalog.module(a.moduleSlug)?.title ?? a.moduleSlug) : (ctx.catalog.lesson(a.lessonSlug ?? "")?.title ?? a.lessonSlug ?? "");
  return {
    today: localDate(ctx.now, ctx.timeZone),
    modules: ctx.catalog.modules.map((m) => ({ slug: m.slug, title: m.title, lessons: m.lessons.map((l) => ({ slug: l.slug, title: l.title })) })),
    pick,
    // Find was chosen: the form's fields as they were (none without JavaScript), and it is about one person.
    finding: url.searchParams.has("find") ? (finder.values ?? {}) : null,
    locations,
    jobTitles: titles,
    scoped: actor.scopeLocationId !== null,
    preselectUserId,
    assignments: assignments.map((a) => ({ ...a, title: titleOf(a), createdOn: localDate(a.createdAt, ctx.timeZone) })),
    confirmCancel: assignments.find((a) => a.id === cancelId) ? cancelId : null,
  };
}

const positiveInt = (message: string, max: number) =>
  z.coerce.number({ invalid_type_error: message }).int(message).min(1, message).max(max, message);

const schema = z
  .object({
    item: z.string().regex(/^(module|lesson):[a-z0-9-]+$/, "Choose a module or lesson from the list."),
    targetKind: z.enum(["person", "jobTitle", "location", "everyone"], { errorMap: () => ({ message: "Choose who it is for." }) }),
    userId: z.string().optional(),
    jobTitle: plainText("The job title", 80).optional(),
    locationId: z.string().optional(),
    dueKind: z.enum(["date", "days"], { errorMap: () => ({ message: "Choose how the due date is set." }) }),
    dueOn: z.string().optional(),
    dueDays: z.string().optional(),
    recur: z.literal("on").optional(),
    recurMonths: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const need = (field: string, ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path: [field], message });
    };
    if (v.targetKind === "person") need("userId", /^\d+$/.test(v.userId ?? ""), "Choose a person.");
    if (v.targetKind === "jobTitle") need("jobTitle", Boolean(v.jobTitle?.trim()), "Choose a job title.");
    if (v.targetKind === "location") need("locationId", /^\d+$/.test(v.locationId ?? ""), "Choose a location.");
    if (v.dueKind === "date") need("dueOn", dateString.safeParse(v.dueOn ?? "").success, "Enter a due date like 2026-03-31.");
    if (v.dueKind === "days") need("dueDays", positiveInt("x", 366).safeParse(v.dueDays).success, "Enter a number of days from 1 to 366.");
    if (v.recur) need("recurMonths", positiveInt("x", 60).safeParse(v.recurMonths).success, "Enter a number of months from 1 to 60.");
  });

function toInput(v: z.infer<typeof schema>): AssignmentInput {
  const [kind, slug] = v.item.split(":") as ["module" | "lesson", string];
  return {
    item: { kind, slug },
    target:
      v.targetKind === "person"
        ? { kind: "person", userId: Number(v.userId) }
        : {
            kind: "group",
            jobTitle: v.targetKind === "jobTitle" ? (v.jobTitle ?? "").trim() : null,
            locationId: v.targetKind === "location" ? Number(v.locationId) : null,
          },
    due: v.dueKind === "date" ? { kind: "date", on: v.dueOn ?? "" } : { kind: "days", days: Number(v.dueDays) },
    recurMonths: v.recur ? Number(v.recurMonths) : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const form = await readForm(request);
  const intent = form.get("intent");
  return withFieldErrors(form, { createdId: null }, async () => {
    if (intent === "cancel") {
      const id = readId(form.get("assignmentId"));
      if (!id) throw new FieldError("assignmentId", "No such assignment.", 404);
      await cancelAssignment(services.db, actor, id, ctx.now);
      throw redirect("/manage/assignments");
    }
    if (intent === "create") {
      const parsed = parseForm(form, schema);
      if (!parsed.ok) return formReply(parsed, { createdId: null });
      const createdId = await createAssignment(services.db, actor, toInput(parsed.data), ctx);
      return { errors: {} as Record<string, string>, values: {} as Record<string, string>, createdId };
    }
    return formReply({ errors: { form: "Unknown action." }, values: {} }, { createdId: null });
  });
}

function describeTarget(a: { targetUserName: string | null; targetJobTitle: string | null; targetLocationName: string | null }) {
  if (a.targetUserName) return <bdi>{a.targetUserName}</bdi>;
  if (a.targetJobTitle && a.targetLocationName) {
    return (
      <>
        <bdi>{a.targetJobTitle}</bdi>s at <bdi>{a.targetLocationName}</bdi>
      </>
    );
  }
  if (a.targetJobTitle) return <>Every <bdi>{a.targetJobTitle}</bdi></>;
  if (a.targetLocationName) return <>Everyone at <bdi>{a.targetLocationName}</bdi></>;
  return "Everyone";
}

export default function Assignments() {
  const { assignments, confirmCancel, finding, jobTitles: titles, locations, modules, pick, preselectUserId, scoped, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? finding ?? {};
  const targetKind = values.targetKind ?? (preselectUserId || finding ? "person" : "everyone");
  const dueKind = values.dueKind ?? "days";
  return (
    <>
      <h1>Assignments</h1>
      {result?.createdId ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Assigned. It now shows first on each person's Learn page.
        </p>
      ) : null}
      <section className="card" aria-labelledby="new-heading">
        <h2 id="new-heading">Assign training</h2>
        <Form method="post" noValidate className="stack" id="assign-form" key={result?.createdId ?? "form"}>
          <input type="hidden" name="intent" value="create" />
          <FormError error={errors.form} />
          <div className="field">
            <label htmlFor="item">Module or lesson</label>
            {errors.item ? (
              <p id="item-error" className="field-error">
                {errors.item}
              </p>
            ) : null}
            <select id="item" name="item" defaultValue={values.item ?? ""} aria-invalid={errors.item ? true : undefined} aria-describedby={errors.item ? "item-error" : undefined}>
              <option value="">Choose…</option>
              <optgroup label="Whole modules">
                {modules.map((m) => (
                  <option key={m.slug} value={`module:${m.slug}`}>
                    {m.title} ({m.lessons.length} {m.lessons.length === 1 ? "lesson" : "lessons"})
                  </option>
                ))}
              </optgroup>
              {modules.map((m) => (
                <optgroup key={m.slug} label={`Single lessons: ${m.title}`}>
                  {m.lessons.map((l) => (
                    <option key={l.slug} value={`lesson:${l.slug}`}>
                      {l.title}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>

          <fieldset>
            <legend>For</legend>
            {errors.targetKind ? <p className="field-error">{errors.targetKind}</p> : null}
            <div className="choice">
              <input type="radio" id="t-everyone" name="targetKind" value="everyone" defaultChecked={targetKind === "everyone"} />
              <label htmlFor="t-everyone">{scoped ? "Everyone at my location" : "Everyone"}, including people who join later</label>
            </div>
            <div className="choice">
              <input type="radio" id="t-job" name="targetKind" value="jobTitle" defaultChecked={targetKind === "jobTitle"} />
              <label htmlFor="t-job">Everyone with a job title</label>
            </div>
            <SelectField label="Job title" name="jobTitle" defaultValue={values.jobTitle ?? ""} error={errors.jobTitle} options={[{ value: "", label: "Choose…" }, ...titles.map((t) => ({ value: t, label: t }))]} />
            {scoped ? null : (
              <>
                <div className="choice">
                  <input type="radio" id="t-location" name="targetKind" value="location" defaultChecked={targetKind === "location"} />
                  <label htmlFor="t-location">Everyone at a location</label>
                </div>
                <SelectField label="Location" name="locationId" defaultValue={values.locationId ?? ""} error={errors.locationId} options={[{ value: "", label: "Choose…" }, ...locations.map((l) => ({ value: String(l.id), label: l.name }))]} />
              </>
            )}
            <div className="choice">
              <input type="radio" id="t-person" name="targetKind" value="person" defaultChecked={targetKind === "person"} />
              <label htmlFor="t-person">One person</label>
            </div>
            <PersonFinder pick={pick} />
            <SelectField
              label="Person"
              name="userId"
              defaultValue={values.userId ?? preselectUserId}
              error={errors.userId}
              options={[{ value: "", label: pick.listed === "all" || pick.people.length > 0 ? "Choose…" : "Find a person first" }, ...pick.people.map((p) => ({ value: String(p.id), label: p.name }))]}
            />
          </fieldset>

          <fieldset>
            <legend>Due</legend>
            <div className="choice">
              <input type="radio" id="due-days" name="dueKind" value="days" defaultChecked={dueKind === "days"} />
              <label htmlFor="due-days">A number of days after it reaches each person</label>
            </div>
            <TextField label="Days" name="dueDays" type="number" min={1} max={366} defaultValue={values.dueDays ?? "14"} error={errors.dueDays} />
            <div className="choice">
              <input type="radio" id="due-date" name="dueKind" value="date" defaultChecked={dueKind === "date"} />
              <label htmlFor="due-date">On a date</label>
            </div>
            <TextField label="Due date" name="dueOn" type="date" min={today} defaultValue={values.dueOn} error={errors.dueOn} hint="People who join later get at least 14 days." />
          </fieldset>

          <fieldset>
            <legend>Refresher</legend>
            <div className="choice">
              <input type="checkbox" id="recur" name="recur" defaultChecked={values.recur === "on"} />
              <label htmlFor="recur">Repeat after each completion</label>
            </div>
            <TextField label="Months after completion" name="recurMonths" type="number" min={1} max={60} defaultValue={values.recurMonths ?? "12"} error={errors.recurMonths} />
          </fieldset>
          <button type="submit" className="button primary" disabled={busy}>
            Assign
          </button>
        </Form>
        <PersonFinderForm pick={pick} serves="assign-form" />
      </section>

      <h2>Open assignments</h2>
      {assignments.length === 0 ? (
        <p>Nothing is assigned yet.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Open assignments" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Training</th>
                <th scope="col">For</th>
                <th scope="col">Due</th>
                <th scope="col">People</th>
                <th scope="col">Assigned</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {assignments.map((a) => (
                <tr key={a.id}>
                  <td>{a.title}</td>
                  <td>{describeTarget(a)}</td>
                  <td>
                    {a.dueOn ?? `${a.dueDays} days after assigned`}
                    {a.recurMonths ? `; again ${a.recurMonths} months after each completion` : ""}
                  </td>
                  <td>{a.people}</td>
                  <td>
                    {a.createdOn} by {a.createdByName}
                  </td>
                  <td>
                    {confirmCancel === a.id ? (
                      <Form method="post" className="inline-form" replace>
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="assignmentId" value={a.id} />
                        <button type="submit" className="button">
                          Yes, cancel it
                        </button>{" "}
                        <Link to="." replace>
                          Keep
                        </Link>
                      </Form>
                    ) : (
                      <Link to={`?cancel=${a.id}`}>
                        Cancel<span className="visually-hidden"> {a.title} for {describeTarget(a)}</span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
