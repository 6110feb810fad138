import type { Kysely } from "kysely";
import { countWrites } from "../dialect.ts";

// Imports as practices have them (issue 17): the column mappings a practice confirmed, remembered
// per import kind and header set, and the files waiting between the upload and the import.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One mapping per kind of import and shape of file: headers_hash is the SHA-256 (hex) of the
  // file's headers, normalised (app/models/import-uploads.server.ts). mapping is JSON: the
  // column of each field, and the answers the file needed (date order, source, sign of spend).
  await db.schema
    .createTable("import_mapping")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("headers_hash", "text", (c) => c.notNull())
    .addColumn("mapping", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("user.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_mapping_pk", ["kind", "headers_hash"])
    .execute();

  // An uploaded file between its upload and its import: only its uploader reaches it, for a
  // short time (expires_at), by an id that is random; the row keeps the id's SHA-256, never the
  // id. content is the file's bytes in base64, as both databases keep text alike.
  await db.schema
    .createTable("import_upload")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("user.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("import_upload_user_idx").on("import_upload").columns(["user_id", "kind"]).execute();
  await db.schema.createIndex("import_upload_expiry_idx").on("import_upload").column("expires_at").execute();

  // Every table of the practice counts writes on PostgreSQL (migration 0010).
  await countWrites(db, ["import_mapping", "import_upload"]);
}
