import { describe, expect, it } from 'vitest';
import { poissonRate, rateRatio, verdict } from '../../src/findings/stats.js';

// Published values the intervals must reproduce:
// - R's documentation of `poisson.test` (package stats, ?poisson.test, "Examples"): 137 deaths in 24.19893 thousand
//   person-years (SMR, Welsh nickel workers) gives the exact 95% interval 4.753125–6.692709; the comparison of
//   Fredericia with three other cities (eba1977), poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)), gives the rate
//   ratio 1.971488 with the exact conditional 95% interval 0.8584264–4.2772659.
// - Garwood's exact limits for a Poisson count, as tabulated (e.g. Ulm 1990, Am J Epidemiol 131:373): 0 → 0–3.689,
//   1 → 0.0253–5.572, 10 → 4.795–18.39.
describe('exact intervals for finding rates', () => {
  it("reproduces R's poisson.test for one rate", () => {
    const r = poissonRate(137, 24.19893 * 1000);
    expect(r.per1000).toBeCloseTo(137 / 24.19893, 6);
    expect(r.low).toBeCloseTo(4.753125, 5);
    expect(r.high).toBeCloseTo(6.692709, 5);
  });

  it("reproduces R's poisson.test for the ratio of two rates", () => {
    const r = rateRatio(11, 800, 21, 3011);
    expect(r.value).toBeCloseTo(1.971488, 5);
    expect(r.low).toBeCloseTo(0.8584264, 6);
    expect(r.high).toBeCloseTo(4.2772659, 6);
  });

  it("reproduces Garwood's table", () => {
    const per = (x: number) => poissonRate(x, 1000);
    expect([per(0).low, per(0).high]).toEqual([0, expect.closeTo(3.689, 3)]);
    expect(per(1).low).toBeCloseTo(0.0253, 4);
    expect(per(1).high).toBeCloseTo(5.572, 3);
    expect(per(10).low).toBeCloseTo(4.795, 3);
    expect(per(10).high).toBeCloseTo(18.39, 2);
  });

  it('has no rate without lines, and no ratio without findings', () => {
    expect(poissonRate(3, 0)).toEqual({ count: 3, lines: 0, per1000: null, low: null, high: null });
    expect(rateRatio(0, 100, 0, 100)).toEqual({ value: null, low: null, high: null });
    // No findings in the other lines: the ratio is unbounded, its lower limit still says something.
    const unbounded = rateRatio(12, 1000, 0, 1000);
    expect(unbounded.value).toBeNull();
    expect(unbounded.high).toBeNull();
    expect(unbounded.low).toBeGreaterThan(1);
  });

  it('speaks of a difference only when the interval excludes 1', () => {
    expect(verdict(rateRatio(11, 800, 21, 3011))).toMatch(/^no measurable difference .*0\.86–4\.28 includes 1/);
    expect(verdict(rateRatio(60, 10_000, 30, 10_000))).toMatch(/^AI-written lines carry 2\.00× the findings per line of the others, 95% CI 1\.2\d–3\.\d\d$/);
    expect(verdict(rateRatio(10, 10_000, 40, 10_000))).toMatch(/^AI-written lines carry 0\.25× .*\(fewer\)/);
    expect(verdict(rateRatio(12, 1000, 0, 1000))).toMatch(/more than the findings per line/);
    expect(verdict(rateRatio(0, 1000, 0, 1000))).toMatch(/no findings/);
  });
});
