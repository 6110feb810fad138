import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { CodesTable } from "#app/components/codes-table.tsx";
import { ImportIntro, ImportPreview, MappedNotes, MappingForm, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { csvImport, csvImportPage, type ImportSteps } from "#app/route-helpers/csv-upload.server.ts";
import { MAX_PEOPLE_ROWS, PEOPLE_COLUMNS, MAX_IMPORT_MEGABYTES, UNDERSTOOD_FORMATS, UNDERSTOOD_SHAPES } from "#app/rules/csv-imports.ts";
import { checkPeopleCsv, type ImportCheck as PeopleImportCheck } from "#app/models/people-import.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { addPeople } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import people · DeskCoach" }];

async function steps(actor: Actor): Promise<ImportSteps<PeopleImportCheck, { name: string; email: string; code: string }[]>> {
  const ctx = await practiceContext();
  return {
    kind: "people",
    timeZone: ctx.timeZone,
    check: (bytes) => checkPeopleCsv(services.db, actor, bytes),
    cells: (r) => [r.name, r.email, r.jobTitle, r.location],
    commit: async (check) => {
      const added = await addPeople(services.db, actor, check.people, { ...ctx, via: "csv" });
      return added.map((a) => ({ name: a.name, email: a.email, code: a.code }));
    },
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  return csvImportPage(request, actor, await steps(actor));
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  return csvImport(request, actor, await steps(actor));
}

export default function ImportPeople() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const result = acted ?? loaded;
  const busy = useIsPending();
  const uploading = !result.added && !result.mapping && result.rows.length === 0;
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/team">Team</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Add people from a file</h1>
      {result.added ? (
        <>
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>Added {result.added.length} {result.added.length === 1 ? "person" : "people"}.
          </p>
          <CodesTable people={result.added} />
        </>
      ) : null}
      {uploading ? (
        <>
          <ImportIntro shapes={UNDERSTOOD_SHAPES.people} formats={UNDERSTOOD_FORMATS} maxRows={MAX_PEOPLE_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES}>
            <p>
              Each person needs an email and a name; a location must match one of your locations (or be empty). DeskCoach's own
              columns are <code>{PEOPLE_COLUMNS.join(", ")}</code>.
            </p>
          </ImportIntro>
          <UploadForm busy={busy} error={result.error} maxRows={MAX_PEOPLE_ROWS} maxMegabytes={MAX_IMPORT_MEGABYTES} />
        </>
      ) : null}
      {result.mapping ? <MappingForm step={result.mapping} busy={busy} /> : null}
      {!uploading && !result.mapping ? <FormError error={result.error ?? undefined} /> : null}
      {result.mapped && !result.added ? <MappedNotes mapped={result.mapped} /> : null}
      {result.rows.length > 0 && !result.added ? (
        <ImportPreview columns={PEOPLE_COLUMNS} rows={result.rows} csv={result.csv} requestId={result.requestId} upload={result.mapped?.upload} noun={["person", "people"]} busy={busy} />
      ) : null}
    </>
  );
}
