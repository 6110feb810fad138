// Reading an uploaded file, as a practice has it, into a table of text: a CSV or text export in
// the encodings and delimiters spreadsheets write, or an Excel workbook (.xlsx). Nothing here
// knows what the columns mean (import-guess.server.ts guesses that) or converts a value
// (import-values.server.ts); every cell comes back as the text it was, so a formula stays text.
//
// What is refused is refused whole, with a message that says what to do.
import { parse } from "csv-parse/sync";
import { readSheet } from "read-excel-file/node";
import { MAX_FEEDBACK_ROWS } from "#app/rules/feedback.ts";
import { FILE_EMPTY, FILE_TOO_LARGE, MAX_IMPORT_BYTES, NO_ROWS, tooManyRows } from "./csv.server.ts";
import { readZip, type ZipRules } from "./zip-files.server.ts";

export type ImportEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" | "xlsx";
export type ImportDelimiter = "," | ";" | "\t";

export interface ImportTable {
  /** One per column, as the file names it (SurveyMonkey's two header rows made one); never empty. */
  headers: string[];
  /** The data rows, each exactly as wide as `headers`, cells trimmed. */
  rows: string[][];
  /** An .xlsx file's sheets, in the workbook's order, and the one read. */
  sheetNames?: string[];
  sheet?: string;
  encoding: ImportEncoding;
  /** Null for an .xlsx file. */
  delimiter: ImportDelimiter | null;
  /** True when the file had SurveyMonkey's two header rows. */
  twoHeaderRows: boolean;
}

export type ImportRead = { ok: true; table: ImportTable } | { ok: false; message: string };

export interface ReadOptions {
  /** An .xlsx sheet by name; the first sheet when not given. */
  sheet?: string;
  /** Rows one import takes at most (MAX_IMPORT_ROWS[kind]); the largest import's limit by default. */
  maxRows?: number;
}

/** The advice every refusal of an unreadable file ends with. */
export const SAVE_AS_CSV = "Save it from Excel as “CSV UTF-8 (Comma delimited)” or as an Excel workbook (.xlsx), and upload that.";

export const DELIMITER_NAME: Record<ImportDelimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/**
 * Reads an upload into a table. Decides by the bytes, not the name, except that a file named
 * .xlsx must be one. Never throws on a bad file.
 */
export async function readImportFile(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): Promise<ImportRead> {
  const maxRows = options.maxRows ?? MAX_FEEDBACK_ROWS;
  if (bytes.byteLength === 0) return refuse(FILE_EMPTY);
  if (bytes.byteLength > MAX_IMPORT_BYTES) return refuse(FILE_TOO_LARGE);
  const kind = sniff(bytes);
  const named = fileName.toLowerCase().split(".").pop() ?? "";
  if (kind === "zip") return readXlsx(bytes, options.sheet, maxRows);
  if (kind === "ole") return refuse(`This is an older Excel file (.xls), which DeskCoach does not read. ${SAVE_AS_CSV}`);
  if (kind === "pdf") return refuse(`This is a PDF. DeskCoach reads spreadsheets, not PDFs: download the export as CSV or Excel instead. ${SAVE_AS_CSV}`);
  if (named === "xlsx" || named === "xlsm") return refuse(`This file is named .${named} but is not an Excel workbook. ${SAVE_AS_CSV}`);
  if (named === "xls") return refuse(`This is an older Excel file (.xls), which DeskCoach does not read. ${SAVE_AS_CSV}`);
  const text = decodeText(bytes);
  if (!text.ok) return text;
  return readDelimited(text.text, text.encoding, maxRows);
}

function refuse(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function sniff(b: Uint8Array): "zip" | "ole" | "pdf" | "other" {
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05) && (b[3] === 0x04 || b[3] === 0x06)) return "zip";
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) return "ole";
  if (b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return "pdf";
  return "other";
}

// ---------------------------------------------------------------------------------------------
// Text: the encoding

const NOT_TEXT = `This file is not text DeskCoach can read (it may be a different kind of file, or text in an encoding that cannot be told). ${SAVE_AS_CSV}`;

/**
 * The text of a CSV or text export. A byte order mark says UTF-8 or UTF-16 (Excel's "Unicode
 * text"); otherwise the bytes must be UTF-8, or else they are read as Windows-1252 (what Excel
 * on Windows writes as plain "CSV"), when they look like it: a text in some other encoding, or
 * a binary file, is refused rather than read as nonsense.
 */
export function decodeText(bytes: Uint8Array): { ok: true; text: string; encoding: ImportEncoding } | { ok: false; message: string } {
  const decode = (encoding: string, from: number) => new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
  let text: string;
  let encoding: ImportEncoding;
  try {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) [text, encoding] = [decode("utf-8", 3), "utf-8"];
    else if (bytes[0] === 0xff && bytes[1] === 0xfe) [text, encoding] = [decode("utf-16le", 2), "utf-16le"];
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) [text, encoding] = [decode("utf-16be", 2), "utf-16be"];
    else if (bytes.includes(0)) return refuse(NOT_TEXT);
    else {
      try {
        [text, encoding] = [decode("utf-8", 0), "utf-8"];
      } catch {
        if (mostlyUtf8(bytes)) return refuse(BROKEN_UTF8);
        if (!looksLikeWindows1252(bytes)) return refuse(NOT_TEXT);
        [text, encoding] = [new TextDecoder("windows-1252").decode(bytes), "windows-1252"];
      }
    }
  } catch {
    return refuse(NOT_TEXT);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return refuse(NOT_TEXT);
  return { ok: true, text, encoding };
}

const BROKEN_UTF8 = `This file is almost all UTF-8 text, but some of its bytes are not (it may have been cut short or joined from two files). ${SAVE_AS_CSV}`;

/**
 * A text whose accented letters are mostly well-formed UTF-8 sequences is UTF-8 with a fault, not
 * Windows-1252: read as Windows-1252 every "é" would become "Ã©". (Windows-1252 text almost never
 * has a letter from À–ß followed by a byte from 0x80–0xBF.)
 */
function mostlyUtf8(bytes: Uint8Array): boolean {
  let sequences = 0;
  let strays = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let valid = length > 0 && i + length <= bytes.length;
    for (let k = 1; valid && k < length; k++) valid = (bytes[i + k]! & 0xc0) === 0x80;
    if (valid) {
      sequences++;
      i += length - 1;
    } else strays++;
  }
  return sequences > strays;
}

/** Bytes Windows-1252 leaves undefined: no text in it holds them. */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Western text has its accented letters one or two at a time among plain letters ("José",
 * "Zoë", "Straße"); a text in a multi-byte encoding (Shift-JIS, GBK…) read byte by byte has
 * them in long runs. More than a fifth of the high bytes in runs of three or more is refused.
 */
function looksLikeWindows1252(bytes: Uint8Array): boolean {
  let high = 0;
  let inRuns = 0;
  let run = 0;
  const endRun = () => {
    if (run >= 3) inRuns += run;
    run = 0;
  };
  for (const b of bytes) {
    if (UNDEFINED_1252.has(b)) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
    if (b >= 0x80) {
      high++;
      run++;
    } else endRun();
  }
  endRun();
  return inRuns <= high / 5;
}

// ---------------------------------------------------------------------------------------------
// Text: the delimiter and the records

const DELIMITERS: ImportDelimiter[] = [",", ";", "\t"];
/** Lines looked at to tell the delimiter. */
const SNIFF_LINES = 30;

/**
 * The delimiter that splits the header into the most columns and the first rows into as many
 * (quotes respected), or null when none splits the header at all.
 */
export function sniffDelimiter(text: string): ImportDelimiter | null {
  let best: { delimiter: ImportDelimiter; consistent: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    let records: string[][];
    try {
      records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to_line: SNIFF_LINES, bom: true });
    } catch {
      continue;
    }
    const columns = records[0]?.length ?? 0;
    if (columns < 2) continue;
    const rows = records.slice(1);
    const consistent = rows.length === 0 ? 1 : rows.filter((r) => r.length === columns).length / rows.length;
    if (!best || consistent > best.consistent || (consistent === best.consistent && columns > best.columns)) best = { delimiter, consistent, columns };
  }
  return best?.delimiter ?? null;
}

const NO_DELIMITER = `DeskCoach could not tell how the columns of this file are separated: it reads columns separated by commas, semicolons or tabs. ${SAVE_AS_CSV}`;

/** Excel reads (and some tools write) a first line "sep=;" that names the delimiter. */
const SEP_LINE = /^sep=(.)\r?\n/i;

function readDelimited(whole: string, encoding: ImportEncoding, maxRows: number): ImportRead {
  const hint = SEP_LINE.exec(whole)?.[1];
  const text = hint === undefined ? whole : whole.replace(SEP_LINE, "");
  if (hint !== undefined && !DELIMITERS.includes(hint as ImportDelimiter)) return refuse(NO_DELIMITER);
  const delimiter = (hint as ImportDelimiter | undefined) ?? sniffDelimiter(text);
  if (!delimiter) return refuse(NO_DELIMITER);
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    return refuse(`The file is not valid CSV: ${(error as Error).message.split("\n")[0]}`);
  }
  return toTable(records, { encoding, delimiter }, maxRows);
}

// ---------------------------------------------------------------------------------------------
// From records to a table (both formats)

/** SurveyMonkey puts these first, with the question text above and the answer option below. */
const SURVEYMONKEY_METADATA = ["respondent id", "collector id", "start date", "end date", "ip address", "email address", "first name", "last name", "custom data 1"];
/** What SurveyMonkey writes under a question that has one answer per column. */
const PLAIN_ANSWER = /^(response|open-ended response)$/i;

/**
 * SurveyMonkey's CSV export has two header rows: the question (written once, above the first of
 * its columns), then the answer option of each column; the respondent's metadata columns come
 * first and have nothing in the second row. Told by "Respondent ID" in the first row with an
 * empty cell below it (a respondent always has an id).
 */
function isSurveyMonkey(header: string[], second: string[] | undefined): boolean {
  if (!second) return false;
  const id = header.findIndex((h) => h.trim().toLowerCase() === "respondent id");
  if (id < 0 || (second[id] ?? "").trim() !== "") return false;
  const metadata = header.filter((h) => SURVEYMONKEY_METADATA.includes(h.trim().toLowerCase())).length;
  return metadata >= 2 && second.some((c) => c.trim() !== "");
}

/** The two header rows made one: "Question", or "Question — Option" where an option is named. */
function combineHeaders(header: string[], second: string[]): string[] {
  const width = Math.max(header.length, second.length);
  let question = "";
  return Array.from({ length: width }, (_, i) => {
    const top = (header[i] ?? "").trim();
    if (top !== "") question = top;
    const option = (second[i] ?? "").trim();
    if (option === "" || PLAIN_ANSWER.test(option)) return top !== "" ? top : question;
    return question === "" ? option : `${question} — ${option}`;
  });
}

function toTable(records: string[][], format: Pick<ImportTable, "encoding" | "delimiter" | "sheetNames" | "sheet">, maxRows: number): ImportRead {
  const nonEmpty = records.filter((r) => r.some((c) => c.trim() !== ""));
  const [first, ...rest] = nonEmpty;
  if (!first) return refuse(FILE_EMPTY);
  const twoHeaderRows = isSurveyMonkey(first, rest[0]);
  const header = twoHeaderRows ? combineHeaders(first, rest[0] ?? []) : first.map((h) => h.trim());
  const data = twoHeaderRows ? rest.slice(1) : rest;
  if (data.length === 0) return refuse(NO_ROWS);
  if (data.length > maxRows) return refuse(tooManyRows(data.length, maxRows));
  const width = Math.max(header.length, ...data.map((r) => r.length));
  // A column without a header is named by its place, as a spreadsheet shows it.
  const headers = Array.from({ length: width }, (_, i) => header[i] || `Column ${columnLetters(i)}`);
  const rows = data.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? "").trim()));
  return { ok: true, table: { headers, rows, ...format, twoHeaderRows } };
}

/** 0 → "A", 25 → "Z", 26 → "AA" */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Excel workbooks

const MB = 1024 * 1024;

/**
 * An .xlsx file is a zip of XML files. Before the library sees it, the zip is read here with
 * these limits, sizes enforced while inflating: a bomb or a zip that is not a workbook stops
 * here. A workbook of 5,000 rows is a few megabytes of XML; 16 MB a part and 32 MB in all leave
 * room for wide sheets while keeping the memory an upload can cost far below 100 MB.
 */
export const XLSX_ZIP: ZipRules = {
  maxZipBytes: MAX_IMPORT_BYTES,
  maxEntries: 500,
  maxTotalBytes: 32 * MB,
  maxEntryBytes: 16 * MB,
  maxDepth: 5,
  depthExample: "xl/worksheets/_rels/<name>",
  // Sheet XML compresses about 10–30 times; DEFLATE's most is about 1,032. Checked only on
  // parts over 1 MB (zip-files.server.ts), where a bomb's size is.
  maxRatio: 500,
  what: "a workbook",
  again: "Open it in Excel and save it again as an Excel workbook (.xlsx), or save it as “CSV UTF-8”.",
};

const NOT_A_WORKBOOK = `This file is not an Excel workbook DeskCoach can read. ${SAVE_AS_CSV}`;

async function readXlsx(bytes: Uint8Array, sheet: string | undefined, maxRows: number): Promise<ImportRead> {
  const zip = readZip(bytes, XLSX_ZIP);
  if (zip.problems.length > 0) {
    const problem = zip.problems[0]!.message.replace(/^Refused: /, "");
    const reason = problem.charAt(0).toLowerCase() + problem.slice(1);
    return refuse(`This file cannot be read safely as an Excel workbook: ${reason}${reason.endsWith(XLSX_ZIP.again) ? "" : ` ${XLSX_ZIP.again}`}`);
  }
  const workbook = zip.files.find((f) => f.path === "xl/workbook.xml");
  if (!workbook || !zip.files.some((f) => f.path === "[Content_Types].xml")) return refuse(NOT_A_WORKBOOK);
  const sheetNames = listSheetNames(new TextDecoder().decode(workbook.bytes));
  if (sheetNames.length === 0) return refuse(NOT_A_WORKBOOK);
  const chosen = sheet ?? sheetNames[0]!;
  if (!sheetNames.includes(chosen)) return refuse(`The workbook has no sheet named “${chosen}”. Its sheets are: ${sheetNames.join(", ")}.`);
  let data: unknown[][];
  try {
    // Numbers as the file writes them (no rounding through floating point); the library reads
    // the values a spreadsheet saved and never evaluates a formula.
    data = await readSheet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), chosen, { parseNumber: (text: string) => text, trim: false });
  } catch {
    return refuse(NOT_A_WORKBOOK);
  }
  const records = data.map((row) => row.map(cellText));
  const read = toTable(records, { encoding: "xlsx", delimiter: null, sheetNames, sheet: chosen }, maxRows);
  if (!read.ok && read.message === FILE_EMPTY && sheetNames.length > 1) {
    return refuse(`The sheet “${chosen}” is empty. Choose another sheet: ${sheetNames.filter((s) => s !== chosen).join(", ")}.`);
  }
  return read;
}

/** Sheet names from xl/workbook.xml, in order. */
function listSheetNames(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"/g)].map((m) => unescapeXml(m[1] ?? ""));
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    const code = e[1]?.toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/**
 * A cell as text. A date cell becomes ISO: "2026-03-02", or "2026-03-02T14:05:00" with its
 * time (Excel stores the wall-clock time, with no zone; the library gives it as UTC).
 */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value);
}
