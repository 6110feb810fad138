import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError, SelectField } from "#app/components/field.tsx";
import { Pager } from "#app/components/pager.tsx";
import { PersonFinder, PersonFinderForm } from "#app/components/person-finder.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { localDate } from "#app/models/clock.server.ts";
import {
  checkMayChangeMailSettings,
  isMailStatus,
  mayChangeMailSettings,
  missingMailSettings,
  outboxPage,
  practiceMailSettings,
  previewFor,
  readKindSettings,
  retryMessage,
  saveKindSettings,
  WEEKDAY_NAMES,
} from "#app/models/mail/manage.server.ts";
import { STATUS_LABELS } from "#app/models/mail/outbox.server.ts";
import { peopleToPick } from "#app/models/team.server.ts";
import { finderRequest } from "#app/route-helpers/person-finder.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { fieldErrorReply, formValues, notFound, readForm, readId, withFieldErrors } from "#app/route-helpers/validation.ts";
import { pageHref, requestedPage } from "#app/rules/paging.ts";
import { FieldError } from "#app/models/field-error.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Email reminders · DeskCoach" }];

const PATH = "/manage/reminders";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status");
  const status = isMailStatus(statusParam) ? statusParam : null;
  const finder = finderRequest(url);
  const userParam = url.searchParams.get("userId");
  const userId = userParam === null || userParam === "" ? null : readId(userParam);
  // An address naming someone who is not a person (or not one of yours) names nobody.
  if (userParam && userId === null) throw notFound();
  const ctx = await practiceContext();
  const [settings, outbox, pick] = await Promise.all([
    practiceMailSettings(services.db),
    outboxPage(services.db, actor, { status, page: requestedPage(url.searchParams.get("page")) }),
    peopleToPick(services.db, actor, { search: finder.search, keep: userId ? [userId] : [] }),
  ]);
  let preview = null;
  if (userId) {
    try {
      preview = await previewFor(services.db, actor, userId, { ...ctx, origin: services.env.APP_ORIGIN ?? "" });
    } catch (error) {
      if (error instanceof FieldError && error.status === 404) throw notFound();
      throw error;
    }
  }
  const stamp = (iso: string | null) => (iso ? `${localDate(iso, ctx.timeZone)} ${timeOfDay(iso, ctx.timeZone)}` : null);
  return {
    // Words the page shows, from the server-only modules that state them.
    weekdays: WEEKDAY_NAMES,
    statusLabels: STATUS_LABELS,
    missing: missingMailSettings(services.env),
    canChange: mayChangeMailSettings(actor),
    settings,
    saved: settings.find((s) => s.kind === url.searchParams.get("saved"))?.label ?? null,
    retried: url.searchParams.get("retried") === "1",
    pick,
    userId: userId ? String(userId) : "",
    preview,
    status,
    window: outbox.window,
    messages: outbox.rows.map((m) => ({
      id: m.id,
      kindLabel: m.kindLabel,
      to: m.to,
      personName: m.personName,
      localDate: m.localDate,
      status: m.status,
      statusLabel: m.statusLabel,
      attempts: m.attempts,
      lastError: m.lastError,
      sentAt: stamp(m.sentAt),
      nextAttemptAt: m.status === "pending" ? stamp(m.nextAttemptAt) : null,
    })),
  };
}

function timeOfDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

interface Result {
  intent: string;
  kind: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const kind = typeof form.get("kind") === "string" ? String(form.get("kind")) : null;
  const refused = { intent, kind };
  const now = services.clock.now();
  return withFieldErrors(form, refused, async () => {
    if (intent === "settings") {
      checkMayChangeMailSettings(actor);
      const read = readKindSettings({
        kind: kind ?? "",
        enabled: typeof form.get("enabled") === "string" ? String(form.get("enabled")) : null,
        hour: String(form.get("hour") ?? ""),
        days: form.getAll("days").map(String),
      });
      if (!read.ok) {
        // The days ticked, put back as one list.
        const values = { ...formValues(form), days: form.getAll("days").map(String).join(",") };
        return data<Result>({ ...refused, errors: read.errors, values }, { status: 400 });
      }
      await saveKindSettings(services.db, actor, read.kind, read.settings, now);
      throw redirect(`${PATH}?saved=${encodeURIComponent(read.kind.kind)}#settings`);
    }
    if (intent === "retry") {
      const id = readId(form.get("id"));
      if (id === null) throw notFound();
      await retryMessage(services.db, actor, id, now);
      throw redirect(`${PATH}?retried=1#outbox`);
    }
    return fieldErrorReply(new FieldError("form", "Unknown action."), form, refused);
  });
}

const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, "0")}:00` }));

export default function Reminders() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useIsPending();
  const { missing, settings, preview, pick, window, messages, status, weekdays, statusLabels } = loaded;
  const statusOptions = [{ value: "", label: "Every status" }, ...Object.entries(statusLabels).map(([value, label]) => ({ value, label }))];
  const outboxHref = (page: number) => pageHref(PATH, { status }, page, "#outbox");
  return (
    <>
      <h1>Email reminders</h1>
      {missing.length > 0 ? (
        <div className="warning" role="status">
          <p>
            Email is not set up: nothing is sent. Messages are still composed and kept below as “{statusLabels["not-set-up"]}”, so you can see what
            would go out.
          </p>
          <p>
            To send them, whoever runs DeskCoach sets <code>SMTP_URL</code> (the practice’s mail server), <code>MAIL_FROM</code> (the address emails
            come from) and <code>APP_ORIGIN</code> (DeskCoach’s public address, which links in emails point at), then restarts it. Not set now:{" "}
            {missing.map((m, i) => (
              <span key={m}>
                {i > 0 ? ", " : ""}
                <code>{m}</code>
              </span>
            ))}
            .
          </p>
        </div>
      ) : null}
      {result?.intent !== "settings" || !loaded.canChange ? <FormError error={result?.errors.form} /> : null}

      <section aria-labelledby="settings-heading" id="settings">
        <h2 id="settings-heading">When emails go out</h2>
        <p className="muted">
          Times are the practice’s own. Each person can also turn each kind off for themselves on their progress page.
          {loaded.canChange ? null : " Only the owner or a manager of the whole practice changes these."}
        </p>
        {loaded.saved ? (
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>Saved: {loaded.saved}.
          </p>
        ) : null}
        {settings.map((s) => {
          const mine = result?.intent === "settings" && result.kind === s.kind ? result : null;
          const errors = mine?.errors ?? {};
          const enabled = mine ? mine.values.enabled === "on" : s.settings.enabled;
          const hour = mine ? (mine.values.hour ?? "") : String(s.settings.hour);
          const days = mine ? (mine.values.days ?? "").split(",") : s.settings.workingDays.map(String);
          const id = (field: string) => `${s.kind}-${field}`;
          return (
            <section key={s.kind} className="card" aria-labelledby={id("heading")}>
              <h3 id={id("heading")}>{s.label}</h3>
              {loaded.canChange ? (
                <Form method="post" action={`${PATH}#settings`} noValidate className="stack">
                  <input type="hidden" name="intent" value="settings" />
                  <input type="hidden" name="kind" value={s.kind} />
                  <FormError error={errors.form} />
                  <div className="choice">
                    <input type="checkbox" id={id("enabled")} name="enabled" value="on" defaultChecked={enabled} aria-describedby={errors.enabled ? id("enabled-error") : undefined} />
                    <label htmlFor={id("enabled")}>Send these</label>
                  </div>
                  <FieldMessage id={id("enabled-error")} error={errors.enabled} />
                  <div className="field">
                    <label htmlFor={id("hour")}>From (the practice’s time)</label>
                    <FieldMessage id={id("hour-error")} error={errors.hour} />
                    <select id={id("hour")} name="hour" defaultValue={hour} aria-invalid={errors.hour ? true : undefined} aria-describedby={errors.hour ? id("hour-error") : undefined}>
                      {HOURS.map((h) => (
                        <option key={h.value} value={h.value}>
                          {h.label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <fieldset aria-describedby={errors.days ? id("days-error") : undefined}>
                    <legend>On these days</legend>
                    <FieldMessage id={id("days-error")} error={errors.days} />
                    {weekdays.map((name, i) => (
                      <div className="choice" key={name}>
                        <input type="checkbox" id={id(`day-${i + 1}`)} name="days" value={String(i + 1)} defaultChecked={days.includes(String(i + 1))} />
                        <label htmlFor={id(`day-${i + 1}`)}>{name}</label>
                      </div>
                    ))}
                  </fieldset>
                  <button type="submit" className="button primary" disabled={busy}>
                    Save<span className="visually-hidden"> {s.label}</span>
                  </button>
                </Form>
              ) : (
                <p>
                  {s.settings.enabled ? "On" : "Off"}: from {HOURS[s.settings.hour]?.label}, on {s.settings.workingDays.map((d) => weekdays[d - 1]).join(", ")}.
                </p>
              )}
            </section>
          );
        })}
      </section>

      <section aria-labelledby="preview-heading" id="preview">
        <h2 id="preview-heading">Preview</h2>
        <p className="muted">What a person would get today if it went out now, whatever they were sent already.</p>
        <Form method="get" action={PATH} id="preview-form" className="filters">
          <PersonFinder pick={pick} />
          <SelectField
            label="Person"
            name="userId"
            defaultValue={loaded.userId}
            options={[{ value: "", label: pick.listed === "all" || pick.people.length > 0 ? "Choose…" : "Find a person first" }, ...pick.people.map((p) => ({ value: String(p.id), label: p.name }))]}
          />
          <button type="submit" className="button">
            Preview
          </button>
        </Form>
        <PersonFinderForm pick={pick} serves="preview-form" />
        {preview
          ? preview.previews.map((p) => (
              <div key={p.kind} className="card">
                <h3 id={`preview-${p.kind}`}>{p.label}</h3>
                {p.held.map((h) => (
                  <p key={h} className="muted">
                    {h}
                  </p>
                ))}
                {p.message ? (
                  <>
                    <p>
                      To <bdi>{p.message.to}</bdi>
                      <br />
                      Subject: <strong>{p.message.subject}</strong>
                    </p>
                    <h4>Plain text</h4>
                    <pre className="mail-body">{p.message.text}</pre>
                    <details>
                      <summary>The HTML part, as written</summary>
                      <pre className="mail-body">{p.message.html}</pre>
                    </details>
                  </>
                ) : (
                  <p>
                    <bdi>{preview.person.name}</bdi> would get nothing today: nothing is due.
                  </p>
                )}
              </div>
            ))
          : null}
      </section>

      <section aria-labelledby="outbox-heading" id="outbox">
        <h2 id="outbox-heading">Outbox</h2>
        {loaded.retried ? (
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>The message waits to be sent again.
          </p>
        ) : null}
        <Form method="get" action={`${PATH}#outbox`} className="filters" aria-label="Filter the outbox">
          <SelectField label="Status" name="status" defaultValue={status ?? ""} options={statusOptions} />
          <button type="submit" className="button">
            Show
          </button>
        </Form>
        {messages.length === 0 ? (
          <p>{status ? `No messages are “${statusLabels[status]}”.` : "No messages yet."}</p>
        ) : (
          <>
            <Pager window={window} href={outboxHref} label="Pages of the outbox" noun="messages" />
            <div className="table-wrap" role="region" aria-label="Outbox messages" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">To</th>
                    <th scope="col">Email</th>
                    <th scope="col">For</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Server’s reply</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {messages.map((m) => (
                    <tr key={m.id} className={m.status === "failed" ? "row-error" : undefined}>
                      <td>
                        <bdi>{m.personName}</bdi>
                        <span className="cell-note">
                          <bdi>{m.to}</bdi>
                        </span>
                      </td>
                      <td>{m.kindLabel}</td>
                      <td className="date">{m.localDate}</td>
                      <td>
                        {m.statusLabel}
                        {m.sentAt ? <span className="cell-note">{m.sentAt}</span> : null}
                        {m.nextAttemptAt ? <span className="cell-note">next try {m.nextAttemptAt}</span> : null}
                      </td>
                      <td>{m.attempts}</td>
                      <td>{m.lastError ? <code className="details">{m.lastError}</code> : "—"}</td>
                      <td>
                        {m.status === "failed" ? (
                          <Form method="post" action={`${PATH}#outbox`} className="inline-form">
                            <input type="hidden" name="intent" value="retry" />
                            <input type="hidden" name="id" value={m.id} />
                            <button type="submit" className="button" disabled={busy}>
                              Retry<span className="visually-hidden"> the email to {m.personName}</span>
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {window.pageCount > 1 ? <Pager window={window} href={outboxHref} label="Pages of the outbox, again" noun="messages" /> : null}
          </>
        )}
        <p className="muted">
          A message the mail server refused for good (a reply starting with 5, such as an unknown address) is not tried again by itself: correct
          the person’s address on <Link to="/manage/team">their page</Link> if needed, then choose Retry. Retry sends to the address they have now.
        </p>
      </section>
    </>
  );
}

function FieldMessage({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={id} className="field-error" role="alert">
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  ) : null;
}
