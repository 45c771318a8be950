/**
 * The seams of poolkit: small interfaces that every queue, backend, producer and collector
 * implements. See docs/architecture.md in the repository for the data flow:
 *
 *   producer ──push──▶ WorkQueue ──pop──▶ Pool ──run──▶ Backend ──▶ Outcome
 */
import type { TransferListItem } from 'node:worker_threads';
import { argTypeError, describe } from './validate.js';

/** Something a thread-crossing backend can hand over without copying (an ArrayBuffer, a MessagePort...). */
export type Transferable = TransferListItem;

/** What an executor or a {@link Work} receives along with its input. */
export interface TaskContext {
  /**
   * Aborts when the task is cancelled (its own signal), its try times out, or its pool is
   * force-stopped (`stop({ force: true })`); cooperative work should watch it. Tries that only a
   * force-stop can cancel share one signal per pool.
   */
  readonly signal: AbortSignal;
  /** Which try this is: 1 for the first, 2 for the first retry, and so on. */
  readonly attempt: number;
}

/**
 * A function that does one task. It may return a value or a promise; a throw or a rejection
 * fails the task with that error.
 *
 * @example
 * const square: Executor<number, number> = (n) => n * n;
 */
export type Executor<I, O> = (input: I, ctx: TaskContext) => O | Promise<O>;

/** A self-contained job: its input and its code travel together (the seed "parwork" design). */
export interface Work<R = unknown> {
  /** Does the job: returns its result (or a promise of it); a throw or a rejection fails the task. */
  run(ctx: TaskContext): R | Promise<R>;
}

/**
 * The executor that runs any {@link Work}: lets one pool carry many job types.
 *
 * @example
 * const pool = new Pool({ executor: runWork });
 * await pool.submit({ run: () => 42 });
 */
export const runWork: Executor<Work, unknown> = (work, ctx) => {
  let run: unknown;
  try {
    run = typeof work === 'object' && work !== null ? (work as Work).run : undefined;
  } catch {
    run = undefined; // a revoked Proxy: refused by name below
  }
  if (typeof run !== 'function') {
    throw argTypeError(`runWork expects an object with a run(ctx) method, received ${describe(work)}`);
  }
  return (run as Work['run']).call(work, ctx);
};

/** An object that pushes items itself, waiting on `emit` for backpressure, until it returns. */
export interface ProducerObject<I> {
  /**
   * Pushes every item through `emit`, awaiting each call (it resolves once there is room for the
   * next item, and rejects once the run is cancelled), and resolves when there is nothing more;
   * a throw or a rejection fails the run. `signal` aborts when the run is cancelled: stop then.
   */
  produce(emit: (item: I) => Promise<void>, signal: AbortSignal): Promise<void>;
}

/** A generator function: each call returns the next item; `null` or `undefined` ends the stream. */
export type ProducerFunction<I> = () => I | null | undefined | Promise<I | null | undefined>;

/**
 * Where the inputs of a fork-join {@link run} come from: an iterable, an async iterable,
 * a generator function (null/undefined ends it; a `function*` or `async function*` works
 * too) or a {@link ProducerObject}.
 */
export type Producer<I> =
  | Iterable<I>
  | AsyncIterable<I>
  | ProducerFunction<I>
  | (() => Iterator<I> | AsyncIterator<I>)
  | ProducerObject<I>;

/** How one task ended: its value, or its error. Always carries the input it ran on. */
export type Outcome<I, O> =
  | {
      /** True: the task succeeded. */
      ok: true;
      /** The input the task ran on. */
      input: I;
      /** What the task returned (or its promise resolved with). */
      value: O;
    }
  | {
      /** False: the task failed, timed out or was cancelled. */
      ok: false;
      /** The input the task ran on. */
      input: I;
      /** Why: the task's own error, or the pool's (TaskTimeoutError, AbortError, PoolStoppedError…). */
      error: unknown;
    };

/** Receives each {@link Outcome}; a function or an object with `collect`. Called one at a time. */
export type Collector<I, O> =
  | ((outcome: Outcome<I, O>) => void | Promise<void>)
  | {
      /**
       * Receives one outcome; the next call waits until a returned promise settles. A throw or a
       * rejection fails the run.
       */
      collect(outcome: Outcome<I, O>): void | Promise<void>;
    };

/** What a {@link Backend} receives with each task. */
export interface RunOptions {
  /**
   * Aborts when the task must stop (cancelled, timed out, pool force-stopped): the backend must
   * then reject, and stop the work if it can (a thread backend terminates the thread). It may be
   * shared by many tasks (a Pool's stop signal, a caller's request signal): remove any listener
   * when the task ends, and prefer one listener per signal to one per task.
   */
  signal: AbortSignal;
  /** A named entry point, for backends that run modules with several (piscina's named exports). */
  task?: string;
  /** Transferables handed to a thread without copying, for backends that cross threads. */
  transfer?: readonly Transferable[];
  /** Which try this is (1 for the first); a Pool sets it. Backends pass it on as `TaskContext.attempt`. */
  readonly attempt?: number;
  /**
   * False when only a force-stop of the whole pool can abort `signal` (the try has no timeout
   * and no signal of its own; a Pool then hands it its shared stop signal). A batching backend
   * may use it to decide when outcomes must reach the Pool before the next task starts (see
   * {@link Backend.runMany}). Absent means it may be cancelled.
   */
  readonly cancellable?: boolean;
  /**
   * Tells whoever handed over the task that it has begun to run: a thread took it up with its
   * module loaded, a job became active on a worker, a native item left its queue. A Pool starts
   * the try's `timeout` here when its backend says it reports starts ({@link Backend.reportsStart}),
   * so time spent waiting inside the backend (a busy thread, a booting worker, earlier entries of
   * a batch, a job queued in Redis) never counts against the task. Call it at most once, before
   * the task settles; later calls are ignored. Absent when the caller does not need to know.
   * It is a bound function: `const { started } = options` is safe.
   */
  readonly started?: () => void;
  /**
   * Text headers a tracer attached to this try (W3C `traceparent`, `tracestate`…: the `carrier` a
   * `poolkit:task` subscriber set on `start`). A backend that runs the task in another thread,
   * process or machine carries them along and runs the task inside
   * `runWithTraceHeaders(headers, …)` there (`@poolkit/core/kit`), so a tracer in that place can
   * make the task's spans children of the try's. Absent when nobody attached any.
   */
  readonly traceHeaders?: Readonly<Record<string, string>>;
}

/** One task of a batch handed to {@link Backend.runMany}: its input and the options `run` would get. */
export interface BatchEntry<I = unknown> {
  /** The task's input, as `run` would receive it. */
  readonly input: I;
  /** The task's own options (its `signal`, `attempt`, `task`, …), as `run` would receive them. */
  readonly options: RunOptions;
}

/**
 * How one task of a batch ended, as {@link Backend.runMany} reports it: settled like
 * `Promise.allSettled`'s entries, or `'rerun'` — it never ran to an end through no fault of its
 * own (its thread was killed or crashed while running another task of the batch), so the Pool
 * runs it again without counting a try or a failure. `time` is the task's own run time in ms,
 * measured where it ran; a Pool sizes its batches from it.
 */
export type BatchResult<O = unknown> =
  | {
      /** `'fulfilled'`: the task succeeded. */
      readonly status: 'fulfilled';
      /** The task's value, as `run` would have resolved with it. */
      readonly value: O;
      /** The task's own run time in ms, measured where it ran; absent when not measured. */
      readonly time?: number;
    }
  | {
      /** `'rejected'`: the task failed. */
      readonly status: 'rejected';
      /** The task's own error, as `run` would have rejected with it. */
      readonly reason: unknown;
      /** The task's own run time in ms, measured where it ran; absent when not measured. */
      readonly time?: number;
    }
  | {
      /** `'rerun'`: the task never ran to an end through no fault of its own; the Pool runs it again. */
      readonly status: 'rerun';
    };

/**
 * The adapter contract: something that can run one task at a time per `run` call, up to
 * `concurrency` at once. The Pool decides how many are in flight; the backend just runs them.
 *
 * Obligations (checked by `describeBackend` in `@poolkit/core/testing`):
 * - `run` resolves with the task's value, or rejects with the task's own error (name,
 *   message and `code` kept);
 * - `run` rejects (never hangs) once `options.signal` aborts, with an `AbortError`;
 * - `close` releases threads and handles, is idempotent, and leaves nothing keeping the process alive.
 */
export interface Backend<I = unknown, O = unknown> {
  /** A non-empty name, shown in error messages (`'inline'`, `'piscina'`, `'native:md5'`…). */
  readonly name: string;
  /** How many tasks it can usefully run at once (threads × tasks per thread, for example). */
  readonly concurrency: number;
  /**
   * True when the backend calls `options.started()` for every task it runs (each `run` and each
   * `runMany` entry) as the task begins. A Pool then counts a try's `timeout` from that moment
   * rather than from the hand-over, and bounds the wait before it with its `startTimeout`. Absent
   * or false: the hand-over is the start (right for a backend that runs a task the moment it is
   * handed one, like InlineBackend).
   */
  readonly reportsStart?: boolean;
  /**
   * Runs one task: resolves with its value, or rejects with the task's own error (name, message
   * and `code` kept), or with an AbortError once `options.signal` aborts (never hangs).
   */
  run(input: I, options: RunOptions): Promise<O>;
  /**
   * Optional batching capability: runs several tasks in one call — one message to a thread,
   * one native call — one after another on one of its `concurrency` slots, and resolves with
   * one {@link BatchResult} per entry, in order. A Pool in front of a backend that has it
   * groups tasks that are already waiting when a slot frees (never waiting to fill a batch),
   * sized from the reported run times (see the Pool's `maxBatch`).
   *
   * Obligations, beyond run()'s (checked by `describeBackend` when present):
   * - each entry keeps everything it would have alone: its own value or error (one failure
   *   fails only that entry), its own `attempt`, `task` and `signal`;
   * - an entry whose signal aborted before its turn is skipped (never started);
   * - an entry whose signal aborts while it runs is stopped as run() would stop it (a thread
   *   backend terminates the thread): entries that had not finished are reported `'rerun'`,
   *   and the outcomes of entries that had finished are kept — reported before any entry
   *   that can be cancelled (`options.cancellable !== false`) starts;
   * - a thread that crashes fails only the entry that was running; the others are `'rerun'`
   *   (or keep their outcomes, when already reported);
   * - it resolves (never rejects, never hangs) once every entry has a result; a rejection
   *   fails every entry of the batch with that error.
   * An entry whose signal has aborted may report anything: the Pool has already settled it.
   *
   * `report(index, result)`, when given, delivers an entry's result before the batch ends (a
   * thread backend calls it with the outcomes it sends ahead of a cancellable entry): the Pool
   * settles that task at once, so a later entry that hangs does not hold it back (nor let its
   * timeout expire). The entry's place in the final array is then ignored.
   */
  runMany?(
    batch: readonly BatchEntry<I>[],
    report?: (index: number, result: BatchResult<O>) => void,
  ): Promise<readonly BatchResult<O>[]>;
  /**
   * Optional: subscribes to errors that belong to no task — a worker thread or process that fails
   * after its task returned, a connection lost while idle. Such an error settles nothing (every
   * task still settles through its own promise); a Pool in front subscribes and emits each as its
   * `'error'` event with `input` undefined, and unsubscribes when it closes. Returns the function
   * that unsubscribes.
   */
  onError?(listener: (error: Error) => void): () => void;
  /**
   * Releases threads and handles; afterwards nothing it owns keeps the process alive. Idempotent.
   * A Pool calls it as the pool ends (`close()`, `stop()`); `run()` never closes a backend it was given.
   */
  close(): Promise<void>;
}

/** Options of a single push into a {@link WorkQueue}. */
export interface PushOptions {
  /** Higher goes first, in queues that order by priority; ignored by FIFO queues. Default 0. */
  priority?: number;
  /** Gives up waiting for room: the push rejects with an AbortError and the item is not queued. */
  signal?: AbortSignal;
  /**
   * The group the item belongs to (a tenant, a user, a shard), in queues that share their turns
   * and room by key ({@link FairQueue}); ignored by the others. Items without one form one group.
   */
  key?: string;
}

/**
 * A queue between producers and the pool. Push waits while full, pop waits while empty;
 * `close()` lets pops drain what is left and rejects every push (waiting or new) with
 * QueueClosedError. Conformance: `describeQueue` in `@poolkit/core/testing`.
 */
export interface WorkQueue<T> {
  /** Items waiting in the queue now, not counting pushers still blocked on a full queue. */
  readonly size: number;
  /** The most items it holds: 0 makes every push wait for a pop (rendezvous), `Infinity` is unbounded. */
  readonly capacity: number;
  /** True once `close()` was called: pushes are refused, pops drain what is left. */
  readonly closed: boolean;
  /** Adds an item, waiting for room; rejects with QueueClosedError or AbortError and then adds nothing. */
  push(item: T, options?: PushOptions): Promise<void>;
  /** Adds an item if there is room now; false when full or closed. */
  tryPush(item: T, options?: PushOptions): boolean;
  /** Takes the next item, waiting for one; `undefined` means closed and empty. Rejects with AbortError on abort. */
  pop(signal?: AbortSignal): Promise<T | undefined>;
  /** Takes the next item if there is one now. */
  tryPop(): T | undefined;
  /** Refuses new pushes (waiting pushers reject); pops drain what is left, then return undefined. */
  close(): void;
  /** Removes and returns every waiting item, in pop order. */
  drain(): T[];
  /**
   * Removes one waiting item (compared with `===`) from anywhere in the queue; true if it was
   * there. Frees its room at once (a pusher blocked on a full queue may move in). An item still
   * held by a blocked pusher is not in the queue yet (abort that push instead); if the same item
   * waits more than once, one occurrence goes. `options`, when given, are the ones the item was
   * pushed with (a Pool passes them): a keyed queue looks in that key only. Optional: a queue
   * without it leaves cancelled items in place until popped.
   *
   * @example
   * queue.tryPush(task);
   * task.signal.addEventListener('abort', () => queue.remove?.(task));
   */
  remove?(item: T, options?: PushOptions): boolean;
  /**
   * Optional: the consumer is done with an item it popped (a Pool calls it once per item popped
   * by `pop`/`tryPop`, when that task ends for good: settled after its last try, cancelled,
   * or found cancelled as it was popped), with the options it was pushed with. A queue that
   * limits how many items of one key may be out at once ({@link FairQueue}'s `keyConcurrency`)
   * counts them back here; it must not throw. Items taken by `drain`/`remove` are never released.
   *
   * @example
   * const item = queue.tryPop();
   * try { await handle(item); } finally { queue.release?.(item, optionsItWasPushedWith); }
   */
  release?(item: T, options?: PushOptions): void;
  /**
   * Optional: removes and returns every waiting item of one key, in pop order — a Pool's
   * `clear({ key })` cancels them. Frees their room as `drain` does.
   */
  drainKey?(key: string | undefined): T[];
  /** Pops items one by one (`for await (const item of queue)`), ending once the queue is closed and empty. */
  [Symbol.asyncIterator](): AsyncIterator<T>;
}
