import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { requireRole } from "#app/auth.server.ts";
import { CodesTable } from "#app/components/codes-table.tsx";
import { FormError } from "#app/components/field.tsx";
import { MAX_IMPORT_BYTES } from "#app/models/csv.server.ts";
import { MAX_PEOPLE_ROWS, PEOPLE_COLUMNS } from "#app/import-rules.ts";
import { checkPeopleCsv, type ImportRow } from "#app/models/people-import.server.ts";
import { addPeople, TeamError } from "#app/models/team.server.ts";
import { practiceContext } from "#app/practice-context.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import people · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "manager");
  return null;
}

interface Result {
  error: string | null;
  rows: ImportRow[];
  /** The checked file, carried to the confirm step so that exactly what was previewed is added. */
  csv: string | null;
  added: { name: string; email: string; code: string }[] | null;
}
const reply = (result: Result, status = 200) => data(result, { status });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_IMPORT_BYTES * 2) {
    return reply({ error: "The file is larger than 2 MB.", rows: [], csv: null, added: null }, 413);
  }
  const form = await request.formData();
  const intent = form.get("intent");
  let bytes: Uint8Array;
  if (intent === "preview") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      return reply({ error: "Choose a CSV file to upload.", rows: [], csv: null, added: null }, 400);
    }
    bytes = new Uint8Array(await file.arrayBuffer());
  } else if (intent === "commit") {
    bytes = new TextEncoder().encode(String(form.get("csv") ?? ""));
  } else {
    return reply({ error: "Unknown action.", rows: [], csv: null, added: null }, 400);
  }
  const check = await checkPeopleCsv(services.db, actor, bytes);
  if (!check.ok) {
    return reply({ error: check.fileError ?? "Some rows have problems. Fix them in the file and upload it again; nothing was added.", rows: check.rows, csv: null, added: null }, 400);
  }
  if (intent === "preview") {
    return reply({ error: null, rows: check.rows, csv: new TextDecoder().decode(bytes), added: null });
  }
  try {
    const added = await addPeople(services.db, actor, check.people, { ...(await practiceContext()), via: "csv" });
    return reply({ error: null, rows: [], csv: null, added: added.map((a) => ({ name: a.name, email: a.email, code: a.code })) });
  } catch (error) {
    if (error instanceof TeamError) return reply({ error: error.message, rows: check.rows, csv: null, added: null }, error.status);
    throw error;
  }
}

export default function ImportPeople() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
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
          <Form method="post" encType="multipart/form-data" className="stack" noValidate>
            <input type="hidden" name="intent" value="preview" />
            <div className="field">
              <label htmlFor="file">CSV file</label>
              <input id="file" name="file" type="file" accept=".csv,text/csv" />
            </div>
            <button type="submit" className="button" disabled={busy}>
              Check the file
            </button>
          </Form>
        </>
      )}
      <FormError error={result?.error ?? undefined} />
      {result && result.rows.length > 0 ? (
        <>
          <h2>{result.csv ? `Ready to add ${result.rows.length} ${result.rows.length === 1 ? "person" : "people"}` : "Rows with problems"}</h2>
          <div className="table-wrap" role="region" aria-label="Rows in the file" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Job title</th>
                  <th scope="col">Location</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((r) => (
                  <tr key={r.line} className={r.errors.length > 0 ? "row-error" : undefined}>
                    <td>{r.line}</td>
                    <td>{r.name}</td>
                    <td>{r.email}</td>
                    <td>{r.jobTitle}</td>
                    <td>{r.location}</td>
                    <td>{r.errors.length === 0 ? "OK" : r.errors.map((e) => <p key={e} className="field-error">{e}</p>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.csv ? (
            <Form method="post" className="actions">
              <input type="hidden" name="intent" value="commit" />
              <input type="hidden" name="csv" value={result.csv} />
              <button type="submit" className="button primary" disabled={busy}>
                Add {result.rows.length} {result.rows.length === 1 ? "person" : "people"}
              </button>
              <Link to="." className="button">
                Start over
              </Link>
            </Form>
          ) : null}
        </>
      ) : null}
    </>
  );
}
