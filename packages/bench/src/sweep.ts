/**
 * The maxBatch sweep (`--max-batch-sweep 4,16,64,256,1024`): on each CPU scenario, the
 * `pool-piscina-batched` contender runs once with the Pool's default (adaptive batching) and
 * once per fixed `maxBatch`, all timed side by side like any scenario's contenders, and the
 * report says how close the default came to the best fixed value.
 *
 * `maxBatch` caps the adaptive size (`k = clamp(ceil(waiting / slots), 1, kmax)`,
 * `kmax = min(round(2 ms / run time per task), maxBatch)`): a fixed value above what the
 * adaptive sizing picks by itself runs the same batches as the default. Each row therefore also
 * records how many tasks went per backend call, so that shows.
 */
import type { Contender, Scenario } from './contender.js';
import { type CallCount, poolPiscinaContender } from './contenders/pool-piscina.js';
import { SWEEP_CONTENDER } from './names.js';
import type { ContenderResult, SweepResult, SweepRow } from './report/types.js';

/** One configuration of the sweep, with its call counter. */
export interface SweepEntry {
  /** null = the Pool's default. */
  readonly maxBatch: number | null;
  readonly contender: Contender<typeof SWEEP_CONTENDER>;
  readonly calls: CallCount;
}

/**
 * Whether a scenario gets a sweep: CPU work only (the worker pools sit out I/O waits), and not a
 * scenario with contenders of its own (the distributed one).
 */
export function sweeps(scenario: Scenario, values: readonly number[]): boolean {
  return values.length > 0 && scenario.workload.kind === 'cpu' && scenario.exclusive !== true;
}

/** Fresh contenders for one scenario's sweep: the adaptive default, then each fixed value. */
export function sweepEntries(values: readonly number[]): SweepEntry[] {
  return [null, ...values].map((maxBatch) => {
    const calls: CallCount = { tasks: 0, calls: 0 };
    const label =
      maxBatch === null
        ? 'poolkit Pool + PiscinaBackend (batched, default maxBatch)'
        : `poolkit Pool + PiscinaBackend (maxBatch ${maxBatch})`;
    const contender = poolPiscinaContender(SWEEP_CONTENDER, label, {
      entry: 'submit',
      calls,
      ...(maxBatch === null ? {} : { maxBatch }),
    });
    return { maxBatch, contender, calls };
  });
}

/** The sweep's result from the harness's results for `entries` (same order). */
export function sweepResult(
  scenario: Scenario,
  entries: readonly SweepEntry[],
  results: readonly ContenderResult[],
): SweepResult {
  const rows: SweepRow[] = entries.map((entry, i) => {
    const r = results[i];
    return {
      maxBatch: entry.maxBatch,
      label: r.label,
      status: r.status,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      batch: r.batch,
      tasksPerSec: r.tasksPerSec,
      tasksPerCall: entry.calls.calls > 0 ? entry.calls.tasks / entry.calls.calls : null,
    };
  });
  const median = (row: SweepRow): number | undefined =>
    row.status === 'ok' ? row.batch?.stats.medianMs : undefined;
  let best: SweepRow | undefined;
  for (const row of rows) {
    const ms = median(row);
    if (row.maxBatch === null || ms === undefined || ms <= 0) continue;
    if (best === undefined || ms < (median(best) as number)) best = row;
  }
  const adaptiveMs = rows[0] === undefined ? undefined : median(rows[0]);
  const bestMs = best === undefined ? undefined : median(best);
  return {
    scenario: scenario.id,
    workload: scenario.workload.name,
    tasks: scenario.tasks,
    contender: SWEEP_CONTENDER,
    rows,
    bestFixed: best?.maxBatch ?? null,
    ratio: adaptiveMs !== undefined && adaptiveMs > 0 && bestMs !== undefined ? bestMs / adaptiveMs : null,
  };
}
