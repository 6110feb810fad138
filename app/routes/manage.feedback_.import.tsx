import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { ImportIntro, MappedNotes, MappingForm, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { ScrubbedComment } from "#app/components/scrubbed-comment.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { describeRedactions, FEEDBACK_COLUMNS, MAX_FEEDBACK_ROWS, type RedactionCounts } from "#app/rules/feedback.ts";
import { localDate } from "#app/models/clock.server.ts";
import { fileLine, importActionStep, importDone, importPageStep, type ImportStep, type MappedNotes as MappedNotesData, type MappingStep } from "#app/route-helpers/csv-upload.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { MAX_IMPORT_MEGABYTES, UNDERSTOOD_FORMATS, UNDERSTOOD_SHAPES } from "#app/rules/csv-imports.ts";
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
  const ctx = await practiceContext();
  const step = await importPageStep(request, actor, "feedback", ctx.timeZone);
  const page = await resultOf(actor, step, ctx);
  return data({ ...page.result, locations: locations.map((l) => l.name), scoped: actor.scopeLocationId !== null }, { status: page.status });
}

interface Result {
  /** A problem with the file or the form: beside the file field on the upload step, else at the top. */
  error: string | null;
  mapping: MappingStep | null;
  mapped: MappedNotesData | null;
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

const empty: Result = { error: null, mapping: null, mapped: null, rows: [], rowCount: 0, problemRows: 0, redactedRows: 0, redactions: {}, csv: null, requestId: null, imported: null };

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

async function resultOf(actor: Actor, step: ImportStep, ctx: { now: Date; timeZone: string }): Promise<{ result: Result; status: number }> {
  const reply = (result: Partial<Result>, status = 200) => ({ result: { ...empty, ...result }, status });
  if (step.step === "upload") return reply({ error: step.error }, step.status);
  if (step.step === "mapping") return reply({ mapping: { upload: step.upload, view: step.view, errors: step.errors } }, step.status);
  const mapped = step.step === "check" ? step.mapped : null;
  const today = localDate(ctx.now, ctx.timeZone);
  const check = await checkFeedbackCsv(services.db, actor, step.bytes, today);
  const inFile = (rows: FeedbackRowView[]) => rows.map((r) => ({ ...r, line: fileLine(mapped, r.line) }));
  if (!check.ok) {
    const problems = check.rows.filter((r) => r.errors.length > 0);
    const error = check.fileError ?? `${problems.length} of ${check.rows.length} rows have problems. Fix them in the file and upload it again; nothing was imported.`;
    return reply({ error, ...summarise(check.rows), rows: inFile(problems.slice(0, SHOWN_ROWS)), mapped }, 400);
  }
  if (step.step === "check") {
    const ordered = [...check.rows.filter((r) => r.redactedCount > 0), ...check.rows.filter((r) => r.redactedCount === 0)];
    return reply({ ...summarise(check.rows), rows: inFile(ordered.slice(0, SHOWN_ROWS)), csv: new TextDecoder().decode(step.bytes), requestId: step.requestId, mapped });
  }
  try {
    const saved = await saveFeedback(services.db, actor, check.items, { now: ctx.now, requestId: step.requestId, via: "csv" });
    await importDone(actor, step.upload);
    return reply({ imported: { count: saved.count, duplicate: saved.duplicate } });
  } catch (error) {
    if (error instanceof FieldError) return reply({ error: error.message }, error.status);
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const step = await importActionStep(request, actor, "feedback", ctx.timeZone);
  const { result, status } = await resultOf(actor, step, ctx);
  return data(result, { status });
}

export default function ImportFeedback() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const result: Result = acted ?? loaded;
  const { locations, scoped } = loaded;
  const busy = useIsPending();
  const previewing = Boolean(result.csv);
  const uploading = !result.imported && !result.mapping && !previewing && result.rowCount === 0;
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/feedback">Patient feedback</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import patient feedback</h1>
      {result.imported ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>
          {result.imported.duplicate ? "This file was already imported" : "Imported"}: {result.imported.count}{" "}
          {result.imported.count === 1 ? "item" : "items"}. <Link to="/manage/feedback">See what patients talk about</Link>.
        </p>
      ) : null}
      {uploading ? (
        <>
          <ImportIntro shapes={UNDERSTOOD_SHAPES.feedback} formats={UNDERSTOOD_FORMATS} maxRows={MAX_FEEDBACK_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES}>
            <p>
              Each item needs a date, a rating and where it came from. Ratings on any scale are converted to 1–5 (1–5 stars, 1–10,
              0–10 “how likely to recommend”, or words such as “Very satisfied” or “Excellent”), with the rule shown. A location must
              be {scoped ? "your location" : "one of your locations"} ({locations.join(", ") || "none yet"}), or empty
              {scoped ? "" : " for the whole practice"}. DeskCoach's own columns are <code>{FEEDBACK_COLUMNS.join(", ")}</code>.
            </p>
            <p>
              Before anything is kept, every comment is scrubbed of what could identify a patient: phone numbers, email addresses,
              dates, record and account numbers, street addresses, and names after a title or greeting (“Mrs. Alvarez”, “Hi
              Sarah”). You see the result and confirm; only the scrubbed text is stored.
            </p>
          </ImportIntro>
          <UploadForm busy={busy} error={result.error} maxRows={MAX_FEEDBACK_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES} />
        </>
      ) : null}
      {result.mapping ? <MappingForm step={result.mapping} busy={busy} /> : null}
      {!uploading && !result.mapping ? <FormError error={result.error ?? undefined} /> : null}
      {result.mapped && !result.imported ? <MappedNotes mapped={result.mapped} /> : null}
      {result.rowCount > 0 && !result.imported ? <Preview result={result} busy={busy} /> : null}
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
          <input type="hidden" name="upload" value={result.mapped?.upload ?? ""} />
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
