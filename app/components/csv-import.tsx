import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { FormError, SelectField, TextField } from "./field.tsx";

export interface PreviewRow {
  line: number;
  cells: string[];
  errors: string[];
}

/** What the page needs of the mapping step (MappingStep in csv-upload.server.ts). */
export interface MappingStepView {
  upload: string;
  view: {
    fileName: string;
    format: string;
    rowCount: number;
    sheetNames: string[];
    sheet: string | null;
    columns: { index: number; header: string; sample: string[]; field: string }[];
    fields: { id: string; label: string }[];
    required: string;
    rules: { label: string; text: string; problem: boolean }[];
    dateQuestion: string | null;
    dateOrder: "mdy" | "dmy" | null;
    source: string | null;
    outgoing: "negative" | "positive" | null;
  };
  errors: Record<string, string>;
}

/** What the preview says about a mapped file (MappedNotes in csv-upload.server.ts). */
export interface MappedView {
  upload: string;
  sheet: string | null;
  rules: { label: string; text: string }[];
  skipped: { line: number; reason: string }[];
  categoryGuessed: boolean[];
  remembered: boolean;
}

/** The limits and the shapes understood, said once for every import page. */
export function ImportIntro({ shapes, formats, maxRows, maxMegabytes, children }: { shapes: string[]; formats: string; maxRows: number; maxMegabytes: number; children?: ReactNode }) {
  return (
    <>
      <p>
        Upload the file as your survey, review, payroll, bank or practice-management system exports it: DeskCoach shows its columns, guesses which is
        which, and you confirm. It reads {formats}. Shapes it knows:
      </p>
      <ul>
        {shapes.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      {children}
      <p>
        At most {maxRows.toLocaleString("en-US")} rows and {maxMegabytes} MB. Every row is checked first: all rows are imported, or
        none. The mapping you confirm is remembered, so the same export next time goes straight to the check.
      </p>
    </>
  );
}

/** Step 1: choose a file. Its problem is shown beside it. */
export function UploadForm({ busy, error, maxRows, maxMegabytes }: { busy: boolean; error?: string | null; maxRows: number; maxMegabytes: number }) {
  return (
    <Form method="post" encType="multipart/form-data" className="stack" noValidate>
      <input type="hidden" name="intent" value="preview" />
      <div className="field">
        <label htmlFor="file">CSV or Excel file</label>
        <p id="file-hint" className="field-hint">
          .csv, .txt or .xlsx; at most {maxMegabytes} MB and {maxRows.toLocaleString("en-US")} rows.
        </p>
        {error ? (
          <p id="file-error" className="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {error}
          </p>
        ) : null}
        <input
          id="file"
          name="file"
          type="file"
          accept=".csv,.txt,.tsv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "file-hint file-error" : "file-hint"}
        />
      </div>
      <button type="submit" className="button" disabled={busy}>
        Check the file
      </button>
    </Form>
  );
}

/** Step 2: the file's columns, each with a sample and the field it is taken for. */
export function MappingForm({ step, busy }: { step: MappingStepView; busy: boolean }) {
  const { view, errors, upload } = step;
  const options = [{ value: "", label: "Not imported" }, ...view.fields.map((f) => ({ value: f.id, label: f.label }))];
  return (
    <section aria-labelledby="mapping-heading">
      <h2 id="mapping-heading">Which column is which?</h2>
      <p>
        <strong>{view.fileName}</strong>: {view.format}, {view.rowCount} {view.rowCount === 1 ? "row" : "rows"}. DeskCoach guessed
        what each column holds; check each guess and change what is wrong. It needs {view.required}.
      </p>
      {view.sheetNames.length > 1 ? (
        <Form method="get" className="inline-fields">
          <input type="hidden" name="upload" value={upload} />
          <SelectField label="Sheet" name="sheet" defaultValue={view.sheet ?? ""} options={view.sheetNames.map((s) => ({ value: s, label: s }))} />
          <button type="submit" className="button">
            Show this sheet
          </button>
        </Form>
      ) : null}
      <FormError error={errors.form} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="map" />
        <input type="hidden" name="upload" value={upload} />
        <input type="hidden" name="sheet" value={view.sheet ?? ""} />
        <div className="table-wrap" role="region" aria-label="Columns in the file" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Column in the file</th>
                <th scope="col">Sample values</th>
                <th scope="col">Imported as</th>
              </tr>
            </thead>
            <tbody>
              {view.columns.map((c) => {
                const name = `column.${c.index}`;
                const error = errors[name];
                return (
                  <tr key={c.index}>
                    <th scope="row" id={`column-${c.index}-header`}>
                      {c.header}
                    </th>
                    <td>{c.sample.length === 0 ? <span className="muted">empty</span> : c.sample.join(" · ")}</td>
                    <td>
                      {error ? (
                        <p id={`column-${c.index}-error`} className="field-error" role="alert">
                          <span aria-hidden="true">⚠ </span>
                          {error}
                        </p>
                      ) : null}
                      <select
                        name={name}
                        defaultValue={c.field}
                        aria-label={`Imported as: ${c.header}`}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `column-${c.index}-error` : undefined}
                      >
                        {options.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {view.rules.length > 0 ? (
          <div>
            <h3>How the values are read</h3>
            <ul>
              {view.rules.map((r) => (
                <li key={r.label} className={r.problem ? "field-error" : undefined}>
                  <strong>{r.label}</strong>: {r.text}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {view.dateQuestion || errors.dateOrder ? (
          <fieldset aria-describedby={errors.dateOrder ? "dateOrder-error" : "dateOrder-hint"}>
            <legend>How does this file write its dates?</legend>
            <p id="dateOrder-hint" className="field-hint">
              {view.dateQuestion ?? "Every date could be read either way."}
            </p>
            {errors.dateOrder ? (
              <p id="dateOrder-error" className="field-error" role="alert">
                <span aria-hidden="true">⚠ </span>
                {errors.dateOrder}
              </p>
            ) : null}
            <label className="choice">
              <input type="radio" name="dateOrder" value="mdy" defaultChecked={view.dateOrder === "mdy"} /> Month first (US: 3/4/2026 is March 4)
            </label>
            <label className="choice">
              <input type="radio" name="dateOrder" value="dmy" defaultChecked={view.dateOrder === "dmy"} /> Day first (3/4/2026 is 3 April)
            </label>
          </fieldset>
        ) : view.dateOrder ? (
          <input type="hidden" name="dateOrder" value={view.dateOrder} />
        ) : null}
        {view.source !== null ? (
          <TextField
            label="Where this feedback came from, when no column says"
            name="source"
            defaultValue={view.source}
            maxLength={60}
            hint="Like “Google review” or “Post-visit survey”. Used for every row when no column is imported as Source."
            error={errors.source}
          />
        ) : null}
        {view.outgoing !== null ? (
          <SelectField
            label="In a single Amount column, money going out is written as"
            name="outgoing"
            defaultValue={view.outgoing}
            error={errors.outgoing}
            options={[
              { value: "negative", label: "Negative amounts (bank statements)" },
              { value: "positive", label: "Positive amounts (most card statements)" },
            ]}
          />
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            Check the rows
          </button>
          <Link to="." className="button">
            Start over
          </Link>
        </div>
      </Form>
    </section>
  );
}

/** On the preview of a mapped file: how its values were read, what was left out, and the way back to the mapping. */
export function MappedNotes({ mapped }: { mapped: MappedView }) {
  const change = `?upload=${encodeURIComponent(mapped.upload)}${mapped.sheet ? `&sheet=${encodeURIComponent(mapped.sheet)}` : ""}&change=1`;
  return (
    <div className="stack">
      <p>
        {mapped.remembered ? "Read with the mapping you confirmed for a file of this shape before. " : "Read with the mapping you confirmed. "}
        <Link to={change}>Change which column is which</Link>.
      </p>
      {mapped.rules.length > 0 ? (
        <ul>
          {mapped.rules.map((r) => (
            <li key={r.label}>
              <strong>{r.label}</strong>: {r.text}
            </li>
          ))}
        </ul>
      ) : null}
      {mapped.skipped.length > 0 ? (
        <p>
          Left out: {mapped.skipped.length} {mapped.skipped.length === 1 ? "row" : "rows"} of money coming in (
          {mapped.skipped
            .slice(0, 5)
            .map((s) => `line ${s.line}`)
            .join(", ")}
          {mapped.skipped.length > 5 ? ", …" : ""}).
        </p>
      ) : null}
    </div>
  );
}

/** A column the confirm form lets the person change row by row (spend's category). */
export interface EditableColumn {
  /** The column's place in `columns`. */
  index: number;
  options: { value: string; label: string }[];
  /** Rows whose value was guessed, to mark. */
  guessed: boolean[];
}

/** Step 3: every row, with its problems; and, when there are none, the button that adds them all. */
export function ImportPreview({
  columns,
  rows,
  csv,
  requestId,
  upload,
  noun,
  busy,
  editable,
}: {
  columns: string[];
  rows: PreviewRow[];
  /** The checked file, when every row is fine. */
  csv: string | null;
  /** Made at preview; a confirm sent twice imports once. */
  requestId: string | null;
  /** The upload the rows came from, dropped once they are imported. */
  upload?: string | null;
  noun: [string, string];
  busy: boolean;
  editable?: EditableColumn;
}) {
  const name = rows.length === 1 ? noun[0] : noun[1];
  return (
    <>
      <h2>{csv ? `Ready to add ${rows.length} ${name}` : "Rows with problems"}</h2>
      {csv && editable ? <p>Check each row's {columns[editable.index]}; those marked “guessed” were guessed from the description.</p> : null}
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
            {rows.map((r, row) => (
              <tr key={r.line} className={r.errors.length > 0 ? "row-error" : undefined}>
                <td>{r.line}</td>
                {r.cells.map((c, i) =>
                  csv && editable && editable.index === i ? (
                    <td key={i}>
                      <select
                        name={`edit.${row}`}
                        form="import-confirm"
                        defaultValue={editable.options.find((o) => o.label === c || o.value === c)?.value ?? c}
                        aria-label={`${columns[i]}, line ${r.line}${editable.guessed[row] ? " (guessed)" : ""}`}
                      >
                        {editable.options.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                      {editable.guessed[row] ? <span className="muted"> guessed</span> : null}
                    </td>
                  ) : (
                    <td key={i}>{c}</td>
                  ),
                )}
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
        <Form method="post" className="actions" id="import-confirm">
          <input type="hidden" name="intent" value="commit" />
          <input type="hidden" name="csv" value={csv} />
          <input type="hidden" name="requestId" value={requestId ?? ""} />
          <input type="hidden" name="upload" value={upload ?? ""} />
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
