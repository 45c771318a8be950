/**
 * How many tasks a batch of a task run holds when `--tasks` is not given: enough that one batch
 * is about 50 ms (`--full`: 200 ms) of work on one thread, from what one task costs — timed in the
 * probe thread, or on the main thread when no thread can take the inputs.
 */
import type { TaskFunction } from './load.js';
import type { ResolvedTaskOptions } from './options.js';
import { settle } from './same.js';

/** Batch sizing when `tasks` is not given: a batch is about `batchMs` of work on one thread. */
export const SIZING = {
  quick: { batchMs: 50, maxTasks: 2000 },
  full: { batchMs: 200, maxTasks: 20_000 },
} as const;
/** Inputs the probe times to size the batch, and how long it may spend on them, ms. */
export const CALIBRATION = { items: 32, maxMs: 200 } as const;
/** Tasks per batch: given, or sized from one task's cost so a batch is about `batchMs` of work. */
export function batchSize(o: ResolvedTaskOptions, costMs: number | null): number {
  if (o.tasks !== undefined) return o.tasks;
  const { batchMs, maxTasks } = SIZING[o.mode];
  const min = Math.max(8, 4 * o.threads);
  if (costMs === null || costMs <= 0) return maxTasks;
  return Math.min(maxTasks, Math.max(min, Math.round(batchMs / costMs)));
}

/** The main-thread cost of the first inputs, for sizing when no thread can probe: at most `maxMs`. */
export async function mainThreadCost(
  fn: TaskFunction,
  items: readonly unknown[],
  maxMs: number,
): Promise<number | null> {
  const times: number[] = [];
  const t0 = performance.now();
  for (const item of items) {
    const start = performance.now();
    await settle(fn, item);
    times.push(performance.now() - start);
    if (performance.now() - t0 >= maxMs) break;
  }
  times.sort((a, b) => a - b);
  return times.length > 0 ? times[times.length >> 1] : null;
}
