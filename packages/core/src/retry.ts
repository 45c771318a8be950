import { isAbortError } from './errors.js';
import { argTypeError, checkInteger, checkNumber, describe, readOptions } from './validate.js';

/**
 * When and how a failed task is tried again.
 *
 * The delay before try `n + 1` (after try `n` failed) is `backoff(n)` when `backoff` is a
 * function, else `backoff × 2^(n-1)` ms (exponential), capped at 30 s; then, with jitter `j`,
 * multiplied by a random factor in `[1 - j, 1]` so that retrying callers spread out.
 */
export interface RetryPolicy {
  /** Total tries, including the first. `1` means no retry. */
  attempts: number;
  /**
   * Base delay in ms for exponential backoff, or a function of the failed try's number. Default
   * 50. A function that throws ends the retries: the task fails with its own error.
   */
  backoff?: number | ((attempt: number) => number);
  /** `true` = 0.5; a number is the fraction 0..1 of the delay that may be shaved off at random. Default 0.5. */
  jitter?: boolean | number;
  /**
   * Retry only when this returns true. Default: every error except cancellation (AbortError).
   * A `retryIf` that throws means no retry: the task fails with its own error.
   */
  retryIf?: (error: unknown) => boolean;
}

/** A validated policy; `attempts` 1 means "never retry". */
export interface ResolvedRetry {
  readonly attempts: number;
  delay(attempt: number): number;
  shouldRetry(error: unknown): boolean;
}

const MAX_DELAY = 30_000;

export const NO_RETRY: ResolvedRetry = { attempts: 1, delay: () => 0, shouldRetry: () => false };

/**
 * Validates `retries` (a number of extra tries, or a {@link RetryPolicy}); whatever reading the
 * policy throws becomes a coded TypeError naming it.
 */
export function resolveRetry(name: string, value: number | RetryPolicy | undefined): ResolvedRetry {
  return readOptions(name, () => readRetry(name, value));
}

function readRetry(name: string, value: number | RetryPolicy | undefined): ResolvedRetry {
  if (value === undefined) return NO_RETRY;
  if (typeof value === 'number') {
    const extra = checkInteger(name, value, 0, { max: 1000 });
    return extra === 0 ? NO_RETRY : makeRetry(extra + 1, 50, 0.5, undefined);
  }
  if (typeof value !== 'object' || value === null || isRevoked(value)) {
    throw argTypeError(`${name} must be a number or a RetryPolicy object, received ${describe(value)}`);
  }
  const attempts = checkInteger(`${name}.attempts`, value.attempts, 1, { max: 1001 });
  const backoff = value.backoff ?? 50;
  if (typeof backoff !== 'function') checkNumber(`${name}.backoff`, backoff, 0, MAX_DELAY);
  let jitter = 0.5;
  if (value.jitter === false) jitter = 0;
  else if (typeof value.jitter === 'number') jitter = checkNumber(`${name}.jitter`, value.jitter, 0, 1);
  else if (value.jitter !== undefined && value.jitter !== true) {
    throw argTypeError(
      `${name}.jitter must be a boolean or a number from 0 to 1, received ${describe(value.jitter)}`,
    );
  }
  if (value.retryIf !== undefined && typeof value.retryIf !== 'function') {
    throw argTypeError(`${name}.retryIf must be a function, received ${describe(value.retryIf)}`);
  }
  return attempts === 1 ? NO_RETRY : makeRetry(attempts, backoff, jitter, value.retryIf);
}

function makeRetry(
  attempts: number,
  backoff: number | ((attempt: number) => number),
  jitter: number,
  retryIf: ((error: unknown) => boolean) | undefined,
): ResolvedRetry {
  return {
    attempts,
    delay(attempt) {
      const base = typeof backoff === 'function' ? Number(backoff(attempt)) : backoff * 2 ** (attempt - 1);
      // A delay past the cap (Infinity included) waits the cap; anything not a positive number, none.
      const bounded = base > 0 ? Math.min(base, MAX_DELAY) : 0;
      return bounded * (1 - jitter * Math.random());
    },
    shouldRetry(error) {
      if (isAbortError(error)) return false;
      return retryIf ? retryIf(error) === true : true;
    },
  };
}

/** True for a revoked Proxy (every operation on it throws): refused by name, not by its exception. */
function isRevoked(value: object): boolean {
  try {
    Array.isArray(value);
    return false;
  } catch {
    return true;
  }
}
