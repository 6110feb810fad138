// The outcomes' statistics against examples worked by hand (and, for the published ones, against
// the papers that define the methods).
import { describe, expect, it } from "vitest";
import { excludesZero, meanInterval, newcombeDifference, tQuantile975, welchDifference, wilson } from "#app/models/outcome-stats.ts";

describe("Wilson's interval for a proportion", () => {
  it("matches Newcombe's published example, 81 of 263", () => {
    // Newcombe 1998 (Statistics in Medicine 17:857), method 3: 0.2553 to 0.3662.
    const w = wilson(81, 263);
    expect(w.estimate).toBeCloseTo(0.308, 3);
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
  });
  it("works by hand for 8 of 10", () => {
    // p = 0.8, z² = 3.8415; centre = (0.8 + 0.19207) / 1.38415 = 0.71674;
    // half = (1.95996 / 1.38415) × √(0.016 + 0.0096037) = 1.41600 × 0.16001 = 0.22658.
    const w = wilson(8, 10);
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
  });
  it("stays inside 0 to 1 at the ends, where a plain ± interval would not", () => {
    const none = wilson(0, 20);
    expect(none.low).toBeGreaterThanOrEqual(0);
    expect(none.low).toBeCloseTo(0, 12);
    expect(none.high).toBeCloseTo(0.1611, 4);
    const all = wilson(20, 20);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.8389, 4);
  });
  it("refuses an impossible count", () => {
    expect(() => wilson(5, 0)).toThrow(RangeError);
    expect(() => wilson(11, 10)).toThrow(RangeError);
  });
});

describe("Newcombe's interval for a difference of proportions", () => {
  it("matches the published example, 56 of 70 against 48 of 80", () => {
    // Newcombe 1998 (Statistics in Medicine 17:873), method 10: 0.0524 to 0.3339.
    const d = newcombeDifference(wilson(48, 80), wilson(56, 70));
    expect(d.estimate).toBeCloseTo(0.2, 10);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
    expect(excludesZero(d)).toBe(true);
  });
  it("turns round when before and after change places", () => {
    const d = newcombeDifference(wilson(56, 70), wilson(48, 80));
    expect(d.estimate).toBeCloseTo(-0.2, 10);
    expect(d.low).toBeCloseTo(-0.3339, 4);
    expect(d.high).toBeCloseTo(-0.0524, 4);
  });
  it("says too little to tell for a small sample with the same gap", () => {
    // 8 of 10 against 6 of 10: the same 20 points, but the interval runs from below zero.
    const d = newcombeDifference(wilson(6, 10), wilson(8, 10));
    expect(d.estimate).toBeCloseTo(0.2, 10);
    expect(d.low).toBeLessThan(0);
    expect(d.high).toBeGreaterThan(0);
    expect(excludesZero(d)).toBe(false);
  });
});

describe("t intervals for means", () => {
  it("reads Student's t as the tables give it, for fractional degrees of freedom too", () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.303, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
    // Between the tables' rows of 30 and 40 (2.042, 2.021), and of 4 and 5 (2.776, 2.571).
    expect(tQuantile975(35.7)).toBeGreaterThan(2.021);
    expect(tQuantile975(35.7)).toBeLessThan(2.042);
    expect(tQuantile975(4.9)).toBeGreaterThan(2.571);
    expect(tQuantile975(4.9)).toBeLessThan(2.776);
    expect(tQuantile975(5000)).toBeCloseTo(1.96, 2);
    expect(() => tQuantile975(0.5)).toThrow(RangeError);
  });
  it("works the mean of four months by hand", () => {
    // 4.2, 4.4, 4.6, 4.8: mean 4.5; sd = √(0.2/3) = 0.258199; half = 3.182446 × 0.258199 / 2 = 0.410852.
    const m = meanInterval([4.2, 4.4, 4.6, 4.8]);
    expect(m?.estimate).toBeCloseTo(4.5, 10);
    expect(m?.sd).toBeCloseTo(0.258199, 6);
    expect(m?.low).toBeCloseTo(4.089148, 5);
    expect(m?.high).toBeCloseTo(4.910852, 5);
  });
  it("has no interval for one value", () => {
    expect(meanInterval([4.5])).toBeNull();
    expect(meanInterval([])).toBeNull();
  });
  it("works Welch's difference by hand", () => {
    // Before 4.0, 4.2, 4.1 (mean 4.1, sd 0.1); after 4.5, 4.7, 4.6 (mean 4.6, sd 0.1).
    // se = √(0.01/3 + 0.01/3) = 0.081650; df = (0.006667)² / (2 × 0.003333² / 2) = 4; t = 2.776.
    // 0.5 ± 2.776 × 0.081650 = 0.5 ± 0.226660.
    const d = welchDifference(meanInterval([4.0, 4.2, 4.1])!, meanInterval([4.5, 4.7, 4.6])!);
    expect(d.estimate).toBeCloseTo(0.5, 10);
    expect(d.df).toBeCloseTo(4, 10);
    expect(d.low).toBeCloseTo(0.27334, 4);
    expect(d.high).toBeCloseTo(0.72666, 4);
    expect(excludesZero(d)).toBe(true);
  });
  it("says too little to tell when the months scatter", () => {
    const d = welchDifference(meanInterval([3.9, 4.6, 4.1])!, meanInterval([4.8, 4.0, 4.5])!);
    expect(d.estimate).toBeCloseTo(0.2333, 3);
    expect(excludesZero(d)).toBe(false);
  });
});
