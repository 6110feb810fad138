// The statistics behind the outcomes' before and after, in one small module: intervals for a
// proportion (Wilson), for a difference of two proportions (Newcombe's hybrid score method, his
// method 10, built from the two Wilson intervals), for a mean and for a difference of two means
// (Student's t, Welch's for the difference). None of the packages the project carries does this;
// a maintained statistics package (simple-statistics, @stdlib/stats) would replace the bodies here
// and nothing outside this file. Every figure is unit tested against hand-worked examples
// (tests/unit/outcome-stats.test.ts).

/** The normal quantile for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

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
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
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

// Student's t, 97.5th percentile (a two-sided 95% interval), by degrees of freedom, from the
// standard tables. Between rows the smaller number of degrees of freedom is used, so an interval
// is never narrower than it should be.
const T975: [df: number, t: number][] = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306],
  [9, 2.262], [10, 2.228], [11, 2.201], [12, 2.179], [13, 2.16], [14, 2.145], [15, 2.131], [16, 2.12],
  [17, 2.11], [18, 2.101], [19, 2.093], [20, 2.086], [21, 2.08], [22, 2.074], [23, 2.069], [24, 2.064],
  [25, 2.06], [26, 2.056], [27, 2.052], [28, 2.048], [29, 2.045], [30, 2.042], [40, 2.021], [60, 2.0],
  [120, 1.98],
];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile975(${df})`);
  let t = 1.96;
  for (let i = T975.length - 1; i >= 0; i--) {
    const row = T975[i] as [number, number];
    if (df >= row[0]) {
      t = row[1];
      break;
    }
  }
  return df >= 1000 ? 1.96 : t;
}
