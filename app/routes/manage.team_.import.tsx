import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { CodesTable } from "#app/components/codes-table.tsx";
import { ImportPreview, UploadForm } from "#app/components/csv-import.tsx";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { csvImport } from "#app/route-helpers/csv-upload.server.ts";
import { MAX_PEOPLE_ROWS, PEOPLE_COLUMNS } from "#app/rules/csv-imports.ts";
import { checkPeopleCsv } from "#app/models/people-import.server.ts";
import { addPeople } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import people · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "manager");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  return csvImport(request, {
    check: (bytes) => checkPeopleCsv(services.db, actor, bytes),
    cells: (r) => [r.name, r.email, r.jobTitle, r.location],
    commit: async (check) => {
      const added = await addPeople(services.db, actor, check.people, { ...(await practiceContext()), via: "csv" });
      return added.map((a) => ({ name: a.name, email: a.email, code: a.code }));
    },
  });
}

export default function ImportPeople() {
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <p className="eyebrow">
        <Link to="/manage/team">Team</Link> <span aria-hidden="true">›</span> Import
      </p>
      <h1>Add people from a CSV file</h1>
      {result?.added ? (
        <>
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>Added {result.added.length} {result.added.length === 1 ? "person" : "people"}.
          </p>
          <CodesTable people={result.added} />
        </>
      ) : (
        <>
          <p>
            The first row must name the columns <code>{PEOPLE_COLUMNS.join(", ")}</code>. Location must match one of your
            locations (or be empty). At most {MAX_PEOPLE_ROWS} rows and 2 MB. Every row is checked before anything is added:
            all rows are added, or none.
          </p>
          <UploadForm busy={busy} />
        </>
      )}
      <FormError error={result?.error ?? undefined} />
      {result && result.rows.length > 0 ? (
        <ImportPreview columns={PEOPLE_COLUMNS} rows={result.rows} csv={result.csv} requestId={result.requestId} noun={["person", "people"]} busy={busy} />
      ) : null}
    </>
  );
}
