/**
 * The recommendation of a task run: which backend and settings to use, and why, read off the
 * table and the verdict — never the other way round. Its choice is the verdict's leader (a tie
 * is called a tie, by the verdict's IQR rule, between pools or with the main thread), unless the
 * main thread beat every pool, or the leader runs a sync task on the main thread too and sits
 * inside the floor's spread (its lead is then noise); a contender that failed its cross-check
 * never leads a verdict, so it is never recommended.
 *
 * The numbers behind the words:
 *
 *   cost c       = the floor's median batch time ÷ tasks (one call on the main thread)
 *   lone extra   = the leader's lone-task round trip (p50) − the floor's (what one request pays)
 *   per task t_x = contender x's median batch time ÷ tasks
 *   overhead o_x = t_x · lanes_x − c   (lanes = threads for thread pools, 1 on the main thread)
 *   break-even   = o ÷ (P − 1), with o the lowest overhead of a thread pool and P threads: a
 *                  task of cost c takes (c + o) ÷ P per task on P threads (the definition of o),
 *                  less than c on the main thread once c > o ÷ (P − 1) (an estimate from a model
 *                  that ignores everything but per-task overhead)
 *   batching     = pool-piscina-batched tasks/s ÷ pool-piscina tasks/s
 */
import type { ContenderId } from '../contenders/registry.js';
import { formatMs, formatMsRange, formatRate, formatRatio } from '../report/format.js';
import type { ContenderResult, Recommendation, ScenarioResult } from '../report/types.js';
import { overlaps, spreadOf } from '../verdict.js';

/** What the recommendation needs besides the scenario. */
export interface RecommendContext {
  /** Threads per pool (and tasks in flight per in-process queue). */
  readonly threads: number;
  /** True when the task returned a promise (then per-task overheads are not estimated). */
  readonly async: boolean;
  /** Where each contender ran the task: lanes are `threads` off the main thread, 1 on it. */
  readonly offMain: ReadonlySet<ContenderId>;
  /** How the task was named in the headline: `render (src/render.ts)`. */
  readonly name: string;
}

/** True when `r` ran and was timed. Not a type guard: a false answer says nothing about `r`'s type. */
const ok = (r: ContenderResult | undefined): boolean =>
  r !== undefined && r.status === 'ok' && r.batch !== null && !r.computed;

/** The recommendation for one task scenario (see the module comment). */
export function recommend(s: ScenarioResult, ctx: RecommendContext): Recommendation {
  const byId = new Map(s.contenders.map((r) => [r.id, r]));
  const floor = s.contenders.find((r) => r.kind === 'floor');
  const v = s.verdict;
  const cost = floor !== undefined && ok(floor) ? (floor.batch?.stats.medianMs as number) / s.tasks : null;
  const perTask = (r: ContenderResult) => (r.batch?.stats.medianMs as number) / s.tasks;
  const overheadMs: Partial<Record<ContenderId, number>> = {};
  if (cost !== null && !ctx.async) {
    for (const r of s.contenders) {
      if (!ok(r) || r.kind === 'floor') continue;
      const lanes = ctx.offMain.has(r.id) ? ctx.threads : 1;
      overheadMs[r.id] = Math.max(0, perTask(r) * lanes - cost);
    }
  }
  const threadOverheads = Object.entries(overheadMs)
    .filter(([id]) => ctx.offMain.has(id as ContenderId))
    .map(([, o]) => o as number);
  const breakEvenMs =
    threadOverheads.length > 0 && ctx.threads > 1 ? Math.min(...threadOverheads) / (ctx.threads - 1) : null;
  const unbatched = byId.get('pool-piscina');
  const batched = byId.get('pool-piscina-batched');
  const batchingGain =
    ok(unbatched) && ok(batched) && unbatched?.tasksPerSec && batched?.tasksPerSec
      ? batched.tasksPerSec / unbatched.tasksPerSec
      : null;
  const leader = v.leader === null ? undefined : byId.get(v.leader.id);
  const base = {
    tiedWith: [...v.tiedWith],
    threads: ctx.threads,
    speedup: v.floorSpeedup,
    loneP50Ms: leader?.latency?.stats.medianMs ?? null,
    taskCostMs: cost,
    overheadMs,
    breakEvenMs,
    batchingGain,
  };
  const details = detailLines(s, ctx, { cost, overheadMs, breakEvenMs, batchingGain, leader, floor });

  if (floor === undefined || !ok(floor)) {
    const why =
      floor?.status === 'failed'
        ? `the floor (the main thread) failed — ${floor.reason}`
        : 'the floor (the main thread) did not run';
    return {
      ...base,
      outcome: 'none',
      contender: null,
      mainThreadInSpread: false,
      lines: [`No recommendation for ${ctx.name}: ${why}.`],
    };
  }
  if (leader === undefined || v.leader === null) {
    const failed = s.contenders.filter((r) => r.status === 'failed').length;
    return {
      ...base,
      outcome: 'none',
      contender: null,
      mainThreadInSpread: false,
      lines: [
        `No recommendation for ${ctx.name}: no pool ran beside the main thread (${failed} failed, the rest skipped — see the table).`,
        ...details,
      ],
    };
  }
  const floorSpread = spreadOf('floor', floor.batch?.samples ?? []);
  const speedup = v.floorSpeedup ?? 0;
  const leaderRate = `${formatRate(leader.tasksPerSec)} tasks/s`;
  const floorRate = `${formatRate(floor.tasksPerSec)} tasks/s`;
  const mainThreadInSpread = overlaps(floorSpread, v.leader);
  // A sync task on a pool that runs it on the main thread (pool-inline) does the floor's work plus
  // the pool's: a lead it shows inside the floor's spread is noise, so it is not a reason to use it.
  const onMainThread = !ctx.async && !ctx.offMain.has(leader.id);
  if (speedup < 1 || (mainThreadInSpread && onMainThread)) {
    const headline = mainThreadInSpread
      ? `Recommendation for ${ctx.name}: call it on the main thread, without a pool. The fastest pool, ${leader.id} (${leader.label}), ran ${formatRatio(speedup)} the main thread (${leaderRate} vs ${floorRate}), inside the noise (their IQRs overlap): a pool gains nothing here.`
      : `Recommendation for ${ctx.name}: call it on the main thread, without a pool. One call after another ran ${floorRate}; the fastest pool, ${leader.id} (${leader.label}), reached ${formatRatio(speedup)} of that (${leaderRate}).`;
    return {
      ...base,
      outcome: 'main-thread',
      contender: null,
      mainThreadInSpread,
      lines: [headline, ...details, ...freeLine(s, ctx)],
    };
  }
  const gain = `${formatRatio(speedup)} the main thread (${leaderRate} vs ${floorRate})`;
  const next = v.next;
  let headline: string;
  let outcome: Recommendation['outcome'] = 'pool';
  if (mainThreadInSpread) {
    // Ahead by the medians, but not by the spread: called a tie with the main thread, as the
    // verdict calls a tie between pools.
    outcome = 'tie';
    const also = v.tiedWith.length > 0 ? ` (it also ties with ${v.tiedWith.join(', ')})` : '';
    headline = `Recommendation for ${ctx.name}: a tie with the main thread — ${leader.id} (${leader.label}, ${threadsPhrase(leader.id, ctx)}) ran ${gain} by the medians, but its batch times overlap the main thread's (IQR ${formatMsRange(v.leader.q1Ms, v.leader.q3Ms)} vs ${formatMsRange(floorSpread.q1Ms, floorSpread.q3Ms)})${also}. If you use a pool, use ${leader.id}; to tell for sure, rerun when the machine is quieter (the environment line shows the load), with --full for more batches.`;
  } else if (v.outcome === 'tie') {
    outcome = 'tie';
    headline = `Recommendation for ${ctx.name}: a tie between ${[leader.id, ...v.tiedWith].join(', ')} (their IQRs overlap) — any of them will do. ${leader.id} (${leader.label}) led by ${formatRatio(v.margin)} and ran ${gain}.`;
  } else if (v.outcome === 'win' && next !== null) {
    headline = `Recommendation for ${ctx.name}: use ${leader.id} — ${leader.label}, ${threadsPhrase(leader.id, ctx)}. It ran ${gain} and beat ${next.id} by ${formatRatio(v.margin)} (IQRs apart).`;
  } else if (v.outcome === 'too-few-samples' && next !== null) {
    headline = `Recommendation for ${ctx.name}: ${leader.id} — ${leader.label}, ${threadsPhrase(leader.id, ctx)} — led with ${gain}, ${formatRatio(v.margin)} ahead of ${next.id}, but with too few batches to call it a win (raise --iterations or --budget).`;
  } else {
    headline = `Recommendation for ${ctx.name}: use ${leader.id} — ${leader.label}, ${threadsPhrase(leader.id, ctx)}, the only pool that ran; it ran ${gain}.`;
  }
  return {
    ...base,
    outcome,
    contender: leader.id,
    mainThreadInSpread,
    lines: [headline, ...details],
  };
}

/**
 * Which pool keeps the main thread free, when the main thread wins on throughput: the fastest
 * contender that ran the task off it (worker threads, Rust threads, worker processes); none when
 * nothing off the main thread ran.
 */
function freeLine(s: ScenarioResult, ctx: RecommendContext): string[] {
  const off = s.contenders
    .filter((r) => ok(r) && ctx.offMain.has(r.id))
    .sort((a, b) => (a.batch?.stats.medianMs as number) - (b.batch?.stats.medianMs as number))[0];
  if (off === undefined) return [];
  return [
    `Use a pool only to keep the main thread free for other work (a server's event loop, a UI); then ${off.id}, the fastest off the main thread here (${formatRatio(off.speedup)} the main thread's throughput).`,
  ];
}

/** `2 threads` off the main thread, `2 tasks in flight` on it. */
function threadsPhrase(id: ContenderId, ctx: RecommendContext): string {
  if (ctx.offMain.has(id)) return `${ctx.threads} thread${ctx.threads === 1 ? '' : 's'}`;
  return `${ctx.threads} task${ctx.threads === 1 ? '' : 's'} in flight`;
}

/** The reasons under the headline: the task's cost, the overheads, where the answer changes. */
function detailLines(
  s: ScenarioResult,
  ctx: RecommendContext,
  n: {
    cost: number | null;
    overheadMs: Partial<Record<ContenderId, number>>;
    breakEvenMs: number | null;
    batchingGain: number | null;
    leader: ContenderResult | undefined;
    floor: ContenderResult | undefined;
  },
): string[] {
  const lines: string[] = [];
  if (n.cost !== null)
    lines.push(`Your task: ${formatMs(n.cost)} per call on the main thread (${s.tasks} tasks per batch).`);
  const lone = n.leader?.latency?.stats.medianMs;
  const floorLone = n.floor?.latency?.stats.medianMs;
  if (n.leader !== undefined && lone !== undefined && floorLone !== undefined) {
    lines.push(
      `A lone task through ${n.leader.id}: ${formatMs(lone)} round trip (p50), against ${formatMs(floorLone)} for a direct call: ${lone > floorLone ? `${formatMs(lone - floorLone)} more per request` : 'no slower'}.`,
    );
  }
  const overheads = Object.entries(n.overheadMs).map(
    ([id, o]) => `${id} ${(o as number) > 0 ? formatMs(o) : '≈0'}`,
  );
  if (overheads.length > 0)
    lines.push(
      `Per-task overhead (batch time per task × its threads − the task's cost): ${overheads.join(', ')}.`,
    );
  const changes: string[] = [];
  if (n.breakEvenMs !== null && n.breakEvenMs > 0)
    changes.push(
      `threads pay off above ~${formatMs(n.breakEvenMs)} of work per task on this machine (${ctx.threads} threads; your task: ${formatMs(n.cost)})`,
    );
  else if (n.breakEvenMs !== null)
    changes.push(
      'the thread pools showed no measurable per-task overhead at this task size: threads pay off for tasks this long',
    );
  else if (!ctx.async && ctx.threads <= 1)
    changes.push('with 1 thread a pool cannot beat the main thread on throughput');
  if (n.batchingGain !== null)
    changes.push(
      `batching ${n.batchingGain >= 1 ? 'gains' : 'changes throughput by'} ×${formatRatio(n.batchingGain).replace('×', '')} here (pool-piscina-batched vs pool-piscina)`,
    );
  if (changes.length > 0) lines.push(`Where the answer would change: ${changes.join('; ')}.`);
  return lines;
}
