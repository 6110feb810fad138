import { describe, expect, test } from "vitest";
import { localDate, startOfLocalDay } from "#app/models/clock.server.ts";

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
  test("agrees with the zone's own calendar at every instant, in zones off by half and quarter hours, with clock changes at odd hours and offsets in seconds", () => {
    // localDate keeps a zone's offset per hour; the hours that hold a change must not be kept.
    const zones = ["America/Chicago", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "America/Santiago", "Africa/Monrovia", "Europe/Amsterdam", "Pacific/Kiritimati"];
    const wrong: string[] = [];
    for (const timeZone of zones) {
      const calendar = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
      // Every 47 minutes 13 seconds (so every hour, the hours of a change included) over sample years, each
      // instant asked three times (worked out, then kept), as a Date and as stored text.
      for (const year of [1930, 1986, 2026]) {
        for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += 2_833_000) {
          const want = calendar.format(new Date(ms));
          const instant = new Date(ms);
          for (const asked of [instant, instant.toISOString(), instant]) if (localDate(asked, timeZone) !== want) wrong.push(`${timeZone} ${instant.toISOString()}`);
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe("startOfLocalDay", () => {
  test("is local midnight as an instant, in and out of daylight saving time and on odd offsets", () => {
    expect(startOfLocalDay("2026-03-01", "America/Chicago").toISOString()).toBe("2026-03-01T06:00:00.000Z");
    expect(startOfLocalDay("2026-07-01", "America/Chicago").toISOString()).toBe("2026-07-01T05:00:00.000Z");
    expect(startOfLocalDay("2026-03-08", "America/Chicago").toISOString()).toBe("2026-03-08T06:00:00.000Z"); // the day the clocks go forward
    expect(startOfLocalDay("2026-03-09", "America/Chicago").toISOString()).toBe("2026-03-09T05:00:00.000Z");
    expect(startOfLocalDay("2026-01-01", "UTC").toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(startOfLocalDay("2026-07-05", "Pacific/Auckland").toISOString()).toBe("2026-07-04T12:00:00.000Z");
    expect(startOfLocalDay("2026-06-01", "Asia/Kolkata").toISOString()).toBe("2026-05-31T18:30:00.000Z");
    expect(startOfLocalDay("2026-06-01", "America/St_Johns").toISOString()).toBe("2026-06-01T02:30:00.000Z");
    expect(startOfLocalDay("2026-01-01", "Pacific/Kiritimati").toISOString()).toBe("2025-12-31T10:00:00.000Z");
  });

  test("agrees with localDate on either side of it, wherever the zone is", () => {
    for (const zone of ["America/Chicago", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu", "Pacific/Chatham"]) {
      for (const date of ["2026-01-01", "2026-03-08", "2026-04-05", "2026-09-06", "2026-10-04", "2026-11-01"]) {
        const start = startOfLocalDay(date, zone).getTime();
        expect(localDate(new Date(start), zone), `${zone} ${date}`).toBe(date);
        expect(localDate(new Date(start - 1), zone) < date, `${zone} ${date}`).toBe(true);
      }
    }
  });
});
