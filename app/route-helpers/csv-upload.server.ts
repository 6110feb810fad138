// The two steps of every CSV import: the uploaded file (preview), or the checked text carried
// back by the confirm form (commit). A request id made at preview travels with the confirm form,
// so a confirm sent twice imports once.
import { randomUUID } from "node:crypto";
import { data } from "@remix-run/node";
import type { PreviewRow } from "#app/components/csv-import.tsx";
import { MAX_IMPORT_BYTES } from "#app/models/csv.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { readForm, readRequestId } from "./validation.ts";

export type Upload =
  | { intent: "preview" | "commit"; bytes: Uint8Array; requestId: string }
  | { error: string; status: number };

export async function readUpload(request: Request): Promise<Upload> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES * 2) {
    return { error: "The file is larger than 2 MB.", status: 413 };
  }
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "preview") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { error: "Choose a CSV file to upload.", status: 400 };
    return { intent, bytes: new Uint8Array(await file.arrayBuffer()), requestId: randomUUID() };
  }
  if (intent === "commit") {
    const csv = form.get("csv");
    const requestId = readRequestId(form.get("requestId"));
    if (typeof csv !== "string" || csv === "" || !requestId) {
      return { error: "This form is out of date. Upload the file again.", status: 400 };
    }
    return { intent, bytes: new TextEncoder().encode(csv), requestId };
  }
  return { error: "Unknown action.", status: 400 };
}

/** What an import page shows after each step. */
export interface ImportResult<Added> {
  error: string | null;
  rows: PreviewRow[];
  /** The checked file, carried to the confirm step so that exactly what was previewed is added. */
  csv: string | null;
  requestId: string | null;
  added: Added | null;
}

interface CheckedRow {
  line: number;
  errors: string[];
}

type Check<Row> = { ok: true; rows: Row[] } | { ok: false; fileError: string | null; rows: Row[] };

/**
 * A whole CSV import action: the upload is checked row by row and shown (preview); the confirm
 * form's copy is checked again and, only when every row is fine, committed. A refusal from the
 * model at commit is shown like a problem with the file.
 */
export async function csvImport<C extends Check<CheckedRow>, Added>(
  request: Request,
  steps: {
    check: (bytes: Uint8Array) => C | Promise<C>;
    /** A row's cells, in the order of the page's columns. */
    cells: (row: C["rows"][number]) => string[];
    commit: (check: Extract<C, { ok: true }>, requestId: string) => Promise<Added>;
  },
) {
  const reply = (result: Partial<ImportResult<Added>>, status = 200) =>
    data<ImportResult<Added>>({ error: null, rows: [], csv: null, requestId: null, added: null, ...result }, { status });
  const upload = await readUpload(request);
  if ("error" in upload) return reply({ error: upload.error }, upload.status);
  const check = await steps.check(upload.bytes);
  const rows = check.rows.map((r) => ({ line: r.line, cells: steps.cells(r), errors: r.errors }));
  if (!check.ok) {
    return reply({ error: check.fileError ?? "Some rows have problems. Fix them in the file and upload it again; nothing was added.", rows }, 400);
  }
  if (upload.intent === "preview") return reply({ rows, csv: new TextDecoder().decode(upload.bytes), requestId: upload.requestId });
  try {
    return reply({ added: await steps.commit(check as Extract<C, { ok: true }>, upload.requestId) });
  } catch (error) {
    if (error instanceof FieldError) return reply({ error: error.message, rows }, error.status);
    throw error;
  }
}
