import jstat from 'jstat';

const { jStat } = jstat;

/**
 * Finding rates and their uncertainty. A count of findings over a number of lines is treated as a Poisson count
 * with the lines as exposure, as incidence rates are: the interval of one rate is the exact (Garwood) one, from
 * chi-square quantiles; the interval of the ratio of two rates is the exact conditional one (given the total, the
 * first count is binomial; Clopper-Pearson on its share, turned into a ratio), which is what R's `poisson.test`
 * computes for two samples. Both are checked in the tests against R's documented examples and Garwood's table.
 */

export interface Rate {
  count: number;
  /** Exposure: lines of code. */
  lines: number;
  /** Findings per 1,000 lines; null when there are no lines. */
  per1000: number | null;
  /** The interval of `per1000` at `level`; null when there are no lines. */
  low: number | null;
  high: number | null;
}

export interface RateRatio {
  /** The first rate over the second; null when the second count is 0 (the ratio is unbounded) or either has no lines. */
  value: number | null;
  low: number | null;
  high: number | null;
}

export const LEVEL = 0.95;

/** The rate of `count` findings in `lines` lines, per 1,000, with its exact interval. */
export function poissonRate(count: number, lines: number, level = LEVEL): Rate {
  if (lines <= 0) return { count, lines, per1000: null, low: null, high: null };
  const alpha = 1 - level;
  const scale = 1000 / lines;
  const low = count === 0 ? 0 : jStat.chisquare.inv(alpha / 2, 2 * count) / 2;
  const high = jStat.chisquare.inv(1 - alpha / 2, 2 * count + 2) / 2;
  return { count, lines, per1000: count * scale, low: low * scale, high: high * scale };
}

/** (x1 / t1) / (x2 / t2) with its exact conditional interval. */
export function rateRatio(x1: number, t1: number, x2: number, t2: number, level = LEVEL): RateRatio {
  if (t1 <= 0 || t2 <= 0 || x1 + x2 === 0) return { value: null, low: null, high: null };
  const alpha = 1 - level;
  const n = x1 + x2;
  const share = (p: number): number => (p / (1 - p)) * (t2 / t1);
  const pLow = x1 === 0 ? 0 : jStat.beta.inv(alpha / 2, x1, n - x1 + 1);
  const pHigh = x1 === n ? 1 : jStat.beta.inv(1 - alpha / 2, x1 + 1, n - x1);
  return {
    value: x2 === 0 ? null : x1 / t1 / (x2 / t2),
    low: share(pLow),
    high: pHigh >= 1 ? null : share(pHigh),
  };
}

/** The verdict in plain words: a difference only when the interval excludes 1. */
export function verdict(ratio: RateRatio, level = LEVEL): string {
  const pct = `${Math.round(level * 100)}% CI`;
  if (ratio.low === null) return 'no findings in the lines scanned: nothing to compare';
  const range = `${pct} ${fixed(ratio.low)}–${ratio.high === null ? '∞' : fixed(ratio.high)}`;
  if (ratio.low > 1)
    return `AI-written lines carry ${ratio.value === null ? 'more than' : `${fixed(ratio.value)}×`} the findings per line of the others, ${range}`;
  if (ratio.high !== null && ratio.high < 1) return `AI-written lines carry ${fixed(ratio.value ?? 0)}× the findings per line of the others (fewer), ${range}`;
  return `no measurable difference between AI-written lines and the others (${range} includes 1)`;
}

function fixed(n: number): string {
  return n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
