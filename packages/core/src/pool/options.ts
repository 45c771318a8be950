/**
 * The Pool's options and every check of them: one flat object, validated once in the
 * constructor (and per task for {@link TaskOptions}), each error naming the option, the range
 * and the value received.
 */
import { availableParallelism } from 'node:os';
import { ChannelQueue } from '../channel-queue.js';
import type { Backend, Executor, Transferable, WorkQueue } from '../contracts.js';
import { abortError } from '../errors.js';
import { InlineBackend } from '../inline-backend.js';
import { type ResolvedRetry, type RetryPolicy, resolveRetry } from '../retry.js';
import {
  argTypeError,
  asArgError,
  checkBoolean,
  checkInteger,
  checkName,
  checkObject,
  checkOneOf,
  checkOptions,
  checkSignal,
  checkTimeout,
  describe,
  readOptions,
} from '../validate.js';
import type { TaskOptions } from './task.js';

export type { TaskOptions } from './task.js';

/** What `submit`/`enqueue` do when the queue is full. */
export type OnFull = 'wait' | 'reject';

/** Options of {@link Pool}. Give exactly one of `backend` and `executor`. */
export interface PoolOptions<I, O> {
  /** Where tasks run. The pool closes it when the pool closes. */
  backend?: Backend<I, O>;
  /** Shorthand for `backend: new InlineBackend(executor, { concurrency })`. */
  executor?: Executor<I, O>;
  /**
   * Tasks in flight at once: an integer ≥ 1, writable later as `pool.concurrency`. Default:
   * `backend.concurrency`, or available cores with an executor. With a `backend`, the pool never
   * has more in flight than `backend.concurrency`, whatever this says.
   */
  concurrency?: number;
  /** The queue between callers and the pool; the pool owns it (closes it). Default: a ChannelQueue. */
  queue?: WorkQueue<unknown>;
  /** Capacity of the default queue (ignored with `queue`). Default 1024; 0 = rendezvous; Infinity allowed. */
  capacity?: number;
  /**
   * A full queue makes `submit`/`enqueue` wait for room (`'wait'`, default), or reject at once
   * with `QueueFullError` (`'reject'`: load shedding, like piscina's `maxQueue`).
   */
  onFull?: OnFull;
  /** Start paused: tasks are accepted but none starts until `resume()`. Default false. */
  paused?: boolean;
  /** Keep outcomes of `enqueue()`d tasks for tryResult/nextResult/results. Default false. */
  keepResults?: boolean;
  /** Outcomes kept before the pool stops starting tasks until some are read. Default 1024. */
  resultsCapacity?: number;
  /**
   * ms a try may run: counted from the moment it begins to run — the hand-over to the backend,
   * or, with a backend that reports starts (`Backend.reportsStart`: PiscinaBackend,
   * NativeBackend, BullMQBackend), the moment the backend says it started. Time in the pool's
   * queue, waiting for a thread to boot, behind other entries of a batch or for a remote worker
   * never counts. Exceeded: the try fails with `TaskTimeoutError` and is stopped. Default: none.
   */
  timeout?: number;
  /**
   * ms a try may wait inside a backend that reports starts before it begins to run (a job queued
   * in Redis with no free worker, a task behind a busy thread). Exceeded: the try fails with
   * `TaskStartTimeoutError` (`ERR_TASK_START_TIMEOUT`; retried like any failure when `retries`
   * allow). Has no effect with a backend that does not report starts (the hand-over is the
   * start). Default: none (a try waits for its turn as long as it takes).
   */
  startTimeout?: number;
  /** Extra tries on failure (a number), or a {@link RetryPolicy}. Default 0. */
  retries?: number | RetryPolicy;
  /** Measure queue wait and run time into histograms, read as `pool.latency`. Default false. */
  latency?: boolean;
  /**
   * The most tasks sent to a batching backend (one with `runMany`) in one call: an integer ≥ 1.
   * Batches hold only tasks already waiting when a slot frees, sized from the backend's measured
   * run times to about 2 ms of work each, never above this. Default 1024; `1` turns batching off.
   * Ignored for a backend without `runMany`.
   */
  maxBatch?: number;
  /** Aborting it stops the pool (like `stop()`). */
  signal?: AbortSignal;
  /**
   * The pool's name: a non-empty string, on every `poolkit:task` event (`pool`), and so on every
   * span and metric made from them. Default: `pool-1`, `pool-2`, … in the order pools are made
   * in the process — give one for names that stay the same from run to run.
   */
  name?: string;
}

/** @internal The checked options with their defaults filled in. */
export interface ResolvedPoolOptions<I, O> {
  readonly backend: Backend<I, O>;
  /** The executor's backend, made by the pool: nobody else can reach it. */
  readonly ownBackend: boolean;
  readonly concurrency: number;
  readonly queue: WorkQueue<unknown>;
  readonly onFull: OnFull;
  readonly paused: boolean;
  readonly keepResults: boolean;
  readonly resultsCapacity: number;
  /** 0 = none. */
  readonly timeout: number;
  /** 0 = none. */
  readonly startTimeout: number;
  readonly retry: ResolvedRetry;
  readonly latency: boolean;
  /** 1 when the backend cannot batch (no runMany) or batching is off. */
  readonly maxBatch: number;
  readonly signal: AbortSignal | undefined;
  readonly name: string;
}

/** @internal Checks the Pool's options; throws TypeError/RangeError naming the option. */
export function resolvePoolOptions<I, O>(options: PoolOptions<I, O>): ResolvedPoolOptions<I, O> {
  checkObject('Pool options', options);
  const { backend, executor } = options;
  if ((backend === undefined) === (executor === undefined)) {
    throw argTypeError('Pool needs exactly one of backend and executor');
  }
  if (executor !== undefined && typeof executor !== 'function') {
    throw argTypeError(`executor must be a function, received ${describe(executor)}`);
  }
  if (backend !== undefined) checkBackend(backend);
  const concurrency =
    options.concurrency === undefined
      ? defaultConcurrency(backend?.concurrency ?? availableParallelism())
      : checkConcurrency(options.concurrency);
  let queue: WorkQueue<unknown>;
  if (options.queue !== undefined) {
    checkQueue(options.queue);
    if (options.capacity !== undefined) {
      throw argTypeError('Pool takes capacity or queue, not both (capacity sizes the default queue)');
    }
    queue = options.queue;
  } else {
    const capacity =
      options.capacity === undefined
        ? 1024
        : checkInteger('capacity', options.capacity, 0, { allowInfinity: true });
    queue = new ChannelQueue({ capacity });
  }
  return {
    backend: backend ?? new InlineBackend(executor!, { concurrency }),
    ownBackend: backend === undefined,
    concurrency,
    queue,
    onFull: options.onFull === undefined ? 'wait' : checkOneOf('onFull', options.onFull, ['wait', 'reject']),
    paused: options.paused === undefined ? false : checkBoolean('paused', options.paused),
    keepResults: options.keepResults === undefined ? false : checkBoolean('keepResults', options.keepResults),
    resultsCapacity:
      options.resultsCapacity === undefined
        ? 1024
        : checkInteger('resultsCapacity', options.resultsCapacity, 1, { allowInfinity: true }),
    timeout: options.timeout === undefined ? 0 : checkTimeout('timeout', options.timeout),
    startTimeout: options.startTimeout === undefined ? 0 : checkTimeout('startTimeout', options.startTimeout),
    retry: resolveRetry('retries', options.retries),
    latency: options.latency === undefined ? false : checkBoolean('latency', options.latency),
    maxBatch: resolveMaxBatch(options.maxBatch, backend),
    signal: checkSignal('signal', options.signal),
    name: options.name === undefined ? `pool-${++poolsNamed}` : checkName('name', options.name),
  };
}

/** Pools given no name so far in this process (the default names count them). */
let poolsNamed = 0;

/** Default `maxBatch` for a backend that can batch. */
export const DEFAULT_MAX_BATCH = 1024;

function resolveMaxBatch(value: unknown, backend: Backend<unknown, unknown> | undefined): number {
  const maxBatch = value === undefined ? DEFAULT_MAX_BATCH : checkInteger('maxBatch', value, 1);
  return typeof backend?.runMany === 'function' ? maxBatch : 1;
}

/** `concurrency`, as the option and as `pool.concurrency = n`: an integer ≥ 1. */
export function checkConcurrency(value: unknown): number {
  return checkInteger('concurrency', value, 1);
}

/** A backend's own concurrency may be Infinity (or fractional): the pool needs a whole number. */
function defaultConcurrency(backendConcurrency: number): number {
  return Number.isFinite(backendConcurrency) ? Math.floor(backendConcurrency) : availableParallelism();
}

/**
 * @internal The options of one submit/enqueue/submitAll, checked and read once into a plain
 * object — so a getter or a Proxy cannot answer differently later, inside the pump — or why they
 * are refused: a coded TypeError/RangeError naming the field (whatever reading it threw), or an
 * AbortError for a signal that already aborted. `undefined` when there are none.
 */
export function taskOptions(options: TaskOptions | undefined): TaskOptions | undefined | Error {
  if (options === undefined) return undefined;
  try {
    return readTaskOptions(options); // no closure: this runs once per submitted task
  } catch (error) {
    return asArgError('task options', error) as Error;
  }
}

/**
 * The last task options read: tasks submitted with the same values (a constant `{ key }`, the
 * usual case) share one frozen copy rather than allocating one each.
 */
let lastRead: ReadTaskOptions | undefined;

/**
 * Task options as read once: every field present (undefined when not given), so that every
 * task's options have one shape and the pool's reads of them stay monomorphic.
 */
class ReadTaskOptions implements TaskOptions {
  constructor(
    readonly priority: number | undefined,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number | undefined,
    readonly startTimeout: number | undefined,
    readonly task: string | undefined,
    readonly transfer: readonly Transferable[] | undefined,
    readonly key: string | undefined,
  ) {}
}

function readTaskOptions(options: TaskOptions): TaskOptions | undefined | Error {
  checkOptions('task options', options);
  const { priority, signal, timeout, startTimeout, task, transfer, key } = options;
  if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority))) {
    throw argTypeError(`priority must be a finite number, received ${describe(priority)}`);
  }
  checkSignal('signal', signal);
  if (timeout !== undefined) checkTimeout('timeout', timeout);
  if (startTimeout !== undefined) checkTimeout('startTimeout', startTimeout);
  if (task !== undefined && typeof task !== 'string') {
    throw argTypeError(`task must be a string, received ${describe(task)}`);
  }
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw argTypeError(`transfer must be an array, received ${describe(transfer)}`);
  }
  if (key !== undefined && typeof key !== 'string') {
    throw argTypeError(`key must be a string, received ${describe(key)}`);
  }
  if (signal?.aborted) return abortError(signal.reason);
  if (
    priority === undefined &&
    signal === undefined &&
    timeout === undefined &&
    startTimeout === undefined &&
    task === undefined &&
    transfer === undefined &&
    key === undefined
  ) {
    return undefined;
  }
  const last = lastRead;
  if (
    last !== undefined &&
    last.key === key &&
    last.priority === priority &&
    last.signal === signal &&
    last.timeout === timeout &&
    last.startTimeout === startTimeout &&
    last.task === task &&
    last.transfer === transfer
  ) {
    return last; // the same values as the last task's: share its (frozen) copy, allocate nothing
  }
  lastRead = Object.freeze(new ReadTaskOptions(priority, signal, timeout, startTimeout, task, transfer, key));
  return lastRead;
}

/** `value[key]`, or undefined where reading it throws (a revoked Proxy): the check then refuses it by name. */
function field(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function checkBackend(backend: unknown): void {
  const b = backend as Partial<Backend>;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof field(b, 'run') !== 'function' ||
    typeof field(b, 'close') !== 'function'
  ) {
    throw argTypeError(
      `backend must implement Backend (run and close methods), received ${describe(backend)}`,
    );
  }
  if (typeof b.concurrency !== 'number' || !(b.concurrency >= 1)) {
    throw argTypeError(`backend.concurrency must be a number ≥ 1, received ${describe(b.concurrency)}`);
  }
  if (b.onError !== undefined && typeof b.onError !== 'function') {
    throw argTypeError(`backend.onError must be a function when present, received ${describe(b.onError)}`);
  }
  if (b.reportsStart !== undefined && typeof b.reportsStart !== 'boolean') {
    throw argTypeError(
      `backend.reportsStart must be a boolean when present, received ${describe(b.reportsStart)}`,
    );
  }
  if (b.runMany !== undefined && typeof b.runMany !== 'function') {
    throw argTypeError(`backend.runMany must be a function when present, received ${describe(b.runMany)}`);
  }
}

function checkQueue(queue: unknown): void {
  const q = queue as Partial<WorkQueue<unknown>>;
  const methods = ['push', 'tryPush', 'pop', 'tryPop', 'close', 'drain'] as const;
  if (typeof q !== 'object' || q === null || methods.some((m) => typeof field(q, m) !== 'function')) {
    throw argTypeError(`queue must implement WorkQueue, received ${describe(queue)}`);
  }
  for (const optional of ['remove', 'release', 'drainKey'] as const) {
    const member = field(q, optional);
    if (member !== undefined && typeof member !== 'function') {
      throw argTypeError(`queue.${optional} must be a function when present, received ${describe(member)}`);
    }
  }
}

/** `stop()`'s options: whether to force. Throws a coded TypeError naming the field. */
export function readForce(options: StopOptions | undefined): boolean {
  return readOptions('stop options', () => {
    checkOptions('stop options', options);
    return options?.force === undefined ? false : checkBoolean('force', options.force);
  });
}

/** Options of {@link Pool.clear}. */
export interface ClearOptions {
  /** Cancel only the waiting tasks of this key (`TaskOptions.key`). Default: every waiting task. */
  key?: string;
}

/**
 * `clear()`'s key, or undefined for all. Throws a coded TypeError naming the field, or when a
 * key is given to a pool whose queue cannot take out one key's tasks.
 */
export function readClearKey(
  options: ClearOptions | undefined,
  queue: WorkQueue<unknown>,
): string | undefined {
  const key = readOptions('clear options', () => {
    checkOptions('clear options', options);
    const value = options?.key;
    if (value !== undefined && typeof value !== 'string') {
      throw argTypeError(`key must be a string, received ${describe(value)}`);
    }
    return value;
  });
  if (key !== undefined && typeof queue.drainKey !== 'function') {
    throw Object.assign(
      new TypeError(
        `clear({ key }) needs a queue that can take out one key's tasks (drainKey, as FairQueue has); this pool's queue has none`,
      ),
      { code: 'ERR_INVALID_STATE' },
    );
  }
  return key;
}

/** Where a pool is in its life. Transitions: open → closing → closed, open/closing → stopping → closed. */
export type PoolState = 'open' | 'closing' | 'stopping' | 'closed';

/** Options of {@link Pool.stop}. */
export interface StopOptions {
  /** Also cancel the running tasks: their signals abort with a PoolStoppedError. Default false. */
  force?: boolean;
}

/** Events of a {@link Pool}. */
export interface PoolEvents<I> {
  [event: string]: unknown[];
  /** Nothing waits in the queue any more (tasks may still run). */
  drain: [];
  /** Nothing waits or runs. */
  idle: [];
  /**
   * An `enqueue()`d task failed (`input` is its input; its outcome also goes to the results
   * buffer when kept), or the queue's `pop()` rejected (`input` is undefined), or the backend
   * reported an error that belongs to no task through `Backend.onError` (`input` is undefined;
   * e.g. a worker thread that failed after its task returned).
   */
  error: [error: unknown, input: I | undefined];
  /** The queue's rate limit started holding tasks back (a RateLimitedQueue's 'rateLimit'). */
  rateLimit: [];
  /** The rate limit stopped holding tasks back. */
  rateLimitCleared: [];
}
