/**
 * The verdict of one scenario: which contender to pick, by how much it leads the next one, and
 * whether that lead is bigger than the noise of the batch times.
 *
 * The rule, on the batch wall times (one sample = one whole batch; lower is better):
 *
 *   candidates = contenders that ran (status ok, not computed), the floor excepted
 *   leader     = lowest median; next = second lowest
 *   margin     = next's median ÷ leader's median (≥ 1; the same ratio as their tasks/s)
 *   spread     = the interquartile range Q1…Q3 of each candidate's samples (nearest rank)
 *
 *   leader  |■■■■■|                       ← its IQR
 *   next              |■■■■■■■|           apart: a win
 *   next        |■■■■■■■|                 overlapping: a tie
 *
 * It is a tie when the leader's IQR overlaps (or touches) the IQR of any other candidate; those
 * candidates are `tiedWith`. Fewer than {@link MIN_SAMPLES} samples for a candidate give no
 * quartiles worth the name: the outcome is then `too-few-samples`, with leader and margin still
 * filled in. The floor (the plain loop, or the computed sequential time for I/O) is not a choice
 * of pool, so it does not compete; the verdict carries the leader's speed-up over it instead.
 */
import type { ContenderId } from './contenders/registry.js';
import type { ContenderResult, Spread, Verdict } from './report/types.js';
import { median, quantile } from './stats.js';

export type { Outcome, Spread, Verdict } from './report/types.js';

/** Batch samples a candidate needs for its quartiles to count (fewer: `too-few-samples`). */
export const MIN_SAMPLES = 3;

/** The spread of `samples` (any order, at least one). Throws RangeError on an empty set. */
export function spreadOf(id: ContenderId, samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    id,
    n: sorted.length,
    medianMs: median(sorted),
    q1Ms: quantile(sorted, 0.25),
    q3Ms: quantile(sorted, 0.75),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  };
}

/** True when the IQRs of `a` and `b` share at least one point. */
export function overlaps(a: Spread, b: Spread): boolean {
  return a.q1Ms <= b.q3Ms && b.q1Ms <= a.q3Ms;
}

/** The verdict over a scenario's results (table order breaks a tie of medians). */
export function verdictOf(results: readonly ContenderResult[]): Verdict {
  const ran = (r: ContenderResult) =>
    r.status === 'ok' && !r.computed && r.batch !== null && r.batch.samples.length > 0;
  const ranked = results
    .filter((r) => r.kind !== 'floor' && ran(r))
    .map((r) => spreadOf(r.id, r.batch?.samples ?? []))
    .sort((a, b) => a.medianMs - b.medianMs);
  const [leader = null, next = null] = ranked;
  const floorMs = results.find((r) => r.kind === 'floor' && r.status === 'ok')?.batch?.stats.medianMs;
  const floorSpeedup =
    leader !== null && floorMs !== undefined && leader.medianMs > 0 ? floorMs / leader.medianMs : null;
  const margin =
    leader !== null && next !== null && leader.medianMs > 0 ? next.medianMs / leader.medianMs : null;
  const base = { leader, next, margin, floorSpeedup, tiedWith: [] as ContenderId[] };
  if (leader === null) return { ...base, outcome: 'none' };
  if (next === null) return { ...base, outcome: 'alone' };
  if (ranked.some((s) => s.n < MIN_SAMPLES)) return { ...base, outcome: 'too-few-samples' };
  const tiedWith = ranked
    .slice(1)
    .filter((s) => overlaps(leader, s))
    .map((s) => s.id);
  return { ...base, tiedWith, outcome: tiedWith.length > 0 ? 'tie' : 'win' };
}
