/** A scenario's {@link Verdict} as one line of text, the same in the terminal, Markdown, SVG and HTML. */
import { MIN_SAMPLES, type Verdict } from '../verdict.js';
import { formatMsRange, formatRatio } from './format.js';
import type { ScenarioResult } from './types.js';

/** What a verdict line means, printed above the verdicts. */
export const VERDICT_RULE =
  'fastest median batch time among the contenders (the floor excepted), its lead over the next one, ' +
  'and the interquartile range (IQR, Q1–Q3) of both batch times; a tie when the leader’s IQR overlaps ' +
  `another contender’s; fewer than ${MIN_SAMPLES} batches per contender cannot be called`;

function iqr(s: { q1Ms: number; q3Ms: number }): string {
  return formatMsRange(s.q1Ms, s.q3Ms);
}

/**
 * The verdict of `s` on one line, naming contenders by id (as `--backend` takes them):
 *
 *   md5: pool-native-batched wins, 1.12× ahead of native-batch (IQR 4.01–4.10 ms vs 4.52–4.70 ms, apart) · 1.12× the floor
 */
export function verdictLine(s: Pick<ScenarioResult, 'id' | 'verdict'>): string {
  const v: Verdict = s.verdict;
  const { leader, next } = v;
  if (leader === null) return `${s.id}: no verdict — no contender besides the floor ran`;
  const floor = v.floorSpeedup === null ? '' : ` · ${formatRatio(v.floorSpeedup)} the floor`;
  if (next === null) return `${s.id}: only ${leader.id} ran (IQR ${iqr(leader)})${floor}`;
  const lead = `${formatRatio(v.margin)} ahead of ${next.id}`;
  const spreads = `IQR ${iqr(leader)} vs ${iqr(next)}`;
  switch (v.outcome) {
    case 'win':
      return `${s.id}: ${leader.id} wins, ${lead} (${spreads}, apart)${floor}`;
    case 'tie':
      return `${s.id}: tie between ${[leader.id, ...v.tiedWith].join(', ')} (IQRs overlap) — ${leader.id} ${lead} (${spreads})${floor}`;
    default:
      return `${s.id}: too few batches to call (a contender has fewer than ${MIN_SAMPLES}; raise --iterations) — ${leader.id} ${lead} (${spreads})${floor}`;
  }
}
