import { setMaxListeners } from 'node:events';
import type { Backend, Collector, Executor, Outcome, Producer, WorkQueue } from './contracts.js';
import { abortError } from './errors.js';
import { Pool } from './pool.js';
import { drive, isProducer } from './producer.js';
import { follow, isThenable } from './thenable.js';
import {
  argTypeError,
  checkBoolean,
  checkFunction,
  checkObject,
  checkSignal,
  describe,
  readOptions,
} from './validate.js';

/** Options of {@link run}. Give exactly one of `executor` and `backend`. */
export interface RunConfig<I, O> {
  /** Where the inputs come from (iterable, async iterable, generator function, or Producer object). */
  producer: Producer<I>;
  /** The function each item runs through, in this thread (as an {@link InlineBackend} would run it). */
  executor?: Executor<I, O>;
  /** Where tasks run. run() does not close it: the caller owns it and may use it again. */
  backend?: Backend<I, O>;
  /**
   * Receives every outcome, one call at a time, in completion order. While it lags behind by
   * more than 2 × concurrency outcomes, the producer waits.
   */
  collector?: Collector<I, O>;
  /** Tasks in flight. Default: the backend's concurrency, or available cores with an executor. */
  concurrency?: number;
  /** The queue between the producer and the workers. Default: a ChannelQueue of capacity 1024. */
  queue?: WorkQueue<unknown>;
  /** Aborting it cancels the run: the producer stops, tasks are cancelled, run() rejects with an AbortError. */
  signal?: AbortSignal;
  /** errgroup semantics: the first failure cancels everything else and run() rejects with it. Default false. */
  failFast?: boolean;
  /**
   * The key of each item (`TaskOptions.key`: its tenant, user, shard), for a keyed `queue` such
   * as a {@link FairQueue}: a string, or `undefined` for none. A throw, or anything else
   * returned, fails the run like a producer's error.
   */
  keyOf?: (item: I) => string | undefined;
}

/** What {@link run} reports once every task has settled. */
export interface RunSummary {
  /** Tasks that succeeded. */
  succeeded: number;
  /** Tasks that failed (their outcomes had `ok: false`). With `failFast` run() rejects instead: this is 0. */
  failed: number;
  /**
   * Tasks cancelled. Only a cancelled run (its `signal`, or a failure under `failFast`) cancels
   * tasks, and such a run rejects instead: in a summary this is 0.
   */
  cancelled: number;
  /** Time the run took, in ms: from its start until every task settled and every outcome was collected. */
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
export async function run<I, O>(given: RunConfig<I, O>): Promise<RunSummary> {
  // Read once: a getter or a Proxy cannot answer differently later, and whatever reading the
  // config throws is a coded TypeError naming it.
  const config = readOptions('run config', () => readConfig(given));
  const { collect, outer } = config;
  const controller = new AbortController();
  const { signal } = controller;
  // The pool settles a cancelled task at once, but errgroup's Wait returns only once every
  // function has returned: so run() counts the calls still executing and waits for them too.
  const calls = new LiveCalls();
  const pool = new Pool<I, O>({
    executor:
      typeof config.executor === 'function' ? calls.wrapExecutor(config.executor, signal) : config.executor,
    backend: lend(config.backend, calls, signal),
    concurrency: config.concurrency,
    queue: config.queue,
  } as ConstructorParameters<typeof Pool<I, O>>[0]);

  const started = performance.now();
  // Every accepted task listens to this signal (up to queue capacity + concurrency at once):
  // not a leak, so no MaxListenersExceededWarning.
  setMaxListeners(0, signal);
  const onOuterAbort = () => controller.abort(abortError(outer!.reason));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    controller.abort(error);
  };

  // Outcomes handed over but not yet collected. Past the limit the producer waits, so a slow
  // collector holds the run back instead of piling outcomes up in memory: at most
  // queue capacity + concurrency + limit outcomes exist at once.
  const collectLimit = 2 * pool.concurrency;
  let uncollected = 0;
  let blockedEmits: Array<() => void> = [];
  const wakeProducer = () => {
    const waiters = blockedEmits;
    blockedEmits = [];
    for (const wake of waiters) wake();
  };
  signal.addEventListener('abort', wakeProducer, { once: true });
  const collected = () => {
    uncollected--;
    if (uncollected < collectLimit && blockedEmits.length > 0) wakeProducer();
  };
  let collecting: Promise<void> = Promise.resolve();
  const onOutcome = (ok: boolean, value: unknown, input: I) => {
    if (!ok && config.failFast && !signal.aborted) fail(value);
    if (collect === undefined) return;
    const outcome: Outcome<I, O> = ok
      ? { ok: true, input, value: value as O }
      : { ok: false, input, error: value };
    uncollected++;
    collecting = collecting
      .then(() => collect(outcome))
      .catch(fail)
      .then(collected);
  };
  const taskOptions = { signal };
  const { keyOf } = config;
  const emit = (item: I): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (uncollected >= collectLimit) {
      return new Promise<void>((resolve) => blockedEmits.push(resolve)).then(() => emit(item));
    }
    if (keyOf === undefined) return pool.dispatch(item, taskOptions, onOutcome);
    let key: string | undefined;
    try {
      key = readKey(keyOf, item);
    } catch (error) {
      return Promise.reject(error);
    }
    return pool.dispatch(item, key === undefined ? taskOptions : { signal, key }, onOutcome);
  };

  try {
    await drive(config.producer, emit, signal);
  } catch (error) {
    // An emit refused because the run was cancelled is not a new failure.
    if (!signal.aborted) fail(error);
  }
  await pool.close();
  await calls.settled();
  await collecting;
  outer?.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) throw failure.error;
  if (outer?.aborted) throw abortError(outer.reason);
  const { succeeded, failed, cancelled } = pool.stats;
  return { succeeded, failed, cancelled, durationMs: performance.now() - started };
}

/**
 * Counts the executor (or backend) calls that have not returned yet, and refuses to start one
 * once the run is cancelled: while the run's signal dispatches 'abort', the pool may start a
 * waiting task whose own abort listener has not run yet (each settling sibling frees a slot).
 */
class LiveCalls {
  #count = 0;
  #idle: Array<() => void> = [];
  readonly #done = () => {
    if (--this.#count > 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const wake of waiters) wake();
  };

  /** Counts a call until its result settles (a value that is not a thenable settles at once). */
  track(result: unknown): void {
    this.#count++;
    follow(result, this.#done, this.#done);
  }

  wrapExecutor<I, O>(executor: Executor<I, O>, cancelled: AbortSignal): Executor<I, O> {
    return (input, ctx) => {
      if (cancelled.aborted) return Promise.reject(abortError(cancelled.reason));
      const result = executor(input, ctx);
      // A value whose then cannot be read is the Pool's to fail; it tracks nothing here.
      if (isThenable(result)) this.track(result);
      return result;
    };
  }

  /** Resolves once every tracked call has settled. */
  settled(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** run()'s config, checked and read once. */
function readConfig<I, O>(config: RunConfig<I, O>) {
  checkObject('run config', config);
  const { producer, collector, signal, failFast, executor, backend, concurrency, queue, keyOf } = config;
  if (!isProducer(producer)) {
    throw argTypeError(
      `producer must be an iterable, an async iterable, a function or an object with produce(), received ${describe(producer)}`,
    );
  }
  const collect = toCollectFunction(collector);
  const outer = checkSignal('signal', signal);
  if (failFast !== undefined) checkBoolean('failFast', failFast);
  if (keyOf !== undefined) checkFunction('keyOf', keyOf);
  return {
    producer,
    collect,
    outer,
    failFast: failFast === true,
    executor,
    backend,
    concurrency,
    queue,
    keyOf,
  };
}

/** An item's key from the caller's keyOf (what it throws goes through): a string or undefined, else a coded TypeError. */
function readKey<I>(keyOf: (item: I) => string | undefined, item: I): string | undefined {
  const key: unknown = keyOf(item);
  if (key !== undefined && typeof key !== 'string') {
    throw argTypeError(`keyOf must return a string or undefined, received ${describe(key)}`);
  }
  return key;
}

/**
 * The caller's backend as run()'s pool sees it: closing the pool leaves it open (the caller owns
 * it and may run again on it), and its calls are tracked. Anything that is not a backend is passed
 * through for the Pool to reject with its usual message.
 */
function lend<I, O>(
  backend: Backend<I, O> | undefined,
  calls: LiveCalls,
  cancelled: AbortSignal,
): Backend<I, O> | undefined {
  if (typeof backend !== 'object' || backend === null) return backend;
  const { run, close, runMany, onError } = backend as Partial<Backend<I, O>>;
  if (typeof run !== 'function' || typeof close !== 'function') return backend;
  const lent: Backend<I, O> = {
    name: backend.name,
    concurrency: backend.concurrency,
    reportsStart: backend.reportsStart,
    run(input, options) {
      if (cancelled.aborted) return Promise.reject(abortError(cancelled.reason));
      const result = backend.run(input, options);
      calls.track(result);
      return result;
    },
    close: async () => {},
  };
  // The optional capabilities go through too: run() batches like a Pool, and hears the
  // backend's errors outside any task (anything else is left for the Pool's checks to refuse).
  if (typeof runMany === 'function') {
    lent.runMany = (batch, report) => {
      if (cancelled.aborted) return Promise.reject(abortError(cancelled.reason));
      const result = runMany.call(backend, batch, report);
      calls.track(result);
      return result;
    };
  } else if (runMany !== undefined) {
    lent.runMany = runMany;
  }
  if (typeof onError === 'function') lent.onError = (listener) => onError.call(backend, listener);
  else if (onError !== undefined) lent.onError = onError;
  return lent;
}

function toCollectFunction<I, O>(
  collector: Collector<I, O> | undefined,
): ((outcome: Outcome<I, O>) => void | Promise<void>) | undefined {
  if (collector === undefined) return undefined;
  if (typeof collector === 'function') return collector;
  if (typeof collector === 'object' && collector !== null && typeof collector.collect === 'function') {
    return (outcome) => collector.collect(outcome);
  }
  throw argTypeError(
    `collector must be a function or an object with collect(), received ${describe(collector)}`,
  );
}
