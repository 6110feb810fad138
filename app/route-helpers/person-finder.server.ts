// The person finder's request: a GET of the form's own page with `find=<text>` and, when the
// browser runs JavaScript, the rest of the form's fields as they were, to be put back.
import { searchText } from "#app/rules/paging.ts";
import { formValues, type FormValues } from "./validation.ts";

export interface FinderRequest {
  /** The text to find people by, or null. */
  search: string | null;
  /** The form's fields as they were when Find was chosen (those ticked as one list, "3,7"), or null. */
  values: FormValues | null;
  /** The people those fields hold (ticked, chosen, or given an amount), to keep offering. */
  keep: number[];
}

/** Fields that name people: ticked (people, attendees), chosen (userId), or given an amount (share.<id>). */
const PERSON_FIELD = /^(people|attendees|userId|share\.(\d+))$/;
/** Ticked lists, put back as one value, "3,7". */
const LISTS = new Set(["people", "attendees"]);

export function finderRequest(url: URL): FinderRequest {
  const params = url.searchParams;
  if (!params.has("find")) return { search: null, values: null, keep: [] };
  const fields: FormValues = {};
  const keep: number[] = [];
  for (const [key, value] of params) {
    if (key === "find" || key === "intent") continue;
    const person = PERSON_FIELD.exec(key);
    const id = person?.[2] ?? (person ? value : "");
    // A share counts once it has an amount; the others once they name someone.
    if (/^\d{1,15}$/.test(id) && (person?.[2] === undefined || value.trim() !== "")) keep.push(Number(id));
    if (LISTS.has(key)) fields[key] = fields[key] ? `${fields[key]},${value}` : value;
    else if (!(key in fields)) fields[key] = value;
  }
  return { search: searchText(params.get("find")), values: formValues(fields), keep: keep.filter((id) => id > 0) };
}
