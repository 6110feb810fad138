// The steps of every import (feedback, people, spend, outcome figures):
//   1. upload: a file in DeskCoach's own columns (UTF-8 CSV) is checked at once, as it always was;
//      any other file is read (import-file.server.ts), kept for its uploader under a random id
//      (import-uploads.server.ts) and the browser sent to `?upload=<id>`;
//   2. mapping: the page shows the file's columns and the guess; a mapping confirmed before for
//      a file of the same shape (or DeskCoach's own columns in another format) skips this step;
//   3. preview: the mapped file, as DeskCoach's own CSV, goes through the import's existing check;
//   4. commit: the checked text carried back by the confirm form is checked again and imported.
// A request id made at preview travels with the confirm form, so a confirm sent twice imports once.
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { data, redirect } from "@remix-run/node";
import type { PreviewRow } from "#app/components/csv-import.tsx";
import { MAX_IMPORT_BYTES, readCsvUpload } from "#app/models/csv.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { guessedMapping, mappingProblemField, mappingView, mapWith, ownColumnsMapping, readMappingForm, type MappingView } from "#app/models/import-choice.server.ts";
import { readImportFile, type ImportTable } from "#app/models/import-file.server.ts";
import { dropUpload, findUpload, UPLOAD_LIFETIME_MINUTES, keepUpload, recallMapping, rememberMapping, type SavedMapping } from "#app/models/import-uploads.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { EXPENSE_COLUMNS, MAX_IMPORT_ROWS, PEOPLE_COLUMNS, type ImportKind } from "#app/rules/csv-imports.ts";
import { FEEDBACK_COLUMNS } from "#app/rules/feedback.ts";
import { OUTCOME_COLUMNS } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";
import { formFields, readForm, readRequestId } from "./validation.ts";

const OWN_COLUMNS: Record<ImportKind, string[]> = { feedback: FEEDBACK_COLUMNS, people: PEOPLE_COLUMNS, spend: EXPENSE_COLUMNS, outcomes: OUTCOME_COLUMNS };

export const FILE_TOO_LARGE_UPLOAD = `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`;
/**
 * A request at most this large: the confirm form carries the checked CSV, which a browser sends
 * URL-encoded (up to three bytes for one), so its limit is a few times the file's.
 */
const MAX_REQUEST_BYTES = 4 * MAX_IMPORT_BYTES;

/**
 * An upload id that is not this person's, has expired or was imported already: a 404, answered
 * with the upload form (the page the person needs next) rather than an error page, as the same
 * page asks for its data again after an import.
 */
export const UPLOAD_GONE = `This upload is not available any more (files wait ${UPLOAD_LIFETIME_MINUTES} minutes, and only for the person who uploaded them). Upload the file again.`;

/** What the mapping step carries to the page. */
export interface MappingStep {
  upload: string;
  view: MappingView;
  errors: Record<string, string>;
}

/** A file mapped to DeskCoach's own columns, for the preview to say how. */
export interface MappedNotes {
  upload: string;
  sheet: string | null;
  /** The file's line of each row of the mapped CSV, in order. */
  lines: number[];
  rules: { label: string; text: string }[];
  skipped: { line: number; reason: string }[];
  /** Spend: whether each row's category was guessed from its description. */
  categoryGuessed: boolean[];
  /** The mapping was remembered from an earlier import of a file of this shape. */
  remembered: boolean;
}

export type ImportStep =
  | { step: "upload"; error: string | null; status: number }
  | ({ step: "mapping"; status: number } & MappingStep)
  | { step: "check"; bytes: Uint8Array; requestId: string; mapped: MappedNotes | null }
  | { step: "commit"; bytes: Uint8Array; requestId: string; form: FormData; upload: string | null };

const RULE_LABELS: Record<string, string> = { date: "Dates", month: "Months", rating: "Ratings", amount: "Amounts", name: "Names" };

async function readTable(bytes: Uint8Array, fileName: string, kind: ImportKind, sheet: string | null) {
  return readImportFile(bytes, fileName, { maxRows: MAX_IMPORT_ROWS[kind], ...(sheet ? { sheet } : {}) });
}

/** The table's mapping applied: the preview's input, or the mapping page with the problem beside its question. */
function mapped(kind: ImportKind, table: ImportTable, saved: SavedMapping, upload: string, fileName: string, timeZone: string, remembered: boolean): ImportStep {
  const result = mapWith(kind, table, saved, timeZone);
  if (!result.ok) {
    const view = mappingView(kind, table, saved, fileName, timeZone);
    return { step: "mapping", status: 400, upload, view, errors: { [mappingProblemField(kind, saved, result)]: result.problem } };
  }
  return {
    step: "check",
    bytes: new TextEncoder().encode(result.csv),
    requestId: randomUUID(),
    mapped: {
      upload,
      sheet: table.sheet ?? null,
      lines: result.rows.map((r) => r.line),
      rules: Object.entries(result.rules).flatMap(([field, text]) => (text ? [{ label: RULE_LABELS[field] ?? field, text }] : [])),
      skipped: result.skipped,
      categoryGuessed: result.rows.map((r) => r.categoryGuessed),
      remembered,
    },
  };
}

/**
 * The page's step for a GET: the upload form, or (with `?upload=<id>`) the mapping page, or the
 * preview when the file's mapping is known. Someone else's upload, or an expired one, is a 404.
 */
export async function importPageStep(request: Request, actor: Actor, kind: ImportKind, timeZone: string): Promise<ImportStep> {
  const url = new URL(request.url);
  const id = url.searchParams.get("upload");
  if (id === null) return { step: "upload", error: null, status: 200 };
  const upload = await findUpload(services.db, actor, kind, id, services.clock.now());
  if (!upload) return { step: "upload", error: UPLOAD_GONE, status: 404 };
  const read = await readTable(upload.bytes, upload.fileName, kind, url.searchParams.get("sheet"));
  if (!read.ok) return { step: "upload", error: read.message, status: 400 };
  const { table } = read;
  if (url.searchParams.get("change") !== "1") {
    const remembered = await recallMapping(services.db, kind, table.headers);
    if (remembered) return mapped(kind, table, remembered, id, upload.fileName, timeZone, true);
    const own = ownColumnsMapping(kind, table.headers);
    if (own) return mapped(kind, table, own, id, upload.fileName, timeZone, false);
  }
  const saved = (await recallMapping(services.db, kind, table.headers)) ?? guessedMapping(kind, table);
  return { step: "mapping", status: 200, upload: id, view: mappingView(kind, table, saved, upload.fileName, timeZone), errors: {} };
}

/**
 * The page's step for a POST: `intent=preview` (an upload), `intent=map` (the mapping page's
 * answers) or `intent=commit` (the confirm form). Redirects to the mapping page after an upload
 * that needs one.
 */
export async function importActionStep(request: Request, actor: Actor, kind: ImportKind, timeZone: string): Promise<ImportStep> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_REQUEST_BYTES) return { step: "upload", error: FILE_TOO_LARGE_UPLOAD, status: 413 };
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "preview") {
    const file = await uploadedFile(form, "Choose a CSV or Excel file to upload.");
    if ("step" in file) return file;
    const { bytes } = file;
    // DeskCoach's own columns, as UTF-8 CSV: checked as they are, as imports always were.
    if (!("fileError" in readCsvUpload(bytes, OWN_COLUMNS[kind], MAX_IMPORT_ROWS[kind]))) return { step: "check", bytes, requestId: randomUUID(), mapped: null };
    const read = await readTable(bytes, file.name, kind, null);
    if (!read.ok) return { step: "upload", error: read.message, status: 400 };
    const id = await keepUpload(services.db, actor, kind, file.name, bytes, services.clock.now());
    throw redirect(`${new URL(request.url).pathname}?upload=${id}`);
  }
  if (intent === "map") {
    const id = String(form.get("upload") ?? "");
    const upload = await findUpload(services.db, actor, kind, id, services.clock.now());
    if (!upload) return { step: "upload", error: UPLOAD_GONE, status: 404 };
    const sheet = form.get("sheet");
    const read = await readTable(upload.bytes, upload.fileName, kind, typeof sheet === "string" && sheet !== "" ? sheet : null);
    if (!read.ok) return { step: "upload", error: read.message, status: 400 };
    const { table } = read;
    const answers = readMappingForm(kind, table, formFields(form));
    if (!answers.ok) return { step: "mapping", status: 400, upload: id, view: mappingView(kind, table, answers.saved, upload.fileName, timeZone), errors: answers.errors };
    const step = mapped(kind, table, answers.saved, id, upload.fileName, timeZone, false);
    // Remembered once it maps the file: next time a file of this shape goes straight to the preview.
    if (step.step === "check") await rememberMapping(services.db, actor, kind, table.headers, answers.saved, services.clock.now());
    return step;
  }
  if (intent === "commit") return commitStep(form);
  return { step: "upload", error: "Unknown action.", status: 400 };
}

/** The uploaded file of a preview, or the upload step with what is wrong with it. */
async function uploadedFile(form: FormData, missing: string): Promise<{ bytes: Uint8Array; name: string } | Extract<ImportStep, { step: "upload" }>> {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { step: "upload", error: missing, status: 400 };
  if (file.size > MAX_IMPORT_BYTES) return { step: "upload", error: FILE_TOO_LARGE_UPLOAD, status: 413 };
  return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
}

/** The confirm form: the checked text it carries, to be checked again and imported. */
function commitStep(form: FormData): ImportStep {
  const csv = form.get("csv");
  const requestId = readRequestId(form.get("requestId"));
  if (typeof csv !== "string" || csv === "" || !requestId) return { step: "upload", error: "This form is out of date. Upload the file again.", status: 400 };
  const upload = form.get("upload");
  return { step: "commit", bytes: new TextEncoder().encode(csv), requestId, form, upload: typeof upload === "string" && upload !== "" ? upload : null };
}

/** After an import, its upload is not needed any more. */
export async function importDone(actor: Actor, upload: string | null): Promise<void> {
  if (upload) await dropUpload(services.db, actor, upload);
}

/** A row's line in the uploaded file: the mapped CSV's line (header is line 1) turned back. */
export function fileLine(mapped: MappedNotes | null, line: number): number {
  return mapped?.lines[line - 2] ?? line;
}

/**
 * The checked CSV with one column's values replaced by the confirm form's `<prefix>.<row>` fields
 * (row 0 is the first after the header). The result is checked again like any other file, so a
 * value that is not allowed is named on its row.
 */
export function replaceColumn(csv: string, column: string, form: FormData, prefix: string): string {
  let records: string[][];
  try {
    records = parse(csv, { relax_column_count: true });
  } catch {
    return csv;
  }
  const [header, ...rows] = records;
  const at = header?.indexOf(column) ?? -1;
  if (!header || at < 0) return csv;
  let changed = false;
  rows.forEach((row, i) => {
    const value = form.get(`${prefix}.${i}`);
    if (typeof value === "string" && value.length <= 200 && value !== row[at]) {
      row[at] = value;
      changed = true;
    }
  });
  return changed ? stringify([header, ...rows], { record_delimiter: "\r\n", quoted: true }) : csv;
}

/** What a people, spend or outcomes import page shows after each step. */
export interface ImportResult<Added> {
  /** A problem with the file or the form, shown beside the file field on the upload step. */
  error: string | null;
  mapping: MappingStep | null;
  rows: PreviewRow[];
  /** The checked file, carried to the confirm step so that exactly what was previewed is added. */
  csv: string | null;
  requestId: string | null;
  mapped: MappedNotes | null;
  added: Added | null;
}

interface CheckedRow {
  line: number;
  errors: string[];
}

type Check<Row> = { ok: true; rows: Row[] } | { ok: false; fileError: string | null; rows: Row[] };

export interface ImportSteps<C extends Check<CheckedRow>, Added> {
  kind: ImportKind;
  timeZone: string;
  check: (bytes: Uint8Array) => C | Promise<C>;
  /** A row's cells, in the order of the page's columns. */
  cells: (row: C["rows"][number]) => string[];
  commit: (check: Extract<C, { ok: true }>, requestId: string) => Promise<Added>;
  /** The confirm form's own fields applied to the checked text before it is checked again (spend's categories). */
  adjust?: (csv: string, form: FormData) => string;
}

/** What checking and adding need, without the mapping step's kind. */
type CheckSteps<C extends Check<CheckedRow>, Added> = Pick<ImportSteps<C, Added>, "check" | "cells" | "commit" | "adjust">;

const EMPTY = { error: null, mapping: null, rows: [], csv: null, requestId: null, mapped: null, added: null };

/** A step turned into what the page shows: the check runs here for a preview and a commit. */
async function resultOf<C extends Check<CheckedRow>, Added>(actor: Actor, step: ImportStep, steps: CheckSteps<C, Added>) {
  const reply = (result: Partial<ImportResult<Added>>, status = 200) => data<ImportResult<Added>>({ ...EMPTY, ...result }, { status });
  if (step.step === "upload") return reply({ error: step.error }, step.status);
  if (step.step === "mapping") return reply({ mapping: { upload: step.upload, view: step.view, errors: step.errors } }, step.status);
  const mapped = step.step === "check" ? step.mapped : null;
  const bytes = step.step === "commit" && steps.adjust ? new TextEncoder().encode(steps.adjust(new TextDecoder().decode(step.bytes), step.form)) : step.bytes;
  const check = await steps.check(bytes);
  const rows = check.rows.map((r) => ({ line: fileLine(mapped, r.line), cells: steps.cells(r), errors: r.errors }));
  if (!check.ok) {
    return reply({ error: check.fileError ?? "Some rows have problems. Fix them in the file and upload it again; nothing was added.", rows, mapped }, 400);
  }
  if (step.step === "check") return reply({ rows, csv: new TextDecoder().decode(bytes), requestId: step.requestId, mapped });
  try {
    const added = await steps.commit(check as Extract<C, { ok: true }>, step.requestId);
    await importDone(actor, step.upload);
    return reply({ added });
  } catch (error) {
    if (error instanceof FieldError) return reply({ error: error.message, rows }, error.status);
    throw error;
  }
}

/** A people, spend or outcomes import page's loader: the step the URL names. */
export async function csvImportPage<C extends Check<CheckedRow>, Added>(request: Request, actor: Actor, steps: ImportSteps<C, Added>) {
  return resultOf(actor, await importPageStep(request, actor, steps.kind, steps.timeZone), steps);
}

/** A people, spend or outcomes import page's action: upload, mapping, preview and commit. */
export async function csvImport<C extends Check<CheckedRow>, Added>(request: Request, actor: Actor, steps: ImportSteps<C, Added>) {
  return resultOf(actor, await importActionStep(request, actor, steps.kind, steps.timeZone), steps);
}
