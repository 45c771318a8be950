/**
 * Every error poolkit throws on purpose, in one place. Callers compare `code`, never messages.
 *
 * | class | code |
 * |---|---|
 * | {@link PoolClosedError} | `ERR_POOL_CLOSED` |
 * | {@link PoolStoppedError} | `ERR_POOL_STOPPED` |
 * | {@link QueueClosedError} | `ERR_QUEUE_CLOSED` |
 * | {@link QueueFullError} | `ERR_QUEUE_FULL` |
 * | {@link PoolClearedError} | `ERR_POOL_CLEARED` (the `cause` of a cleared task's AbortError) |
 * | {@link TaskTimeoutError} | `ERR_TASK_TIMEOUT` |
 * | {@link TaskStartTimeoutError} | `ERR_TASK_START_TIMEOUT` |
 * | {@link WorkerCrashedError} | `ERR_WORKER_CRASHED` |
 *
 * Cancellation rejects with an `AbortError` (a `DOMException` whose `name` is `'AbortError'`,
 * as Node's own APIs do), created by {@link abortError}.
 */

/** The base class of every poolkit error; `code` is stable across versions. */
export class PoolkitError extends Error {
  /** The stable identifier to compare (`'ERR_POOL_CLOSED'`…): each subclass's is in its own comment. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The pool was closed (gracefully) and refuses new work. `code`: `'ERR_POOL_CLOSED'`. */
export class PoolClosedError extends PoolkitError {
  constructor(message = 'the pool is closed and accepts no new tasks', options?: ErrorOptions) {
    super('ERR_POOL_CLOSED', message, options);
  }
}

/**
 * The pool was stopped: it refuses new work, and tasks still waiting when it stopped reject with
 * this (running ones too, with `stop({ force: true })`). `code`: `'ERR_POOL_STOPPED'`.
 */
export class PoolStoppedError extends PoolkitError {
  constructor(message = 'the pool was stopped', options?: ErrorOptions) {
    super('ERR_POOL_STOPPED', message, options);
  }
}

/**
 * A push into a queue that is closed (or was closed while the push waited for room).
 * `code`: `'ERR_QUEUE_CLOSED'`.
 */
export class QueueClosedError extends PoolkitError {
  constructor(message = 'the queue is closed', options?: ErrorOptions) {
    super('ERR_QUEUE_CLOSED', message, options);
  }
}

/**
 * A pool with `onFull: 'reject'` refused a task because its queue was full; the task was never
 * accepted. `code`: `'ERR_QUEUE_FULL'`.
 */
export class QueueFullError extends PoolkitError {
  constructor(message = 'the queue is full', options?: ErrorOptions) {
    super('ERR_QUEUE_FULL', message, options);
  }
}

/**
 * Why `pool.clear()` cancelled a waiting task: the `cause` of the AbortError the task rejects
 * with (cancellation itself is always an AbortError, so `isAbortError` holds). `code`:
 * `'ERR_POOL_CLEARED'`.
 */
export class PoolClearedError extends PoolkitError {
  constructor(message = 'pool.clear() cancelled this task before it started', options?: ErrorOptions) {
    super('ERR_POOL_CLEARED', message, options);
  }
}

/**
 * A task ran longer than its `timeout`, measured per try from the moment it began to run: the
 * hand-over to its backend, or — with a backend that reports starts (`Backend.reportsStart`) —
 * the moment the backend said it started, so time spent waiting for a thread, behind earlier
 * entries of a batch or in a remote queue does not count.
 * `code`: `'ERR_TASK_TIMEOUT'`.
 */
export class TaskTimeoutError extends PoolkitError {
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeout: number;
  constructor(timeout: number, options?: ErrorOptions) {
    super('ERR_TASK_TIMEOUT', `the task did not finish within its timeout of ${timeout} ms`, options);
    this.timeout = timeout;
  }
}

/**
 * A try waited longer than its `startTimeout` inside a backend that reports starts (a busy
 * thread, a job queued in Redis with no free worker) without beginning to run. It never ran, so
 * nothing of it needs stopping. `code`: `'ERR_TASK_START_TIMEOUT'`.
 */
export class TaskStartTimeoutError extends PoolkitError {
  /** The start timeout that was exceeded, in milliseconds. */
  readonly startTimeout: number;
  constructor(startTimeout: number, options?: ErrorOptions) {
    super(
      'ERR_TASK_START_TIMEOUT',
      `the task did not start within its startTimeout of ${startTimeout} ms`,
      options,
    );
    this.startTimeout = startTimeout;
  }
}

/**
 * The thread or process running a task died; only that task fails. Used by adapters.
 * `code`: `'ERR_WORKER_CRASHED'`.
 */
export class WorkerCrashedError extends PoolkitError {
  constructor(message = 'the worker running this task crashed', options?: ErrorOptions) {
    super('ERR_WORKER_CRASHED', message, options);
  }
}

/**
 * The error cancellation rejects with: a `DOMException` named `'AbortError'` (what Node's own
 * APIs use), with the signal's reason, when there is one, as `cause`.
 */
export function abortError(reason?: unknown): Error {
  const error = new DOMException('The operation was aborted', 'AbortError') as DOMException & {
    cause?: unknown;
  };
  if (reason !== undefined) {
    Object.defineProperty(error, 'cause', { value: reason, configurable: true, writable: true });
  }
  return error as unknown as Error;
}

/** True when `error` is a cancellation (`name === 'AbortError'`), whatever created it. */
export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  try {
    return (error as { name?: unknown }).name === 'AbortError';
  } catch {
    return false; // a revoked Proxy, a throwing getter: not a cancellation
  }
}
