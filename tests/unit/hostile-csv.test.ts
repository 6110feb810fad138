// Every hostile payload through the CSV export: the file parses to even rows, a cell a spreadsheet
// would run is neutralised, a plain number stays a number, and everything else comes back as it went in.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { neutraliseCell, toCsv } from "#app/models/csv.server.ts";
import { PAYLOADS, unbroken } from "#tests/support/hostile-corpus.ts";

const FORMULA_START = /^[=+\-@\t\r]/;
const values = [...PAYLOADS.map((p) => p.value), unbroken(5000), "-200.00", "+15", "42", "3.5", "-7"];

describe("CSV export of hostile text", () => {
  const csv = toCsv(["Value", "Count", "Note"], values.map((v, i) => [v, i, `${v} (again)`]));
  const rows = parse(csv, { relax_column_count: true }) as string[][];

  it("parses to one row per value, each as wide as the header", () => {
    expect(rows).toHaveLength(values.length + 1);
    expect(rows.filter((r) => r.length !== 3)).toEqual([]);
  });

  it("neutralises every cell a spreadsheet would run and keeps the rest exactly", () => {
    for (const [i, value] of values.entries()) {
      const cell = rows[i + 1]?.[0];
      const numeric = /^[+-]?\d+(\.\d+)?$/.test(value);
      if (FORMULA_START.test(value) && !numeric) {
        expect(cell, JSON.stringify(value.slice(0, 30))).toBe(`'${value}`);
      } else {
        expect(cell, JSON.stringify(value.slice(0, 30))).toBe(value);
      }
      expect(rows[i + 1]?.[1]).toBe(String(i));
    }
  });

  it("leaves plain numbers numeric, signed or not", () => {
    for (const n of ["-200.00", "+15", "42", "3.5", "-7"]) expect(neutraliseCell(n)).toBe(n);
  });
});
