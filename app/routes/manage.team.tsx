import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { CodesTable } from "#app/components/codes-table.tsx";
import { Pager } from "#app/components/pager.tsx";
import { EmailCodeChoice } from "#app/components/email-code-choice.tsx";
import { FormError, TextField } from "#app/components/field.tsx";
import { PersonFields } from "#app/components/person-fields.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { personInput } from "#app/route-helpers/forms.ts";
import { personSchema, plainText } from "#app/rules/fields.ts";
import { localDate } from "#app/models/clock.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { addLocation, addPeople, addPersonEmailingCode, jobTitles, listLocations, peoplePage } from "#app/models/team.server.ts";
import { mailOrigin, sendAccountMailSoon } from "#app/route-helpers/account-mail.server.ts";
import { MAX_SEARCH_LENGTH, pageHref, requestedPage, searchText } from "#app/rules/paging.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { formReply, formValues, parseForm, readForm, withFieldErrors } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Team · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const url = new URL(request.url);
  const search = searchText(url.searchParams.get("q"));
  const [{ people, window }, locations, titles, ctx] = await Promise.all([
    peoplePage(services.db, actor, { search, page: requestedPage(url.searchParams.get("page")) }),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
    practiceContext(),
  ]);
  return {
    search,
    window,
    people: people.map((p) => ({
      id: p.id,
      name: p.name,
      role: p.role,
      jobTitle: p.jobTitle,
      locationName: p.locationName,
      status: p.status,
      hasPassword: p.hasPassword,
      lastActive: p.lastActive ? localDate(p.lastActive, ctx.timeZone) : null,
    })),
    locations,
    jobTitles: titles,
    isOwner: actor.role === "owner",
    scopeLocationId: actor.scopeLocationId,
    emailSetUp: mailOrigin() !== null,
  };
}

const locationSchema = z.object({ locationName: plainText("The location name", 80).pipe(z.string().min(1, "Enter a name.")) });

interface Result {
  intent: string;
  errors: Record<string, string>;
  values: Record<string, string>;
  added: { name: string; email: string; code: string }[] | null;
  /** Where a setup code was emailed instead of shown. */
  emailedTo: string | null;
}

const reply = (result: Result, status = 200) => data(result, { status });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const ctx = await practiceContext();
  const refused = { intent, added: null, emailedTo: null };
  return withFieldErrors(form, refused, async () => {
    if (intent === "add-location") {
      if (actor.scopeLocationId) throw new FieldError("locationName", "Only a manager of the whole practice can add locations.", 403);
      const parsed = parseForm(form, locationSchema);
      if (!parsed.ok) return formReply(parsed, refused);
      await addLocation(services.db, actor, parsed.data.locationName, ctx.now);
      return reply({ intent, errors: {}, values: {}, added: null, emailedTo: null });
    }
    if (intent === "add-person") {
      const parsed = parseForm(form, personSchema);
      if (!parsed.ok) return formReply(parsed, refused);
      if (form.get("emailCode") === "on") {
        const origin = mailOrigin();
        if (!origin) return formReply({ errors: { emailCode: "Email is not set up: leave this off and give the person the code shown." }, values: formValues(form) }, refused);
        const person = await addPersonEmailingCode(services.db, actor, personInput(parsed.data), { ...ctx, origin });
        sendAccountMailSoon();
        return reply({ intent, errors: {}, values: {}, added: null, emailedTo: person.email });
      }
      const added = await addPeople(services.db, actor, [personInput(parsed.data)], { ...ctx, via: "form" });
      return reply({ intent, errors: {}, values: {}, added: added.map((a) => ({ name: a.name, email: a.email, code: a.code })), emailedTo: null });
    }
    return formReply({ errors: { form: "Unknown action." }, values: {} }, refused);
  });
}

const ROLE = { owner: "Owner", manager: "Manager", staff: "Staff" } as const;

export default function Team() {
  const { people, search, window, locations, jobTitles, isOwner, scopeLocationId, emailSetUp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const personErrors: Record<string, string> = result?.intent === "add-person" ? result.errors : {};
  const locationErrors: Record<string, string> = result?.intent === "add-location" ? result.errors : {};
  return (
    <>
      <h1>Team</h1>
      {result && result.intent !== "add-person" && result.intent !== "add-location" ? <FormError error={result.errors.form} /> : null}
      {result?.added ? <CodesTable people={result.added} /> : null}
      {result?.emailedTo ? (
        <p className="notice" role="status">
          A setup code was sent to <bdi>{result.emailedTo}</bdi>. It works once, for 24 hours; the email says where to use it. The outbox
          shows the message.
        </p>
      ) : null}
      {window.total === 0 && !search ? (
        <p>No one has been added yet. Add your first person below.</p>
      ) : (
        <>
          <Form method="get" className="filters" aria-label="Search the team">
            <TextField label="Find a person" hint="Any part of a name or email" name="q" type="search" defaultValue={search ?? ""} maxLength={MAX_SEARCH_LENGTH} autoComplete="off" />
            <button type="submit" className="button">
              Find
            </button>
          </Form>
          {people.length === 0 ? (
            <p className="notice" role="status">
              Nobody matches the search “<bdi>{search}</bdi>”. <Link to="/manage/team">Show everyone</Link>.
            </p>
          ) : (
            <>
              <Pager window={window} href={(n) => pageHref("/manage/team", { q: search }, n)} label="Pages of the team" />
              <div className="table-wrap" role="region" aria-label="Team members" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Role</th>
                      <th scope="col">Job title</th>
                      <th scope="col">Location</th>
                      <th scope="col">Status</th>
                      <th scope="col">Last active</th>
                    </tr>
                  </thead>
                  <tbody>
                    {people.map((p) => (
                      <tr key={p.id}>
                        <td>
                          <Link to={`/manage/people/${p.id}`}>
                            <bdi>{p.name}</bdi>
                          </Link>
                        </td>
                        <td>{ROLE[p.role]}</td>
                        <td>{p.jobTitle ? <bdi>{p.jobTitle}</bdi> : "—"}</td>
                        <td>{p.locationName ? <bdi>{p.locationName}</bdi> : "—"}</td>
                        <td>
                          {p.status === "active" ? (p.hasPassword ? "Active" : "Waiting for first sign-in") : "Deactivated"}
                        </td>
                        <td className="date">{p.lastActive ?? "Not yet"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {window.pageCount > 1 ? <Pager window={window} href={(n) => pageHref("/manage/team", { q: search }, n)} label="Pages of the team, again" /> : null}
            </>
          )}
        </>
      )}

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a person</h2>
        <p className="muted">
          Adding many at once? <Link to="/manage/team/import">Import a CSV file</Link>.
        </p>
        <Form method="post" noValidate className="stack" key={result?.added?.[0]?.email ?? result?.emailedTo ?? "form"}>
          <input type="hidden" name="intent" value="add-person" />
          <FormError error={personErrors.form} />
          <PersonFields
            values={result?.intent === "add-person" ? result.values : {}}
            errors={personErrors}
            locations={locations}
            jobTitles={jobTitles}
            canSetRole={isOwner}
            fixedLocationId={scopeLocationId}
          />
          {emailSetUp ? <EmailCodeChoice error={personErrors.emailCode} checked={result?.intent === "add-person" && result.values.emailCode === "on"} /> : null}
          <button type="submit" className="button primary" disabled={busy}>
            Add person
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="locations-heading">
        <h2 id="locations-heading">Locations</h2>
        {locations.length === 0 ? <p>No locations yet.</p> : (
          <ul>
            {locations.map((l) => (
              <li key={l.id}>
                <bdi>{l.name}</bdi>
              </li>
            ))}
          </ul>
        )}
        {scopeLocationId ? null : (
          <Form method="post" noValidate className="inline-fields">
            <input type="hidden" name="intent" value="add-location" />
            <TextField label="New location" name="locationName" error={locationErrors.locationName} defaultValue={result?.intent === "add-location" ? result.values.locationName : undefined} />
            <button type="submit" className="button">
              Add location
            </button>
          </Form>
        )}
      </section>
    </>
  );
}
