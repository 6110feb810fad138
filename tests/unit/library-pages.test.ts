import { describe, expect, it } from "vitest";
import { LIBRARY_PAGE_LESSONS, libraryPageNumber, libraryPages } from "#app/rules/library-pages.ts";

const mod = (slug: string, lessons: number) => ({ slug, lessons: Array.from({ length: lessons }, (_, i) => i) });

describe("the library's pages", () => {
  it("keeps a library within the budget on one page", () => {
    const modules = [mod("a", 6), mod("b", 5), mod("c", 4)];
    expect(libraryPages(modules, 15).map((p) => p.map((m) => m.slug))).toEqual([["a", "b", "c"]]);
  });

  it("starts a new page before a module that would go past the budget, never splitting a module", () => {
    const modules = [mod("a", 6), mod("b", 5), mod("c", 5), mod("d", 10), mod("e", 1)];
    expect(libraryPages(modules, 11).map((p) => p.map((m) => m.slug))).toEqual([["a", "b"], ["c"], ["d", "e"]]);
  });

  it("gives a module larger than the budget a page of its own", () => {
    expect(libraryPages([mod("a", 2), mod("big", 30), mod("c", 2)], 10).map((p) => p.map((m) => m.slug))).toEqual([["a"], ["big"], ["c"]]);
  });

  it("has no pages for an empty library", () => {
    expect(libraryPages([])).toEqual([]);
  });

  it("keeps the built-in library's 52 lessons in 10 modules on one page", () => {
    const builtIn = [6, 5, 5, 5, 5, 5, 5, 5, 6, 5].map((n, i) => mod(`m${i}`, n));
    expect(builtIn.reduce((s, m) => s + m.lessons.length, 0)).toBe(52);
    expect(libraryPages(builtIn, LIBRARY_PAGE_LESSONS)).toHaveLength(1);
  });

  it("reads the page asked for, and answers anything else with the nearest real page", () => {
    expect(libraryPageNumber(null, 3)).toBe(1);
    expect(libraryPageNumber("2", 3)).toBe(2);
    expect(libraryPageNumber("9", 3)).toBe(3);
    expect(libraryPageNumber("0", 3)).toBe(1);
    expect(libraryPageNumber("-1", 3)).toBe(1);
    expect(libraryPageNumber("2.5", 3)).toBe(1);
    expect(libraryPageNumber("1e9", 3)).toBe(1);
    expect(libraryPageNumber("1", 0)).toBe(1);
  });
});
