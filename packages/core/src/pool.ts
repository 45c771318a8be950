import { availableParallelism } from 'node:os';
import { ChannelQueue } from './channel-queue.js';
import type {
  Backend,
  Executor,
  Outcome,
  RunOptions,
  TaskContext,
  Transferable,
  WorkQueue,
} from './contracts.js';
import { Emitter } from './emitter.js';
import { abortError, PoolClosedError, PoolStoppedError, TaskTimeoutError } from './errors.js';
import { InlineBackend, isThenable, kInvoke } from './inline-backend.js';
import { neverAborted } from './never-aborted.js';
import { type ResolvedRetry, type RetryPolicy, resolveRetry } from './retry.js';
import { checkInteger, checkObject, checkOptions, checkSignal, describe } from './validate.js';

/** Where a pool is in its life. Transitions: open → closing → closed, open/closing → stopping → closed. */
export type PoolState = 'open' | 'closing' | 'stopping' | 'closed';

/**
 * Counters of accepted tasks. At every moment a caller can observe:
 * `submitted = waiting + running + succeeded + failed + cancelled`.
 */
export interface PoolStats {
  /** Tasks the queue accepted. A caller still blocked on a full queue is not counted. */
  readonly submitted: number;
  /** Accepted, not started (in the queue). */
  readonly waiting: number;
  /** Started, not settled (including a retry's backoff). */
  readonly running: number;
  readonly succeeded: number;
  /** Failed after its last try; a timeout counts here. */
  readonly failed: number;
  /** Cancelled by stop() or by an abort signal. */
  readonly cancelled: number;
}

/** Options of one task. */
export interface TaskOptions {
  /** Higher starts first, with a queue that orders by priority. Default 0. */
  priority?: number;
  /** Cancels the task: while waiting for room (never accepted), while queued, or while running. */
  signal?: AbortSignal;
  /** ms of execution per try; overrides the pool's `timeout`. */
  timeout?: number;
  /** Named entry point for backends that have several (piscina's named exports). */
  task?: string;
  /** Transferables handed to a thread without copying. */
  transfer?: readonly Transferable[];
}

/** Options of {@link Pool}. Give exactly one of `backend` and `executor`. */
export interface PoolOptions<I, O> {
  /** Where tasks run. The pool closes it when the pool closes. */
  backend?: Backend<I, O>;
  /** Shorthand for `backend: new InlineBackend(executor, { concurrency })`. */
  executor?: Executor<I, O>;
  /** Tasks in flight at once. Default: `backend.concurrency`, or available cores with an executor. */
  concurrency?: number;
  /** The queue between callers and the pool; the pool owns it (closes it). Default: a ChannelQueue. */
  queue?: WorkQueue<unknown>;
  /** Capacity of the default queue (ignored with `queue`). Default 1024; 0 = rendezvous; Infinity allowed. */
  capacity?: number;
  /** Keep outcomes of `enqueue()`d tasks for tryResult/nextResult/results. Default false. */
  keepResults?: boolean;
  /** Outcomes kept before the pool stops starting tasks until some are read. Default 1024. */
  resultsCapacity?: number;
  /** ms of execution per try (time in the queue excluded). Default: none. */
  timeout?: number;
  /** Extra tries on failure (a number), or a {@link RetryPolicy}. Default 0. */
  retries?: number | RetryPolicy;
  /** Aborting it stops the pool (like `stop()`). */
  signal?: AbortSignal;
}

/** Events of a {@link Pool}. */
export interface PoolEvents<I> {
  [event: string]: unknown[];
  /** Nothing waits in the queue any more (tasks may still run). */
  drain: [];
  /** Nothing waits or runs. */
  idle: [];
  /** An `enqueue()`d task failed (its outcome also goes to the results buffer when kept). */
  error: [error: unknown, input: I];
}

// Task status. NEW: not accepted yet (its caller may be waiting for room). A task is accepted
// synchronously right after the queue takes it, so every task a pop returns is WAITING or DONE.
const NEW = 0;
const WAITING = 1;
const RUNNING = 2;
const DONE = 3;

// Where a task's outcome goes.
const TO_PROMISE = 0;
const TO_RESULTS = 1;
const TO_CALLBACK = 2;

/** @internal Receives the outcome of a task dispatched by run()/map(). */
export type OutcomeCallback<I> = (ok: boolean, value: unknown, input: I, cancelled: boolean) => void;

/** One try of a task: the context the executor sees and the options the backend gets. */
class Attempt implements TaskContext, RunOptions {
  controller: AbortController | undefined = undefined;
  task?: string;
  transfer?: readonly Transferable[];
  constructor(
    readonly attempt: number,
    /** False when nothing can cancel this try: no timeout and no task signal. */
    readonly cancellable: boolean,
  ) {}
  // Made on first use, and only for a try that something can cancel: materialising an
  // AbortController costs a tiny task about 7 µs (measured through a backend that reads
  // `signal`), ten times the rest of the pool's work per task.
  get signal(): AbortSignal {
    if (!this.cancellable) return neverAborted;
    if (this.controller === undefined) this.controller = new AbortController();
    return this.controller.signal;
  }
  abort(reason: unknown): void {
    if (this.controller === undefined) this.controller = new AbortController();
    this.controller.abort(reason);
  }
}

class Task<I, O> {
  status = NEW;
  attempts = 0;
  current: Attempt | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolve: ((value: O) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  callback: OutcomeCallback<I> | undefined = undefined;
  /** enqueue()/dispatch(): resolves the caller's promise once the task is accepted. */
  accepted: (() => void) | undefined = undefined;
  // Links in the pool's line of callers blocked on a full queue (see Pool.#dispatch).
  prev: Task<I, O> | undefined = undefined;
  next: Task<I, O> | undefined = undefined;
  constructor(
    readonly input: I,
    readonly options: TaskOptions | undefined,
    readonly sink: number,
  ) {}
}

/**
 * A long-lived work pool: tasks go through a {@link WorkQueue} to a {@link Backend}, at most
 * `concurrency` at a time, with timeouts, retries, cancellation and counters that always add up.
 *
 * - `submit()` gives each task's result through its promise;
 * - `enqueue()` resolves once the task is accepted and sends its {@link Outcome} to a bounded
 *   results buffer read with `tryResult()` / `nextResult()` / `results()` (`keepResults: true`);
 * - `close()` finishes everything accepted; `stop()` cancels what waits and lets what runs finish.
 *
 * Backpressure is end to end: a full queue makes `submit`/`enqueue` wait; a full results buffer
 * makes the pool wait.
 *
 * @example
 * const pool = new Pool({ executor: async (n: number) => n * n, concurrency: 4 });
 * const squares = await Promise.all([1, 2, 3].map((n) => pool.submit(n)));
 * await pool.close();
 */
export class Pool<I = unknown, O = unknown> extends Emitter<PoolEvents<I>> {
  readonly concurrency: number;
  readonly backend: Backend<I, O>;
  readonly #queue: WorkQueue<Task<I, O>>;
  readonly #timeout: number;
  readonly #retry: ResolvedRetry;
  readonly #keepResults: boolean;
  readonly #resultsCapacity: number;
  readonly #invoke: ((input: I, ctx: TaskContext) => O | Promise<O>) | undefined;

  #state: PoolState = 'open';
  #submitted = 0;
  #waiting = 0;
  #running = 0;
  #succeeded = 0;
  #failed = 0;
  #cancelled = 0;

  // Callers blocked on a full queue, not yet accepted or refused, oldest first: an intrusive
  // list through Task.prev/next, so waiting for room allocates nothing (see #dispatch).
  #blockedHead: Task<I, O> | undefined = undefined;
  #blockedTail: Task<I, O> | undefined = undefined;
  #held: Task<I, O> | undefined = undefined; // taken by a pending pop() while every slot was busy
  #popping = false;
  #pumping = false;
  #repump = false;
  #backoff = new Set<Task<I, O>>();
  #busy = false; // for 'idle' transitions
  #queued = false; // a backlog was seen: 'drain' fires when it is gone

  #results: Outcome<I, O>[] = [];
  #resultsHead = 0;
  #resultsInFlight = 0; // running enqueue()d tasks whose outcomes will need a place
  #resultWaiters: Array<(outcome: Outcome<I, O> | undefined) => void> = [];
  #idleWaiters: Array<() => void> = [];
  #quiet: Array<() => void> = []; // resolved when nothing waits, runs or is being pushed
  #ending: Promise<void> | undefined = undefined;
  #wasStopped = false;
  #unlinkSignal: (() => void) | undefined = undefined;

  constructor(options: PoolOptions<I, O>) {
    super();
    checkObject('Pool options', options);
    const { backend, executor } = options;
    if ((backend === undefined) === (executor === undefined)) {
      throw new TypeError('Pool needs exactly one of backend and executor');
    }
    if (executor !== undefined && typeof executor !== 'function') {
      throw new TypeError(`executor must be a function, received ${describe(executor)}`);
    }
    if (backend !== undefined) checkBackend(backend);
    const concurrency =
      options.concurrency === undefined
        ? (backend?.concurrency ?? availableParallelism())
        : checkInteger('concurrency', options.concurrency, 1);
    this.concurrency = Number.isFinite(concurrency) ? concurrency : availableParallelism();
    this.backend = backend ?? new InlineBackend(executor!, { concurrency: this.concurrency });
    // The fast path calls the executor directly, skipping the backend's own slots: only safe for
    // a backend this pool made and nobody else can reach.
    this.#invoke =
      backend === undefined ? (this.backend as InlineBackend<I, O>)[kInvoke].bind(this.backend) : undefined;

    if (options.queue !== undefined) {
      checkQueue(options.queue);
      if (options.capacity !== undefined) {
        throw new TypeError('Pool takes capacity or queue, not both (capacity sizes the default queue)');
      }
      this.#queue = options.queue as WorkQueue<Task<I, O>>;
    } else {
      const capacity =
        options.capacity === undefined
          ? 1024
          : checkInteger('capacity', options.capacity, 0, { allowInfinity: true });
      this.#queue = new ChannelQueue<Task<I, O>>({ capacity });
    }
    this.#timeout = options.timeout === undefined ? 0 : checkTimeout('timeout', options.timeout);
    this.#retry = resolveRetry('retries', options.retries);
    if (options.keepResults !== undefined && typeof options.keepResults !== 'boolean') {
      throw new TypeError(`keepResults must be a boolean, received ${describe(options.keepResults)}`);
    }
    this.#keepResults = options.keepResults ?? false;
    this.#resultsCapacity =
      options.resultsCapacity === undefined
        ? 1024
        : checkInteger('resultsCapacity', options.resultsCapacity, 1, { allowInfinity: true });
    const signal = checkSignal('signal', options.signal);
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
    return {
      submitted: this.#submitted,
      waiting: this.#waiting,
      running: this.#running,
      succeeded: this.#succeeded,
      failed: this.#failed,
      cancelled: this.#cancelled,
    };
  }

  /**
   * Runs `input` and resolves with its result (or rejects with its error). Waits while the
   * queue is full; rejects with PoolClosedError/PoolStoppedError if the pool ends meanwhile,
   * and with an AbortError if `options.signal` aborts.
   */
  submit(input: I, options?: TaskOptions): Promise<O> {
    const refused = this.#refuse(options);
    if (refused !== undefined) return Promise.reject(refused);
    const task = new Task<I, O>(input, options, TO_PROMISE);
    return new Promise<O>((resolve, reject) => {
      task.resolve = resolve;
      task.reject = reject;
      this.#dispatch(task);
    });
  }

  /**
   * Accepts `input` (waiting while the queue is full) and resolves once it is queued. Its
   * outcome goes to the results buffer when `keepResults` is on; a failure is also emitted as 'error'.
   */
  enqueue(input: I, options?: TaskOptions): Promise<void> {
    const refused = this.#refuse(options);
    if (refused !== undefined) return Promise.reject(refused);
    const task = new Task<I, O>(input, options, TO_RESULTS);
    return new Promise<void>((resolve, reject) => {
      task.reject = reject;
      task.accepted = resolve;
      this.#dispatch(task);
    });
  }

  /** @internal For run()/map(): like enqueue, with the outcome handed to `callback`. */
  dispatch(input: I, options: TaskOptions | undefined, callback: OutcomeCallback<I>): Promise<void> {
    const refused = this.#refuse(options);
    if (refused !== undefined) return Promise.reject(refused);
    const task = new Task<I, O>(input, options, TO_CALLBACK);
    task.callback = callback;
    return new Promise<void>((resolve, reject) => {
      task.reject = reject;
      task.accepted = resolve;
      this.#dispatch(task);
    });
  }

  /** The next kept outcome, if one is ready; `done` is true once nothing more can come. Never waits. */
  tryResult(): { outcome: Outcome<I, O> | undefined; done: boolean } {
    this.#requireResults('tryResult');
    const outcome = this.#shiftResult();
    return { outcome, done: outcome === undefined && this.#done() };
  }

  /** The next kept outcome, waiting for one; `undefined` once nothing more can come. */
  nextResult(): Promise<Outcome<I, O> | undefined> {
    this.#requireResults('nextResult');
    const outcome = this.#shiftResult();
    if (outcome !== undefined) return Promise.resolve(outcome);
    if (this.#done()) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#resultWaiters.push(resolve));
  }

  /** Every kept outcome, in completion order, until the pool is done. */
  async *results(): AsyncIterableIterator<Outcome<I, O>> {
    this.#requireResults('results');
    for (;;) {
      const outcome = await this.nextResult();
      if (outcome === undefined) return;
      yield outcome;
    }
  }

  /** Resolves when nothing waits or runs (at once if that is already so). */
  onIdle(): Promise<void> {
    if (this.#isQuiet()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Graceful end: refuses new work (callers blocked on a full queue reject with PoolClosedError),
   * runs everything accepted, then closes the backend. Idempotent; the same promise every time.
   */
  close(): Promise<void> {
    if (this.#ending !== undefined) return this.#ending;
    this.#state = 'closing';
    this.#queue.close();
    this.#refuseBlocked();
    this.#ending = this.#end();
    this.#pump();
    return this.#ending;
  }

  /**
   * Immediate end: refuses new work, cancels every waiting task (it rejects with PoolStoppedError
   * and counts as cancelled), lets running tasks finish, then closes the backend. Idempotent;
   * during close() it skips what still waits.
   */
  stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'closed') return this.#ending!;
    this.#state = 'stopping';
    this.#wasStopped = true;
    this.#queue.close();
    this.#refuseBlocked();
    const stopped = new PoolStoppedError('the pool was stopped before this task started');
    for (const task of this.#queue.drain()) this.#cancelWaiting(task, stopped);
    if (this.#held !== undefined) {
      const held = this.#held;
      this.#held = undefined;
      this.#cancelWaiting(held, stopped);
    }
    for (const task of [...this.#backoff]) this.#settle(task, false, stopped, true);
    this.#ending ??= this.#end();
    this.#check();
    return this.#ending;
  }

  /** `await using pool = new Pool(...)` closes it gracefully at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ── acceptance ────────────────────────────────────────────────────────────────

  #refuse(options: TaskOptions | undefined): Error | undefined {
    if (this.#state !== 'open') return this.#closedError();
    if (options !== undefined) {
      try {
        checkTaskOptions(options);
      } catch (error) {
        return error as Error;
      }
      if (options.signal?.aborted) return abortError(options.signal.reason);
    }
    return undefined;
  }

  #closedError(): Error {
    return this.#wasStopped
      ? new PoolStoppedError('the pool was stopped and accepts no new tasks')
      : new PoolClosedError();
  }

  /**
   * Hands a task to the queue, or lines its caller up until there is room. The pool is its
   * queue's only consumer, so room appears only when the pool itself pops: right then,
   * #admitBlocked moves the oldest blocked callers in with tryPush. Waiting thus costs no
   * promise and no closure beyond the caller's own (queue.push would add a waiter, a promise
   * and two continuations per caller: 3× slower when most callers wait).
   */
  #dispatch(task: Task<I, O>): void {
    if (this.#blockedHead === undefined && this.#queue.tryPush(task, task.options)) {
      this.#accept(task);
      this.#pump();
      return;
    }
    if (this.#queue.closed) {
      task.status = DONE;
      task.reject!(this.#closedError());
      return;
    }
    task.prev = this.#blockedTail;
    if (this.#blockedTail === undefined) this.#blockedHead = task;
    else this.#blockedTail.next = task;
    this.#blockedTail = task;
    const signal = task.options?.signal;
    if (signal !== undefined) {
      // Aborted while waiting for room: it leaves the line and was never accepted.
      task.onAbort = () => {
        this.#unblock(task);
        task.status = DONE;
        task.reject!(abortError(signal.reason));
        this.#check();
      };
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    // A rendezvous queue only takes an item when a pop waits for it.
    this.#waitForItem();
  }

  #unblock(task: Task<I, O>): void {
    if (task.prev === undefined) this.#blockedHead = task.next;
    else task.prev.next = task.next;
    if (task.next === undefined) this.#blockedTail = task.prev;
    else task.next.prev = task.prev;
    task.prev = undefined;
    task.next = undefined;
    if (task.onAbort !== undefined) {
      task.options!.signal!.removeEventListener('abort', task.onAbort);
      task.onAbort = undefined;
    }
  }

  /** Moves blocked callers into the queue while it takes them, oldest first. */
  #admitBlocked(): void {
    for (let task = this.#blockedHead; task !== undefined; task = this.#blockedHead) {
      if (!this.#queue.tryPush(task, task.options)) return;
      this.#unblock(task);
      this.#accept(task);
    }
  }

  /** Refuses every blocked caller: the pool is ending. They were never accepted. */
  #refuseBlocked(): void {
    while (this.#blockedHead !== undefined) {
      const task = this.#blockedHead;
      this.#unblock(task);
      task.status = DONE;
      task.reject!(this.#closedError());
    }
  }

  /** The queue took the task: count it, watch its signal, and tell an enqueue()/dispatch() caller. */
  #accept(task: Task<I, O>): void {
    task.status = WAITING;
    this.#submitted++;
    this.#waiting++;
    const signal = task.options?.signal;
    if (signal !== undefined) {
      task.onAbort = () => this.#onTaskAbort(task);
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    const accepted = task.accepted;
    if (accepted !== undefined) {
      task.accepted = undefined;
      accepted();
    }
  }

  #onTaskAbort(task: Task<I, O>): void {
    const error = abortError(task.options!.signal!.reason);
    if (task.status === WAITING) {
      // It stays in the queue as a tombstone; the pump skips it.
      this.#cancelWaiting(task, error);
    } else if (task.status === RUNNING) {
      task.current?.abort(error);
      this.#settle(task, false, error, true);
    }
  }

  #cancelWaiting(task: Task<I, O>, error: unknown): void {
    if (task.status !== WAITING) return;
    task.status = DONE;
    this.#waiting--;
    this.#cancelled++;
    this.#deliver(task, false, error, true);
    this.#check();
  }

  // ── scheduling ─────────────────────────────────────────────────────────────────

  #resultsFull(): boolean {
    return (
      this.#keepResults &&
      this.#state === 'open' &&
      this.#results.length - this.#resultsHead + this.#resultsInFlight >= this.#resultsCapacity
    );
  }

  /** Starts tasks while slots are free. Re-entrant calls (a task settling synchronously) loop instead. */
  #pump(): void {
    if (this.#pumping) {
      this.#repump = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#repump = false;
        while (this.#running < this.concurrency && this.#state !== 'closed' && !this.#resultsFull()) {
          let task = this.#held;
          if (task !== undefined) this.#held = undefined;
          else if (this.#state === 'stopping') break;
          else task = this.#queue.tryPop();
          if (task === undefined) break;
          if (task.status !== WAITING) continue; // cancelled while it waited
          // Its signal may have aborted with its listener not yet run (several tasks share one
          // signal, and cancelling a running one freed this slot): it must never start.
          if (task.options?.signal?.aborted) {
            this.#cancelWaiting(task, abortError(task.options.signal.reason));
            continue;
          }
          this.#start(task);
          if (this.#blockedHead !== undefined) this.#admitBlocked();
        }
        if (this.#blockedHead !== undefined) this.#admitBlocked();
      } while (this.#repump);
    } finally {
      this.#pumping = false;
    }
    this.#waitForItem();
    this.#check();
  }

  /**
   * Keeps one pop() pending when a slot is free but tryPop() found nothing it may take now:
   * a rate limiter holding items back, a rendezvous queue, or a pusher waiting for room.
   */
  #waitForItem(): void {
    if (this.#popping || this.#held !== undefined || this.#state === 'stopping') return;
    if (this.#running >= this.concurrency || this.#resultsFull()) return;
    const queue = this.#queue;
    if (queue.size === 0 && queue.capacity !== 0 && this.#blockedHead === undefined) return;
    if (queue.closed && queue.size === 0) return;
    this.#popping = true;
    queue.pop().then(
      (task) => {
        this.#popping = false;
        if (task?.status === WAITING) {
          if (this.#state === 'stopping') {
            this.#cancelWaiting(task, new PoolStoppedError('the pool was stopped before this task started'));
          } else {
            this.#held = task;
          }
        }
        this.#pump();
      },
      (error: unknown) => {
        this.#popping = false;
        this.emit('error', error, undefined as I);
      },
    );
    // With a pop waiting, a rendezvous queue takes an item from tryPush.
    if (this.#blockedHead !== undefined) this.#admitBlocked();
  }

  #start(task: Task<I, O>): void {
    task.status = RUNNING;
    this.#waiting--;
    this.#running++;
    this.#busy = true;
    if (task.sink === TO_RESULTS && this.#keepResults) this.#resultsInFlight++;
    this.#attempt(task);
  }

  #attempt(task: Task<I, O>): void {
    const options = task.options;
    const timeout = options?.timeout ?? this.#timeout;
    const timed = timeout > 0 && timeout !== Number.POSITIVE_INFINITY;
    // stop() lets running tasks finish, so only a timeout or the task's own signal can cancel a try.
    const attempt = new Attempt(++task.attempts, timed || options?.signal !== undefined);
    if (options !== undefined) {
      if (options.task !== undefined) attempt.task = options.task;
      if (options.transfer !== undefined) attempt.transfer = options.transfer;
    }
    task.current = attempt;
    if (timed) {
      task.timer = setTimeout(() => {
        if (task.current !== attempt) return;
        const error = new TaskTimeoutError(timeout);
        attempt.abort(error);
        this.#tried(task, attempt, false, error);
      }, timeout);
    }
    let result: O | Promise<O>;
    try {
      result =
        this.#invoke !== undefined
          ? this.#invoke(task.input, attempt)
          : this.backend.run(task.input, attempt);
    } catch (error) {
      this.#tried(task, attempt, false, error);
      return;
    }
    if (isThenable(result)) {
      (result as PromiseLike<O>).then(
        (value) => this.#tried(task, attempt, true, value),
        (error: unknown) => this.#tried(task, attempt, false, error),
      );
    } else {
      this.#tried(task, attempt, true, result);
    }
  }

  /** One try ended. A stale try (timed out or cancelled before it settled) is ignored. */
  #tried(task: Task<I, O>, attempt: Attempt, ok: boolean, value: unknown): void {
    if (task.current !== attempt || task.status !== RUNNING) return;
    task.current = undefined;
    if (task.timer !== undefined) {
      clearTimeout(task.timer);
      task.timer = undefined;
    }
    if (
      !ok &&
      task.attempts < this.#retry.attempts &&
      this.#state !== 'stopping' &&
      !task.options?.signal?.aborted &&
      this.#retry.shouldRetry(value)
    ) {
      this.#backoff.add(task);
      task.timer = setTimeout(() => {
        task.timer = undefined;
        this.#backoff.delete(task);
        if (task.status === RUNNING) this.#attempt(task);
      }, this.#retry.delay(task.attempts));
      return;
    }
    this.#settle(task, ok, value, false);
  }

  /** A running task ends for good. */
  #settle(task: Task<I, O>, ok: boolean, value: unknown, cancelled: boolean): void {
    if (task.status !== RUNNING) return;
    task.status = DONE;
    task.current = undefined;
    if (task.timer !== undefined) {
      clearTimeout(task.timer);
      task.timer = undefined;
    }
    this.#backoff.delete(task);
    this.#running--;
    if (ok) this.#succeeded++;
    else if (cancelled) this.#cancelled++;
    else this.#failed++;
    if (task.sink === TO_RESULTS && this.#keepResults) this.#resultsInFlight--;
    this.#deliver(task, ok, value, cancelled);
    this.#pump();
  }

  #deliver(task: Task<I, O>, ok: boolean, value: unknown, cancelled: boolean): void {
    if (task.onAbort !== undefined) {
      task.options!.signal!.removeEventListener('abort', task.onAbort);
      task.onAbort = undefined;
    }
    switch (task.sink) {
      case TO_PROMISE:
        if (ok) task.resolve!(value as O);
        else task.reject!(value);
        break;
      case TO_CALLBACK:
        task.callback!(ok, value, task.input, cancelled);
        break;
      default: {
        const outcome: Outcome<I, O> = ok
          ? { ok: true, input: task.input, value: value as O }
          : { ok: false, input: task.input, error: value };
        if (!ok) this.emit('error', value, task.input);
        if (this.#keepResults) {
          const waiter = this.#resultWaiters.shift();
          if (waiter !== undefined) waiter(outcome);
          else this.#results.push(outcome);
        }
      }
    }
  }

  // ── results ────────────────────────────────────────────────────────────────────

  #requireResults(method: string): void {
    if (!this.#keepResults) {
      throw new TypeError(`${method}() needs the pool option keepResults: true (outcomes are not kept)`);
    }
  }

  #shiftResult(): Outcome<I, O> | undefined {
    if (this.#resultsHead === this.#results.length) return undefined;
    const outcome = this.#results[this.#resultsHead];
    this.#results[this.#resultsHead++] = undefined as unknown as Outcome<I, O>;
    if (this.#resultsHead > 1024 && this.#resultsHead * 2 > this.#results.length) {
      this.#results = this.#results.slice(this.#resultsHead);
      this.#resultsHead = 0;
    }
    // Room in the buffer may let the pool start the next task.
    if (this.#state !== 'closed') queueMicrotask(() => this.#pump());
    return outcome;
  }

  // ── ending ─────────────────────────────────────────────────────────────────────

  #isQuiet(): boolean {
    return (
      this.#waiting === 0 &&
      this.#running === 0 &&
      this.#held === undefined &&
      this.#blockedHead === undefined
    );
  }

  #done(): boolean {
    return this.#state !== 'open' && this.#isQuiet() && this.#resultsHead === this.#results.length;
  }

  /** Emits transitions and wakes whoever waits for them. Called after every change of counts. */
  #check(): void {
    if (this.#waiting > 0) {
      this.#queued = true;
    } else if (this.#queued) {
      this.#queued = false;
      this.emit('drain');
    }
    if (!this.#isQuiet()) return;
    if (this.#busy) {
      this.#busy = false;
      this.emit('idle');
    }
    if (this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
    if (this.#quiet.length > 0) {
      const waiters = this.#quiet;
      this.#quiet = [];
      for (const wake of waiters) wake();
    }
    if (this.#done() && this.#resultWaiters.length > 0) {
      const waiters = this.#resultWaiters;
      this.#resultWaiters = [];
      for (const wake of waiters) wake(undefined);
    }
  }

  async #end(): Promise<void> {
    // Let blocked pushers' rejections and pending pops settle, then wait for running tasks.
    await Promise.resolve();
    if (!this.#isQuiet()) await new Promise<void>((resolve) => this.#quiet.push(resolve));
    try {
      await this.backend.close();
    } finally {
      this.#unlinkSignal?.();
      this.#state = 'closed';
      this.#check();
    }
  }
}

function checkTimeout(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, received ${describe(value)}`);
  }
  if (!(value > 0) || value > 2_147_483_647) {
    if (value === Number.POSITIVE_INFINITY) return value;
    throw new RangeError(
      `${name} must be > 0 and ≤ 2147483647 ms (or Infinity), received ${describe(value)}`,
    );
  }
  return value;
}

function checkTaskOptions(options: TaskOptions): void {
  checkOptions('task options', options);
  if (
    options.priority !== undefined &&
    (typeof options.priority !== 'number' || !Number.isFinite(options.priority))
  ) {
    throw new TypeError(`priority must be a finite number, received ${describe(options.priority)}`);
  }
  checkSignal('signal', options.signal);
  if (options.timeout !== undefined) checkTimeout('timeout', options.timeout);
  if (options.task !== undefined && typeof options.task !== 'string') {
    throw new TypeError(`task must be a string, received ${describe(options.task)}`);
  }
  if (options.transfer !== undefined && !Array.isArray(options.transfer)) {
    throw new TypeError(`transfer must be an array, received ${describe(options.transfer)}`);
  }
}

function checkBackend(backend: unknown): void {
  const b = backend as Partial<Backend>;
  if (typeof b !== 'object' || b === null || typeof b.run !== 'function' || typeof b.close !== 'function') {
    throw new TypeError(
      `backend must implement Backend (run and close methods), received ${describe(backend)}`,
    );
  }
  if (typeof b.concurrency !== 'number' || !(b.concurrency >= 1)) {
    throw new TypeError(`backend.concurrency must be a number ≥ 1, received ${describe(b.concurrency)}`);
  }
}

function checkQueue(queue: unknown): void {
  const q = queue as Partial<WorkQueue<unknown>>;
  const methods = ['push', 'tryPush', 'pop', 'tryPop', 'close', 'drain'] as const;
  if (typeof q !== 'object' || q === null || methods.some((m) => typeof q[m] !== 'function')) {
    throw new TypeError(`queue must implement WorkQueue, received ${describe(queue)}`);
  }
}
