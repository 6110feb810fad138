import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { ImportIntro, ImportPreview, MappedNotes, MappingForm, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { csvImport, csvImportPage, replaceColumn, type ImportSteps } from "#app/route-helpers/csv-upload.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import type { SessionUser } from "#app/models/sessions.server.ts";
import { EXPENSE_COLUMNS, MAX_EXPENSE_ROWS, MAX_IMPORT_MEGABYTES, UNDERSTOOD_FORMATS, UNDERSTOOD_SHAPES } from "#app/rules/csv-imports.ts";
import { checkExpenseCsv, importExpenses, type ExpenseImportCheck } from "#app/models/spend.server.ts";
import { services } from "#app/services.server.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";

export const meta: MetaFunction = () => [{ title: "Import spend · DeskCoach" }];

async function steps(request: Request, user: SessionUser): Promise<ImportSteps<ExpenseImportCheck, number>> {
  const ctx = await fiscalContext(request);
  return {
    kind: "spend",
    timeZone: ctx.timeZone,
    check: (bytes) => checkExpenseCsv(bytes, ctx.today),
    cells: (r) => [r.date, r.description, r.amount, r.category],
    commit: (check, requestId) => importExpenses(services.db, user, check.inputs, ctx.now, requestId),
    // The category the owner chose on each row of the preview.
    adjust: (csv, form) => replaceColumn(csv, "category", form, "edit"),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "record-spend");
  return csvImportPage(request, user, await steps(request, user));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireMoneyAccess(request, "record-spend");
  return csvImport(request, user, await steps(request, user));
}

const CATEGORY_OPTIONS = CATEGORIES.map((c) => ({ value: c.id, label: c.label }));

export default function ImportSpend() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const result = acted ?? loaded;
  const busy = useIsPending();
  const uploading = result.added === null && !result.mapping && result.rows.length === 0;
  return (
    <>
      <p className="eyebrow">
        <Link to="/owner/spend">Spend</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Import spend from a file</h1>
      {result.added !== null ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Added {result.added} expense{result.added === 1 ? "" : "s"}. <Link to="/owner/spend">See the spend list</Link>.
        </p>
      ) : null}
      {uploading ? (
        <>
          <ImportIntro shapes={UNDERSTOOD_SHAPES.spend} formats={UNDERSTOOD_FORMATS} maxRows={MAX_EXPENSE_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES}>
            <p>
              A statement's money coming in (payments, refunds, deposits) is left out. Each row's category is guessed from its
              description (a known course provider is Online courses) and you confirm it: {CATEGORIES.map((c) => c.label).join(", ")}.
              DeskCoach's own columns are <code>{EXPENSE_COLUMNS.join(", ")}</code>, with amounts like 1,234.56. Imported spend
              belongs to the whole practice; edit an expense afterwards to give it to named people.
            </p>
          </ImportIntro>
          <UploadForm busy={busy} error={result.error} maxRows={MAX_EXPENSE_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES} />
        </>
      ) : null}
      {result.mapping ? <MappingForm step={result.mapping} busy={busy} /> : null}
      {!uploading && !result.mapping ? <FormError error={result.error ?? undefined} /> : null}
      {result.mapped && result.added === null ? <MappedNotes mapped={result.mapped} /> : null}
      {result.rows.length > 0 && result.added === null ? (
        <ImportPreview
          columns={EXPENSE_COLUMNS}
          rows={result.rows}
          csv={result.csv}
          requestId={result.requestId}
          upload={result.mapped?.upload}
          noun={["expense", "expenses"]}
          busy={busy}
          editable={{ index: 3, options: CATEGORY_OPTIONS, guessed: result.mapped?.categoryGuessed ?? [] }}
        />
      ) : null}
    </>
  );
}
