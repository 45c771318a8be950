import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../src/pool/latency.js';

/** The exact p-th percentile of `values` (nearest rank), for comparison. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('the latency histogram', () => {
  it('is all zeros with no sample', () => {
    const h = new LogHistogram();
    expect(h.summary()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('counts small values exactly and keeps count, min, max and mean exact', () => {
    const h = new LogHistogram();
    for (const v of [3, 1, 4, 1, 5, 9, 2, 6]) h.record(v);
    expect(h.count).toBe(8);
    expect(h.percentile(50)).toBe(exactPercentile([3, 1, 4, 1, 5, 9, 2, 6], 50));
    expect(h.percentile(100)).toBe(9);
    const s = h.summary(); // in ms: values are ns
    expect(s.min).toBe(1e-6);
    expect(s.max).toBe(9e-6);
    expect(s.mean).toBeCloseTo(31 / 8 / 1e6, 15);
  });

  it('reports every percentile within 1 % of the exact one, from ns to hours', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 4e12, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 10, 50, 90, 99, 99.9, 100),
        (raw, p) => {
          const values = raw.map((v) => Math.round(v));
          const h = new LogHistogram();
          for (const v of values) h.record(v);
          const exact = exactPercentile(values, p);
          const got = h.percentile(p);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.max(1, exact * 0.01));
        },
      ),
    );
  });

  it('takes values above 2^31 ns, and past 104 days (2^53 ns), without losing them', () => {
    const h = new LogHistogram();
    h.record(2 ** 31 + 5);
    h.record(3.15e18);
    expect(h.count).toBe(2);
    expect(h.percentile(100)).toBe(3.15e18);
    expect(Math.abs(h.percentile(50) - (2 ** 31 + 5)) / 2 ** 31).toBeLessThan(0.01);
  });
});
