import { randomUUID } from "node:crypto";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { FeedbackFields } from "#app/components/feedback-fields.tsx";
import { FormError, SelectField } from "#app/components/field.tsx";
import { ScrubbedComment } from "#app/components/scrubbed-comment.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { describeRedactions, type RedactionCounts } from "#app/rules/feedback.ts";
import { localDate } from "#app/models/clock.server.ts";
import { checkFeedbackEntry, listFeedback, removeFeedback, saveFeedback } from "#app/models/feedback.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { listLocations } from "#app/models/team.server.ts";
import { compileThemes, matchThemes } from "#app/models/themes.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { formFields, formReply, formValues, readForm, readId, readRequestId, withFieldErrors } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Feedback items · DeskCoach" }];

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const url = new URL(request.url);
  const labels = new Map(ctx.catalog.skills.map((s) => [s.id, s.label]));
  const themeOptions = ctx.catalog.themes.map((t) => ({ value: t.skill, label: labels.get(t.skill) ?? t.skill }));
  const theme = themeOptions.find((t) => t.value === url.searchParams.get("theme"))?.value ?? null;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const compiled = compileThemes(ctx.catalog.themes);
  const [all, locations] = await Promise.all([listFeedback(services.db, actor), listLocations(services.db, actor)]);
  const withThemes = all.map((f) => ({ ...f, themes: matchThemes(compiled, f.comment) }));
  const matching = theme ? withThemes.filter((f) => f.themes.includes(theme)) : withThemes;
  const confirmId = Number(url.searchParams.get("remove"));
  return {
    today: localDate(ctx.now, ctx.timeZone),
    locations,
    scoped: actor.scopeLocationId !== null,
    themeOptions,
    theme,
    page,
    total: matching.length,
    hasMore: matching.length > page * PAGE_SIZE,
    items: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((f) => ({
      id: f.id,
      receivedOn: f.receivedOn,
      source: f.source,
      rating: f.rating,
      locationName: f.locationName,
      comment: f.comment,
      redacted: describeRedactions(f.redactions),
      themes: f.themes.map((t) => labels.get(t) ?? t),
    })),
    confirmRemove: all.some((f) => f.id === confirmId) ? confirmId : null,
    saved: url.searchParams.get("saved") === "1",
  };
}

interface Result {
  errors: Record<string, string>;
  values: Record<string, string>;
  preview: { comment: string; redactions: RedactionCounts; requestId: string } | null;
}
const reply = (result: Result, status = 200) => data(result, { status });

const entrySchema = z.object({
  date: z.string().default(""),
  source: z.string().default(""),
  rating: z.string().default(""),
  comment: z.string().default(""),
  locationId: z.string().default(""),
});

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const form = await readForm(request);
  const intent = form.get("intent");
  return withFieldErrors(form, { preview: null }, async () => {
    if (intent === "remove") {
      const id = readId(form.get("id"));
      if (!id) throw new FieldError("id", "No such feedback.", 404);
      await removeFeedback(services.db, actor, id, ctx.now);
      throw redirect("/manage/feedback/items");
    }
    if (intent === "preview" || intent === "save") {
      const raw = entrySchema.parse(formFields(form));
      const values = formValues(raw);
      const check = await checkFeedbackEntry(services.db, actor, raw, localDate(ctx.now, ctx.timeZone));
      if (!check.input) return formReply({ errors: check.errors, values }, { preview: null });
      if (intent === "preview") {
        return reply({ errors: {}, values, preview: { comment: check.view.comment, redactions: check.view.redactions, requestId: randomUUID() } });
      }
      const requestId = readRequestId(form.get("requestId"));
      if (!requestId) return formReply({ errors: { form: "This form is out of date. Check the item again." }, values }, { preview: null });
      await saveFeedback(services.db, actor, [check.input], { now: ctx.now, requestId, via: "form" });
      throw redirect("/manage/feedback/items?saved=1");
    }
    return formReply({ errors: { form: "Unknown action." }, values: {} }, { preview: null });
  });
}

const stars = (rating: number) => `${rating} of 5`;

export default function FeedbackItems() {
  const { confirmRemove, hasMore, items, locations, page, saved, scoped, theme, themeOptions, today, total } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? {};
  const query = (page: number) => `?${new URLSearchParams({ ...(theme ? { theme } : {}), page: String(page) })}`;
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/feedback">Patient feedback</Link> <span aria-hidden="true">›</span> Items
      </p>
      <h1>Feedback items</h1>
      {saved ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Saved.
        </p>
      ) : null}

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add one item</h2>
        <p>
          For feedback that came by phone, letter or a comment card. To add many at once,{" "}
          <Link to="/manage/feedback/import">import a CSV file</Link>.
        </p>
        <Form method="post" noValidate className="stack" key={saved ? "saved" : "form"}>
          <input type="hidden" name="intent" value="preview" />
          <FormError error={errors.form} />
          <FeedbackFields values={values} errors={errors} today={today} locations={locations} scoped={scoped} />
          <button type="submit" className="button" disabled={busy}>
            Check
          </button>
        </Form>
        {result?.preview ? (
          <div className="preview" role="status" aria-labelledby="preview-heading">
            <h3 id="preview-heading">This is what will be kept</h3>
            <p className="kept-comment">
              <ScrubbedComment text={result.preview.comment} />
            </p>
            <p className="muted">
              {Object.keys(result.preview.redactions).length === 0
                ? "Nothing had to be redacted."
                : `Redacted: ${describeRedactions(result.preview.redactions)}.`}{" "}
              If anything else identifies the patient, change the comment above and check it again.
            </p>
            <Form method="post" className="actions">
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="requestId" value={result.preview.requestId} />
              {(["date", "source", "rating", "comment", "locationId"] as const).map((name) => (
                <input key={name} type="hidden" name={name} value={values[name] ?? ""} />
              ))}
              <button type="submit" className="button primary" disabled={busy}>
                Save this item
              </button>
            </Form>
          </div>
        ) : null}
      </section>

      <h2>{theme ? `Items about ${themeOptions.find((t) => t.value === theme)?.label ?? theme}` : "All items"}</h2>
      <Form method="get" className="filters" aria-label="Filter the items">
        <SelectField label="Theme" name="theme" defaultValue={theme ?? ""} options={[{ value: "", label: "Any theme" }, ...themeOptions]} />
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      {items.length === 0 ? (
        <p>{theme ? "No feedback mentions this theme." : "No feedback yet."}</p>
      ) : (
        <>
          <p className="muted">
            {total} {total === 1 ? "item" : "items"}, newest first. Comments are shown as they were kept, after scrubbing.
          </p>
          <div className="table-wrap" role="region" aria-label="Feedback items" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Source</th>
                  <th scope="col">Rating</th>
                  <th scope="col">Location</th>
                  <th scope="col">Comment</th>
                  <th scope="col">Themes</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((f) => (
                  <tr key={f.id}>
                    <td className="date">{f.receivedOn}</td>
                    <td>{f.source}</td>
                    <td>{stars(f.rating)}</td>
                    <td>{f.locationName ?? "Whole practice"}</td>
                    <td className="comment-cell">
                      <ScrubbedComment text={f.comment} />
                      {f.redacted ? <span className="cell-note">Redacted: {f.redacted}</span> : null}
                    </td>
                    <td>{f.themes.length > 0 ? f.themes.join(", ") : "—"}</td>
                    <td>
                      {confirmRemove === f.id ? (
                        <Form method="post" className="inline-form" replace>
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="id" value={f.id} />
                          <button type="submit" className="button">
                            Yes, remove it
                          </button>{" "}
                          <Link to={query(page)} replace>
                            Keep
                          </Link>
                        </Form>
                      ) : (
                        <Link to={`${query(page)}&remove=${f.id}`}>
                          Remove<span className="visually-hidden"> the item of {f.receivedOn} from <bdi>{f.source}</bdi></span>
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="actions">
            {page > 1 ? <Link to={query(page - 1)}>Newer items</Link> : null}
            {hasMore ? <Link to={query(page + 1)}>Older items</Link> : null}
          </p>
        </>
      )}
    </>
  );
}
