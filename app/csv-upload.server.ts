// The two steps of every CSV import: the uploaded file (preview), or the checked text carried
// back by the confirm form (commit).
import { MAX_IMPORT_BYTES } from "./models/csv.server.ts";

export type Upload = { intent: "preview" | "commit"; bytes: Uint8Array } | { error: string; status: number };

export async function readUpload(request: Request): Promise<Upload> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES * 2) {
    return { error: "The file is larger than 2 MB.", status: 413 };
  }
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "preview") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { error: "Choose a CSV file to upload.", status: 400 };
    return { intent, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
  if (intent === "commit") return { intent, bytes: new TextEncoder().encode(String(form.get("csv") ?? "")) };
  return { error: "Unknown action.", status: 400 };
}
