// The statistics behind the outcomes' before and after, in one small module: intervals for a
// proportion (Wilson), for a difference of two proportions (Newcombe's hybrid score method, his
// method 10, built from the two Wilson intervals), for a mean and for a difference of two means
// (Student's t, Welch's for the difference). The distributions' quantiles come from stdlib
// (exact, for any degrees of freedom, Welch's fractional ones included), means and deviations from
// simple-statistics; the interval formulas, which no package carries, are here. Every figure is
// unit tested against hand-worked and published examples (tests/unit/outcome-stats.test.ts).
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { mean as meanOf, sampleStandardDeviation } from "simple-statistics";

/** The normal quantile for a two-sided 95% interval (1.95996…). */
export const Z95 = normalQuantile(0.975, 0, 1);

export interface Interval {
  low: number;
  high: number;
}

export interface ProportionEstimate extends Interval {
  /** successes / n */
  estimate: number;
  successes: number;
  n: number;
}

/** The Wilson score interval of `successes` out of `n` (n > 0). */
export function wilson(successes: number, n: number, z = Z95): ProportionEstimate {
  if (!(n > 0) || successes < 0 || successes > n) throw new RangeError(`wilson(${successes}, ${n})`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, successes, n, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The difference `after − before` of two proportions with Newcombe's hybrid score interval
 * (Newcombe 1998, Statistics in Medicine 17:873–890, method 10).
 */
export function newcombeDifference(before: ProportionEstimate, after: ProportionEstimate): { estimate: number } & Interval {
  const d = after.estimate - before.estimate;
  return {
    estimate: d,
    low: d - Math.sqrt((after.estimate - after.low) ** 2 + (before.high - before.estimate) ** 2),
    high: d + Math.sqrt((after.high - after.estimate) ** 2 + (before.estimate - before.low) ** 2),
  };
}

export interface MeanEstimate extends Interval {
  estimate: number;
  /** The sample standard deviation (n − 1). */
  sd: number;
  n: number;
}

/** The mean of `values` with its t interval; null for fewer than two values (no spread to measure). */
export function meanInterval(values: number[]): MeanEstimate | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = meanOf(values);
  const sd = sampleStandardDeviation(values);
  const half = tQuantile975(n - 1) * (sd / Math.sqrt(n));
  return { estimate: mean, sd, n, low: mean - half, high: mean + half };
}

/**
 * The difference `after − before` of two means with Welch's t interval (unequal variances,
 * Welch–Satterthwaite degrees of freedom).
 */
export function welchDifference(before: MeanEstimate, after: MeanEstimate): { estimate: number; df: number } & Interval {
  const d = after.estimate - before.estimate;
  const vb = (before.sd * before.sd) / before.n;
  const va = (after.sd * after.sd) / after.n;
  const se = Math.sqrt(vb + va);
  if (se === 0) return { estimate: d, df: before.n + after.n - 2, low: d, high: d };
  const df = (vb + va) ** 2 / (vb ** 2 / (before.n - 1) + va ** 2 / (after.n - 1));
  const half = tQuantile975(df) * se;
  return { estimate: d, df, low: d - half, high: d + half };
}

/** An interval shows a change only when it leaves out zero. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

/** Student's t, 97.5th percentile (a two-sided 95% interval), for `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile975(${df})`);
  return tQuantile(0.975, df);
}
