import { describe, expect, it } from "vitest";
import { createAssignment } from "#app/models/assignments.server.ts";
import {
  beforeAfter,
  modulesForSkill,
  quarterOf,
  rollouts,
  suggestedTarget,
  themeFigure,
  themeTable,
  toAnalysisItems,
  topThemes,
  type AnalysisItem,
} from "#app/models/feedback-insights.server.ts";
import { describeShareChange, formatRating, formatShare } from "#app/rules/feedback.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createCatalog, createLocation, createPractice, createUser } from "#tests/support/factories.ts";

const item = (receivedOn: string, rating: number, themes: string[] = [], extra: Partial<AnalysisItem> = {}): AnalysisItem => ({
  receivedOn,
  rating,
  locationId: null,
  hasComment: true,
  themes,
  ...extra,
});

describe("a theme's figures", () => {
  it("share counts comments only; the average is over the items that mention the theme", () => {
    const items = [item("2026-01-05", 1, ["phone"]), item("2026-01-06", 4, ["phone", "billing"]), item("2026-01-07", 5), item("2026-01-08", 1, [], { hasComment: false })];
    // 2 of the 3 comments mention the phone; their ratings are 1 and 4.
    expect(themeFigure(items, "phone")).toEqual({ items: 2, total: 3, share: 2 / 3, averageRating: 2.5 });
    expect(themeFigure(items, "privacy")).toEqual({ items: 0, total: 3, share: 0, averageRating: null });
    expect(themeFigure([], "phone")).toEqual({ items: 0, total: 0, share: null, averageRating: null });
  });

  it("marks scrubbed-only comments as no comment, and matches themes with the rules", () => {
    const items = toAnalysisItems(
      [
        { receivedOn: "2026-01-05", rating: 2, locationId: null, comment: "On hold forever" },
        { receivedOn: "2026-01-05", rating: 2, locationId: null, comment: "[name] [phone]" },
        { receivedOn: "2026-01-05", rating: 5, locationId: null, comment: "" },
      ],
      { themes: [{ skill: "phone", phrases: ["on hold"] }] },
    );
    expect(items.map((i) => [i.hasComment, i.themes])).toEqual([[true, ["phone"]], [false, []], [false, []]]);
  });
});

describe("showing the figures", () => {
  it("rounds shares to whole percent and ratings to one decimal", () => {
    expect(formatShare(0.125)).toBe("13%");
    expect(formatShare(2 / 3)).toBe("67%");
    expect(formatShare(null)).toBe("—");
    expect(formatRating(2.25)).toBe("2.3");
    expect(formatRating(null)).toBe("—");
  });

  it("says how the share moved, in points of the rounded shares, and when there is too little to tell", () => {
    const fig = (items: number, total: number) => ({ items, total, share: total ? items / total : null });
    // 40% (16 of 40) to 12.5% (5 of 40), shown as 13%: down 27 points.
    expect(describeShareChange(fig(16, 40), fig(5, 40))).toBe("down 27 points");
    expect(describeShareChange(fig(10, 40), fig(14, 40))).toBe("up 10 points");
    expect(describeShareChange(fig(10, 40), fig(10, 40))).toBe("no change");
    expect(describeShareChange(fig(10, 40), fig(0, 0))).toBe("—");
    // Fewer than 10 comments after, or fewer than 10 mentions in all.
    expect(describeShareChange(fig(20, 40), fig(1, 9))).toBe("down 39 points (too few to tell)");
    expect(describeShareChange(fig(2, 98), fig(0, 20))).toBe("down 2 points (too few to tell)");
  });
});

describe("did it work: 90 days before against 90 days after", () => {
  // Rollout on 2026-02-01. Before: 2025-11-03 to 2026-01-31 (90 days). After: from 2026-02-01,
  // 48 days so far on 2026-03-20.
  const items = [
    item("2025-11-02", 1, ["phone"]), // one day too early: not counted
    item("2025-11-03", 1, ["phone"]),
    item("2025-12-10", 2, ["phone"]),
    item("2026-01-15", 2, ["phone"]),
    item("2026-01-31", 3, ["phone"]),
    ...Array.from({ length: 6 }, () => item("2026-01-10", 5)),
    item("2026-01-20", 1, ["phone"], { hasComment: false, themes: [] }), // a rating without a comment
    item("2026-02-01", 4, ["phone"]), // the rollout day counts as after
    ...Array.from({ length: 7 }, () => item("2026-03-01", 5)),
    item("2026-03-21", 1, ["phone"]), // after today: not counted
  ];

  it("compares the theme's share and average rating, with the counts behind each", () => {
    const result = beforeAfter(items, "phone", "2026-02-01", "2026-03-20");
    // Before: 4 of 10 comments are about the phone, rated 1, 2, 2, 3: share 40%, average 2.0.
    expect(result.before).toEqual({ items: 4, total: 10, share: 0.4, averageRating: 2, from: "2025-11-03", to: "2026-01-31", days: 90 });
    // After so far: 1 of 8, rated 4: share 12.5%, average 4.0.
    expect(result.after).toEqual({ items: 1, total: 8, share: 0.125, averageRating: 4, from: "2026-02-01", to: "2026-03-20", days: 48, complete: false });
  });

  it("stops the after window at 90 days", () => {
    const result = beforeAfter(items, "phone", "2026-02-01", "2026-12-31");
    expect(result.after).toMatchObject({ from: "2026-02-01", to: "2026-05-01", days: 90, complete: true, items: 2, total: 9 });
  });

  it("says nothing rather than zero when there is no feedback", () => {
    const result = beforeAfter([], "phone", "2026-02-01", "2026-02-01");
    expect(result.before).toMatchObject({ items: 0, total: 0, share: null, averageRating: null });
    expect(result.after).toMatchObject({ days: 1, share: null, complete: false });
  });
});

describe("themes by month, this quarter against the last", () => {
  it("uses calendar quarters", () => {
    expect(quarterOf("2026-02-10")).toEqual({ from: "2026-01-01", to: "2026-03-31", label: "Q1 2026" });
    expect(quarterOf("2025-12-31")).toEqual({ from: "2025-10-01", to: "2025-12-31", label: "Q4 2025" });
  });

  it("counts each theme per month and per quarter, most mentioned this quarter first", () => {
    const items = [
      item("2025-10-01", 2, ["wait-times"]),
      item("2025-12-31", 4, ["wait-times", "phone"]),
      item("2025-11-15", 5),
      item("2026-01-01", 1, ["phone"]),
      item("2026-02-10", 3, ["phone"]),
      item("2026-02-10", 5),
      item("2025-09-30", 1, ["phone"]), // before last quarter: not shown
    ];
    const table = themeTable(items, [{ skill: "wait-times", label: "Waits" }, { skill: "phone", label: "Phone" }], "2026-02-10");
    expect(table.months.map((m) => m.label)).toEqual(["Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"]);
    expect(table.months.map((m) => m.future)).toEqual([false, false, false, false, false, true]);
    expect(table.lastQuarter).toMatchObject({ label: "Q4 2025", items: 3, comments: 3, averageRating: 11 / 3 });
    expect(table.thisQuarter).toMatchObject({ label: "Q1 2026", items: 3, comments: 3, averageRating: 3, daysSoFar: 41 });
    expect(table.rows.map((r) => r.skill)).toEqual(["phone", "wait-times"]);
    const phone = table.rows[0]!;
    expect(phone.months.map((m) => m.items)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(phone.lastQuarter).toEqual({ items: 1, total: 3, share: 1 / 3, averageRating: 4 });
    expect(phone.thisQuarter).toEqual({ items: 2, total: 3, share: 2 / 3, averageRating: 2 });
    expect(table.rows[1]!.lastQuarter).toEqual({ items: 2, total: 3, share: 2 / 3, averageRating: 3 });
  });
});

describe("what to train next", () => {
  const testDb = setupTestDb();

  const themes = [
    { skill: "wait-times", label: "Waits" },
    { skill: "phone", label: "Phone" },
    { skill: "privacy", label: "Privacy" },
  ];

  it("ranks themes by low-rated mentions in the last 90 days", () => {
    const items = [
      ...Array.from({ length: 3 }, () => item("2026-03-01", 2, ["phone"], { locationId: 1 })),
      item("2026-03-01", 5, ["phone"]),
      ...Array.from({ length: 4 }, () => item("2026-03-02", 1, ["wait-times"], { locationId: 2 })),
      item("2025-12-20", 1, ["privacy"]), // 91 days before 2026-03-20: too old
      item("2026-03-03", 4, ["privacy"]), // a mention, but not a complaint
    ];
    const top = topThemes(items, themes, "2026-03-20");
    expect(top.map((t) => [t.skill, t.complaints, t.mentions, t.averageRating])).toEqual([
      ["wait-times", 4, 4, 1],
      ["phone", 3, 4, 11 / 4],
    ]);
    expect(top[1]!.byLocation).toEqual([{ locationId: 1, count: 3 }]);
  });

  it("suggests the location most complaints come from, or everyone", () => {
    const theme = (byLocation: { locationId: number | null; count: number }[]) => ({ complaints: byLocation.reduce((s, b) => s + b.count, 0), byLocation });
    expect(suggestedTarget(theme([{ locationId: 1, count: 2 }, { locationId: 2, count: 1 }]), [1, 2])).toEqual({ kind: "location", locationId: 1 });
    expect(suggestedTarget(theme([{ locationId: 1, count: 3 }, { locationId: 2, count: 2 }]), [1, 2])).toEqual({ kind: "everyone" });
    expect(suggestedTarget(theme([{ locationId: null, count: 5 }]), [1, 2])).toEqual({ kind: "everyone" });
    expect(suggestedTarget(theme([{ locationId: 1, count: 5 }]), [1])).toEqual({ kind: "everyone" });
  });

  it("finds the modules whose lessons carry a skill, the ones that teach it most first", async () => {
    const catalog = await createCatalog(testDb.db);
    expect(modulesForSkill(catalog, "greeting")).toEqual([{ slug: "basics", title: "Basics", lessons: 2, totalLessons: 2 }]);
    expect(modulesForSkill(catalog, "billing")).toEqual([]);
  });
});

describe("rollouts", () => {
  const testDb = setupTestDb();

  it("measures each module given to a group on its themes, and a location's rollout on that location's feedback", async () => {
    await createPractice(testDb.db);
    const catalog = { ...(await createCatalog(testDb.db)), themes: [{ skill: "greeting", phrases: ["greet*"] }] };
    const owner = { id: (await createUser(testDb.db, { role: "owner" })).id, role: "owner" as const, scopeLocationId: null };
    const maple = await createLocation(testDb.db, "Maple");
    const someone = await createUser(testDb.db);
    const TZ = "America/Chicago";
    const at = (date: string) => ({ catalog, now: new Date(`${date}T18:00:00Z`), timeZone: TZ });
    const module = { kind: "module" as const, slug: "basics" };
    await createAssignment(testDb.db, owner, { item: module, target: { kind: "group", jobTitle: null, locationId: maple }, due: { kind: "days", days: 14 }, recurMonths: null }, at("2026-02-01"));
    await createAssignment(testDb.db, owner, { item: module, target: { kind: "person", userId: someone.id }, due: { kind: "days", days: 14 }, recurMonths: null }, at("2026-02-02"));
    const items = [item("2026-01-10", 1, ["greeting"], { locationId: maple }), item("2026-01-11", 1, ["greeting"], { locationId: null }), item("2026-02-10", 5, [], { locationId: maple })];
    const result = await rollouts(testDb.db, owner, catalog, items, { today: "2026-03-20", timeZone: TZ });
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ moduleTitle: "Basics", on: "2026-02-01", target: "everyone at Maple", people: 0 });
    expect(result[0]!.themes.map((t) => [t.skill, t.before.items, t.before.total, t.after.items, t.after.total])).toEqual([["greeting", 1, 1, 0, 1]]);
  });
});
