/**
 * How an aborted task's signal becomes the rejection its caller sees, the same in every backend.
 *
 * A Pool aborts a try's signal with the reason it fails with: a {@link TaskTimeoutError} when its
 * `timeout` expired, a {@link TaskStartTimeoutError} when its `startTimeout` did. Those pass
 * through as they are, so a backend called directly with a Pool's signal rejects with the same
 * coded error the Pool would. Every other reason — a caller's `controller.abort(why)`, a
 * force-stop's `PoolStoppedError`, no reason at all — becomes an `AbortError` (see
 * {@link abortError}) carrying it as `cause`, which is what the Backend contract asks for.
 */
import { abortError, type TaskStartTimeoutError, type TaskTimeoutError } from '../errors.js';

/** The codes whose reasons pass through (compared by `code`: a copy of core's class from another install counts too). */
const PASSED_THROUGH = new Set(['ERR_TASK_TIMEOUT', 'ERR_TASK_START_TIMEOUT']);

/** True for a TaskTimeoutError or TaskStartTimeoutError; false (never a throw) for anything else. */
function isTimeout(reason: unknown): reason is TaskTimeoutError | TaskStartTimeoutError {
  try {
    return reason instanceof Error && PASSED_THROUGH.has((reason as { code?: unknown }).code as string);
  } catch {
    return false; // a Proxy whose traps throw is not one of ours
  }
}

/**
 * The error a task whose `signal` aborted rejects with: the signal's reason itself when it is a
 * `TaskTimeoutError` (`ERR_TASK_TIMEOUT`) or a `TaskStartTimeoutError` (`ERR_TASK_START_TIMEOUT`),
 * else `abortError(signal.reason)` (an AbortError with the reason as `cause`). Call it once the
 * signal has aborted: before every start, in the abort listener, and for each skipped `runMany`
 * entry. Never throws.
 *
 * @example
 * if (options.signal.aborted) return Promise.reject(abortReason(options.signal));
 * options.signal.addEventListener('abort', () => {
 *   job.cancel();
 *   reject(abortReason(options.signal));
 * }, { once: true });
 */
export function abortReason(signal: AbortSignal): Error {
  let reason: unknown;
  try {
    reason = signal.reason;
  } catch (error) {
    reason = error; // not a working signal (a revoked Proxy): what reading it threw is the reason
  }
  return isTimeout(reason) ? reason : abortError(reason);
}
