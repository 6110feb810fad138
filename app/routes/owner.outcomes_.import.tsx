import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { ImportIntro, ImportPreview, MappedNotes, MappingForm, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { csvImport, csvImportPage, type ImportSteps } from "#app/route-helpers/csv-upload.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { checkOutcomeCsv, importOutcomes, type OutcomeImportCheck } from "#app/models/outcomes.server.ts";
import type { SessionUser } from "#app/models/sessions.server.ts";
import { MAX_IMPORT_MEGABYTES, UNDERSTOOD_FORMATS, UNDERSTOOD_SHAPES } from "#app/rules/csv-imports.ts";
import { MAX_OUTCOME_ROWS, OUTCOME_COLUMNS } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import outcome figures · DeskCoach" }];

async function steps(request: Request, user: SessionUser): Promise<ImportSteps<OutcomeImportCheck, number>> {
  const ctx = await fiscalContext(request);
  return {
    kind: "outcomes",
    timeZone: ctx.timeZone,
    check: (bytes) => checkOutcomeCsv(services.db, user, bytes, ctx.today),
    cells: (r) => OUTCOME_COLUMNS.map((c) => r.cells[c] ?? ""),
    commit: (check, requestId) => importOutcomes(services.db, user, check.inputs, ctx.now, requestId),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  return csvImportPage(request, user, await steps(request, user));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  return csvImport(request, user, await steps(request, user));
}

export default function ImportOutcomes() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const result = acted ?? loaded;
  const busy = useIsPending();
  const uploading = result.added === null && !result.mapping && result.rows.length === 0;
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/outcomes">Outcomes</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import outcome figures from a file</h1>
      {result.added !== null ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Added {result.added} month{result.added === 1 ? "" : "s"} of figures. <Link to="/owner/outcomes">See the outcomes</Link>.
        </p>
      ) : null}
      {uploading ? (
        <>
          <ImportIntro shapes={UNDERSTOOD_SHAPES.outcomes} formats={UNDERSTOOD_FORMATS} maxRows={MAX_OUTCOME_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES}>
            <p>
              One row per month and location. Months like 2026-03, 03/2026 or Mar 2026 (a full date gives its month); the location by
              its name, as on the Team page; counts as whole numbers; average stars from 0 to 5 with at most two decimals, with the
              number of reviews beside them. A cell left empty, or a column the file does not have, stays blank, never zero. A month a
              location has figures for already is refused (edit it instead). DeskCoach&apos;s own columns are{" "}
              <code>{OUTCOME_COLUMNS.join(", ")}</code>.
            </p>
          </ImportIntro>
          <UploadForm busy={busy} error={result.error} maxRows={MAX_OUTCOME_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES} />
        </>
      ) : null}
      {result.mapping ? <MappingForm step={result.mapping} busy={busy} /> : null}
      {!uploading && !result.mapping ? <FormError error={result.error ?? undefined} /> : null}
      {result.mapped && result.added === null ? <MappedNotes mapped={result.mapped} /> : null}
      {result.rows.length > 0 && result.added === null ? (
        <ImportPreview
          columns={OUTCOME_COLUMNS}
          rows={result.rows}
          csv={result.csv}
          requestId={result.requestId}
          upload={result.mapped?.upload}
          noun={["month", "months"]}
          busy={busy}
        />
      ) : null}
    </>
  );
}
