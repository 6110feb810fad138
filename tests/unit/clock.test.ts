import { describe, expect, test } from "vitest";
import { localDate } from "#app/models/clock.server.ts";

describe("localDate", () => {
  test("is the calendar date where the practice is, not in UTC", () => {
    // 03:30 UTC on the 1st is still the evening of the 31st in Chicago.
    expect(localDate("2026-01-01T03:30:00Z", "America/Chicago")).toBe("2025-12-31");
    expect(localDate("2026-01-01T03:30:00Z", "UTC")).toBe("2026-01-01");
    expect(localDate(new Date("2026-07-04T23:59:59Z"), "Pacific/Auckland")).toBe("2026-07-05");
  });

  test("follows daylight saving time", () => {
    // Chicago is UTC-5 in summer and UTC-6 in winter.
    expect(localDate("2026-07-01T04:59:00Z", "America/Chicago")).toBe("2026-06-30");
    expect(localDate("2026-07-01T05:00:00Z", "America/Chicago")).toBe("2026-07-01");
    expect(localDate("2026-12-01T05:59:00Z", "America/Chicago")).toBe("2026-11-30");
    expect(localDate("2026-12-01T06:00:00Z", "America/Chicago")).toBe("2026-12-01");
  });
});
