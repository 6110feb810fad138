import { Form, Link } from "@remix-run/react";

export interface PreviewRow {
  line: number;
  cells: string[];
  errors: string[];
}

/** Step 1: choose a file. */
export function UploadForm({ busy }: { busy: boolean }) {
  return (
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
  );
}

/** Step 2: every row, with its problems; and, when there are none, the button that adds them all. */
export function ImportPreview({
  columns,
  rows,
  csv,
  requestId,
  noun,
  busy,
}: {
  columns: string[];
  rows: PreviewRow[];
  /** The checked file, when every row is fine. */
  csv: string | null;
  /** Made at preview; a confirm sent twice imports once. */
  requestId: string | null;
  noun: [string, string];
  busy: boolean;
}) {
  const name = rows.length === 1 ? noun[0] : noun[1];
  return (
    <>
      <h2>{csv ? `Ready to add ${rows.length} ${name}` : "Rows with problems"}</h2>
      <div className="table-wrap" role="region" aria-label="Rows in the file" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Line</th>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.line} className={r.errors.length > 0 ? "row-error" : undefined}>
                <td>{r.line}</td>
                {r.cells.map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
                <td>
                  {r.errors.length === 0
                    ? "OK"
                    : r.errors.map((e) => (
                        <p key={e} className="field-error">
                          {e}
                        </p>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {csv ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="commit" />
          <input type="hidden" name="csv" value={csv} />
          <input type="hidden" name="requestId" value={requestId ?? ""} />
          <button type="submit" className="button primary" disabled={busy}>
            Add {rows.length} {name}
          </button>
          <Link to="." className="button">
            Start over
          </Link>
        </Form>
      ) : null}
    </>
  );
}
