// The steps between an upload and an import: the kept upload (its uploader's only, for a while),
// the remembered mapping (per kind and header set), the mapping page's answers read back, and
// the hostile corpus through the mapping step into the existing checks.
import { createHash } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { beforeEach, describe, expect, it } from "vitest";
import { checkFeedbackCsv } from "#app/models/feedback.server.ts";
import { mapWith, mappingView, ownColumnsMapping, readMappingForm } from "#app/models/import-choice.server.ts";
import { readImportFile, type ImportTable } from "#app/models/import-file.server.ts";
import { dropUpload, findUpload, headersKey, keepUpload, recallMapping, rememberMapping, UPLOAD_LIFETIME_MINUTES } from "#app/models/import-uploads.server.ts";
import type { Actor } from "#app/models/sessions.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createPractice, createUser } from "#tests/support/factories.ts";
import { PAYLOADS } from "#tests/support/hostile-corpus.ts";

const TZ = "America/Chicago";
const NOW = new Date("2026-03-31T15:00:00Z");
const utf8 = (text: string) => new TextEncoder().encode(text);

async function tableOf(csv: string): Promise<ImportTable> {
  const read = await readImportFile(utf8(csv), "export.csv");
  if (!read.ok) throw new Error(read.message);
  return read.table;
}

const testDb = setupTestDb();
let alma: Actor;
let ben: Actor;

beforeEach(async () => {
  await createPractice(testDb.db, { timeZone: TZ });
  alma = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: null };
  ben = { id: (await createUser(testDb.db, { role: "manager" })).id, role: "manager", scopeLocationId: null };
  await createLocation(testDb.db, "Maple");
});

describe("a kept upload", () => {
  it("is found by its uploader, for its kind, until it expires; never by anyone else; its id is not stored", async () => {
    const id = await keepUpload(testDb.db, alma, "feedback", "survey.csv", utf8("Date,Rating\n"), NOW);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const found = await findUpload(testDb.db, alma, "feedback", id, NOW);
    expect(found?.fileName).toBe("survey.csv");
    expect(new TextDecoder().decode(found?.bytes)).toBe("Date,Rating\n");
    expect(await findUpload(testDb.db, ben, "feedback", id, NOW)).toBeNull();
    expect(await findUpload(testDb.db, alma, "spend", id, NOW)).toBeNull();
    const later = new Date(NOW.getTime() + UPLOAD_LIFETIME_MINUTES * 60_000);
    expect(await findUpload(testDb.db, alma, "feedback", id, later)).toBeNull();
    expect(await findUpload(testDb.db, alma, "feedback", "../../etc/passwd", NOW)).toBeNull();
    const stored = await testDb.db.selectFrom("import_upload").select("id_hash").execute();
    expect(stored.map((r) => r.id_hash)).not.toContain(id);
  });

  it("is kept unreadable without its id: a patient's name and number in the file are nowhere in the database", async () => {
    const file = "Date,Rating,Comment\n3/2/2026,2,Maria Lopez called from 555-201-7788 and waited an hour\n";
    const id = await keepUpload(testDb.db, alma, "feedback", "survey.csv", utf8(file), NOW);
    const [row] = await testDb.db.selectFrom("import_upload").selectAll().execute();
    const stored = JSON.stringify(row);
    const decoded = Buffer.from(row?.content ?? "", "base64").toString("latin1");
    for (const secret of ["Maria Lopez", "555-201-7788", "waited an hour"]) {
      expect(stored).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
    expect(new TextDecoder().decode((await findUpload(testDb.db, alma, "feedback", id, NOW))?.bytes)).toBe(file);
    // Another id of the right shape opens nothing, even with the row's hash swapped in.
    const other = "B".repeat(22);
    await testDb.db.updateTable("import_upload").set({ id_hash: createHash("sha256").update(other).digest("hex") }).execute();
    expect(await findUpload(testDb.db, alma, "feedback", other, NOW)).toBeNull();
  });

  it("is replaced by the same person's next upload of the kind, cleared once expired, and dropped by its uploader only", async () => {
    const first = await keepUpload(testDb.db, alma, "feedback", "a.csv", utf8("a"), NOW);
    const other = await keepUpload(testDb.db, ben, "feedback", "b.csv", utf8("b"), NOW);
    const second = await keepUpload(testDb.db, alma, "feedback", "c.csv", utf8("c"), NOW);
    expect(await findUpload(testDb.db, alma, "feedback", first, NOW)).toBeNull();
    expect(await findUpload(testDb.db, alma, "feedback", second, NOW)).not.toBeNull();
    await dropUpload(testDb.db, alma, other);
    expect(await findUpload(testDb.db, ben, "feedback", other, NOW)).not.toBeNull();
    await dropUpload(testDb.db, alma, second);
    expect(await findUpload(testDb.db, alma, "feedback", second, NOW)).toBeNull();
    // An upload after Ben's expired clears it.
    await keepUpload(testDb.db, alma, "people", "d.csv", utf8("d"), new Date(NOW.getTime() + (UPLOAD_LIFETIME_MINUTES + 1) * 60_000));
    expect((await testDb.db.selectFrom("import_upload").select("file_name").execute()).map((r) => r.file_name)).toEqual(["d.csv"]);
  });
});

describe("a remembered mapping", () => {
  const headers = ["Timestamp", "Score", "Comments"];

  it("is found for the same kind and headers (case and punctuation aside), and replaced by the next confirmed", async () => {
    expect(headersKey(headers)).toBe(headersKey(["timestamp", "SCORE", "Comments:"]));
    expect(headersKey(headers)).not.toBe(headersKey(["Score", "Timestamp", "Comments"]));
    await rememberMapping(testDb.db, alma, "feedback", headers, { columns: { date: 0, rating: 1 }, source: "Survey" }, NOW);
    await rememberMapping(testDb.db, ben, "feedback", headers, { columns: { date: 0, rating: 1, comment: 2 }, dateOrder: "dmy", source: "Survey" }, NOW);
    expect(await recallMapping(testDb.db, "feedback", ["timestamp", "score", "comments"])).toEqual({ columns: { date: 0, rating: 1, comment: 2 }, dateOrder: "dmy", source: "Survey" });
    expect(await recallMapping(testDb.db, "spend", headers)).toBeNull();
    expect(await testDb.db.selectFrom("import_mapping").select("kind").execute()).toHaveLength(1);
  });

  it("that does not fit the file, or is not a mapping, is no mapping", async () => {
    await testDb.db.insertInto("import_mapping").values({ kind: "people", headers_hash: headersKey(["A", "B"]), mapping: JSON.stringify({ columns: { email: 5 } }), updated_by: null, updated_at: NOW.toISOString() }).execute();
    expect(await recallMapping(testDb.db, "people", ["A", "B"])).toBeNull();
    await testDb.db.insertInto("import_mapping").values({ kind: "spend", headers_hash: headersKey(["A", "B"]), mapping: "not json", updated_by: null, updated_at: NOW.toISOString() }).execute();
    expect(await recallMapping(testDb.db, "spend", ["A", "B"])).toBeNull();
  });
});

describe("the mapping page", () => {
  it("reads the answers back: a field given twice is refused beside the second column; a field that is not one, beside its column", async () => {
    const t = await tableOf("Timestamp,Score,Stars,Notes\n3/2/2026 14:05,5,4,Kind\n");
    const form = readMappingForm("feedback", t, { "column.0": "date", "column.1": "rating", "column.2": "rating", "column.3": "email" });
    expect(form.ok).toBe(false);
    if (form.ok) return;
    expect(form.errors).toEqual({ "column.2": "Rating is already the column “Score”. Choose one column for each field.", "column.3": "Choose one of the listed fields." });
    const good = readMappingForm("feedback", t, { "column.0": "date", "column.1": "rating", "column.3": "comment", source: " Survey ", dateOrder: "mdy" });
    expect(good).toEqual({ ok: true, saved: { columns: { date: 0, rating: 1, comment: 3 }, source: "Survey", dateOrder: "mdy" } });
  });

  it("asks the date order of a file that could be either, states the rating rule, and knows DeskCoach's own columns", async () => {
    const t = await tableOf("Date,Score\n03/04/2026,9\n05/06/2026,0\n");
    const view = mappingView("feedback", t, { columns: { date: 0, rating: 1 } }, "a.csv", TZ);
    expect(view.dateQuestion).toMatch(/^Every date in this column could be month\/day or day\/month \(03\/04\/2026 could be 4 March or 3 April\)/);
    expect(view.rules.find((r) => r.label === "Ratings")?.text).toBe("A 0–10 “how likely to recommend” score: 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.");
    expect(mapWith("feedback", t, { columns: { date: 0, rating: 1 }, source: "Card" }, TZ)).toMatchObject({ ok: false, ask: "dateOrder" });
    expect(mapWith("feedback", t, { columns: { date: 0, rating: 1 }, source: "Card", dateOrder: "dmy" }, TZ)).toMatchObject({ ok: true });
    expect(ownColumnsMapping("people", ["Email", "Name", "Location", "Job Title"])).toEqual({ columns: { name: 1, email: 0, jobTitle: 3, location: 2 } });
    expect(ownColumnsMapping("people", ["Email", "Name"])).toBeNull();
  });
});

describe("the hostile corpus through the mapping step", () => {
  it("comes out of the mapping as text, formulas included, and the existing check scrubs, refuses or keeps each as a typed comment", async () => {
    const carried = PAYLOADS.filter((p) => p.id !== "nul" && p.id !== "megabyte");
    const csv = stringify([["Timestamp", "How would you rate us?", "Anything else?"], ...carried.map((p) => ["3/16/2026 14:05:09", "5", p.value])], { quoted: true });
    const t = await tableOf(csv);
    const result = mapWith("feedback", t, { columns: { date: 0, rating: 1, comment: 2 }, source: "Survey" }, TZ);
    if (!result.ok) throw new Error(result.problem);
    // Every comment reaches the check as it was written: nothing evaluated or dropped on the way.
    expect(result.rows.map((r) => r.record.comment)).toEqual(carried.map((p) => p.value.trim()));
    expect(result.rows.map((r) => r.record.comment)).toContain('=HYPERLINK("http://evil")');
    const owner: Actor = { id: alma.id, role: "owner", scopeLocationId: null };
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(result.csv), "2026-03-31");
    expect(check.rows).toHaveLength(carried.length);
    // A comment is kept (scrubbed) or refused on its row: the check decides, as for any file.
    for (const row of check.rows) expect(row.comment).not.toMatch(/555-201-7788|@example\.com/);
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it("a patient's phone and email in a comment are scrubbed whatever the source format", async () => {
    const csv = "Timestamp\tScore\tComments\n3/16/2026 14:05:09\t2\tCall me at 555-201-7788 or mail jo.smith@example.com\n";
    const t = await tableOf(csv);
    const result = mapWith("feedback", t, { columns: { date: 0, rating: 1, comment: 2 }, source: "Survey" }, TZ);
    if (!result.ok) throw new Error(result.problem);
    const owner: Actor = { id: alma.id, role: "owner", scopeLocationId: null };
    const check = await checkFeedbackCsv(testDb.db, owner, utf8(result.csv), "2026-03-31");
    if (!check.ok) throw new Error("refused");
    expect(check.items[0]?.comment).toBe("Call me at [phone] or mail [email]");
  });
});
