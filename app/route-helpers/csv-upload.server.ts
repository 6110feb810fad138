// The two steps of every CSV import: the uploaded file (preview), or the checked text carried
// back by the confirm form (commit). A request id made at preview travels with the confirm form,
// so a confirm sent twice imports once.
import { randomUUID } from "node:crypto";
import { MAX_IMPORT_BYTES } from "#app/models/csv.server.ts";
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
