/** `--budget`: the measuring settings of a task run, shrunk so the run fits in it. */
import type { Contender } from '../contender.js';
import type { ContenderId } from '../contenders/registry.js';
import type { Budget, MeasureSettings } from '../harness.js';
import type { Workload } from '../workloads.js';
import type { ResolvedTaskOptions } from './options.js';

/** Kept back from the budget for closing every pool, ms. */
const CLOSE_RESERVE_MS = 1000;
/** What a contender's share of the budget pays besides timing (open, cross-check, close), ms. */
const SETUP_PER_CONTENDER_MS = 300;

/**
 * The measuring settings, shrunk to fit `--budget`: each contender that takes part gets an equal
 * share of what is left (minus a reserve for closing), of which ~300 ms pays for opening and
 * checking it and the rest is split between the timed batches and the lone tasks. Whatever still
 * does not fit is skipped by the harness at the deadline.
 */
export function fitToBudget(
  o: ResolvedTaskOptions,
  contenders: readonly Contender<ContenderId>[],
  workload: Workload,
  started: number,
): MeasureSettings {
  const base: MeasureSettings = {
    threads: o.threads,
    timeMs: o.timeMs,
    iterations: o.iterations,
    warmupIterations: o.warmupIterations,
    rounds: o.rounds,
    latencySamples: o.latencySamples,
    crossCheckItems: o.crossCheckItems,
    sleepIterations: 1,
  };
  if (o.budgetSeconds === undefined) return base;
  const taking = contenders.filter((c) => c.unsupported(workload) === undefined).length;
  const deadline = started + o.budgetSeconds * 1000 - CLOSE_RESERVE_MS;
  const share = (deadline - performance.now()) / Math.max(1, taking);
  const budget: Budget = { deadline, reason: `did not fit in --budget ${o.budgetSeconds} s` };
  const timeMs = Math.max(10, Math.min(o.timeMs, Math.floor((share - SETUP_PER_CONTENDER_MS) / 2.5)));
  return { ...base, timeMs, budget };
}
