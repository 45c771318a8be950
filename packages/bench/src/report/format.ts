/** Number formats shared by the tables and the charts. */

/** Milliseconds as µs, ms or s with three significant digits: `812 µs`, `12.4 ms`, `2.01 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** Tasks per second with thousands separators (three significant digits below 1000). */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  if (rate < 1000) return rate.toPrecision(3);
  return Math.round(rate).toLocaleString('en-US');
}

/** A ratio as `1.93×`, with more digits when it is small. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.01 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/** A fraction as a percentage: `96 %`. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${fraction >= 0.1 ? Math.round(fraction * 100) : (fraction * 100).toPrecision(2)} %`;
}
