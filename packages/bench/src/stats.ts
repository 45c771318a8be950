/** Summary statistics of timing samples (milliseconds). */

/** Location and spread of a sample set, in the samples' unit (ms). */
export interface Stats {
  readonly n: number;
  readonly medianMs: number;
  readonly meanMs: number;
  /** 99th percentile, nearest rank: with fewer than 100 samples this is the maximum. */
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** The q-quantile (0…1) of ascending `sorted` by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample set');
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median: the middle sample, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new RangeError('median of an empty sample set');
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Stats of `samples` (any order). Throws RangeError on an empty set. */
export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    n: sorted.length,
    medianMs: median(sorted),
    meanMs: sum / sorted.length,
    p99Ms: quantile(sorted, 0.99),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  };
}
