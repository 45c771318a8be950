/**
 * Tries, timeouts and retries of running tasks.
 *
 * A running task makes one {@link Attempt} per try. A try ends by settling (the backend's
 * promise), by its timeout, or by being cancelled. Only the current try of a RUNNING task may
 * end it: a try that timed out or was cancelled and settles later is stale and ignored. A failed
 * try is retried after a backoff while the policy allows and the host says the task may go on;
 * otherwise the task ends for good through `host.finish`.
 *
 *   begin ─▶ try 1 ──fail──▶ backoff ─▶ try 2 ──ok──▶ finish(SUCCEEDED)
 *               └──timeout──▶ (retry or) finish(FAILED, TaskTimeoutError)
 *
 * When a try's timeout starts. With a backend that reports starts (`Backend.reportsStart`), a
 * try is handed over with no timeout running — only its `startTimeout`, if any — and its
 * `timeout` starts when the backend calls `started()`:
 *
 *   hand-over ──(startTimeout)──▶ started() ──(timeout)──▶ settled
 *
 * With any other backend the hand-over is the start (a batch's later entries are held, see
 * holdTimer).
 */
import { TaskStartTimeoutError, TaskTimeoutError } from '../errors.js';
import type { ResolvedRetry } from '../retry.js';
import { followThen, thenOf } from '../thenable.js';
import { type Ending, FAILED, SUCCEEDED } from './counters.js';
import type { LatencyRecorder } from './latency.js';
import { Attempt, RUNNING, type StartListener, type Task } from './task.js';
import { openTrace, type TraceSite, traceHandOver, traceSettled, tracing } from './tracing.js';

/** What the tries need from their pool. */
export interface TryHost<I, O> {
  /**
   * Runs one try on the backend: its value, a promise of it, or {@link DEFERRED} — the host
   * will call {@link Tries.settled} itself (a batching pool: no promise, no closures per try).
   */
  invoke(input: I, attempt: Attempt, task: Task<I, O>): O | PromiseLike<O> | typeof DEFERRED;
  /** Whether a failed task may be tried again now (the pool is not stopping, its signal not aborted). */
  mayRetry(task: Task<I, O>): boolean;
  /** The task ended for good. */
  finish(task: Task<I, O>, ending: Ending, value: unknown): void;
}

/** What invoke returns when the host reports the try's outcome through Tries.settled. */
export const DEFERRED: unique symbol = Symbol('poolkit.deferred');

/** The longest delay setTimeout takes as given (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Whether a time limit (0 or Infinity: none) needs a timer. */
function limited(ms: number): boolean {
  return ms > 0 && ms !== Number.POSITIVE_INFINITY;
}

export class Tries<I, O> implements StartListener {
  readonly #host: TryHost<I, O>;
  readonly #timeout: number;
  readonly #startTimeout: number;
  readonly #retry: ResolvedRetry;
  readonly #stop: AbortController;
  readonly #latency: LatencyRecorder | undefined;
  /** The backend calls `started()`: timeouts start there (see the file's comment). */
  readonly reportsStart: boolean;
  /** Whether a task may have a try after its first (retries configured): its submit context is then kept. */
  get mayTryAgain(): boolean {
    return this.#retry.attempts > 1;
  }

  /** Where tries are published on `poolkit:task` (a batching pool's batcher publishes its own). */
  readonly #site: (TraceSite & { readonly batching: boolean }) | undefined;

  constructor(
    host: TryHost<I, O>,
    limits: { timeout: number; startTimeout: number; reportsStart: boolean },
    retry: ResolvedRetry,
    stop: AbortController,
    latency: LatencyRecorder | undefined,
    site?: TraceSite & { readonly batching: boolean },
  ) {
    this.#site = site;
    this.#host = host;
    this.#timeout = limits.timeout;
    this.#startTimeout = limits.startTimeout;
    this.reportsStart = limits.reportsStart;
    this.#retry = retry;
    this.#stop = stop;
    this.#latency = latency;
  }

  /** Starts the next try of a RUNNING task. */
  begin(task: Task<I, O>): void {
    // Published on poolkit:task (the hand-over inside start's stores) when somebody listens; a
    // batching pool's batcher publishes its tries itself, as it sends them.
    const site = this.#site !== undefined && !this.#site.batching && tracing() ? this.#site : undefined;
    const options = task.options;
    const timed = limited(options?.timeout ?? this.#timeout);
    const startTimed = this.reportsStart && limited(options?.startTimeout ?? this.#startTimeout);
    // The pool stamped the first try's start (its queue wait ends there); a retry stamps its own.
    if (task.attempts > 0) this.#latency?.stamp(task);
    const attempt = new Attempt(
      ++task.attempts,
      timed || startTimed || options?.signal !== undefined,
      this.#stop,
      task as Task<unknown, unknown>,
      this,
    );
    if (options !== undefined) {
      if (options.task !== undefined) attempt.task = options.task;
      if (options.transfer !== undefined) attempt.transfer = options.transfer;
    }
    task.current = attempt;
    if (startTimed) this.#armStart(task, attempt, options?.startTimeout ?? this.#startTimeout);
    else if (timed && !this.reportsStart) this.#arm(task, attempt, options?.timeout ?? this.#timeout);
    let result: O | PromiseLike<O> | typeof DEFERRED;
    try {
      if (site === undefined) {
        result = this.#host.invoke(task.input, attempt, task);
      } else {
        const trace = openTrace(site, task, attempt.attempt, undefined);
        attempt.trace = trace;
        result = traceHandOver(trace, task.scope, () => this.#host.invoke(task.input, attempt, task));
      }
    } catch (error) {
      this.#tried(task, attempt, false, error, true);
      return;
    }
    if (result === DEFERRED) return;
    // A result whose `then` cannot be read or throws fails the try as `await` would: begin()
    // never throws (it runs from timers too: a retry's backoff).
    let then: ReturnType<typeof thenOf>;
    try {
      then = thenOf(result);
    } catch (error) {
      this.#tried(task, attempt, false, error, true);
      return;
    }
    if (then === undefined) {
      this.#tried(task, attempt, true, result, true);
      return;
    }
    followThen(
      result,
      then,
      (value) => this.#tried(task, attempt, true, value),
      (error: unknown) => this.#tried(task, attempt, false, error),
    );
  }

  /**
   * The task ends now without its try (cancelled): aborts the current try with `reason`, so the
   * backend stops it, and drops its timer. Its later settlement is stale.
   */
  cancel(task: Task<I, O>, reason: unknown): void {
    const attempt = task.current;
    task.current = undefined;
    this.#clearTimer(task);
    attempt?.abort(reason);
    if (attempt?.trace !== undefined) traceSettled(attempt.trace, false, reason);
  }

  /**
   * The backend says `attempt` began to run (RunOptions.started): with a backend that reports
   * starts its start timer ends and its timeout starts now. Once per try; a stale try is ignored.
   */
  started(attempt: Attempt): void {
    if (attempt.begun) return;
    attempt.begun = true;
    const task = attempt.owner as Task<I, O>;
    if (!this.reportsStart || task.current !== attempt || task.status !== RUNNING) return;
    this.#clearTimer(task);
    const timeout = task.options?.timeout ?? this.#timeout;
    if (limited(timeout)) this.#arm(task, attempt, timeout);
  }

  #armStart(task: Task<I, O>, attempt: Attempt, startTimeout: number): void {
    this.#expire(task, attempt, startTimeout, startTimeout, true);
  }

  #arm(task: Task<I, O>, attempt: Attempt, delay: number, timeout = delay): void {
    this.#expire(task, attempt, delay, timeout, false);
  }

  /**
   * Fails `attempt` after `delay` ms with a TaskTimeoutError (or, for a start timer, a
   * TaskStartTimeoutError) naming `limit` — unless, by then, it settled or its timer was replaced
   * (a start report, a new turn in a batch) or cleared. The verdict waits one turn of the event
   * loop (setImmediate) after the timer fires: on a busy thread an outcome or a start report may
   * already be waiting in the I/O queue behind this timer, and the time it waited there is not
   * the task's. A timer's callback runs before I/O in the same loop iteration; the check phase
   * runs after it.
   */
  #expire(task: Task<I, O>, attempt: Attempt, delay: number, limit: number, start: boolean): void {
    const timer = setTimeout(() => {
      if (task.current !== attempt || task.timer !== timer) return;
      setImmediate(() => {
        if (task.current !== attempt || task.timer !== timer) return;
        const reason = start ? new TaskStartTimeoutError(limit) : new TaskTimeoutError(limit);
        attempt.abort(reason);
        this.#tried(task, attempt, false, reason);
      });
    }, delay);
    task.timer = timer;
  }

  /**
   * Batching: the current try waits behind others in its batch, so its timeout does not run
   * yet; {@link armTimer} starts it when its turn comes.
   */
  holdTimer(task: Task<I, O>, turns: number): void {
    const attempt = task.current;
    if (attempt === undefined || task.timer === undefined) return;
    clearTimeout(task.timer);
    task.held = true;
    // Until its turn is reported, the try may take `turns` timeouts (one per task up to it): a
    // backend that never reports still cannot make it wait forever.
    const timeout = task.options?.timeout ?? this.#timeout;
    this.#arm(task, attempt, Math.min(timeout * turns, MAX_TIMER_MS), timeout);
  }

  /** Starts the timeout of a try held by {@link holdTimer}, now. */
  armTimer(task: Task<I, O>): void {
    if (!task.held) return;
    task.held = false;
    const attempt = task.current;
    if (attempt !== undefined && task.status === RUNNING) {
      if (task.timer !== undefined) clearTimeout(task.timer);
      this.#arm(task, attempt, task.options?.timeout ?? this.#timeout);
    }
  }

  /** Drops a finished task's timer and current try. */
  end(task: Task<I, O>): void {
    task.current = undefined;
    this.#clearTimer(task);
  }

  /** True while the task waits out a retry's backoff (no try in flight). */
  inBackoff(task: Task<I, O>): boolean {
    return task.current === undefined && task.timer !== undefined;
  }

  #clearTimer(task: Task<I, O>): void {
    task.held = false;
    if (task.timer !== undefined) {
      clearTimeout(task.timer);
      task.timer = undefined;
    }
  }

  /** A deferred try (see {@link DEFERRED}) ended. */
  settled(task: Task<I, O>, attempt: Attempt, ok: boolean, value: unknown): void {
    this.#tried(task, attempt, ok, value);
  }

  /** One try ended. A stale try (timed out or cancelled before it settled) is ignored. */
  #tried(task: Task<I, O>, attempt: Attempt, ok: boolean, value: unknown, sync = false): void {
    if (task.current !== attempt || task.status !== RUNNING) return;
    task.current = undefined;
    this.#clearTimer(task);
    if (attempt.trace !== undefined) traceSettled(attempt.trace, ok, value);
    const latency = this.#latency;
    const end = latency === undefined ? 0 : latency.ended(task, sync);
    if (!ok && this.#retries(task, value)) return;
    const ending = ok ? SUCCEEDED : FAILED;
    if (latency === undefined) {
      this.#host.finish(task, ending, value);
      return;
    }
    // The slot this try frees goes to the next task in the same step: it starts at `end`.
    const outer = latency.enter(end);
    try {
      this.#host.finish(task, ending, value);
    } finally {
      latency.leave(outer);
    }
  }

  /** Schedules the next try of a failed task if the policy and the host allow; false if not. */
  #retries(task: Task<I, O>, error: unknown): boolean {
    if (task.attempts >= this.#retry.attempts || !this.#host.mayRetry(task)) return false;
    let delay: number;
    try {
      // The policy's own functions (retryIf, backoff) are user code: one that throws ends the
      // retries and the task fails with its own error, never with theirs out of a timer.
      if (!this.#retry.shouldRetry(error)) return false;
      delay = this.#retry.delay(task.attempts);
    } catch {
      return false;
    }
    task.timer = setTimeout(() => {
      task.timer = undefined;
      if (task.status === RUNNING) this.begin(task);
    }, delay);
    return true;
  }
}
