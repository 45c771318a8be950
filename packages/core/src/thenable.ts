/**
 * True for promises and promise-likes: any object or function with a callable `then`, as
 * `await` and `Promise.resolve` see it. Lets a hot path keep a synchronous result synchronous
 * (no promise, no microtask) and wrap only what really is asynchronous.
 *
 * @example
 * const result = executor(input, ctx);
 * if (isThenable(result)) result.then(onValue, onError);
 * else onValue(result);
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
