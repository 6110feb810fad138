// Patient feedback: entering one item, importing a survey or review export, listing and removing.
// Every comment is scrubbed (scrub.ts) while it is checked, before anything is stored, and only
// the scrubbed text is ever written. An import is checked whole and written whole: all rows or none.
//
// A manager limited to one location sees, enters and imports only that location's feedback;
// feedback without a location belongs to the whole practice and is for managers of the whole practice.
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import {
  FEEDBACK_COLUMNS,
  MAX_COMMENT_LENGTH,
  MAX_FEEDBACK_ROWS,
  MAX_SOURCE_LENGTH,
  type RedactionCounts,
} from "#app/rules/feedback.ts";
import { recordAudit } from "./audit.server.ts";
import { addDaysTo } from "#app/rules/dates.ts";
import { readCsvUpload } from "./csv.server.ts";
import { FieldError } from "./field-error.ts";
import { scrubComment } from "./scrub.ts";
import type { Actor } from "./sessions.server.ts";
import { listLocations, type Location } from "./team.server.ts";

/** One item, checked and scrubbed, ready to store. */
export interface FeedbackInput {
  receivedOn: string;
  source: string;
  rating: number;
  /** Scrubbed. */
  comment: string;
  redactions: RedactionCounts;
  locationId: number | null;
}

/** What the person entering or importing sees of a row: never the comment as it came in. */
export interface FeedbackRowView {
  line: number;
  date: string;
  source: string;
  rating: string;
  location: string;
  /** Scrubbed, even on a row with problems. */
  comment: string;
  redactions: RedactionCounts;
  redactedCount: number;
  errors: string[];
}

/** An HTML tag (or comment) anywhere in the text. "<3" and "< 10 minutes" are not tags. */
const HTML_TAG = /<\s*\/?\s*[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?\s*>|<!--/i;

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== "\t" && ch !== "\n" && ch !== "\r") || code === 0x7f;
}

/**
 * A date as exports give it: 2026-03-14, 2026-03-14T10:22:00Z, or the US 3/14/2026. Returns
 * YYYY-MM-DD, or null when it is not a real date in one of those forms.
 */
export function parseFeedbackDate(text: string): string | null {
  const value = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value))) {
    [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    return null;
  }
  const iso = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : null;
}

export const EARLIEST_FEEDBACK_DATE = "2000-01-01";

interface RawRow {
  date: string;
  source: string;
  rating: string;
  comment: string;
  location: string;
}

interface CheckContext {
  today: string;
  locations: Location[];
  scopeLocationId: number | null;
}

type Field = "date" | "source" | "rating" | "comment" | "location";

/** Checks and scrubs one row. `location` is a location's name, as in a CSV file. */
function checkRow(raw: RawRow, line: number, ctx: CheckContext): { view: FeedbackRowView; input: FeedbackInput | null; fields: Partial<Record<Field, string>> } {
  const errors: string[] = [];
  const fields: Partial<Record<Field, string>> = {};
  const problem = (field: Field, message: string) => {
    errors.push(message);
    fields[field] ??= message;
  };
  const comment = raw.comment.trim();
  // Scrubbing time grows with the square of the text: a comment too long to keep is refused
  // below without being scrubbed, or one long comment would hold the server for minutes.
  const scrubbed = comment.length > MAX_COMMENT_LENGTH ? { text: "", redactions: {}, total: 0 } : scrubComment(comment);
  const view: FeedbackRowView = {
    line,
    date: raw.date.trim(),
    source: raw.source.trim(),
    rating: raw.rating.trim(),
    location: raw.location.trim(),
    comment: scrubbed.text,
    redactions: scrubbed.redactions,
    redactedCount: scrubbed.total,
    errors,
  };

  const receivedOn = parseFeedbackDate(view.date);
  if (view.date === "") problem("date", "Enter the date the feedback was given.");
  else if (!receivedOn) problem("date", `The date "${view.date}" is not a date like 2026-03-14 or 3/14/2026.`);
  else if (receivedOn > ctx.today) problem("date", `The date ${receivedOn} is in the future.`);
  else if (receivedOn < EARLIEST_FEEDBACK_DATE) problem("date", `The date ${receivedOn} is too long ago.`);

  if (view.source === "") problem("source", "Enter where the feedback came from (for example “Google review” or “Post-visit survey”).");
  else if (view.source.length > MAX_SOURCE_LENGTH) problem("source", `The source can be at most ${MAX_SOURCE_LENGTH} characters.`);
  else if (HTML_TAG.test(view.source) || [...view.source].some(isControl)) problem("source", "The source contains characters that are not allowed.");

  const rating = /^[1-5](?:\.0+)?$/.test(view.rating) ? Number(view.rating) : null;
  if (view.rating === "") problem("rating", "Enter a rating from 1 to 5.");
  else if (rating === null) problem("rating", `The rating "${view.rating}" is not a whole number from 1 to 5.`);

  const tag = HTML_TAG.exec(comment);
  if (comment.length > MAX_COMMENT_LENGTH) problem("comment", `The comment is ${comment.length} characters long; at most ${MAX_COMMENT_LENGTH} can be kept.`);
  if (tag) {
    // Name the tag, never echo the text around it.
    const name = /^<\s*\/?\s*([a-z][a-z0-9-]*)/i.exec(tag[0])?.[1]?.toLowerCase();
    problem("comment", `The comment contains HTML markup (${name ? `<${name}>` : "<!--"}). Remove it and try again; comments are kept as plain text.`);
  }
  if ([...comment].some(isControl)) problem("comment", "The comment contains control characters that are not allowed.");

  let locationId: number | null = ctx.scopeLocationId;
  if (view.location !== "") {
    const found = ctx.locations.find((l) => l.name.toLowerCase() === view.location.toLowerCase());
    if (!found) problem("location", `Unknown location "${view.location}". Use one of: ${ctx.locations.map((l) => l.name).join(", ") || "(none yet)"}, or leave it empty.`);
    else locationId = found.id;
  }

  if (errors.length > 0 || !receivedOn || rating === null) return { view, input: null, fields };
  return {
    view,
    input: { receivedOn, source: view.source, rating, comment: scrubbed.text, redactions: scrubbed.redactions, locationId },
    fields,
  };
}

export type FeedbackCheck =
  | { ok: true; rows: FeedbackRowView[]; items: FeedbackInput[] }
  | { ok: false; fileError: string | null; rows: FeedbackRowView[] };

/** Checks a whole export: the file, then every row. Nothing is written. */
export async function checkFeedbackCsv(db: DB, actor: Actor, bytes: Uint8Array, today: string): Promise<FeedbackCheck> {
  const file = readCsvUpload(bytes, FEEDBACK_COLUMNS, MAX_FEEDBACK_ROWS);
  if ("fileError" in file) return { ok: false, fileError: file.fileError, rows: [] };
  const { records } = file;
  const ctx: CheckContext = { today, locations: await listLocations(db, actor), scopeLocationId: actor.scopeLocationId };
  const rows: FeedbackRowView[] = [];
  const items: FeedbackInput[] = [];
  records.forEach((record, index) => {
    const raw = {
      date: record.date ?? "",
      source: record.source ?? "",
      rating: record.rating ?? "",
      comment: record.comment ?? "",
      location: record.location ?? "",
    };
    const { view, input } = checkRow(raw, index + 2, ctx);
    rows.push(view);
    if (input) items.push(input);
  });
  return rows.some((r) => r.errors.length > 0) ? { ok: false, fileError: null, rows } : { ok: true, rows, items };
}

/** Checks one item typed into the form; `locationId` comes from a list of the actor's locations. */
export async function checkFeedbackEntry(
  db: DB,
  actor: Actor,
  raw: { date: string; source: string; rating: string; comment: string; locationId: string },
  today: string,
): Promise<{ view: FeedbackRowView; input: FeedbackInput | null; errors: Record<string, string> }> {
  const locations = await listLocations(db, actor);
  const chosen = raw.locationId ? locations.find((l) => String(l.id) === raw.locationId) : undefined;
  const { view, input, fields } = checkRow(
    { date: raw.date, source: raw.source, rating: raw.rating, comment: raw.comment, location: chosen?.name ?? "" },
    1,
    { today, locations, scopeLocationId: actor.scopeLocationId },
  );
  const errors: Record<string, string> = { ...fields };
  delete errors.location;
  if (fields.location || (raw.locationId && !chosen)) errors.locationId = "Choose a location from the list.";
  return { view, input: Object.keys(errors).length > 0 ? null : input, errors };
}

export interface SaveResult {
  count: number;
  importId: number | null;
  /** The same confirm form was already submitted: nothing new was written. */
  duplicate: boolean;
}

/**
 * Stores checked items in one transaction, with one audit event. `requestId` comes from the form
 * that showed the preview, so submitting it twice stores the items once.
 */
export async function saveFeedback(
  db: DB,
  actor: Actor,
  items: FeedbackInput[],
  context: { now: Date; requestId: string; via: "form" | "csv" },
): Promise<SaveResult> {
  if (items.length === 0) throw new FieldError("form", "There is nothing to save.");
  if (items.length > MAX_FEEDBACK_ROWS) throw new FieldError("form", `At most ${MAX_FEEDBACK_ROWS} items can be saved at once.`);
  const allowed = new Set((await listLocations(db, actor)).map((l) => l.id));
  for (const item of items) {
    if (actor.scopeLocationId && item.locationId !== actor.scopeLocationId) throw new FieldError("locationId", "You can add feedback only for your own location.", 403);
    if (item.locationId !== null && !allowed.has(item.locationId)) throw new FieldError("locationId", "Choose a location from the list.");
  }
  const at = context.now.toISOString();
  return db.transaction().execute(async (trx) => {
    let importId: number | null = null;
    if (context.via === "csv") {
      await serializeOn(trx, [`feedback-import:${context.requestId}`]);
      const earlier = await trx.selectFrom("feedback_import").select(["id", "rows"]).where("request_id", "=", context.requestId).executeTakeFirst();
      if (earlier) return { count: earlier.rows, importId: earlier.id, duplicate: true };
      const row = await trx
        .insertInto("feedback_import")
        .values({ request_id: context.requestId, rows: items.length, created_by: actor.id, created_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      importId = row.id;
    } else {
      const earlier = await trx
        .selectFrom("feedback_item")
        .select("id")
        .where("created_by", "=", actor.id)
        .where("request_id", "=", context.requestId)
        .executeTakeFirst();
      if (earlier) return { count: 1, importId: null, duplicate: true };
    }
    for (const item of items) {
      await trx
        .insertInto("feedback_item")
        .values({
          received_on: item.receivedOn,
          source: item.source,
          rating: item.rating,
          comment: item.comment,
          redactions: JSON.stringify(item.redactions),
          location_id: item.locationId,
          import_id: importId,
          request_id: context.via === "form" ? context.requestId : null,
          created_by: actor.id,
          created_at: at,
        })
        .execute();
    }
    const redactions: RedactionCounts = {};
    for (const item of items) {
      for (const [kind, n] of Object.entries(item.redactions) as [keyof RedactionCounts, number][]) redactions[kind] = (redactions[kind] ?? 0) + n;
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: context.via === "csv" ? "feedback.import" : "feedback.add",
      subject: importId ? `feedback_import:${importId}` : null,
      // Counts only: the audit log never holds comment text.
      details: { items: items.length, redactions },
      at: context.now,
    });
    return { count: items.length, importId, duplicate: false };
  });
}

/** An item as stored: what was checked and kept, with its id and its location's name. */
export interface StoredFeedback extends FeedbackInput {
  id: number;
  locationName: string | null;
}

/** Feedback the actor may see, newest first, received on or after `since` when given. */
export async function listFeedback(db: DB, actor: Actor, options: { since?: string } = {}): Promise<StoredFeedback[]> {
  let query = db
    .selectFrom("feedback_item")
    .leftJoin("location", "location.id", "feedback_item.location_id")
    .select([
      "feedback_item.id",
      "feedback_item.received_on as receivedOn",
      "feedback_item.source",
      "feedback_item.rating",
      "feedback_item.comment",
      "feedback_item.redactions",
      "feedback_item.location_id as locationId",
      "location.name as locationName",
    ])
    .orderBy("feedback_item.received_on", "desc")
    .orderBy("feedback_item.id", "desc");
  if (actor.scopeLocationId) query = query.where("feedback_item.location_id", "=", actor.scopeLocationId);
  if (options.since) query = query.where("feedback_item.received_on", ">=", options.since);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, redactions: parseRedactions(r.redactions) }));
}

function parseRedactions(json: string): RedactionCounts {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" ? (value as RedactionCounts) : {};
  } catch {
    return {};
  }
}

/** Removes one item the actor may see (a mistyped entry, a row imported by mistake). */
export async function removeFeedback(db: DB, actor: Actor, id: number, now: Date): Promise<void> {
  let query = db.selectFrom("feedback_item").select(["id", "received_on", "source", "rating"]).where("id", "=", id);
  if (actor.scopeLocationId) query = query.where("location_id", "=", actor.scopeLocationId);
  const item = await query.executeTakeFirst();
  if (!item) throw new FieldError("id", "No such feedback.", 404);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("feedback_item").where("id", "=", id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      action: "feedback.remove",
      subject: `feedback_item:${id}`,
      details: { receivedOn: item.received_on, source: item.source, rating: item.rating },
      at: now,
    });
  });
}

/** The first day of the window the feedback pages look at: a year back, plus 90 days for "before". */
export function analysisStart(today: string): string {
  return addDaysTo(today, -(365 + 90));
}
