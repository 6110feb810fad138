import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { ScrubbedComment } from "#app/components/scrubbed-comment.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { describeRedactions, FEEDBACK_COLUMNS, MAX_FEEDBACK_ROWS, type RedactionCounts } from "#app/rules/feedback.ts";
import { localDate } from "#app/models/clock.server.ts";
import { readUpload } from "#app/route-helpers/csv-upload.server.ts";
import { checkFeedbackCsv, saveFeedback, type FeedbackRowView } from "#app/models/feedback.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { listLocations } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import patient feedback · DeskCoach" }];

/** Rows shown on the page at most; the counts always cover the whole file. */
const SHOWN_ROWS = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const locations = await listLocations(services.db, actor);
  return { locations: locations.map((l) => l.name), scoped: actor.scopeLocationId !== null };
}

interface Result {
  error: string | null;
  /** Rows to show: on a failed check the rows with problems; on a preview the redacted rows first. */
  rows: FeedbackRowView[];
  rowCount: number;
  problemRows: number;
  redactedRows: number;
  redactions: RedactionCounts;
  /** The checked file and the form's id, carried to the confirm step so exactly this is imported, once. */
  csv: string | null;
  requestId: string | null;
  imported: { count: number; duplicate: boolean } | null;
}

const empty: Result = { error: null, rows: [], rowCount: 0, problemRows: 0, redactedRows: 0, redactions: {}, csv: null, requestId: null, imported: null };
const reply = (result: Partial<Result>, status = 200) => data({ ...empty, ...result }, { status });

function summarise(rows: FeedbackRowView[]) {
  const redactions: RedactionCounts = {};
  for (const row of rows) {
    for (const [kind, n] of Object.entries(row.redactions) as [keyof RedactionCounts, number][]) redactions[kind] = (redactions[kind] ?? 0) + n;
  }
  return {
    rowCount: rows.length,
    problemRows: rows.filter((r) => r.errors.length > 0).length,
    redactedRows: rows.filter((r) => r.redactedCount > 0).length,
    redactions,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const upload = await readUpload(request);
  if ("error" in upload) return reply({ error: upload.error }, upload.status);
  const ctx = await practiceContext();
  const today = localDate(ctx.now, ctx.timeZone);
  const { intent, bytes, requestId } = upload;

  const check = await checkFeedbackCsv(services.db, actor, bytes, today);
  if (!check.ok) {
    const problems = check.rows.filter((r) => r.errors.length > 0);
    const error = check.fileError ?? `${problems.length} of ${check.rows.length} rows have problems. Fix them in the file and upload it again; nothing was imported.`;
    return reply({ error, ...summarise(check.rows), rows: problems.slice(0, SHOWN_ROWS) }, 400);
  }
  if (intent === "preview") {
    const ordered = [...check.rows.filter((r) => r.redactedCount > 0), ...check.rows.filter((r) => r.redactedCount === 0)];
    return reply({ ...summarise(check.rows), rows: ordered.slice(0, SHOWN_ROWS), csv: new TextDecoder().decode(bytes), requestId });
  }
  try {
    const saved = await saveFeedback(services.db, actor, check.items, { now: ctx.now, requestId, via: "csv" });
    return reply({ imported: { count: saved.count, duplicate: saved.duplicate } });
  } catch (error) {
    if (error instanceof FieldError) return reply({ error: error.message }, error.status);
    throw error;
  }
}

export default function ImportFeedback() {
  const { locations, scoped } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const previewing = Boolean(result?.csv);
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/feedback">Patient feedback</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import patient feedback</h1>
      {result?.imported ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>
          {result.imported.duplicate ? "This file was already imported" : "Imported"}: {result.imported.count}{" "}
          {result.imported.count === 1 ? "item" : "items"}. <Link to="/manage/feedback">See what patients talk about</Link>.
        </p>
      ) : null}
      {previewing ? null : (
        <>
          <p>
            Export the survey or review results as a CSV file whose first row names the columns{" "}
            <code>{FEEDBACK_COLUMNS.join(", ")}</code>:
          </p>
          <ul>
            <li>
              <strong>date</strong>: like 2026-03-14 or 3/14/2026
            </li>
            <li>
              <strong>source</strong>: where it came from, like “Google review” or “Post-visit survey”
            </li>
            <li>
              <strong>rating</strong>: a whole number from 1 (very poor) to 5 (excellent)
            </li>
            <li>
              <strong>comment</strong>: the patient's words, as plain text (may be empty)
            </li>
            <li>
              <strong>location</strong>: {scoped ? "your location" : "one of your locations"} ({locations.join(", ") || "none yet"}), or
              empty{scoped ? "" : " for the whole practice"}
            </li>
          </ul>
          <p>
            Before anything is kept, every comment is scrubbed of what could identify a patient: phone numbers, email
            addresses, dates, record and account numbers, street addresses, and names after a title or greeting (“Mrs.
            Alvarez”, “Hi Sarah”). You see the result and confirm; only the scrubbed text is stored. At most{" "}
            {MAX_FEEDBACK_ROWS.toLocaleString("en-US")} rows and 2 MB. Every row is checked first: all rows are imported, or none.
          </p>
          <UploadForm busy={busy} />
        </>
      )}
      <FormError error={result?.error ?? undefined} />
      {result && result.rowCount > 0 && !result.imported ? <Preview result={result} busy={busy} /> : null}
    </>
  );
}

function Preview({ result, busy }: { result: Result; busy: boolean }) {
  const ok = Boolean(result.csv);
  const shown = result.rows.length;
  const total = ok ? result.rowCount : result.problemRows;
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">{ok ? `Ready to import ${result.rowCount} ${result.rowCount === 1 ? "item" : "items"}` : "Rows with problems"}</h2>
      {ok ? (
        <p role="status">
          {result.redactedRows === 0
            ? "Nothing had to be redacted."
            : `Redacted in ${result.redactedRows} ${result.redactedRows === 1 ? "comment" : "comments"}: ${describeRedactions(result.redactions)}. The comments below show what will be kept.`}{" "}
          Read them before importing: the scrubber finds common patterns, not every name. If something that identifies a
          patient is left, remove it from the file and check it again.
        </p>
      ) : null}
      {shown < total ? (
        <p className="muted">
          Showing {shown} of {total} rows{ok ? ", every row where something was redacted first" : ""}.
        </p>
      ) : null}
      <div className="table-wrap" role="region" aria-label={ok ? "Items to import" : "Rows with problems"} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Date</th>
              <th scope="col">Source</th>
              <th scope="col">Rating</th>
              <th scope="col">Location</th>
              <th scope="col">Comment as it will be kept</th>
              <th scope="col">{ok ? "Redacted" : "Problems"}</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((r) => (
              <tr key={r.line} className={r.errors.length > 0 ? "row-error" : undefined}>
                <td>{r.line}</td>
                <td>{r.date}</td>
                <td>{r.source}</td>
                <td>{r.rating}</td>
                <td>{r.location || "—"}</td>
                <td className="comment-cell">
                  <ScrubbedComment text={r.comment} />
                </td>
                <td>
                  {r.errors.length > 0
                    ? r.errors.map((e) => (
                        <p key={e} className="field-error">
                          {e}
                        </p>
                      ))
                    : r.redactedCount > 0
                      ? describeRedactions(r.redactions)
                      : "Nothing"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ok ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="commit" />
          <input type="hidden" name="csv" value={result.csv ?? ""} />
          <input type="hidden" name="requestId" value={result.requestId ?? ""} />
          <button type="submit" className="button primary" disabled={busy}>
            Import {result.rowCount} {result.rowCount === 1 ? "item" : "items"}
          </button>
          <Link to="." className="button">
            Start over
          </Link>
        </Form>
      ) : null}
    </section>
  );
}
