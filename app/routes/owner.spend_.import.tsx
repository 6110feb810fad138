import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { ImportPreview, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { csvImport } from "#app/route-helpers/csv-upload.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { EXPENSE_COLUMNS, MAX_EXPENSE_ROWS } from "#app/rules/csv-imports.ts";
import { checkExpenseCsv, importExpenses } from "#app/models/spend.server.ts";
import { services } from "#app/services.server.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";

export const meta: MetaFunction = () => [{ title: "Import spend · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMoneyAccess(request, "record-spend");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "record-spend");
  const ctx = await fiscalContext(request);
  return csvImport(request, {
    check: (bytes) => checkExpenseCsv(bytes, ctx.today),
    cells: (r) => [r.date, r.description, r.amount, r.category],
    commit: (check, requestId) => importExpenses(services.db, user, check.inputs, ctx.now, requestId),
  });
}

export default function ImportSpend() {
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/spend">Spend</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import spend from a CSV file</h1>
      {result?.added ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Added {result.added} expense{result.added === 1 ? "" : "s"}. <Link to="/owner/spend">See the spend list</Link>.
        </p>
      ) : (
        <>
          <p>
            The first row must name the columns <code>{EXPENSE_COLUMNS.join(", ")}</code>, as a card or bank export gives them.
            Dates like 2026-03-31 or 3/31/2026; amounts like 1,234.56 (no minus signs); category one of{" "}
            {CATEGORIES.map((c) => c.label).join(", ")}. At most {MAX_EXPENSE_ROWS} rows. Every row is checked first: all
            rows are added, or none. Imported spend belongs to the whole practice; edit an expense afterwards to give it to
            named people.
          </p>
          <UploadForm busy={busy} />
        </>
      )}
      <FormError error={result?.error ?? undefined} />
      {result && result.rows.length > 0 ? (
        <ImportPreview columns={EXPENSE_COLUMNS} rows={result.rows} csv={result.csv} requestId={result.requestId} noun={["expense", "expenses"]} busy={busy} />
      ) : null}
    </>
  );
}
