import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { LearnerStats } from "#app/components/learner-stats.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { completedModules, issueCertificateLink, revokeCertificateLinks } from "#app/models/certificates.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { ownMailChoices, saveOwnMailChoices } from "#app/models/mail/manage.server.ts";
import { learnerRecord } from "#app/models/progress.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { invariantResponse, notFound, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "My progress · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const practice = await getPractice(services.db);
  const timeZone = practice?.time_zone ?? "UTC";
  const catalog = await currentCatalog();
  const [record, certificates, emails] = await Promise.all([
    learnerRecord(services.db, user.id, catalog, timeZone, services.clock.now()),
    completedModules(services.db, user.id, catalog, timeZone),
    ownMailChoices(services.db, user),
  ]);
  const url = new URL(request.url);
  const revoked = url.searchParams.get("revoked");
  return { ...record, certificates, revoked: certificates.find((c) => c.slug === revoked)?.title ?? null, emails, emailsSaved: url.searchParams.get("emails") === "saved" };
}

// A certificate link is made when it is printed: the token exists only in the address it opens.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const moduleSlug = String(form.get("module") ?? "");
  const practice = await getPractice(services.db);
  const context = { now: services.clock.now(), timeZone: practice?.time_zone ?? "UTC" };
  try {
    // Which emails the person gets: the ticked kinds on, the others off.
    if (form.get("intent") === "emails") {
      await saveOwnMailChoices(services.db, user, form.getAll("on").map(String), context.now);
      throw redirect("/progress?emails=saved#emails");
    }
    if (form.get("intent") === "print") {
      const token = await issueCertificateLink(services.db, user, await currentCatalog(), moduleSlug, context);
      throw redirect(`/certificates/${token}`);
    }
    if (form.get("intent") === "revoke") {
      const completed = await completedModules(services.db, user.id, await currentCatalog(), context.timeZone);
      invariantResponse(completed.some((m) => m.slug === moduleSlug));
      await revokeCertificateLinks(services.db, user.id, moduleSlug, context.now);
      throw redirect(`/progress?revoked=${encodeURIComponent(moduleSlug)}#certificates`);
    }
  } catch (error) {
    if (error instanceof FieldError && form.get("intent") === "emails") return data({ emailsError: error.message }, { status: 400 });
    if (error instanceof FieldError) throw notFound();
    throw error;
  }
  throw new Response("Unknown action.", { status: 400 });
}

export default function Progress() {
  const record = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <h1>My progress</h1>
      <LearnerStats record={record} />
      <section aria-labelledby="certificates-heading" id="certificates">
        <h2 id="certificates-heading">Certificates</h2>
        {record.revoked ? (
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>Earlier links to your certificate for {record.revoked} no longer work.
          </p>
        ) : null}
        {record.certificates.length === 0 ? (
          <p>Finish every lesson in a module to get its certificate.</p>
        ) : (
          <>
            <p>
              Printing a certificate gives it a new verification address. Anyone with that address sees your name, the
              module and the date, nothing else. Earlier addresses keep working until you turn them off.
            </p>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Your certificates</caption>
                <thead>
                  <tr>
                    <th scope="col">Module</th>
                    <th scope="col">Completed</th>
                    <th scope="col">Verification links in use</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {record.certificates.map((c) => (
                    <tr key={c.slug}>
                      <td>{c.title}</td>
                      <td className="date">{c.completedOn}</td>
                      <td>{c.liveLinks}</td>
                      <td>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="module" value={c.slug} />
                          <button type="submit" name="intent" value="print" className="button" disabled={busy}>
                            Print certificate<span className="visually-hidden"> for {c.title}</span>
                          </button>{" "}
                          {c.liveLinks > 0 ? (
                            <button type="submit" name="intent" value="revoke" className="button" disabled={busy}>
                              Turn off earlier links<span className="visually-hidden"> for {c.title}</span>
                            </button>
                          ) : null}
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <h2>Completed lessons</h2>
      {record.completions.length === 0 ? (
        <p>
          No lessons completed yet. <Link to="/learn">Start with any lesson</Link>: each takes about five minutes.
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Lessons you have completed</caption>
            <thead>
              <tr>
                <th scope="col">Lesson</th>
                <th scope="col">Module</th>
                <th scope="col">Completed</th>
                <th scope="col">Best score</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {record.completions.map((c) => (
                <tr key={c.lessonSlug}>
                  <td>
                    <Link to={`/lessons/${c.lessonSlug}`}>{c.lessonTitle}</Link>
                  </td>
                  <td>{c.moduleTitle}</td>
                  <td className="date">{c.completedOn}</td>
                  <td>{c.bestScore === null ? "—" : `${c.bestScore}%`}</td>
                  <td>{c.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {record.emails.length > 0 ? (
        <section aria-labelledby="emails-heading" id="emails">
          <h2 id="emails-heading">Emails</h2>
          {record.emailsSaved ? (
            <p className="notice" role="status">
              <span aria-hidden="true">✓ </span>Your email choices are saved.
            </p>
          ) : null}
          <Form method="post" action="/progress#emails" className="stack">
            <input type="hidden" name="intent" value="emails" />
            <FormError error={acted && "emailsError" in acted ? acted.emailsError : undefined} />
            <fieldset>
              <legend>Send me these emails</legend>
              {record.emails.map((e) => (
                <div className="choice" key={e.kind}>
                  <input type="checkbox" id={`email-${e.kind}`} name="on" value={e.kind} defaultChecked={e.on} />
                  <label htmlFor={`email-${e.kind}`}>
                    {e.label}
                    {e.practiceOn ? null : <span className="cell-note">Your practice does not send these at the moment.</span>}
                  </label>
                </div>
              ))}
            </fieldset>
            <button type="submit" className="button" disabled={busy}>
              Save my email choices
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
