// CSV in and out. Exports follow RFC 4180 (CRLF, quotes doubled) and neutralise cells a
// spreadsheet would run as a formula. Imports are UTF-8 only and all-or-nothing by design.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { MAX_IMPORT_MEGABYTES } from "#app/rules/csv-imports.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A cell a spreadsheet would evaluate gets a leading apostrophe, which shows as text. A plain
 * number such as -200.00 is left alone: it cannot run anything, and a report needs it numeric.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export type CsvCell = string | number | null | undefined;
export type CsvRow = CsvCell[];

/**
 * Records as CSV text, each ended with CRLF: the one place export text is made. Records are
 * written one by one, so records written in batches join into exactly the text of one call.
 */
export function csvRecords(rows: CsvRow[]): string {
  const cells = rows.map((row) => row.map((v) => neutraliseCell(v === null || v === undefined ? "" : String(v))));
  return stringify(cells, { record_delimiter: "\r\n", quoted_match: /[",\r\n]/ });
}

export function toCsv(header: string[], rows: CsvRow[]): string {
  return csvRecords([header, ...rows]);
}

function csvHeaders(filename: string): HeadersInit {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
    "Cache-Control": "no-store",
  };
}

/**
 * Records turned into text at a time. A batch of the progress matrix (500 people) is about 450 KB
 * of text: made at once, it is one string past V8's large-object size (128 KB), which is made in
 * the old generation and stays there until a full collection; at 10,000 people every export left
 * 9 MB of them behind, and the peak memory of the server grew with it. 500 records are about
 * 45 KB, and die in the young generation like the rest of the batch.
 */
const PIECE_RECORDS = 500;

/**
 * An export written as it is read: the header, then each batch of rows as the client takes it
 * (the body is pulled, so a slow download reads the database no faster than it is sent). Only
 * one batch is in memory at a time. The first batch is read before answering, so a failure there
 * is an ordinary error page rather than a cut-off file. The body is a byte order mark (so that
 * spreadsheets read UTF-8), then exactly `toCsv(header, every row)`.
 */
export async function csvStreamResponse(filename: string, header: string[], batches: AsyncIterable<CsvRow[]> | Iterable<CsvRow[]>): Promise<Response> {
  const iterator = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : toAsync(batches[Symbol.iterator]());
  const encoder = new TextEncoder();
  const first = await iterator.next();
  // A batch goes out as several pieces of text, each short enough to die young (see PIECE_RECORDS).
  const enqueue = (controller: ReadableStreamDefaultController<Uint8Array>, rows: CsvRow[]) => {
    for (const piece of inBatches(rows, PIECE_RECORDS)) controller.enqueue(encoder.encode(csvRecords(piece)));
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const rows = first.done ? [] : first.value;
      controller.enqueue(encoder.encode(`\uFEFF${csvRecords([header, ...rows.slice(0, PIECE_RECORDS)])}`));
      enqueue(controller, rows.slice(PIECE_RECORDS));
      if (first.done) controller.close();
    },
    async pull(controller) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        if (next.value.length > 0) return enqueue(controller, next.value);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { headers: csvHeaders(filename) });
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next(), return: async () => iterator.return?.() ?? { done: true, value: undefined } };
}

/** Rows in batches of `size`, for an export whose rows are at hand already. */
export function* inBatches<T>(rows: readonly T[], size = 500): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export class CsvError extends Error {}

export const MAX_IMPORT_BYTES = MAX_IMPORT_MEGABYTES * 1024 * 1024;

/** The refusals every import states the same way, whatever the file's format. */
export const FILE_EMPTY = "The file is empty.";
export const FILE_TOO_LARGE = `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`;
export const NO_ROWS = "The file has a header but no rows.";
export function tooManyRows(rows: number, maxRows: number): string {
  return `The file has ${rows} rows; at most ${maxRows} can be imported at once.`;
}

/**
 * Decodes and parses an uploaded CSV with a header row. Refuses non-UTF-8 bytes, a file over the
 * size limit, and a header that is not exactly the expected columns (in any order).
 */
export function parseCsvUpload(bytes: Uint8Array, columns: string[], maxRows: number): Record<string, string>[] {
  if (bytes.byteLength === 0) throw new CsvError(FILE_EMPTY);
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new CsvError(FILE_TOO_LARGE);
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
  if (!header) throw new CsvError(FILE_EMPTY);
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = columns.filter((c) => !names.includes(c));
  const extra = names.filter((n) => !columns.includes(n));
  if (missing.length > 0) throw new CsvError(`Missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}. The first row must be: ${columns.join(", ")}.`);
  if (extra.length > 0) throw new CsvError(`Unexpected column${extra.length > 1 ? "s" : ""}: ${extra.join(", ")}. The first row must be: ${columns.join(", ")}.`);
  if (rows.length === 0) throw new CsvError(NO_ROWS);
  if (rows.length > maxRows) throw new CsvError(tooManyRows(rows.length, maxRows));
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
