import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { ImportPreview, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { ownColumnsImport } from "#app/route-helpers/csv-upload.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { checkOutcomeCsv, importOutcomes } from "#app/models/outcomes.server.ts";
import { MAX_IMPORT_MEGABYTES } from "#app/rules/csv-imports.ts";
import { MAX_OUTCOME_ROWS, OUTCOME_COLUMNS } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import outcome figures · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMoneyAccess(request, "see-costs");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  return ownColumnsImport(request, user, {
    check: (bytes) => checkOutcomeCsv(services.db, user, bytes, ctx.today),
    cells: (r) => OUTCOME_COLUMNS.map((c) => r.cells[c] ?? ""),
    commit: (check, requestId) => importOutcomes(services.db, user, check.inputs, ctx.now, requestId),
  });
}

export default function ImportOutcomes() {
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/outcomes">Outcomes</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import outcome figures from a CSV file</h1>
      {result?.added ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Added {result.added} month{result.added === 1 ? "" : "s"} of figures. <Link to="/owner/outcomes">See the outcomes</Link>.
        </p>
      ) : (
        <>
          <p>
            One row per month and location. The first row must name the columns <code>{OUTCOME_COLUMNS.join(", ")}</code>. Months like
            2026-03; the location by its name, as on the Team page; counts as whole numbers; average stars from 0 to 5 with at most two
            decimals, with the number of reviews beside them. Leave a cell empty for a figure the practice does not have: it stays blank,
            never zero. A month a location has figures for already is refused (edit it instead). At most {MAX_OUTCOME_ROWS} rows. Every
            row is checked first: all rows are added, or none.
          </p>
          <p className="muted">
            An export from a practice-management or review system with other column names: rename its columns to these first.
          </p>
          <UploadForm busy={busy} error={result && result.rows.length === 0 ? result.error : null} maxRows={MAX_OUTCOME_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES} excel={false} />
        </>
      )}
      {result && result.rows.length > 0 ? <FormError error={result.error ?? undefined} /> : null}
      {result && result.rows.length > 0 ? (
        <ImportPreview columns={OUTCOME_COLUMNS} rows={result.rows} csv={result.csv} requestId={result.requestId} noun={["month", "months"]} busy={busy} />
      ) : null}
    </>
  );
}
