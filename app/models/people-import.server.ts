// Adding many people from a CSV file (name, email, job title, location): every row is checked
// first, and either all rows are added or none.
import type { DB } from "#db/connection.ts";
import { personSchema } from "#app/rules/fields.ts";
import { MAX_PEOPLE_ROWS, PEOPLE_COLUMNS } from "#app/rules/csv-imports.ts";
import { readCsvUpload } from "./csv.server.ts";
import type { Actor } from "./sessions.server.ts";
import { listLocations, type PersonInput } from "./team.server.ts";
import { normalizeEmail } from "./users.server.ts";


export interface ImportRow {
  line: number;
  name: string;
  email: string;
  jobTitle: string;
  location: string;
  errors: string[];
}

export type ImportCheck =
  | { ok: true; rows: ImportRow[]; people: PersonInput[] }
  | { ok: false; fileError: string | null; rows: ImportRow[] };

export async function checkPeopleCsv(db: DB, actor: Actor, bytes: Uint8Array): Promise<ImportCheck> {
  const file = readCsvUpload(bytes, PEOPLE_COLUMNS, MAX_PEOPLE_ROWS);
  if ("fileError" in file) return { ok: false, fileError: file.fileError, rows: [] };
  const { records } = file;
  const locations = await listLocations(db, actor);
  const byName = new Map(locations.map((l) => [l.name.toLowerCase(), l.id]));
  const existing = new Set(
    (await db.selectFrom("user").select("email").execute()).map((u) => u.email),
  );
  const seen = new Map<string, number>();
  const rows: ImportRow[] = [];
  const people: PersonInput[] = [];
  records.forEach((record, index) => {
    const row: ImportRow = {
      line: index + 2,
      name: record.name ?? "",
      email: record.email ?? "",
      jobTitle: record["job title"] ?? "",
      location: record.location ?? "",
      errors: [],
    };
    let locationId: number | null = actor.scopeLocationId;
    if (row.location) {
      const id = byName.get(row.location.toLowerCase());
      if (id === undefined) row.errors.push(`Unknown location "${row.location}". Use one of: ${locations.map((l) => l.name).join(", ") || "(none yet)"}.`);
      else locationId = id;
    }
    const parsed = personSchema.safeParse({ name: row.name, email: row.email, jobTitle: row.jobTitle, role: "staff" });
    if (!parsed.success) {
      row.errors.push(...new Set(parsed.error.issues.map((i) => i.message)));
    } else {
      const email = normalizeEmail(parsed.data.email);
      const earlier = seen.get(email);
      if (earlier !== undefined) row.errors.push(`This email is also on line ${earlier}.`);
      else if (existing.has(email)) row.errors.push("This email already has an account.");
      seen.set(email, row.line);
      people.push({
        name: parsed.data.name,
        email,
        jobTitle: parsed.data.jobTitle,
        locationId,
        hiredOn: null,
        hourlyWageCents: null,
        role: "staff",
        scopeLocationId: null,
      });
    }
    rows.push(row);
  });
  return rows.some((r) => r.errors.length > 0) ? { ok: false, fileError: null, rows } : { ok: true, rows, people };
}
