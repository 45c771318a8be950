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

/**
 * `x` rounded to three significant digits, as text: `1.93`, `0.0779`, `12.4`, `19,600`, and
 * `5.10e-5` below 0.001 (where a plain decimal would be mostly zeros).
 */
export function formatSignificant(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const rounded = Number(x.toPrecision(3));
  const abs = Math.abs(rounded);
  if (abs >= 1000) return rounded.toLocaleString('en-US');
  if (abs < 0.001) return rounded.toExponential(2);
  return rounded.toPrecision(3);
}

/** A ratio with three significant digits: `1.93×`, `0.0779×`, `124×`, `5.10e-5×`. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${formatSignificant(ratio)}×`;
}

/**
 * A range of milliseconds in the unit of its upper end, with three significant digits, or more
 * decimals when the range is narrow, enough to show its width: `4.01–4.10 ms`, `0.81–1.20 ms`,
 * `96–104 µs`, `101.0–101.4 ms` (not `101–101 ms`).
 */
export function formatMsRange(lo: number, hi: number): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return '–';
  const [scale, unit] = hi < 1 ? [1000, 'µs'] : hi < 1000 ? [1, 'ms'] : [0.001, 's'];
  const [a, b] = [lo * scale, hi * scale];
  if (!(b > 0)) return `${formatSignificant(a)}–${formatSignificant(b)} ${unit}`;
  const threeDigits = Math.max(0, 2 - Math.floor(Math.log10(b)));
  const width = b - a > 0 ? Math.max(0, -Math.floor(Math.log10(b - a))) : 0;
  const decimals = Math.min(6, Math.max(threeDigits, width));
  return `${a.toFixed(decimals)}–${b.toFixed(decimals)} ${unit}`;
}

/** A fraction as a percentage: `96 %`. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${fraction >= 0.1 ? Math.round(fraction * 100) : (fraction * 100).toPrecision(2)} %`;
}
