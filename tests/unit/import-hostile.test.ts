// The hostile-input corpus through the new import paths (a CSV in any encoding, an Excel workbook,
// the mapping guess): formulas stay text, nothing executes, the limits hold, and a zip bomb or a
// workbook that is not one is refused without using more than 100 MB of memory.
import { crc32, deflateRawSync, constants as zlib } from "node:zlib";
import { stringify } from "csv-stringify/sync";
import { unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { FILE_TOO_LARGE } from "#app/models/csv.server.ts";
import { readImportFile, type ImportRead, type ImportTable } from "#app/models/import-file.server.ts";
import { guessMapping } from "#app/models/import-guess.server.ts";
import { IMPORT_KINDS } from "#app/rules/csv-imports.ts";
import { ONE_MEGABYTE, PAYLOADS } from "#tests/support/hostile-corpus.ts";
import { workbook } from "#tests/support/xlsx.ts";

const MB = 1024 * 1024;
const utf8 = (text: string) => new TextEncoder().encode(text);

function table(read: ImportRead): ImportTable {
  if (!read.ok) throw new Error(`refused: ${read.message}`);
  return read.table;
}

function refusal(read: ImportRead): string {
  if (read.ok) throw new Error("read, but should have been refused");
  return read.message;
}

/** The payloads a file can carry in a cell (XML cannot hold a NUL; a CSV with one is refused whole, below). */
const CARRIED = PAYLOADS.filter((p) => p.id !== "nul");

describe("the hostile corpus in a CSV", () => {
  const rows = CARRIED.map((p) => ["2026-03-02", "5", p.value, p.id === "megabyte" ? "Maple" : p.value]);
  const csv = stringify([["Date", "Rating", "Comment", "Location"], ...rows], { quoted: true });

  it("comes back as text, exactly (trimmed), whatever it looks like", async () => {
    const t = table(await readImportFile(utf8(csv), "export.csv"));
    expect(t.rows).toHaveLength(CARRIED.length);
    CARRIED.forEach((p, i) => expect(t.rows[i]?.[2], p.id).toBe(p.value.trim()));
    // A formula is a string that starts with "=": read, never evaluated, never neutralised here
    // (the export neutralises cells; an import keeps what the file said).
    expect(t.rows.map((r) => r[2]).filter((c) => /^[=+\-@]/.test(c ?? ""))).toEqual(['=HYPERLINK("http://evil")', "+1", "-2+3", "@SUM(A1)", "=1"]);
  });

  it("goes through every kind's guess without running anything; the samples are the text, shortened", async () => {
    const t = table(await readImportFile(utf8(csv), "export.csv"));
    for (const kind of IMPORT_KINDS) {
      const guess = guessMapping(kind, t);
      for (const column of guess.columns) for (const value of column.sample) expect(value.length).toBeLessThanOrEqual(60);
    }
    expect(guessMapping("feedback", t).mapping).toMatchObject({ date: 0, rating: 1 });
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it("as headers, is kept as the headers' text and guessed nothing from", async () => {
    const headers = CARRIED.filter((p) => p.id !== "megabyte").map((p) => p.value);
    const t = table(await readImportFile(utf8(stringify([headers, headers.map(() => "x")], { quoted: true })), "export.csv"));
    expect(t.headers).toEqual(headers.map((h) => h.trim()));
    // Only "Zero\u200Bwidth\uFEFFname", which does hold the word "name", and only as a low guess.
    const guess = guessMapping("people", t);
    expect(guess.mapping).toEqual({ name: headers.indexOf("Zero\u200Bwidth\uFEFFname") });
    expect(guess.fields.filter((f) => f.confidence !== null).map((f) => f.confidence)).toEqual(["low"]);
  });

  it("refuses a file with a NUL byte, and a file past the size limit", async () => {
    const nul = PAYLOADS.find((p) => p.id === "nul")!.value;
    expect(refusal(await readImportFile(utf8(`Date,Comment\n2026-03-02,"${nul}"\n`), "a.csv"))).toMatch(/not text DeskCoach can read/);
    const big = stringify([["Date", "Comment"], ...Array.from({ length: 11 }, () => ["2026-03-02", ONE_MEGABYTE])]);
    expect(refusal(await readImportFile(utf8(big), "a.csv"))).toBe(FILE_TOO_LARGE);
  });
});

describe("the hostile corpus in an Excel workbook", () => {
  const IN_CELLS = CARRIED.filter((p) => p.id !== "megabyte");

  it("refuses a megabyte of one letter: it packs 600 times smaller, as only a bomb does", async () => {
    const read = await readImportFile(workbook([{ name: "S", rows: [["Comment"], [ONE_MEGABYTE]] }]), "a.xlsx");
    expect(refusal(read)).toMatch(/would expand \d+ times once unpacked \(a zip bomb\)/);
  });

  it("comes back as the text of each cell; a formula is never evaluated: its saved value or nothing", async () => {
    const rows = [
      ["Date", "Comment", "Formula"],
      ...IN_CELLS.map((p) => ["2026-03-02", p.value, "plain"]),
      ["2026-03-02", "saved value", { xml: (ref: string) => `<c r="${ref}" t="str"><f>HYPERLINK("http://evil","x")</f><v>x</v></c>` }],
      ["2026-03-02", "no saved value", { xml: (ref: string) => `<c r="${ref}" t="str"><f>WEBSERVICE("http://evil")</f></c>` }],
      ["2026-03-02", "a number", { xml: (ref: string) => `<c r="${ref}"><f>1+1</f><v>2</v></c>` }],
    ];
    const t = table(await readImportFile(workbook([{ name: "Responses", rows }]), "export.xlsx"));
    IN_CELLS.forEach((p, i) => expect(t.rows[i]?.[1], p.id).toBe(p.value.trim()));
    expect(t.rows.slice(-3).map((r) => r[2])).toEqual(["x", "", "2"]);
  });

  it("does not expand entities declared in the workbook's XML (a billion laughs, a file on the server)", async () => {
    const files = unzipSync(workbook([{ name: "S", rows: [["Comment"], ["placeholder"]] }]));
    const laughs = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join("");
    files["xl/sharedStrings.xml"] = utf8(
      `<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">${laughs}<!ENTITY file SYSTEM "file:///etc/passwd">]>` +
        `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Comment</t></si><si><t>&l10;&file;</t></si></sst>`,
    );
    const before = process.memoryUsage().rss;
    const read = await readImportFile(zipSync(files), "a.xlsx");
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
    const text = read.ok ? read.table.rows.flat().join("") : read.message;
    expect(text).not.toMatch(/hahaha|root:/);
  });
});

// ---------------------------------------------------------------------------------------------
// Zip bombs, written byte by byte so that a declared size can lie and entries can share bytes.

interface RawEntry {
  name: string;
  /** Deflated bytes. */
  data: Uint8Array;
  /** The uncompressed size the zip claims. */
  size: number;
  crc?: number;
}

function rawZip(entries: RawEntry[], options: { shareFirstData?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  let firstOffset = 0;
  entries.forEach((entry, i) => {
    const name = utf8(entry.name);
    const local = new Uint8Array(30 + name.length);
    const view = new DataView(local.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(4, 20, true);
    view.setUint16(8, 8, true);
    view.setUint32(14, entry.crc ?? 0, true);
    view.setUint32(18, entry.data.length, true);
    view.setUint32(22, entry.size, true);
    view.setUint16(26, name.length, true);
    local.set(name, 30);
    const at = options.shareFirstData && i > 0 ? firstOffset : offset;
    if (!(options.shareFirstData && i > 0)) {
      if (i === 0) firstOffset = offset;
      parts.push(local, entry.data);
      offset += local.length + entry.data.length;
    }
    const record = new Uint8Array(46 + name.length);
    const c = new DataView(record.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, 8, true);
    c.setUint32(16, entry.crc ?? 0, true);
    c.setUint32(20, entry.data.length, true);
    c.setUint32(24, entry.size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, at, true);
    record.set(name, 46);
    central.push(record);
  });
  const directorySize = central.reduce((s, r) => s + r.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, directorySize, true);
  e.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A DEFLATE stream of `megabytes` MB of zeros in about 1 KB a megabyte (DEFLATE's best): one
 * megabyte's blocks, flushed so that they stand alone, repeated, then an empty final block.
 */
function zeros(megabytes: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(MB), { level: 9, finishFlush: zlib.Z_FULL_FLUSH });
  const out = new Uint8Array(block.length * megabytes + 5);
  for (let i = 0; i < megabytes; i++) out.set(block, i * block.length);
  out.set([0x01, 0x00, 0x00, 0xff, 0xff], block.length * megabytes);
  return out;
}

describe("zip bombs and workbooks that are not one", () => {
  // 1,900 MB of zeros in under 2 MB of upload: past it, the upload itself is too large.
  const stream = zeros(1900);
  const contentTypes = { name: "[Content_Types].xml", data: deflateRawSync(utf8("<Types/>")), size: 8, crc: crc32(utf8("<Types/>")) };

  it("the stream is a real bomb: under the upload limit, about a thousand times smaller than what it holds", () => {
    expect(stream.length).toBeLessThan(2 * MB);
    expect((1900 * MB) / stream.length).toBeGreaterThan(1000);
  });

  it("refuses a bomb that declares its size, before inflating anything", async () => {
    // Four entries, each declaring its 1,900 MB: 7.6 GB in all.
    const honest = rawZip([
      contentTypes,
      ...[1, 2, 3, 4].map((n) => ({ name: `xl/worksheets/sheet${n}.xml`, data: stream.subarray(0, 4096), size: 1900 * MB })),
    ]);
    const before = process.memoryUsage().rss;
    expect(refusal(await readImportFile(honest, "a.xlsx"))).toMatch(/^This file cannot be read safely as an Excel workbook: over 16 MB once unpacked\. Open it in Excel/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
  });

  it("refuses an entry that claims to expand more than 200 times, before inflating it", async () => {
    // 10 MB (within the limit of a part) from 10 KB.
    const ratio = rawZip([contentTypes, { name: "xl/worksheets/sheet1.xml", data: zeros(10), size: 10 * MB }]);
    expect(refusal(await readImportFile(ratio, "a.xlsx"))).toMatch(/would expand \d+ times once unpacked \(a zip bomb\)/);
  });

  it("stops a bomb that lies about its size at the limit, within 100 MB of memory", async () => {
    const before = process.memoryUsage().rss;
    // Each holds 1,900 MB, and declares 4 KB, or 15 MB (within the limit of a part, and so little
    // smaller than the stream that no ratio gives it away).
    for (const size of [4096, 15 * MB]) {
      const liar = rawZip([contentTypes, { name: "xl/worksheets/sheet1.xml", data: stream, size }]);
      expect(refusal(await readImportFile(liar, "a.xlsx"))).toMatch(/holds more than the \.zip says it does \(a zip bomb\)/);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
  });

  it("refuses entries that share one stream (several GB from one), before inflating", async () => {
    const shared = rawZip(
      [1, 2, 3, 4].map((n) => ({ name: `xl/worksheets/sheet${n}.xml`, data: stream, size: 4096 })),
      { shareFirstData: true },
    );
    const before = process.memoryUsage().rss;
    expect(refusal(await readImportFile(shared, "a.xlsx"))).toMatch(/cannot be read safely as an Excel workbook: the \.zip file is damaged|shares its bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
  });

  it("refuses a zip of too many files, and an encrypted one", async () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`xl/part${i}.xml`, utf8("<x/>")])));
    expect(refusal(await readImportFile(many, "a.xlsx"))).toMatch(/holds more than 500 files; a workbook needs far fewer/);
    const locked = zipSync({ "[Content_Types].xml": utf8("<Types/>") });
    // Set the "encrypted" flag in the local header and the directory, as a password-protected zip has it.
    const view = new DataView(locked.buffer, locked.byteOffset, locked.byteLength);
    view.setUint16(6, 1, true);
    view.setUint16(view.getUint32(locked.length - 6, true) + 8, 1, true);
    // The advice is given once, not twice.
    expect(refusal(await readImportFile(locked, "a.xlsx"))).toBe(
      "This file cannot be read safely as an Excel workbook: an encrypted file (it has a password), which DeskCoach cannot read. Open it in Excel and save it again as an Excel workbook (.xlsx), or save it as “CSV UTF-8”.",
    );
  });
});
