import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { CodesTable } from "#app/components/codes-table.tsx";
import { FormError } from "#app/components/field.tsx";
import { LearnerStats } from "#app/components/learner-stats.tsx";
import { PersonFields } from "#app/components/person-fields.tsx";
import { ItemStateBadge } from "#app/components/state-badge.tsx";
import { personInput } from "#app/route-helpers/forms.ts";
import { personSchema } from "#app/rules/fields.ts";
import { localDate } from "#app/models/clock.server.ts";
import { formatCents } from "#app/rules/money.ts";
import { learnerRecord } from "#app/models/progress.server.ts";
import { retentionByPerson } from "#app/models/review.server.ts";
import type { SessionUser } from "#app/models/sessions.server.ts";
import { assignedItems, mostMissedQuestions } from "#app/models/team-progress.server.ts";
import {
  canChange,
  emailResetCode,
  findPerson,
  issueResetCode,
  jobTitles,
  listLocations,
  setStatus,
  updatePerson,
} from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { mailOrigin, sendAccountMailSoon } from "#app/route-helpers/account-mail.server.ts";
import { EmailCodeChoice } from "#app/components/email-code-choice.tsx";
import { formatRetention, RETENTION_DAYS } from "#app/rules/review.ts";
import { services } from "#app/services.server.ts";
import { formReply, invariantResponse, parseForm, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";
import { TypedList } from "#app/components/typed-list.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Person"} · DeskCoach` }];

/** The person, if the actor may see them; anyone else answers 404, whether or not they exist. */
async function personFor(actor: SessionUser, param: string | undefined) {
  const id = readId(param);
  const person = id ? await findPerson(services.db, actor, id) : undefined;
  invariantResponse(person);
  return person;
}

const CONFIRMABLE = ["deactivate", "reactivate", "reset-code"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const person = await personFor(actor, params.id);
  const ctx = await practiceContext();
  const [items, record, missed, locations, titles, retention] = await Promise.all([
    assignedItems(services.db, person.id, ctx.catalog, ctx),
    learnerRecord(services.db, person.id, ctx.catalog, ctx.timeZone, ctx.now),
    mostMissedQuestions(services.db, person.id, ctx.catalog),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
    retentionByPerson(services.db, [person.id], ctx.now),
  ]);
  const confirm = new URL(request.url).searchParams.get("confirm");
  return {
    person: {
      ...person,
      wage: person.hourlyWageCents === null ? "" : (person.hourlyWageCents / 100).toFixed(2),
      wageText: person.hourlyWageCents === null ? null : formatCents(person.hourlyWageCents),
      lastActive: person.lastActive ? localDate(person.lastActive, ctx.timeZone) : null,
    },
    items,
    record,
    missed,
    retention: retention.get(person.id) ?? null,
    locations,
    jobTitles: titles,
    canChange: canChange(actor, person),
    isOwner: actor.role === "owner",
    scopeLocationId: actor.scopeLocationId,
    confirm: CONFIRMABLE.find((c) => c === confirm) ?? null,
    emailSetUp: mailOrigin() !== null,
  };
}

interface Result {
  errors: Record<string, string>;
  values: Record<string, string>;
  code: string | null;
  /** Where a new code was emailed instead of shown. */
  emailedTo: string | null;
}
const reply = (result: Result, status = 200) => data(result, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const person = await personFor(actor, params.id);
  const ctx = await practiceContext();
  const form = await readForm(request);
  const intent = form.get("intent");
  return withFieldErrors(form, { code: null, emailedTo: null }, async () => {
    switch (intent) {
      case "update": {
        const parsed = parseForm(form, personSchema);
        if (!parsed.ok) return formReply(parsed, { code: null, emailedTo: null });
        await updatePerson(services.db, actor, person, personInput(parsed.data), ctx);
        throw redirect(`/manage/people/${person.id}`);
      }
      case "deactivate":
      case "reactivate":
        await setStatus(services.db, actor, person, intent === "deactivate" ? "deactivated" : "active", ctx);
        throw redirect(`/manage/people/${person.id}`);
      case "reset-code": {
        if (form.get("emailCode") === "on") {
          const origin = mailOrigin();
          if (!origin) return formReply({ errors: { form: "Email is not set up: issue a code to give the person instead." }, values: {} }, { code: null, emailedTo: null });
          const emailedTo = await emailResetCode(services.db, actor, person, { now: ctx.now, origin });
          sendAccountMailSoon();
          return reply({ errors: {}, values: {}, code: null, emailedTo });
        }
        const code = await issueResetCode(services.db, actor, person, ctx.now);
        return reply({ errors: {}, values: {}, code, emailedTo: null });
      }
      default:
        return formReply({ errors: { form: "Unknown action." }, values: {} }, { code: null, emailedTo: null });
    }
  });
}

function ConfirmPanel({ intent, name, offerEmail }: { intent: (typeof CONFIRMABLE)[number]; name: string; offerEmail: boolean }) {
  const text = {
    deactivate: [`Deactivate ${name}?`, `${name} is signed out at once and cannot sign in. Their records stay. You can reactivate them later.`, "Deactivate"],
    reactivate: [`Reactivate ${name}?`, `${name} can sign in again and gets the group assignments that match them.`, "Reactivate"],
    "reset-code": [`Issue a new code for ${name}?`, `Any earlier code stops working. When ${name} uses the new code to choose a password, all their sessions end.`, "Issue code"],
  }[intent];
  return (
    <section className="card confirm" aria-labelledby="confirm-heading" role="alertdialog" aria-describedby="confirm-text">
      <h2 id="confirm-heading">{text[0]}</h2>
      <p id="confirm-text">{text[1]}</p>
      <Form method="post" className="actions" replace>
        <input type="hidden" name="intent" value={intent} />
        {intent === "reset-code" && offerEmail ? <EmailCodeChoice /> : null}
        <button type="submit" className="button primary">
          {text[2]}
        </button>
        <Link to="." className="button" replace>
          Cancel
        </Link>
      </Form>
    </section>
  );
}

export default function PersonPage() {
  const { person, items, record, missed, retention, locations, jobTitles, canChange, isOwner, scopeLocationId, confirm, emailSetUp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string | undefined> = result?.values && Object.keys(result.values).length > 0
    ? result.values
    : {
        name: person.name,
        email: person.email,
        jobTitle: person.jobTitle ?? "",
        locationId: person.locationId ? String(person.locationId) : "",
        hiredOn: person.hiredOn ?? "",
        hourlyWage: person.wage,
        role: person.role,
        scopeLocationId: person.scopeLocationId ? String(person.scopeLocationId) : "",
      };
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/team">Team</Link> <span aria-hidden="true">›</span> <bdi>{person.name}</bdi>
      </p>
      <h1>
        <bdi>{person.name}</bdi>
      </h1>
      <p className="muted">
        <TypedList items={[person.jobTitle, person.locationName, person.role === "staff" ? null : person.role]} separator=" · " />
        {person.status === "deactivated" ? " · Deactivated" : ""} · Last active {person.lastActive ?? "never"}
      </p>
      {result?.code ? <CodesTable people={[{ name: person.name, email: person.email, code: result.code }]} /> : null}
      {result?.emailedTo ? (
        <p className="notice" role="status">
          A setup code was sent to <bdi>{result.emailedTo}</bdi>. It works once, for 24 hours; any earlier code no longer works.
        </p>
      ) : null}
      {confirm && canChange && !result?.emailedTo ? <ConfirmPanel intent={confirm} name={person.name} offerEmail={emailSetUp} /> : null}
      <FormError error={errors.form} />

      <LearnerStats record={record}>
        <div>
          <dt>Review right, last {RETENTION_DAYS} days</dt>
          <dd>{formatRetention(retention)}</dd>
        </div>
      </LearnerStats>
      <p>
        <Link to={`/manage/people/${person.id}/export.csv`} reloadDocument>
          Download this record (CSV)
        </Link>
      </p>

      <h2>Assignments</h2>
      {items.length === 0 ? (
        <p>Nothing is assigned. <Link to={`/manage/assignments?userId=${person.id}`}>Assign a module</Link>.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Assignments" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Module or lesson</th>
                <th scope="col">State</th>
                <th scope="col">Due</th>
                <th scope="col">Done</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.itemKey}>
                  <td>{i.title}</td>
                  <td>
                    <ItemStateBadge state={i.state} percent={i.percent} />
                  </td>
                  <td>
                    <span className="date">{i.dueOn}</span>
                    {i.nextDueOn ? (
                      <>
                        {" "}
                        (refresher due <span className="date">{i.nextDueOn}</span>)
                      </>
                    ) : null}
                  </td>
                  <td>
                    {i.done} of {i.total}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Completed lessons</h2>
      {record.completions.length === 0 ? (
        <p>No lessons completed yet.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Completed lessons" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Lesson</th>
                <th scope="col">Completed</th>
                <th scope="col">Best score</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {record.completions.map((c) => (
                <tr key={c.lessonSlug}>
                  <td>{c.lessonTitle}</td>
                  <td className="date">{c.completedOn}</td>
                  <td>{c.bestScore === null ? "—" : `${c.bestScore}%`}</td>
                  <td>{c.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Questions missed most</h2>
      {missed.length === 0 ? (
        <p>No missed questions.</p>
      ) : (
        <ol>
          {missed.map((m) => (
            <li key={`${m.lessonSlug}:${m.questionId}`}>
              {m.prompt} <span className="muted">({m.lessonTitle}: missed {m.missed} of {m.answered} times)</span>
            </li>
          ))}
        </ol>
      )}

      {canChange ? (
        <>
          <section className="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">Details</h2>
            <Form method="post" noValidate className="stack">
              <input type="hidden" name="intent" value="update" />
              <PersonFields values={values} errors={errors} locations={locations} jobTitles={jobTitles} canSetRole={isOwner} fixedLocationId={scopeLocationId} />
              <button type="submit" className="button primary" disabled={busy}>
                Save changes
              </button>
            </Form>
          </section>
          <section className="card" aria-labelledby="access-heading">
            <h2 id="access-heading">Access</h2>
            <p className="actions">
              {person.status === "active" ? (
                <>
                  <Link to="?confirm=reset-code" className="button">
                    {person.hasPassword ? "Reset password" : "New setup code"}
                  </Link>
                  <Link to="?confirm=deactivate" className="button">
                    Deactivate
                  </Link>
                </>
              ) : (
                <Link to="?confirm=reactivate" className="button">
                  Reactivate
                </Link>
              )}
            </p>
          </section>
        </>
      ) : (
        <p className="muted">Only the owner can change a manager or an owner.</p>
      )}
    </>
  );
}
