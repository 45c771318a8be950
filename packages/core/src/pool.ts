/**
 * The Pool: the orchestration of a long-lived work pool. Each concern lives next to its data in
 * ./pool/ — the counters and their invariant (counters.ts), the results ring (results.ts), tries,
 * timeouts and retries (tries.ts), task records (task.ts), one listener per signal (signals.ts),
 * latency histograms (latency.ts), the waiting side — the queue, its blocked callers, refusals,
 * cancelling what waits and the tasks clear()/stop() could not reach (feed.ts, claims.ts) —,
 * batches (batcher.ts), submitAll's inputs and outcomes (submit-all.ts) and the option checks
 * (options.ts). This file decides when a task moves from one to the next: everything ends in the
 * pump, one loop around one step that starts the next thing (#startNext).
 *
 *   submit/enqueue ─▶ [blocked line] ─▶ WorkQueue ─▶ pump ─▶ Tries ─▶ Backend ─▶ deliver
 *                      (queue full)                 (≤ limit, not paused)        (promise | results | callback)
 */
import { setMaxListeners } from 'node:events';
import type { Backend, Outcome, WorkQueue } from './contracts.js';
import { Emitter } from './emitter.js';
import { abortError, PoolClearedError, PoolClosedError, PoolStoppedError, QueueFullError } from './errors.js';
import { type InlineBackend, kInvoke } from './inline-backend.js';
import { IntrusiveList } from './intrusive-list.js';
import { sameBatch } from './kit/batch-split.js';
import { Batcher, type Grouping, type TaskSource } from './pool/batcher.js';
import {
  CANCELLED,
  Counters,
  DRAINED,
  type Ending,
  IDLE,
  type PoolStats,
  SUCCEEDED,
} from './pool/counters.js';
import { Feed } from './pool/feed.js';
import { LatencyRecorder, type PoolLatency } from './pool/latency.js';
import {
  type ClearOptions,
  checkConcurrency,
  type OnFull,
  type PoolEvents,
  type PoolOptions,
  type PoolState,
  readClearKey,
  readForce,
  resolvePoolOptions,
  type StopOptions,
  type TaskOptions,
  taskOptions,
} from './pool/options.js';
import { ResultsBuffer } from './pool/results.js';
import { linkAbort, SignalWatch } from './pool/signals.js';
import { gatherOutcomes, optionsPerInput, readInputs, type SubmitAllOptions } from './pool/submit-all.js';
import {
  type Attempt,
  DONE,
  NEW,
  type OutcomeCallback,
  RUNNING,
  type Sink,
  Task,
  TO_CALLBACK,
  TO_PROMISE,
  TO_RESULTS,
  WAITING,
} from './pool/task.js';
import { enterSubmit, leaveSubmit, TaskScope, tracing } from './pool/tracing.js';
import { DEFERRED, Tries } from './pool/tries.js';
import { readOptions } from './validate.js';

export type { LatencySummary, PoolLatency } from './pool/latency.js';
export type {
  ClearOptions,
  OnFull,
  PoolEvents,
  PoolOptions,
  PoolState,
  StopOptions,
  TaskOptions,
} from './pool/options.js';
export type { SubmitAllOptions } from './pool/submit-all.js';
export type { OutcomeCallback } from './pool/task.js';
export type { PoolStats };

/**
 * A long-lived work pool: tasks go through a {@link WorkQueue} to a {@link Backend}, at most
 * `concurrency` at a time, with timeouts, retries, cancellation and counters that always add up.
 *
 * - `submit()` gives each task's result through its promise;
 * - `enqueue()` resolves once the task is accepted and sends its {@link Outcome} to a bounded
 *   results buffer read with `tryResult()` / `nextResult()` / `results()` (`keepResults: true`);
 * - `pause()`/`resume()` hold back and release starts; `clear()` cancels what waits;
 * - `close()` finishes everything accepted; `stop()` cancels what waits and lets what runs
 *   finish; `stop({ force: true })` cancels what runs too.
 *
 * Backpressure is end to end: a full queue makes `submit`/`enqueue` wait (or reject, with
 * `onFull: 'reject'`); a full results buffer makes the pool wait.
 *
 * @example
 * const pool = new Pool({ executor: async (n: number) => n * n, concurrency: 4 });
 * const squares = await Promise.all([1, 2, 3].map((n) => pool.submit(n)));
 * await pool.close();
 */
export class Pool<I = unknown, O = unknown> extends Emitter<PoolEvents<I>> {
  /**
   * Where tasks run: the `backend` option, or the {@link InlineBackend} the pool made over
   * `executor`. The pool owns it: it closes it when it ends.
   */
  readonly backend: Backend<I, O>;
  /** The pool's name (`PoolOptions.name`, or `pool-N`): on every `poolkit:task` event. */
  readonly name: string;
  readonly #feed: Feed<I, O>;
  readonly #onFull: OnFull;
  /** The most a backend of someone else's accepts at once; Infinity for the pool's own. */
  readonly #backendLimit: number;
  readonly #tries: Tries<I, O>;
  readonly #counters = new Counters();
  /** Outcomes of enqueue()d tasks, with `keepResults`. */
  readonly #results: ResultsBuffer<Outcome<I, O>> | undefined;
  readonly #signals = new SignalWatch<Task<I, O>>((tasks, signal) => this.#onSignalAbort(tasks, signal));
  /** Aborts on stop({ force: true }); the signal of every try nothing else can cancel. */
  readonly #stopController = new AbortController();
  readonly #latency: LatencyRecorder | undefined;
  /** Groups tries into backend calls, for a backend with runMany (and maxBatch > 1). */
  readonly #batcher: Batcher<I, O> | undefined;
  /** Where the batcher takes waiting tasks from, as it fills a batch. */
  readonly #source: TaskSource = { startInto: (first) => this.#startInto(first) };

  #concurrency: number;
  #limit: number;
  #state: PoolState = 'open';
  #paused: boolean;
  /** Tasks started and not settled (trying or in a retry's backoff). */
  readonly #inFlight = new IntrusiveList<Task<I, O>>();
  #pumping = false;
  #repump = false;
  /** > 0 while many tasks are cancelled in one go: pump once at the end, not per task. */
  #holdPump = 0;
  /** Woken when nothing waits, runs or is blocked: onIdle() callers and the pool's own end. */
  #quiet: Array<() => void> = [];
  #ending: Promise<void> | undefined = undefined;
  #wasStopped = false;
  #unlinkSignal: (() => void) | undefined = undefined;
  /** Unsubscribes from the backend's errors that belong to no task. */
  #unlinkErrors: (() => void) | undefined = undefined;

  constructor(options: PoolOptions<I, O>) {
    super();
    const resolved = readOptions('Pool options', () => resolvePoolOptions(options));
    this.backend = resolved.backend;
    this.name = resolved.name;
    this.#concurrency = resolved.concurrency;
    this.#backendLimit = resolved.ownBackend ? Number.POSITIVE_INFINITY : resolved.backend.concurrency;
    this.#limit = Math.min(this.#concurrency, this.#backendLimit);
    this.#feed = new Feed(resolved.queue as WorkQueue<Task<I, O>>, this.#counters, {
      accepted: (task) => this.#accepted(task),
      popped: () => this.#popped(),
      failed: (error) => this.emit('error', error, undefined),
      cancelled: (task, error) => this.#deliver(task, false, error),
      refused: (task, error) => {
        const signal = task.options?.signal;
        if (signal !== undefined) this.#signals.unwatch(signal, task);
        task.reject!(error);
      },
    });
    this.#onFull = resolved.onFull;
    this.#paused = resolved.paused;
    this.#results = resolved.keepResults
      ? new ResultsBuffer(
          resolved.resultsCapacity,
          () => this.#done(),
          // A full buffer held the pool back: the place just read may let it start the next task.
          () => this.#state !== 'closed' && queueMicrotask(() => this.#pump()),
        )
      : undefined;
    this.#latency = resolved.latency ? new LatencyRecorder() : undefined;
    // Every try in flight may listen to the stop signal (a backend's abort race).
    setMaxListeners(0, this.#stopController.signal);
    // What every poolkit:task event names: read once (a backend's name never changes).
    const site = { pool: this.name, backend: String(resolved.backend.name) };
    // The pool's own InlineBackend is called directly: nobody else can reach it, so its slots are ours.
    this.#batcher =
      resolved.maxBatch > 1
        ? new Batcher(
            this.backend,
            resolved.maxBatch,
            {
              settleAll: (settle) => this.#holdingPump(settle),
              settled: (task, attempt, ok, value) => this.#tries.settled(task, attempt, ok, value),
              holdTimer: (task, turns) => this.#tries.holdTimer(task, turns),
              armTimer: (task) => this.#tries.armTimer(task),
            },
            site,
          )
        : undefined;
    const run = resolved.ownBackend
      ? (this.backend as InlineBackend<I, O>)[kInvoke].bind(this.backend)
      : this.#batcher !== undefined
        ? this.#batchedInvoke(this.#batcher)
        : (input: I, attempt: Attempt) => this.backend.run(input, attempt);
    this.#tries = new Tries<I, O>(
      {
        invoke: run,
        mayRetry: (task) => this.#state !== 'stopping' && !task.options?.signal?.aborted,
        finish: (task, ending, value) => this.#finish(task, ending, value),
      },
      {
        timeout: resolved.timeout,
        startTimeout: resolved.startTimeout,
        reportsStart: resolved.backend.reportsStart === true,
      },
      resolved.retry,
      this.#stopController,
      this.#latency,
      { ...site, batching: this.#batcher !== undefined },
    );
    // A backend's errors that belong to no task (a thread that failed after its task returned).
    const unlink = this.backend.onError?.((error) => this.emit('error', error, undefined));
    if (typeof unlink === 'function') this.#unlinkErrors = unlink;
    // Re-emit a RateLimitedQueue's (or any emitting queue's) rate-limit edges.
    relay(resolved.queue, 'rateLimit', () => this.emit('rateLimit'));
    relay(resolved.queue, 'rateLimitCleared', () => this.emit('rateLimitCleared'));
    // At once when already aborted: not even a task submitted in this tick is accepted. The
    // listener goes when the pool ends, so a long-lived signal does not keep closed pools alive.
    this.#unlinkSignal = linkAbort(resolved.signal, () => void this.stop());
  }

  /** 'open' accepts tasks; 'closing' and 'stopping' finish up; 'closed' is final. */
  get state(): PoolState {
    return this.#state;
  }

  /** A snapshot of the counters; see {@link PoolStats} for the invariant. */
  get stats(): PoolStats {
    return this.#counters.snapshot();
  }

  /**
   * Tasks in flight at once. Writable: raising it starts waiting tasks before the assignment
   * returns; lowering it lets running tasks finish and starts none until fewer run than the new
   * value. With a backend of your own, never more than `backend.concurrency` are in flight.
   * Throws a RangeError/TypeError (and changes nothing) for anything but an integer ≥ 1.
   */
  get concurrency(): number {
    return this.#concurrency;
  }

  /**
   * Sets the tasks in flight at once: an integer ≥ 1, else a TypeError/RangeError and nothing
   * changes. Raising it starts waiting tasks before the assignment returns.
   */
  set concurrency(value: number) {
    this.#concurrency = checkConcurrency(value);
    this.#limit = Math.min(this.#concurrency, this.#backendLimit);
    this.#pump();
  }

  /** True between pause() and resume() (or from `paused: true` until resume()). */
  get paused(): boolean {
    return this.#paused;
  }

  /** Queue-wait and run-time percentiles in ms; undefined unless the pool has `latency: true`. */
  get latency(): PoolLatency | undefined {
    return this.#latency?.summary();
  }

  /**
   * Runs `input` and resolves with its result (or rejects with its error). Waits while the
   * queue is full (or rejects with QueueFullError, with `onFull: 'reject'`); rejects with
   * PoolClosedError/PoolStoppedError if the pool ends meanwhile, and with an AbortError if
   * `options.signal` aborts.
   */
  submit(input: I, options?: TaskOptions): Promise<O> {
    return this.#submit<O>(input, options, TO_PROMISE, undefined);
  }

  /**
   * Accepts `input` (waiting while the queue is full) and resolves once it is queued. Its
   * outcome goes to the results buffer when `keepResults` is on; a failure is also emitted as 'error'.
   */
  enqueue(input: I, options?: TaskOptions): Promise<void> {
    return this.#submit<void>(input, options, TO_RESULTS, undefined);
  }

  /**
   * Runs every input and resolves once all have ended, with one {@link Outcome} per input, in
   * input order: a failure, a timeout or a cancellation is that input's outcome, never a
   * rejection of the whole. Cheaper per item than `submit()` (no promise per item), and with a
   * batching backend the items go out in batches. The inputs are accepted in order, waiting
   * while the queue is full; the options apply to each, and `keyOf` gives each its own key.
   * Rejects at once (accepting nothing) when the pool is not open or the options are invalid.
   *
   * @example
   * const outcomes = await pool.submitAll(buffers, { task: 'md5' });
   * const digests = outcomes.map((o) => (o.ok ? o.value : undefined));
   * await pool.submitAll(requests, { keyOf: (request) => request.tenant }); // with a FairQueue
   */
  submitAll(inputs: Iterable<I>, options?: SubmitAllOptions<I>): Promise<Outcome<I, O>[]> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    const checked = taskOptions(options);
    if (checked instanceof Error) return Promise.reject(checked);
    let list: I[];
    let perInput: ReturnType<typeof optionsPerInput<I>>;
    try {
      list = readInputs(inputs);
      perInput = optionsPerInput(options, checked, list);
    } catch (error) {
      return Promise.reject(error);
    }
    // The pool may end (or the signal abort) while later inputs wait: those are refused, as outcomes.
    return gatherOutcomes<I, O>(list, perInput, (task) =>
      this.#state !== 'open' ? task.reject!(this.#closedError()) : this.#offer(task),
    );
  }

  /** @internal For run(): like enqueue, with the outcome handed to `callback`. */
  dispatch(input: I, options: TaskOptions | undefined, callback: OutcomeCallback<I>): Promise<void> {
    return this.#submit<void>(input, options, TO_CALLBACK, callback);
  }

  /** The next kept outcome, if one is ready; `done` is true once nothing more can come. Never waits. */
  tryResult(): {
    /** The oldest kept outcome not read yet (it leaves the buffer), or `undefined` when none is ready now. */
    outcome: Outcome<I, O> | undefined;
    /**
     * True once nothing more can come: the pool is no longer open, nothing waits or runs and the
     * buffer is empty (so `outcome` is `undefined`). False while more may come.
     */
    done: boolean;
  } {
    return this.#kept('tryResult').tryRead();
  }

  /** The next kept outcome, waiting for one; `undefined` once nothing more can come. */
  nextResult(): Promise<Outcome<I, O> | undefined> {
    return this.#kept('nextResult').read();
  }

  /** Every kept outcome, in completion order, until the pool is done. */
  results(): AsyncIterableIterator<Outcome<I, O>> {
    return this.#kept('results')[Symbol.asyncIterator]();
  }

  /** Resolves when nothing waits or runs (at once if that is already so). A paused pool with waiting tasks is not idle. */
  onIdle(): Promise<void> {
    if (this.#isQuiet()) return Promise.resolve();
    return new Promise((resolve) => this.#quiet.push(resolve));
  }

  /**
   * Starts no more tasks until resume(): submit/enqueue are still accepted (a full queue still
   * makes them wait), running tasks finish. Idempotent. Has no effect once close() or stop() was
   * called: a graceful close finishes everything accepted, and nothing may hold it back.
   */
  pause(): void {
    if (this.#state === 'open') this.#paused = true;
  }

  /** Starts waiting tasks again, up to `concurrency`, before it returns. Idempotent. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pump();
  }

  /**
   * Cancels every waiting task now — or, with `{ key }`, every waiting task of that key — and
   * returns how many: each rejects with an AbortError whose `cause` is a PoolClearedError, and
   * counts as cancelled. Running tasks go on; the pool stays open. Callers blocked on a full
   * queue are not waiting tasks: they move into the room. `{ key }` needs a queue that can take
   * out one key's tasks (`drainKey`: {@link FairQueue}); else it throws a TypeError.
   *
   * @example
   * pool.clear({ key: 'tenant-a' }); // the tenant left: drop its backlog, keep everyone else's
   */
  clear(options?: ClearOptions): number {
    const key = readClearKey(options, this.#feed.queue);
    if (this.#state === 'closed') return 0;
    const reason = new PoolClearedError();
    let cleared = 0;
    this.#holdingPump(() => {
      cleared =
        key === undefined
          ? this.#feed.cancelAll(() => abortError(reason))
          : this.#feed.cancelKey(key, () => abortError(reason));
    });
    return cleared;
  }

  /**
   * Graceful end: refuses new work (callers blocked on a full queue reject with PoolClosedError),
   * runs everything accepted (a paused pool resumes), then closes the backend. Idempotent; the
   * same promise every time.
   */
  close(): Promise<void> {
    if (this.#ending !== undefined) return this.#ending;
    this.#state = 'closing';
    this.#paused = false;
    this.#feed.queue.close();
    this.#feed.refuseBlocked(() => this.#closedError());
    this.#ending = this.#end();
    this.#pump();
    return this.#ending;
  }

  /**
   * Immediate end: refuses new work, cancels every waiting task (it rejects with PoolStoppedError
   * and counts as cancelled), lets running tasks finish — or, with `force: true`, cancels them
   * too (their signals abort with a PoolStoppedError, they reject with it) — then closes the
   * backend. Idempotent; during close() it skips what still waits; `stop({ force: true })` after
   * `stop()` cancels what still runs.
   */
  stop(options?: StopOptions): Promise<void> {
    let force: boolean;
    try {
      force = readForce(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'closed') return this.#ending!;
    if (this.#state !== 'stopping') {
      this.#state = 'stopping';
      this.#paused = false; // nothing starts while stopping anyway
      this.#wasStopped = true;
      this.#feed.queue.close();
      this.#feed.refuseBlocked(() => this.#closedError());
      const stopped = stoppedBeforeStart();
      this.#holdingPump(() => {
        this.#feed.cancelAll(() => stopped);
        for (let task = this.#inFlight.head; task !== null; ) {
          const next = task.next;
          if (this.#tries.inBackoff(task)) this.#finish(task, CANCELLED, stopped);
          task = next;
        }
      });
      this.#ending ??= this.#end();
    }
    if (force) this.#cancelRunning();
    this.#check();
    return this.#ending!;
  }

  /** `await using pool = new Pool(...)` closes it gracefully at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ── acceptance ────────────────────────────────────────────────────────────────

  /** The one path of submit, enqueue and dispatch: they differ only in where the outcome goes. */
  #submit<R>(
    input: I,
    options: TaskOptions | undefined,
    sink: Sink,
    callback: OutcomeCallback<I> | undefined,
  ): Promise<R> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    const checked = taskOptions(options);
    if (checked instanceof Error) return Promise.reject(checked);
    const task = new Task<I, O>(input, checked, sink);
    task.callback = callback;
    return new Promise<R>((resolve, reject) => {
      if (sink === TO_PROMISE) task.resolve = resolve as (value: O) => void;
      else task.accepted = resolve as () => void;
      task.reject = reject;
      this.#offer(task);
    });
  }

  #closedError(): Error {
    return this.#wasStopped
      ? new PoolStoppedError('the pool was stopped and accepts no new tasks')
      : new PoolClosedError();
  }

  /**
   * Hands a task to the queue, or lines its caller up until there is room (see Feed). Runs in the
   * caller's async context: when somebody traces (poolkit:task), the task keeps it here.
   */
  #offer(task: Task<I, O>): void {
    if (tracing()) this.#offerTraced(task);
    else this.#offerTask(task);
  }

  /**
   * #offer while somebody traces: a task that starts right here, in its submit, publishes its
   * first start in the submitter's context as it is; one that waits (or may try again later)
   * keeps that context (a TaskScope, an AsyncResource: the costly part of tracing) for its start.
   */
  #offerTraced(task: Task<I, O>): void {
    const outer = enterSubmit(task);
    try {
      this.#offerTask(task);
    } finally {
      leaveSubmit(outer);
    }
    const status = task.status;
    if (status === DONE || (status === RUNNING && !this.#tries.mayTryAgain)) return;
    const scope = new TaskScope();
    if (status !== NEW) scope.acceptedAt = performance.now(); // accepted just now, in this call
    if (status === RUNNING) scope.firstStart = scope.acceptedAt; // started at once: no queue wait
    task.scope = scope;
  }

  #offerTask(task: Task<I, O>): void {
    const signal = task.options?.signal;
    if (signal !== undefined) this.#signals.watch(signal, task);
    const feed = this.#feed;
    if (feed.offer(task)) {
      this.#pump();
    } else if (feed.queue.closed) {
      feed.refuse(task, this.#closedError());
    } else if (this.#onFull === 'wait') {
      feed.block(task);
      this.#waitForItem();
    } else {
      // A rendezvous queue takes an item only while a pop waits: offer one, then try again.
      this.#waitForItem();
      if (feed.offer(task)) this.#pump();
      else feed.refuse(task, new QueueFullError(fullMessage(feed.queue, task.options?.key)));
    }
  }

  /** The queue took the task: note when (latency, tracing) and tell an enqueue()/dispatch() caller. */
  #accepted(task: Task<I, O>): void {
    this.#latency?.stamp(task);
    if (task.scope !== undefined) task.scope.acceptedAt = performance.now();
    const accepted = task.accepted;
    if (accepted !== undefined) {
      task.accepted = undefined;
      accepted();
    }
  }

  /** One signal aborted: every task still watched on it ends, in one pass. */
  #onSignalAbort(tasks: Task<I, O>[], signal: AbortSignal): void {
    this.#holdingPump(() => {
      for (const task of tasks) {
        if (task.status === WAITING) {
          this.#cancelWaiting(task, abortError(signal.reason), true);
        } else if (task.status === RUNNING) {
          const error = abortError(signal.reason);
          this.#tries.cancel(task, error);
          this.#finish(task, CANCELLED, error);
        } else if (task.status !== DONE) {
          this.#feed.refuse(task, abortError(signal.reason)); // blocked: never accepted
        }
      }
    });
  }

  /** Runs `cancel` (many tasks in one go) with the pump held: pumps once at the end, not once per task. */
  #holdingPump(cancel: () => void): void {
    this.#holdPump++;
    try {
      cancel();
    } finally {
      this.#holdPump--;
    }
    this.#pump();
  }

  /** A waiting task is cancelled (see Feed.cancel), and the slot it leaves may start another. */
  #cancelWaiting(task: Task<I, O>, error: unknown, inQueue: boolean): void {
    if (this.#feed.cancel(task, error, inQueue)) this.#pump();
  }

  /** stop({ force: true }): every running task is cancelled, its try aborted. */
  #cancelRunning(): void {
    const error = new PoolStoppedError('the pool was force-stopped while this task ran');
    this.#stopController.abort(error);
    this.#holdingPump(() => {
      for (let task = this.#inFlight.head; task !== null; task = this.#inFlight.head) {
        this.#tries.cancel(task, error);
        this.#finish(task, CANCELLED, error);
      }
    });
  }

  // ── scheduling ─────────────────────────────────────────────────────────────────

  #resultsFull(): boolean {
    return this.#results !== undefined && this.#state === 'open' && this.#results.full;
  }

  /**
   * Starts the next thing while it can: the one loop every change of state ends in. Re-entrant
   * calls (a task settling synchronously) set a flag and the running loop goes round again.
   */
  #pump(): void {
    if (this.#holdPump > 0) return;
    if (this.#pumping) {
      this.#repump = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#repump = false;
        while (this.#startNext()) {}
        // Room a cancellation or clear() freed goes to the callers blocked on a full queue.
        this.#feed.admit();
      } while (this.#repump);
    } finally {
      this.#pumping = false;
    }
    this.#waitForItem();
    this.#check();
  }

  /**
   * The one step: starts the next thing into a free slot — a task, or with a batching backend a
   * batch (its retries and re-runs first, then waiting tasks; see Batcher.sendNext). False when
   * nothing can start now.
   */
  #startNext(): boolean {
    if (this.#slotsInUse() >= this.#limit || this.#state === 'closed') return false;
    const batcher = this.#batcher;
    return batcher === undefined
      ? this.#startInto(undefined)
      : batcher.sendNext(this.#counters.waiting, this.#limit, this.#source);
  }

  /** Slots taken: tasks in flight, or with batching the backend calls in flight. */
  #slotsInUse(): number {
    return this.#batcher === undefined ? this.#counters.running : this.#batcher.busy;
  }

  /**
   * Starts the next task that may start now — unless it cannot share a batch opened by `first`,
   * when it stays first in line. False when none started. The batcher's source of tasks.
   */
  #startInto(first: Grouping | undefined): boolean {
    if (!this.#mayStart()) return false;
    const task = this.#takeStartable();
    if (task === undefined) return false;
    if (first !== undefined && !sameBatch(first, task.options)) {
      this.#feed.putBack(task); // first of the next batch
      return false;
    }
    this.#start(task);
    return true;
  }

  /**
   * A batching pool's invoke: the try goes to the batch being filled, or — from anywhere else
   * (a retry's timer) — to the batcher's ready line, and the pool pumps.
   */
  #batchedInvoke(batcher: Batcher<I, O>): (input: I, attempt: Attempt, task: Task<I, O>) => typeof DEFERRED {
    return (input, attempt, task) => {
      batcher.add(input, attempt, task);
      if (!this.#pumping) this.#pump();
      return DEFERRED;
    };
  }

  /** The next waiting task that may start, skipping tombstones, claimed and aborted ones. */
  #takeStartable(): Task<I, O> | undefined {
    for (let task = this.#feed.take(); task !== undefined; task = this.#feed.take()) {
      if (task.status !== WAITING || this.#feed.claimed(task)) continue; // a tombstone, or claimed
      // Its signal may have aborted with the listener not yet run (another listener of the
      // same signal ran first and freed this slot): it must never start.
      if (task.options?.signal?.aborted) {
        this.#cancelWaiting(task, abortError(task.options.signal.reason), false);
        continue;
      }
      return task;
    }
    return undefined;
  }

  /** Whether a new task may start now (slots aside): the one start condition. */
  #mayStart(): boolean {
    return !this.#paused && this.#state !== 'stopping' && this.#state !== 'closed' && !this.#resultsFull();
  }

  /** Keeps a pop() pending while a slot is free (see Feed.waitForItem). */
  #waitForItem(): void {
    if (this.#paused || this.#state === 'stopping') return;
    if (this.#resultsFull()) return;
    const free = this.#limit - this.#slotsInUse();
    if (this.#feed.waitForItem(free)) queueMicrotask(() => this.#state !== 'closed' && this.#pump());
  }

  /** The pending pop() brought a task (now held): start it, unless the pool stopped meanwhile. */
  #popped(): void {
    if (this.#state === 'stopping') {
      const stopped = stoppedBeforeStart();
      this.#feed.cancelAll(() => stopped);
    }
    this.#pump();
  }

  #start(task: Task<I, O>): void {
    task.status = RUNNING;
    this.#counters.start();
    this.#inFlight.push(task);
    if (task.sink === TO_RESULTS && this.#results !== undefined) this.#results.reserved++;
    this.#latency?.started(task); // records the wait; stamps the first try's start (Tries reads it)
    this.#tries.begin(task);
  }

  /** A running task ends for good (its last try settled, or it was cancelled). */
  #finish(task: Task<I, O>, ending: Ending, value: unknown): void {
    if (task.status !== RUNNING) return;
    task.status = DONE;
    this.#tries.end(task);
    this.#inFlight.remove(task);
    this.#feed.finished(task); // before the outcome: a caller awaiting it finds its key's room freed
    this.#counters.settle(ending);
    if (task.sink === TO_RESULTS && this.#results !== undefined) this.#results.reserved--;
    this.#deliver(task, ending === SUCCEEDED, value);
    this.#pump();
  }

  #deliver(task: Task<I, O>, ok: boolean, value: unknown): void {
    const signal = task.options?.signal;
    if (signal !== undefined) this.#signals.unwatch(signal, task);
    if (task.sink !== TO_RESULTS) {
      task.settle(ok, value);
    } else {
      if (!ok) this.emit('error', value, task.input);
      this.#results?.put(
        ok
          ? { ok: true, input: task.input, value: value as O }
          : { ok: false, input: task.input, error: value },
      );
    }
  }

  // ── results ────────────────────────────────────────────────────────────────────

  #kept(method: string): ResultsBuffer<Outcome<I, O>> {
    if (this.#results === undefined) {
      throw Object.assign(
        new TypeError(`${method}() needs the pool option keepResults: true (outcomes are not kept)`),
        { code: 'ERR_INVALID_STATE' },
      );
    }
    return this.#results;
  }

  // ── ending ─────────────────────────────────────────────────────────────────────

  #isQuiet(): boolean {
    return this.#counters.empty && this.#feed.blocked.length === 0 && !this.#feed.claimsPending;
  }

  #done(): boolean {
    return this.#state !== 'open' && this.#isQuiet() && (this.#results?.size ?? 0) === 0;
  }

  /** Emits transitions and wakes whoever waits for them. Called after every change of counts. */
  #check(): void {
    const quiet = this.#isQuiet();
    const edges = this.#counters.edges(quiet);
    if (edges & DRAINED) this.emit('drain');
    if (!quiet) return;
    if (edges & IDLE) this.emit('idle');
    if (this.#quiet.length > 0) {
      const waiters = this.#quiet;
      this.#quiet = [];
      for (const wake of waiters) wake();
    }
    if (this.#results !== undefined && this.#done()) this.#results.end();
  }

  async #end(): Promise<void> {
    // Let blocked pushers' rejections and pending pops settle, then wait for running tasks.
    await Promise.resolve();
    if (!this.#isQuiet()) await new Promise<void>((resolve) => this.#quiet.push(resolve));
    try {
      await this.backend.close();
    } finally {
      this.#unlinkSignal?.();
      this.#unlinkErrors?.();
      this.#state = 'closed';
      this.#check();
    }
  }
}

/** Why a task is refused with `onFull: 'reject'`: the whole queue, or only its key, is full. */
function fullMessage(queue: WorkQueue<unknown>, key: string | undefined): string {
  return queue.size < queue.capacity
    ? `the queue has no room for key ${JSON.stringify(key ?? null)} (its keyCapacity is reached; onFull: reject)`
    : 'the queue is full (onFull: reject)';
}

function stoppedBeforeStart(): PoolStoppedError {
  return new PoolStoppedError('the pool was stopped before this task started');
}

/** Listens to `event` on `queue` when the queue is an emitter (has `on`). */
function relay(queue: WorkQueue<unknown>, event: string, listener: () => void): void {
  const on = (queue as { on?: unknown }).on;
  if (typeof on === 'function') on.call(queue, event, listener);
}
