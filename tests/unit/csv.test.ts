import { describe, expect, it } from "vitest";
import { CsvError, neutraliseCell, parseCsvUpload, toCsv } from "#app/models/csv.server.ts";
import { parseAmount } from "#app/rules/money.ts";

describe("CSV export", () => {
  it("follows RFC 4180: CRLF, quotes doubled, fields with commas or newlines quoted", () => {
    const csv = toCsv(["Name", "Note"], [["Lopez, Maria", 'Said "hi"'], ["Tom", "line1\nline2"], ["Ann", null]]);
    expect(csv).toBe('Name,Note\r\n"Lopez, Maria","Said ""hi"""\r\nTom,"line1\nline2"\r\nAnn,\r\n');
  });
  it("neutralises cells a spreadsheet would run", () => {
    for (const bad of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"]) {
      expect(neutraliseCell(bad).startsWith("'")).toBe(true);
    }
    expect(neutraliseCell("Maria")).toBe("Maria");
    // Plain numbers stay numbers.
    expect(neutraliseCell("-200.00")).toBe("-200.00");
    expect(neutraliseCell("+12")).toBe("+12");
    expect(toCsv(["a"], [["=1+1"]])).toBe("a\r\n'=1+1\r\n");
  });
});

describe("CSV import", () => {
  const cols = ["name", "email", "job title", "location"];
  const bytes = (text: string) => new TextEncoder().encode(text);
  const fails = (input: Uint8Array, message: RegExp, max = 500) => {
    expect(() => parseCsvUpload(input, cols, max)).toThrow(CsvError);
    expect(() => parseCsvUpload(input, cols, max)).toThrow(message);
  };

  it("reads rows by header name, in any column order, with a BOM", () => {
    const rows = parseCsvUpload(bytes("\uFEFFEmail,Name,Location,Job Title\r\nm@x.test,Maria,Maple,Receptionist\r\n"), cols, 10);
    expect(rows).toEqual([{ email: "m@x.test", name: "Maria", location: "Maple", "job title": "Receptionist" }]);
  });
  it("refuses missing and extra columns, naming them", () => {
    fails(bytes("name,email\nMaria,m@x.test\n"), /Missing columns: job title, location/);
    fails(bytes("name,email,job title,location,salary\nMaria,m@x.test,R,M,1\n"), /Unexpected column: salary/);
  });
  it("refuses non-UTF-8 bytes, an empty file and too many rows", () => {
    fails(new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x41]), /not UTF-8/);
    fails(bytes(""), /empty/);
    fails(bytes(`name,email,job title,location\n${"a,b@x.test,c,d\n".repeat(10_000)}`), /10000 rows; at most 500/);
  });
});

describe("amounts", () => {
  it.each([
    ["1,234.56", 123456],
    ["$80", 8000],
    ["80.5", 8050],
    ["0", 0],
    ["12", 1200],
  ])("reads %s as %i cents", (input, cents) => {
    expect(parseAmount(input)).toEqual({ ok: true, cents });
  });
  it.each(["1.234,56", "-5", "abc", "12.345", "1,23", "", "99999999999999"])("refuses %s with a message", (input) => {
    const result = parseAmount(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(5);
  });
});
