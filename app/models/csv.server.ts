// CSV in and out. Exports follow RFC 4180 (CRLF, quotes doubled) and neutralise cells a
// spreadsheet would run as a formula. Imports are UTF-8 only and all-or-nothing by design.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r]/;

const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A cell a spreadsheet would evaluate gets a leading apostrophe, which shows as text. A plain
 * number such as -200.00 is left alone: it cannot run anything, and a report needs it numeric.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows].map((row) => row.map((v) => neutraliseCell(v === null || v === undefined ? "" : String(v))));
  return stringify(cells, { record_delimiter: "\r\n", quoted_match: /[",\r\n]/ });
}

export function csvResponse(filename: string, csv: string): Response {
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

export class CsvError extends Error {}

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/**
 * Decodes and parses an uploaded CSV with a header row. Refuses non-UTF-8 bytes, a file over the
 * size limit, and a header that is not exactly the expected columns (in any order).
 */
export function parseCsvUpload(bytes: Uint8Array, columns: string[], maxRows: number): Record<string, string>[] {
  if (bytes.byteLength === 0) throw new CsvError("The file is empty.");
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new CsvError("The file is larger than 2 MB.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CsvError("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.");
  }
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new CsvError(`The file is not valid CSV: ${(error as Error).message.split("\n")[0]}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new CsvError("The file is empty.");
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = columns.filter((c) => !names.includes(c));
  const extra = names.filter((n) => !columns.includes(n));
  if (missing.length > 0) throw new CsvError(`Missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}. The first row must be: ${columns.join(", ")}.`);
  if (extra.length > 0) throw new CsvError(`Unexpected column${extra.length > 1 ? "s" : ""}: ${extra.join(", ")}. The first row must be: ${columns.join(", ")}.`);
  if (rows.length === 0) throw new CsvError("The file has a header but no rows.");
  if (rows.length > maxRows) throw new CsvError(`The file has ${rows.length} rows; at most ${maxRows} can be imported at once.`);
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? ""])));
}

/**
 * The file of an import check: its records, or the one problem that stops the whole file (the
 * check answers with it instead of row by row).
 */
export function readCsvUpload(bytes: Uint8Array, columns: string[], maxRows: number): { records: Record<string, string>[] } | { fileError: string } {
  try {
    return { records: parseCsvUpload(bytes, columns, maxRows) };
  } catch (error) {
    if (error instanceof CsvError) return { fileError: error.message };
    throw error;
  }
}
