import { describe, expect, it } from 'vitest';
import { median, quantile, summarize } from '../src/stats.js';

describe('stats', () => {
  it('takes the middle sample of an odd set and the mean of the two middle ones of an even set', () => {
    expect(median([1, 2, 9])).toBe(2);
    expect(median([1, 2, 4, 9])).toBe(3);
  });

  it('gives the nearest-rank p99: the maximum below 100 samples, the 99th of 100', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(
      quantile(
        [5, 1, 3].sort((a, b) => a - b),
        0.99,
      ),
    ).toBe(5);
    expect(quantile(hundred, 0.99)).toBe(99);
    expect(quantile(hundred, 0.5)).toBe(50);
  });

  it('summarizes unsorted samples without reordering the caller’s array', () => {
    const samples = [4, 1, 3, 2];
    expect(summarize(samples)).toEqual({ n: 4, medianMs: 2.5, meanMs: 2.5, p99Ms: 4, minMs: 1, maxMs: 4 });
    expect(samples).toEqual([4, 1, 3, 2]);
  });

  it('refuses an empty sample set', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});
