/**
 * How a try ended, read from the `poolkit:task` context: the one place that maps poolkit's error
 * codes to an outcome and an `error.type`.
 */

/**
 * How a try ended (the `poolkit.outcome` attribute):
 * - `'succeeded'`: it produced a result;
 * - `'timed_out'`: `ERR_TASK_TIMEOUT` or `ERR_TASK_START_TIMEOUT`;
 * - `'cancelled'`: an `AbortError` (its signal, `clear()`), `ERR_POOL_STOPPED` or `ERR_POOL_CLEARED`;
 * - `'failed'`: anything else it threw or rejected with.
 */
export type Outcome = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

const TIMEOUT_CODES = new Set(['ERR_TASK_TIMEOUT', 'ERR_TASK_START_TIMEOUT']);
const CANCEL_CODES = new Set(['ERR_POOL_STOPPED', 'ERR_POOL_CLEARED']);

/** A property of a thrown value, or undefined when it has none or reading it throws (a revoked proxy, a getter). */
function read(value: unknown, key: 'code' | 'name'): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The outcome of a try that failed with `error`. */
export function failureOutcome(error: unknown): Exclude<Outcome, 'succeeded'> {
  const code = read(error, 'code');
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timed_out';
  if ((typeof code === 'string' && CANCEL_CODES.has(code)) || read(error, 'name') === 'AbortError')
    return 'cancelled';
  return 'failed';
}

/**
 * `error.type` for a failed try, low-cardinality as the conventions ask: the error's string `code`
 * (poolkit's errors and Node's have one), else its `name` (`'TypeError'`…), else `'_OTHER'`.
 */
export function errorType(error: unknown): string {
  const code = read(error, 'code');
  if (typeof code === 'string' && code !== '') return code;
  const name = read(error, 'name');
  if (typeof name === 'string' && name !== '') return name;
  return '_OTHER';
}

/** What `recordException` accepts, from any thrown value (never throws). */
export function asException(error: unknown): Error | string {
  if (error instanceof Error) return error;
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}
