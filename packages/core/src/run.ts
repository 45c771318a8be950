import type { Backend, Collector, Executor, Outcome, Producer, WorkQueue } from './contracts.js';
import { abortError } from './errors.js';
import { Pool } from './pool.js';
import { drive, isProducer } from './producer.js';
import { checkOptions, checkSignal, describe } from './validate.js';

/** Options of {@link run}. Give exactly one of `executor` and `backend`. */
export interface RunConfig<I, O> {
  /** Where the inputs come from (iterable, async iterable, generator function, or Producer object). */
  producer: Producer<I>;
  executor?: Executor<I, O>;
  backend?: Backend<I, O>;
  /** Receives every outcome, one call at a time, in completion order. */
  collector?: Collector<I, O>;
  /** Tasks in flight. Default: the backend's concurrency, or available cores with an executor. */
  concurrency?: number;
  /** The queue between the producer and the workers. Default: a ChannelQueue of capacity 1024. */
  queue?: WorkQueue<unknown>;
  /** Aborting it cancels the run: the producer stops, tasks are cancelled, run() rejects with an AbortError. */
  signal?: AbortSignal;
  /** errgroup semantics: the first failure cancels everything else and run() rejects with it. Default false. */
  failFast?: boolean;
}

/** What {@link run} reports once every task has settled. */
export interface RunSummary {
  succeeded: number;
  failed: number;
  cancelled: number;
  durationMs: number;
}

/**
 * Fork-join: runs every item of `producer` through `executor` (or `backend`), hands each
 * {@link Outcome} to `collector`, and resolves once all have settled and been collected.
 * The producer is paused while the queue is full, so memory stays bounded.
 *
 * Rejects with the first error when `failFast` is set (after cancelling the rest, like Go's
 * errgroup), with an error thrown by the producer or the collector, or with an AbortError
 * when `signal` aborts. In every case, nothing is left running when it settles.
 *
 * @example
 * let sum = 0;
 * await run({ producer: [1, 2, 3], executor: (n: number) => n * n, collector: (o) => { if (o.ok) sum += o.value; } });
 * // sum === 14
 */
export async function run<I, O>(config: RunConfig<I, O>): Promise<RunSummary> {
  checkOptions('run config', config);
  if (config === undefined) throw new TypeError('run needs a config object, received undefined');
  if (!isProducer(config.producer)) {
    throw new TypeError(
      `producer must be an iterable, an async iterable, a function or an object with produce(), received ${describe(config.producer)}`,
    );
  }
  const collect = toCollectFunction(config.collector);
  const outer = checkSignal('signal', config.signal);
  if (config.failFast !== undefined && typeof config.failFast !== 'boolean') {
    throw new TypeError(`failFast must be a boolean, received ${describe(config.failFast)}`);
  }
  const pool = new Pool<I, O>({
    executor: config.executor,
    backend: config.backend,
    concurrency: config.concurrency,
    queue: config.queue,
  } as ConstructorParameters<typeof Pool<I, O>>[0]);

  const started = performance.now();
  const controller = new AbortController();
  const { signal } = controller;
  const onOuterAbort = () => controller.abort(abortError(outer!.reason));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    controller.abort(error);
  };
  let collecting: Promise<void> = Promise.resolve();
  const onOutcome = (ok: boolean, value: unknown, input: I) => {
    if (collect === undefined) {
      if (!ok && config.failFast && !signal.aborted) fail(value);
      return;
    }
    const outcome: Outcome<I, O> = ok ? { ok: true, input, value: value as O } : { ok: false, input, error: value };
    if (!ok && config.failFast && !signal.aborted) fail(value);
    collecting = collecting.then(() => collect(outcome)).catch(fail);
  };
  const taskOptions = { signal };
  const emit = (item: I): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    return pool.dispatch(item, taskOptions, onOutcome);
  };

  try {
    await drive(config.producer, emit, signal);
  } catch (error) {
    // An emit refused because the run was cancelled is not a new failure.
    if (!signal.aborted) fail(error);
  }
  await pool.close();
  await collecting;
  outer?.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) throw failure.error;
  if (outer?.aborted) throw abortError(outer.reason);
  const { succeeded, failed, cancelled } = pool.stats;
  return { succeeded, failed, cancelled, durationMs: performance.now() - started };
}

function toCollectFunction<I, O>(
  collector: Collector<I, O> | undefined,
): ((outcome: Outcome<I, O>) => void | Promise<void>) | undefined {
  if (collector === undefined) return undefined;
  if (typeof collector === 'function') return collector;
  if (typeof collector === 'object' && collector !== null && typeof collector.collect === 'function') {
    return (outcome) => collector.collect(outcome);
  }
  throw new TypeError(`collector must be a function or an object with collect(), received ${describe(collector)}`);
}
