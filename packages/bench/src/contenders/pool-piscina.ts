/**
 * poolkit's Pool with PiscinaBackend (`@poolkit/adapters`) on worker threads, in three set-ups:
 *
 * - `pool-piscina`: `maxBatch: 1`, batching off — one task per message, as before batching;
 * - `pool-piscina-batched`: the Pool's default, adaptive batching (`submit` per item);
 * - `pool-piscina-submitall`: the bulk entry, one `submitAll` for the whole batch.
 */
import { join } from 'node:path';
import { PiscinaBackend } from '@poolkit/adapters';
import { type Backend, type Outcome, Pool } from '@poolkit/core';
import type { Contender, OpenContext, Runner } from '../contender.js';
import { DISTRIBUTED } from '../distributed/scenario.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';

/** How a Pool + PiscinaBackend contender is set up. */
export interface PoolPiscinaSetup {
  /** The Pool's `maxBatch`; undefined = the Pool's default (adaptive, up to 1024). */
  readonly maxBatch?: number;
  /** `submit`: one promise per item; `submitAll`: one call for the whole batch. */
  readonly entry: 'submit' | 'submitAll';
  /** When given, every backend call is counted here (tasks handed over, calls made). */
  readonly calls?: CallCount;
}

/** Tasks and backend calls a Pool made: `tasks / calls` is its mean batch size. */
export interface CallCount {
  tasks: number;
  calls: number;
}

/** `backend`, with each `run` (one task) and `runMany` (a batch) counted into `count`. */
export function counted<I, O>(backend: Backend<I, O>, count: CallCount): Backend<I, O> {
  const runMany = backend.runMany?.bind(backend);
  return {
    name: backend.name,
    concurrency: backend.concurrency,
    run(input, options) {
      count.tasks++;
      count.calls++;
      return backend.run(input, options);
    },
    ...(runMany === undefined
      ? {}
      : {
          runMany(batch, report) {
            count.tasks += batch.length;
            count.calls++;
            return runMany(batch, report);
          },
        }),
    close: () => backend.close(),
  };
}

/** The values of `submitAll` outcomes, in input order; throws the first failed outcome's error. */
export function outcomeValues(result: unknown): unknown[] {
  const outcomes = result as Outcome<unknown, unknown>[];
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  });
}

/** What a Pool + PiscinaBackend runs: a worker module, the export a task names, and the threads. */
export interface PiscinaTarget {
  /** The worker module (path). */
  readonly filename: string;
  /** The export each task calls; undefined = the default export. */
  readonly task: string | undefined;
  readonly threads: number;
  /** Tasks per batch: the Pool's capacity, so its queue never throttles a batch. */
  readonly tasks: number;
  /** Node flags of the threads; undefined = PiscinaBackend's default. */
  readonly execArgv?: readonly string[];
}

/** Opens a Pool + PiscinaBackend runner on `target`, set up as `setup`. */
export function openPiscinaTarget(target: PiscinaTarget, setup: PoolPiscinaSetup): Runner {
  const { task } = target;
  const piscina = new PiscinaBackend<unknown, unknown>({
    filename: target.filename,
    threads: target.threads,
    ...(target.execArgv === undefined ? {} : { execArgv: target.execArgv }),
  });
  const backend = setup.calls === undefined ? piscina : counted(piscina, setup.calls);
  // Defaults otherwise: concurrency = backend.concurrency (threads × 1 task per thread).
  const pool = new Pool<unknown, unknown>({
    backend,
    capacity: Math.max(1, target.tasks),
    ...(setup.maxBatch === undefined ? {} : { maxBatch: setup.maxBatch }),
  });
  const close = () => pool.close();
  const options = task === undefined ? undefined : { task };
  if (setup.entry === 'submitAll') {
    return {
      batch: (items) => pool.submitAll(items, options),
      // A failed outcome fails the contender (the harness reports it), as a rejection would.
      split: (result) => outcomeValues(result),
      one: (item) => pool.submit(item, options),
      close,
    };
  }
  return {
    batch: (items) => Promise.all(items.map((item) => pool.submit(item, options))),
    one: (item) => pool.submit(item, options),
    close,
  };
}

/** Opens a Pool + PiscinaBackend runner on the suite's worker module (the workload's kernel), set up as `setup`. */
export async function openPoolPiscina(
  { scenario, threads, workerDir }: OpenContext,
  setup: PoolPiscinaSetup,
): Promise<Runner> {
  return openPiscinaTarget(
    { filename: join(workerDir, 'plain.js'), task: scenario.workload.name, threads, tasks: scenario.tasks },
    setup,
  );
}

/**
 * A Pool + PiscinaBackend contender; `alsoIn`: the scenarios with a line-up of their own it
 * runs in too ({@link Contender.alsoIn}).
 */
export function poolPiscinaContender<Id extends string>(
  id: Id,
  label: string,
  setup: PoolPiscinaSetup,
  alsoIn: readonly string[] = [],
): Contender<Id> {
  return {
    id,
    label,
    kind: 'poolkit',
    alsoIn,
    unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
    open: (context) => openPoolPiscina(context, setup),
  };
}

/**
 * Batching off (`maxBatch: 1`): every item is its own message to a worker, as before batching.
 * Also the distributed scenario's thread-pool reference.
 */
export const poolPiscina = poolPiscinaContender(
  'pool-piscina',
  'poolkit Pool + PiscinaBackend (one task per message)',
  { maxBatch: 1, entry: 'submit' },
  [DISTRIBUTED],
);

/** The Pool's default: adaptive batching, `submit` per item (in the distributed scenario too). */
export const poolPiscinaBatched = poolPiscinaContender(
  'pool-piscina-batched',
  'poolkit Pool + PiscinaBackend (batched)',
  { entry: 'submit' },
  [DISTRIBUTED],
);

/** The bulk entry: one `submitAll` per batch, adaptive batching. */
export const poolPiscinaSubmitAll = poolPiscinaContender(
  'pool-piscina-submitall',
  'poolkit Pool + PiscinaBackend (submitAll)',
  { entry: 'submitAll' },
);
