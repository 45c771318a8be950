/**
 * The Pool: the orchestration of a long-lived work pool. Each concern lives next to its data in
 * ./pool/ — the counters and their invariant (counters.ts), the results ring (results.ts), tries,
 * timeouts and retries (tries.ts), task records (task.ts), one listener per signal (signals.ts),
 * latency histograms (latency.ts), the queue and its blocked callers (feed.ts), batches
 * (batcher.ts), the tasks clear()/stop() could not reach (claims.ts) and the option checks
 * (options.ts). This file decides when a task moves from one to the next.
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
import { Batcher, type Pending, sameBatch } from './pool/batcher.js';
import { Claims } from './pool/claims.js';
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
  checkConcurrency,
  type OnFull,
  type PoolEvents,
  type PoolOptions,
  type PoolState,
  resolvePoolOptions,
  type StopOptions,
  type TaskOptions,
  taskOptions,
} from './pool/options.js';
import { ResultsBuffer } from './pool/results.js';
import { SignalWatch } from './pool/signals.js';
import {
  type Attempt,
  DONE,
  type OutcomeCallback,
  RUNNING,
  type Sink,
  Task,
  TO_CALLBACK,
  TO_PROMISE,
  TO_RESULTS,
  WAITING,
} from './pool/task.js';
import { DEFERRED, Tries } from './pool/tries.js';
import { argTypeError, checkBoolean, checkOptions, describe, readOptions } from './validate.js';

export type { LatencySummary, PoolLatency } from './pool/latency.js';
export type { OnFull, PoolEvents, PoolOptions, PoolState, StopOptions, TaskOptions } from './pool/options.js';
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

  #concurrency: number;
  #limit: number;
  #state: PoolState = 'open';
  #paused: boolean;
  /** Tasks started and not settled (trying or in a retry's backoff). */
  readonly #inFlight = new IntrusiveList<Task<I, O>>();
  /** Waiting tasks clear() or stop() counted as cancelled while a pop() had them (see claims.ts). */
  readonly #claims = new Claims();
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
    this.#concurrency = resolved.concurrency;
    this.#backendLimit = resolved.ownBackend ? Number.POSITIVE_INFINITY : resolved.backend.concurrency;
    this.#limit = Math.min(this.#concurrency, this.#backendLimit);
    this.#feed = new Feed(resolved.queue as WorkQueue<Task<I, O>>, {
      accepted: (task) => this.#accept(task),
      popped: () => this.#popped(),
      claimed: (task) => this.#claimed(task),
      failed: (error) => this.emit('error', error, undefined),
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
    // The pool's own InlineBackend is called directly: nobody else can reach it, so its slots are ours.
    this.#batcher =
      resolved.maxBatch > 1
        ? new Batcher(this.backend, resolved.maxBatch, {
            settleAll: (settle) => this.#batch(settle),
            settled: (task, attempt, ok, value) => this.#tries.settled(task, attempt, ok, value),
            holdTimer: (task, turns) => this.#tries.holdTimer(task, turns),
            armTimer: (task) => this.#tries.armTimer(task),
          })
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
    );
    // A backend's errors that belong to no task (a thread that failed after its task returned).
    const unlink = this.backend.onError?.((error) => this.emit('error', error, undefined));
    if (typeof unlink === 'function') this.#unlinkErrors = unlink;
    // Re-emit a RateLimitedQueue's (or any emitting queue's) rate-limit edges.
    relay(resolved.queue, 'rateLimit', () => this.emit('rateLimit'));
    relay(resolved.queue, 'rateLimitCleared', () => this.emit('rateLimitCleared'));
    const signal = resolved.signal;
    if (signal?.aborted) {
      void this.stop(); // at once: not even a task submitted in this tick is accepted
    } else if (signal !== undefined) {
      // Removed when the pool ends, so a long-lived signal does not keep closed pools alive.
      const onAbort = () => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unlinkSignal = () => signal.removeEventListener('abort', onAbort);
    }
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
   * while the queue is full; the options apply to each. Rejects at once (accepting nothing)
   * when the pool is not open or the options are invalid.
   *
   * @example
   * const outcomes = await pool.submitAll(buffers, { task: 'md5' });
   * const digests = outcomes.map((o) => (o.ok ? o.value : undefined));
   */
  submitAll(inputs: Iterable<I>, options?: TaskOptions): Promise<Outcome<I, O>[]> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    const checked = taskOptions(options);
    if (checked instanceof Error) return Promise.reject(checked);
    options = checked;
    let list: I[];
    try {
      // Read whole before anything is accepted: an iterable that throws (a revoked Proxy, a
      // generator's own error) refuses the call and leaves no task behind.
      list = readOptions('submitAll() inputs', () => {
        if (inputs === null || typeof (inputs as Partial<Iterable<I>>)?.[Symbol.iterator] !== 'function') {
          throw argTypeError(`submitAll() takes an iterable of inputs, received ${describe(inputs)}`);
        }
        return Array.isArray(inputs) ? (inputs as I[]).slice() : Array.from(inputs);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    const outcomes = new Array<Outcome<I, O>>(list.length);
    if (list.length === 0) return Promise.resolve(outcomes);
    return new Promise((resolve) => {
      let left = list.length;
      for (let index = 0; index < list.length; index++) {
        const task = new Task<I, O>(list[index], options, TO_CALLBACK);
        const callback = (ok: boolean, value: unknown, input: I) => {
          outcomes[index] = ok ? { ok: true, input, value: value as O } : { ok: false, input, error: value };
          if (--left === 0) resolve(outcomes);
        };
        task.callback = callback;
        task.reject = (error) => callback(false, error, task.input);
        // The pool may end (or the signal abort) while later inputs wait: those are refused, as outcomes.
        if (this.#state !== 'open') task.reject(this.#closedError());
        else this.#dispatch(task);
      }
    });
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
   * Cancels every waiting task now and returns how many: each rejects with an AbortError whose
   * `cause` is a PoolClearedError, and counts as cancelled. Running tasks go on; the pool stays
   * open. Callers blocked on a full queue are not waiting tasks: they move into the room.
   */
  clear(): number {
    if (this.#state === 'closed') return 0;
    const reason = new PoolClearedError();
    let cleared = 0;
    this.#batch(() => {
      for (const task of this.#feed.drain()) {
        if (this.#cancelWaiting(task, abortError(reason), false)) cleared++;
      }
      cleared += this.#claimUnreachable(abortError(reason));
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
    this.#refuseBlocked();
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
    let force = false;
    try {
      force = readOptions('stop options', () => {
        checkOptions('stop options', options);
        return options?.force === undefined ? false : checkBoolean('force', options.force);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'closed') return this.#ending!;
    if (this.#state !== 'stopping') {
      this.#state = 'stopping';
      this.#paused = false; // nothing starts while stopping anyway
      this.#wasStopped = true;
      this.#feed.queue.close();
      this.#refuseBlocked();
      const stopped = stoppedBeforeStart();
      this.#batch(() => {
        this.#cancelAllWaiting(stopped);
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
      this.#dispatch(task);
    });
  }

  #closedError(): Error {
    return this.#wasStopped
      ? new PoolStoppedError('the pool was stopped and accepts no new tasks')
      : new PoolClosedError();
  }

  /** Hands a task to the queue, or lines its caller up until there is room (see Feed). */
  #dispatch(task: Task<I, O>): void {
    const signal = task.options?.signal;
    if (signal !== undefined) this.#signals.watch(signal, task);
    const feed = this.#feed;
    if (feed.offer(task)) {
      this.#pump();
    } else if (feed.queue.closed) {
      this.#refuseTask(task, this.#closedError());
    } else if (this.#onFull === 'wait') {
      feed.block(task);
      this.#waitForItem();
    } else {
      // A rendezvous queue takes an item only while a pop waits: offer one, then try again.
      this.#waitForItem();
      if (feed.offer(task)) this.#pump();
      else this.#refuseTask(task, new QueueFullError('the queue is full (onFull: reject)'));
    }
  }

  /** Cancels every waiting task (stop), those inside a pending pop() included. */
  #cancelAllWaiting(error: unknown): void {
    for (const task of this.#feed.drain()) this.#cancelWaiting(task, error, false);
    this.#claimUnreachable(error);
  }

  /**
   * After every waiting task in reach was cancelled, the ones still counted as waiting are inside
   * pending pops: they are cancelled now (counted) and settle with `error` when they arrive.
   * Returns how many.
   */
  #claimUnreachable(error: unknown): number {
    const unreachable = this.#counters.waiting;
    this.#claims.claim(unreachable, error);
    for (let i = 0; i < unreachable; i++) this.#counters.cancelWaiting();
    return unreachable;
  }

  /**
   * A task a pop() delivered, or one about to start or be cancelled: if a claim counted it as
   * cancelled already, it settles with the claim's error now, and true is returned.
   */
  #claimed(task: Task<I, O>): boolean {
    if (task.status !== WAITING || !this.#claims.pending) return false;
    const claim = this.#claims.take(task.epoch);
    if (claim === undefined) return false;
    task.status = DONE;
    this.#feed.remove(task, false);
    this.#deliver(task, false, claim.error);
    return true;
  }

  /** The queue took the task: count it and tell an enqueue()/dispatch() caller. */
  #accept(task: Task<I, O>): void {
    task.status = WAITING;
    task.epoch = this.#claims.epoch;
    this.#counters.accept();
    this.#latency?.stamp(task);
    const accepted = task.accepted;
    if (accepted !== undefined) {
      task.accepted = undefined;
      accepted();
    }
  }

  /** A task that was never accepted ends: its caller's promise rejects. */
  #refuseTask(task: Task<I, O>, error: unknown): void {
    if (task.list !== null) this.#feed.blocked.remove(task);
    task.status = DONE;
    const signal = task.options?.signal;
    if (signal !== undefined) this.#signals.unwatch(signal, task);
    task.reject!(error);
  }

  /** Refuses every blocked caller: the pool is ending. They were never accepted. */
  #refuseBlocked(): void {
    const blocked = this.#feed.blocked;
    for (let task = blocked.head; task !== null; task = blocked.head) {
      this.#refuseTask(task, this.#closedError());
    }
  }

  /** One signal aborted: every task still watched on it ends, in one pass. */
  #onSignalAbort(tasks: Task<I, O>[], signal: AbortSignal): void {
    this.#batch(() => {
      for (const task of tasks) {
        if (task.status === WAITING) {
          this.#cancelWaiting(task, abortError(signal.reason), true);
        } else if (task.status === RUNNING) {
          const error = abortError(signal.reason);
          this.#tries.cancel(task, error);
          this.#finish(task, CANCELLED, error);
        } else if (task.status !== DONE) {
          this.#refuseTask(task, abortError(signal.reason)); // blocked: never accepted
        }
      }
    });
  }

  /** Cancels many tasks in one go: pumps once at the end, not once per task. */
  #batch(cancel: () => void): void {
    this.#holdPump++;
    try {
      cancel();
    } finally {
      this.#holdPump--;
    }
    this.#pump();
  }

  /**
   * A waiting task is cancelled: it leaves the queue at once when the queue can remove items
   * (`inQueue`), freeing its room (and, behind a rate limit, never using a slot); otherwise it
   * stays as a tombstone the pump skips. False if it was not waiting.
   */
  #cancelWaiting(task: Task<I, O>, error: unknown, inQueue: boolean): boolean {
    if (task.status !== WAITING || this.#claimed(task)) return false;
    task.status = DONE;
    this.#feed.remove(task, inQueue);
    this.#counters.cancelWaiting();
    this.#deliver(task, false, error);
    this.#pump();
    return true;
  }

  /** stop({ force: true }): every running task is cancelled, its try aborted. */
  #cancelRunning(): void {
    const error = new PoolStoppedError('the pool was force-stopped while this task ran');
    this.#stopController.abort(error);
    this.#batch(() => {
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

  /** Starts tasks while slots are free. Re-entrant calls (a task settling synchronously) loop instead. */
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
        if (this.#batcher !== undefined) {
          this.#pumpBatches(this.#batcher);
          continue;
        }
        while (
          this.#counters.running < this.#limit &&
          !this.#paused &&
          this.#state !== 'closed' &&
          !this.#resultsFull()
        ) {
          if (this.#state === 'stopping') break; // stop() drained the queue; nothing more starts
          const task = this.#takeStartable();
          if (task === undefined) break;
          this.#start(task);
          if (this.#feed.blocked.length > 0) this.#feed.admit();
        }
        if (this.#feed.blocked.length > 0) this.#feed.admit();
      } while (this.#repump);
    } finally {
      this.#pumping = false;
    }
    this.#waitForItem();
    this.#check();
  }

  /**
   * A batching pool's invoke: the try joins the batcher's ready line. Inside the pump it is
   * picked up into the batch being filled; from anywhere else (a retry's timer) it pumps.
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
      if (task.status !== WAITING || this.#claimed(task)) continue; // a tombstone, or claimed
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

  /** Whether the pump may start a new task now (slots aside). */
  #mayStart(): boolean {
    return !this.#paused && this.#state !== 'stopping' && this.#state !== 'closed' && !this.#resultsFull();
  }

  /**
   * The pump of a batching pool: while a slot (one backend call) is free, fills one batch —
   * retries and re-runs first, then tasks that wait now — and sends it. A batch takes only
   * what is already here: with one task waiting it is a batch of one, sent at once.
   */
  #pumpBatches(batcher: Batcher<I, O>): void {
    while (batcher.busy < this.#limit && this.#state !== 'closed') {
      // Each batch is a fair share of what waits — what one slot would run next anyway — over
      // all slots, not only the free ones: one free slot must not take everything.
      const k = batcher.size(this.#counters.waiting + batcher.readyCount, this.#limit);
      const batch: Pending<I, O>[] = [];
      batcher.takeReady(batch, k);
      // A ready try that could not join stays first for the next batch.
      if (batcher.readyCount === 0) this.#fillBatch(batcher, batch, k);
      if (batch.length === 0) break;
      batcher.send(batch);
    }
    if (this.#feed.blocked.length > 0) this.#feed.admit();
  }

  /** Starts waiting tasks into `batch` while they fit and the pool may start them. */
  #fillBatch(batcher: Batcher<I, O>, batch: Pending<I, O>[], k: number): void {
    while (batch.length < k && this.#mayStart()) {
      const task = this.#takeStartable();
      if (task === undefined) break;
      if (batch.length > 0 && !sameBatch(batch[0].options, task.options)) {
        this.#feed.putBack(task); // first of the next batch
        break;
      }
      this.#start(task); // begin() hands the try to the batcher's ready line: take it from there
      batch.push(batcher.takeLast()!);
      if (this.#feed.blocked.length > 0) this.#feed.admit();
    }
  }

  /** Keeps a pop() pending while a slot is free (see Feed.waitForItem). */
  #waitForItem(): void {
    if (this.#paused || this.#state === 'stopping') return;
    if (this.#resultsFull()) return;
    const free = this.#limit - (this.#batcher === undefined ? this.#counters.running : this.#batcher.busy);
    if (this.#feed.waitForItem(free)) queueMicrotask(() => this.#state !== 'closed' && this.#pump());
  }

  /** The pending pop() brought a task (now held): start it, unless the pool stopped meanwhile. */
  #popped(): void {
    if (this.#state === 'stopping') this.#cancelAllWaiting(stoppedBeforeStart());
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
    return this.#counters.empty && this.#feed.blocked.length === 0 && !this.#claims.pending;
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

function stoppedBeforeStart(): PoolStoppedError {
  return new PoolStoppedError('the pool was stopped before this task started');
}

/** Listens to `event` on `queue` when the queue is an emitter (has `on`). */
function relay(queue: WorkQueue<unknown>, event: string, listener: () => void): void {
  const on = (queue as { on?: unknown }).on;
  if (typeof on === 'function') on.call(queue, event, listener);
}
