/**
 * The one scale rule of every chart: linear from 0 to a round number at or above the largest
 * value, with evenly spaced ticks at 1, 2 or 5 × 10^k. Bars are then comparable by length in
 * every chart, which a log scale (or a per-chart choice of scale) would not allow.
 */
import { formatSignificant } from './format.js';

/** A linear axis from 0: its end and its ticks (0 first, `max` last). */
export interface Axis {
  readonly max: number;
  readonly ticks: number[];
}

/** The step at 1, 2 or 5 × 10^k closest above `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * The axis for values up to `largest` with about `target` intervals (at least 2 and at most
 * 2.5 × `target`). `largest` ≤ 0 or not finite gives the axis 0…1.
 *
 * @example niceAxis(437) // { max: 500, ticks: [0, 100, 200, 300, 400, 500] }
 */
export function niceAxis(largest: number, target = 5): Axis {
  if (!(largest > 0) || !Number.isFinite(largest)) return { max: 1, ticks: [0, 0.5, 1] };
  const step = niceStep(largest / target);
  const count = Math.max(1, Math.ceil(largest / step - 1e-9));
  // Multiply, never accumulate, so that 3 × 0.1 prints as 0.3 (through the rounding below).
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { max: ticks[ticks.length - 1], ticks };
}

/** A tick label with an SI prefix: `0`, `250`, `1.5k`, `20M`, `0.05`. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  for (const [limit, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= limit) return `${Number((value / limit).toPrecision(3))}${suffix}`;
  }
  return String(Number(formatSignificant(value)));
}
