import { describe, expect, it } from "vitest";
import { safeRedirect } from "#app/route-helpers/safe-redirect.ts";

describe("safeRedirect", () => {
  it.each([
    ["/learn", "/learn"],
    ["/lessons/x?retake=1#quiz", "/lessons/x?retake=1#quiz"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/\t/evil.example", "/"],
    ["", "/"],
    [null, "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it("uses the fallback given", () => {
    expect(safeRedirect("//evil.example", "/learn")).toBe("/learn");
  });
});
