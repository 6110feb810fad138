// What an import keeps between its steps, and what it remembers for next time (issue 17).
//
// An uploaded file waits for its mapping in import_upload: under a random id (only its SHA-256 is
// stored) that only its uploader reaches, for UPLOAD_LIFETIME_MINUTES; the same person's next
// upload of the same kind replaces it, an import removes it, and every upload clears the expired
// ones. The page carries only the id: no path or name a browser sends is ever used to find a file.
// The file is kept encrypted (AES-256-GCM) with a key derived from that id, which the database
// never holds: an uploaded feedback export still has its patients' names and numbers in it (they
// are scrubbed at the preview), and the database, its backups and its copies must not. Only the
// uploader's own next request, carrying the id, can read it back.
//
// A confirmed mapping is remembered per import kind and header set, so the same export next month
// goes straight to the preview.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";
import type { DB } from "#db/connection.ts";
import type { ImportKind } from "#app/rules/csv-imports.ts";
import type { ImportField } from "./import-guess.server.ts";
import { normaliseHeader } from "./import-guess.server.ts";
import type { Actor } from "./sessions.server.ts";

export const UPLOAD_LIFETIME_MINUTES = 60;

/** An upload id: 128 random bits, base64url (22 characters). */
const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The file's key: from the upload id (never stored), for this kind of import only. */
function keyOf(id: string, kind: ImportKind): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(id, "base64url"), "deskcoach import upload", kind, 32));
}

/** iv (12 bytes) ‖ tag (16) ‖ ciphertext, base64. */
function seal(bytes: Uint8Array, id: string, kind: ImportKind): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(id, kind), iv);
  const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** The file back, or null when the stored text was not sealed with this id and kind. */
function open(content: string, id: string, kind: ImportKind): Uint8Array | null {
  const sealed = Buffer.from(content, "base64");
  if (sealed.length < 28) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(id, kind), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]));
  } catch {
    return null;
  }
}

export interface StoredUpload {
  fileName: string;
  bytes: Uint8Array;
}

/** Keeps a file for its uploader's next step; returns the id the page carries. */
export async function keepUpload(db: DB, actor: Actor, kind: ImportKind, fileName: string, bytes: Uint8Array, now: Date): Promise<string> {
  const id = randomBytes(16).toString("base64url");
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("import_upload").where("expires_at", "<=", at).execute();
    await trx.deleteFrom("import_upload").where("user_id", "=", actor.id).where("kind", "=", kind).execute();
    await trx
      .insertInto("import_upload")
      .values({
        id_hash: sha256(id),
        user_id: actor.id,
        kind,
        file_name: fileName.slice(0, 200),
        content: seal(bytes, id, kind),
        created_at: at,
        expires_at: new Date(now.getTime() + UPLOAD_LIFETIME_MINUTES * 60_000).toISOString(),
      })
      .execute();
  });
  return id;
}

/** The upload, when it is this person's, of this kind, and not expired; otherwise null (a 404). */
export async function findUpload(db: DB, actor: Actor, kind: ImportKind, id: string, now: Date): Promise<StoredUpload | null> {
  if (!UPLOAD_ID.test(id)) return null;
  const row = await db
    .selectFrom("import_upload")
    .select(["file_name", "content"])
    .where("id_hash", "=", sha256(id))
    .where("user_id", "=", actor.id)
    .where("kind", "=", kind)
    .where("expires_at", ">", now.toISOString())
    .executeTakeFirst();
  const bytes = row ? open(row.content, id, kind) : null;
  return row && bytes ? { fileName: row.file_name, bytes } : null;
}

/** An import is done with its upload. */
export async function dropUpload(db: DB, actor: Actor, id: string): Promise<void> {
  if (!UPLOAD_ID.test(id)) return;
  await db.deleteFrom("import_upload").where("id_hash", "=", sha256(id)).where("user_id", "=", actor.id).execute();
}

// ---------------------------------------------------------------------------------------------
// Remembered mappings

/** What a confirmed mapping keeps: the column of each field, and the answers the file needed. */
export interface SavedMapping {
  columns: Partial<Record<ImportField, number>>;
  dateOrder?: "mdy" | "dmy";
  /** Feedback without a source column: where it came from. */
  source?: string;
  /** Spend with one signed amount column: which sign is money going out. */
  outgoing?: "negative" | "positive";
}

const savedMappingSchema = z.object({
  columns: z.record(z.string(), z.number().int().min(0)),
  dateOrder: z.enum(["mdy", "dmy"]).optional(),
  source: z.string().max(200).optional(),
  outgoing: z.enum(["negative", "positive"]).optional(),
});

/** The shape of a file: its headers, normalised, in order. */
export function headersKey(headers: readonly string[]): string {
  return sha256(headers.map(normaliseHeader).join("\n"));
}

export async function rememberMapping(db: DB, actor: Actor, kind: ImportKind, headers: readonly string[], mapping: SavedMapping, now: Date): Promise<void> {
  const values = { mapping: JSON.stringify(mapping), updated_by: actor.id, updated_at: now.toISOString() };
  await db
    .insertInto("import_mapping")
    .values({ kind, headers_hash: headersKey(headers), ...values })
    .onConflict((oc) => oc.columns(["kind", "headers_hash"]).doUpdateSet(values))
    .execute();
}

/** The mapping confirmed last for a file of this kind and shape, or null. */
export async function recallMapping(db: DB, kind: ImportKind, headers: readonly string[]): Promise<SavedMapping | null> {
  const row = await db.selectFrom("import_mapping").select("mapping").where("kind", "=", kind).where("headers_hash", "=", headersKey(headers)).executeTakeFirst();
  if (!row) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.mapping);
  } catch {
    return null;
  }
  const checked = savedMappingSchema.safeParse(parsed);
  if (!checked.success) return null;
  // A column past the file's last is no mapping for this file.
  if (Object.values(checked.data.columns).some((c) => c >= headers.length)) return null;
  return checked.data as SavedMapping;
}
