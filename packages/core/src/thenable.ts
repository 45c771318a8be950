/**
 * Promise-likes returned by user code (executors, collectors, producers), handled the way
 * `await` handles them — but without a promise or a microtask for a value that is not one, and
 * without ever throwing into the caller: a `then` that cannot be read (a revoked Proxy, a strict
 * Proxy that throws on unknown keys, a throwing getter) or that throws when called fails the
 * value, exactly as `await value` would reject.
 *
 * @example
 * follow(executor(input, ctx), onValue, onError); // exactly one of them is called, once
 */

const nativeThen = Promise.prototype.then;

/** What {@link follow} calls back with. */
type OnValue = (value: unknown) => void;
type OnError = (error: unknown) => void;

/**
 * True for promises and promise-likes: any object or function with a callable `then`, as
 * `await` sees it. False (never a throw) when `then` cannot be read: {@link follow} such a
 * value to get its error.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * The callable `then` of `value`, or undefined when it has none (not an object, no `then`, not
 * a function). Throws what reading it throws (a revoked Proxy, a throwing getter): the caller
 * fails the value with that, as `await` would.
 */
export function thenOf(value: unknown): ((onValue: OnValue, onError: OnError) => unknown) | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const then = (value as { then?: unknown }).then;
  return typeof then === 'function' ? (then as (onValue: OnValue, onError: OnError) => unknown) : undefined;
}

/**
 * Subscribes to a thenable whose `then` was read by {@link thenOf}: exactly one of `onValue`
 * and `onError` is called, once, later, as `await value` would settle. Never throws.
 */
export function followThen(
  value: unknown,
  then: (onValue: OnValue, onError: OnError) => unknown,
  onValue: OnValue,
  onError: OnError,
): void {
  if (then === nativeThen) {
    // A real promise (the common case): no wrapper. Promise.prototype.then on anything else
    // (a Proxy of a promise, an object that borrowed it) throws before it subscribes anything.
    try {
      nativeThen.call(value, onValue, onError);
    } catch (error) {
      queueMicrotask(() => onError(error));
    }
    return;
  }
  // A foreign thenable: the Promise constructor gives it await's rules (a throw after a callback
  // is ignored, a second callback too, a thenable value is followed in turn).
  new Promise((resolve, reject) => then.call(value, resolve, reject)).then(onValue, onError);
}

/**
 * Calls `onValue(value)` at once when `value` is not a thenable, or `onValue`/`onError` once it
 * settles — exactly one of them, exactly once, as `await value` would resolve or reject. A `then`
 * that cannot be read fails it at once (`onError`, synchronously). Never throws (unless a
 * callback does, synchronously). Returns true when it called back synchronously.
 */
export function follow(value: unknown, onValue: OnValue, onError: OnError): boolean {
  let then: ((onValue: OnValue, onError: OnError) => unknown) | undefined;
  try {
    then = thenOf(value);
  } catch (error) {
    onError(error);
    return true;
  }
  if (then === undefined) {
    onValue(value);
    return true;
  }
  followThen(value, then, onValue, onError);
  return false;
}
