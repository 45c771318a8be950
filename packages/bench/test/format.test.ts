import { describe, expect, it } from 'vitest';
import { formatTick, niceAxis } from '../src/report/axis.js';
import { formatMsRange, formatRatio, formatSignificant } from '../src/report/format.js';

describe('number formats', () => {
  it('prints ratios with three significant digits, small ones in e-notation instead of a row of zeros', () => {
    expect(formatRatio(2)).toBe('2.00×');
    expect(formatRatio(1.934)).toBe('1.93×');
    expect(formatRatio(12.44)).toBe('12.4×');
    expect(formatRatio(124.4)).toBe('124×');
    expect(formatRatio(19_634)).toBe('19,600×');
    expect(formatRatio(0.0779)).toBe('0.0779×');
    expect(formatRatio(0.00123)).toBe('0.00123×');
    expect(formatRatio(0.000051)).toBe('5.10e-5×');
    expect(formatRatio(null)).toBe('–');
    expect(formatRatio(Number.NaN)).toBe('–');
  });

  it('does not let rounding to three digits cross into e-notation or lose the thousands separator', () => {
    expect(formatSignificant(999.7)).toBe('1,000');
    expect(formatSignificant(0.0009996)).toBe('0.00100');
    expect(formatSignificant(0)).toBe('0');
  });

  it('prints a range of milliseconds in the unit of its upper end', () => {
    expect(formatMsRange(4.012, 4.1)).toBe('4.01–4.10 ms');
    expect(formatMsRange(0.812, 1.2)).toBe('0.81–1.20 ms');
    expect(formatMsRange(0.096, 0.104)).toBe('96–104 µs');
    expect(formatMsRange(1500, 2010)).toBe('1.50–2.01 s');
  });

  it('shows a narrow range with enough decimals to see its width', () => {
    expect(formatMsRange(101.0, 101.4)).toBe('101.0–101.4 ms');
    expect(formatMsRange(101.2, 102.5)).toBe('101–103 ms');
    expect(formatMsRange(4, 4)).toBe('4.00–4.00 ms');
  });
});

describe('the scale rule of every chart', () => {
  it('is linear from 0 to a round number at or above the largest value, ticks at 1, 2 or 5 × 10^k', () => {
    expect(niceAxis(437)).toEqual({ max: 500, ticks: [0, 100, 200, 300, 400, 500] });
    expect(niceAxis(200)).toEqual({ max: 200, ticks: [0, 50, 100, 150, 200] });
    expect(niceAxis(122_324_159).max).toBe(150_000_000);
    expect(niceAxis(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceAxis(0)).toEqual({ max: 1, ticks: [0, 0.5, 1] });
  });

  it('keeps between 2 and 13 intervals whatever the largest value', () => {
    for (let x = 0.0013; x < 1e10; x *= 1.37) {
      const { max, ticks } = niceAxis(x);
      expect(max).toBeGreaterThanOrEqual(x);
      expect(ticks[0]).toBe(0);
      expect(ticks.length - 1).toBeGreaterThanOrEqual(2);
      expect(ticks.length - 1).toBeLessThanOrEqual(13);
    }
  });

  it('labels ticks with SI prefixes', () => {
    expect([0, 250, 1500, 20_000_000, 2.5e9, 0.05].map(formatTick)).toEqual([
      '0',
      '250',
      '1.5k',
      '20M',
      '2.5G',
      '0.05',
    ]);
  });
});
