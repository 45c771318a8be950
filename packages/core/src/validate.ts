/**
 * Option checks shared by every constructor, and exported for adapter authors so that their
 * errors read like poolkit's own. Each throws a TypeError (wrong type) or a RangeError (right
 * type, out of range) naming the option, the expected range and the value received, and
 * carrying a Node-style `code`, as Node's own argument errors do:
 *
 * | class | code |
 * |---|---|
 * | TypeError | `ERR_INVALID_ARG_TYPE` |
 * | RangeError | `ERR_INVALID_ARG_VALUE` |
 *
 * Describing the value received never throws, whatever the value (see {@link describe}), so a
 * hostile value cannot replace the clear error with its own.
 */

/** The largest delay `setTimeout` honours; above it Node fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A TypeError for an argument or option of the wrong type, with `code` `ERR_INVALID_ARG_TYPE`.
 *
 * @example
 * throw argTypeError(`inputs must be an array, received ${describe(inputs)}`);
 */
export function argTypeError(message: string): TypeError & {
  /** Always `'ERR_INVALID_ARG_TYPE'`. */
  code: string;
} {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/**
 * A RangeError for an argument or option of the right type but out of range, with `code`
 * `ERR_INVALID_ARG_VALUE` unless a more specific `code` is given (`ERR_UNKNOWN_KERNEL`…).
 */
export function argRangeError(
  message: string,
  code = 'ERR_INVALID_ARG_VALUE',
): RangeError & {
  /** The `code` argument: `'ERR_INVALID_ARG_VALUE'` unless another was given. */
  code: string;
} {
  return Object.assign(new RangeError(message), { code });
}

/**
 * Renders a received value for an error message: strings quoted, `-0` as `-0`, bigints with
 * `n`, objects by class (`an instance of Int32Array`), arrays as `an array`.
 *
 * Never throws and runs no user code it cannot survive: a throwing `constructor` getter, a
 * Proxy whose traps throw, or a revoked Proxy (on which even `Array.isArray` throws) fall back to
 * `an object` / `a revoked Proxy`.
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      // boolean, undefined, symbol: String() never calls user code for these (a template
      // literal would throw on a symbol).
      return String(value);
  }
}

function describeObject(value: object): string {
  const array = isArray(value);
  if (array === undefined) return 'a revoked Proxy';
  if (array) return 'an array';
  try {
    // Name the class when there is one: "an instance of Int32Array" says more than "an object".
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') return `an instance of ${name}`;
  } catch {
    // A getter or Proxy trap that throws: the value stays anonymous.
  }
  return 'an object';
}

/** `Array.isArray`, or undefined for a revoked Proxy (the only value on which it throws). */
function isArray(value: object): boolean | undefined {
  try {
    return Array.isArray(value);
  } catch {
    return undefined;
  }
}

/**
 * An integer ≥ min (and ≤ max); `Infinity` too when `allowInfinity`. Returns the value.
 *
 * @example
 * checkInteger('concurrency', options.concurrency, 1, { allowInfinity: true });
 * // RangeError: concurrency must be an integer ≥ 1 or Infinity, received 0
 */
export function checkInteger(
  name: string,
  value: unknown,
  min: number,
  bounds?: { max?: number; allowInfinity?: boolean } | null,
): number {
  // `bounds` is the caller's own literal: a null one is read as none rather than thrown on.
  let max = Number.MAX_SAFE_INTEGER;
  let allowInfinity = false;
  try {
    max = bounds?.max ?? max;
    allowInfinity = bounds?.allowInfinity ?? false;
  } catch {
    // a hostile bounds object is the caller's own: read as none
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argTypeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = allowInfinity ? `an integer ≥ ${min} or Infinity` : `an integer from ${min} to ${max}`;
    throw argRangeError(`${name} must be ${range}, received ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ min (and ≤ max). Returns the value. */
export function checkNumber(name: string, value: unknown, min: number, max = Number.MAX_VALUE): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argTypeError(`${name} must be a number, received ${describe(value)}`);
  }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw argRangeError(`${name} must be a finite number from ${min} to ${max}, received ${describe(value)}`);
  }
  return value;
}

/**
 * A time limit: a number of ms > 0 and ≤ 2147483647 (setTimeout's limit), or Infinity (no
 * limit). Fractions are allowed. Returns the value.
 *
 * @example
 * checkTimeout('timeout', 0); // RangeError: timeout must be > 0 and ≤ 2147483647 ms (or Infinity), received 0
 */
export function checkTimeout(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argTypeError(`${name} must be a number of milliseconds, received ${describe(value)}`);
  }
  if (!(value > 0) || value > MAX_TIMER_MS) {
    if (value === Number.POSITIVE_INFINITY) return value;
    throw argRangeError(
      `${name} must be > 0 and ≤ ${MAX_TIMER_MS} ms (or Infinity), received ${describe(value)}`,
    );
  }
  return value;
}

/**
 * A delay: a number of ms ≥ 0 and ≤ 2147483647 (setTimeout's limit; above it a timer would fire
 * after 1 ms), or Infinity ("never") when `allowInfinity`. Fractions are allowed. Returns the value.
 *
 * @example
 * checkDelay('options.idleTimeout', -1, { allowInfinity: true });
 * // RangeError: options.idleTimeout must be ≥ 0 and ≤ 2147483647 ms (or Infinity), received -1
 */
export function checkDelay(name: string, value: unknown, { allowInfinity = false } = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argTypeError(`${name} must be a number of milliseconds, received ${describe(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!(value >= 0) || value > MAX_TIMER_MS) {
    const range = `≥ 0 and ≤ ${MAX_TIMER_MS} ms${allowInfinity ? ' (or Infinity)' : ''}`;
    throw argRangeError(`${name} must be ${range}, received ${describe(value)}`);
  }
  return value;
}

/** A boolean (no truthy stand-ins). Returns the value. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw argTypeError(`${name} must be a boolean, received ${describe(value)}`);
  }
  return value;
}

/**
 * A non-empty string, such as a backend's name. Returns the value. The empty string is a
 * TypeError like any other non-name: it is never a usable value.
 */
export function checkName(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw argTypeError(`${name} must be a non-empty string, received ${describe(value)}`);
  }
  return value;
}

/**
 * One of the strings in `allowed` (a string enum). Returns the value, typed as the union.
 * Any other value, a string outside the list included, is a TypeError: the option's type is the
 * union of those literals (as Node treats an unknown enum value as a wrong type).
 *
 * @example
 * checkOneOf('onFull', 'drop', ['wait', 'reject']);
 * // TypeError: onFull must be 'wait' or 'reject', received "drop"
 */
export function checkOneOf<const T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const quoted = allowed.map((a) => `'${a}'`);
    const last = quoted.pop();
    const list = quoted.length > 0 ? `${quoted.join(', ')} or ${last}` : `${last}`;
    throw argTypeError(`${name} must be ${list}, received ${describe(value)}`);
  }
  return value as T;
}

/**
 * A function. Returns the value: typed as the function type of `value`'s declared type when it
 * has one (`((e: Error) => void) | undefined` gives `(e: Error) => void`), else as a function
 * that can be called with no argument it would check.
 *
 * @typeParam F the declared function type of `value`, which the result keeps.
 * @example
 * const listener = checkFunction('listener', options.listener); // (e: Error) => void
 */
export function checkFunction<F extends (...args: never[]) => unknown>(
  name: string,
  value: F | null | undefined,
): F;
export function checkFunction(name: string, value: unknown): (...args: never[]) => unknown;
export function checkFunction(name: string, value: unknown): (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw argTypeError(`${name} must be a function, received ${describe(value)}`);
  }
  return value as (...args: never[]) => unknown;
}

/** An AbortSignal (or undefined). Returns the value. */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!isAbortSignal(value)) {
    throw argTypeError(`${name} must be an AbortSignal, received ${describe(value)}`);
  }
  return value;
}

/** The members of an AbortSignal a signal of its own may not shadow (poolkit calls them). */
const SIGNAL_MEMBERS = ['aborted', 'reason', 'addEventListener', 'removeEventListener', 'throwIfAborted'];

/**
 * A working AbortSignal: `instanceof AbortSignal` (false where that throws: a Proxy's trap, a
 * revoked Proxy), its `aborted` readable (an object made with `Object.create(AbortSignal.prototype)`
 * is not a signal: reading it throws), and none of its members shadowed by an own property that
 * could throw where poolkit listens or reads.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  try {
    if (!(value instanceof AbortSignal)) return false;
    void value.aborted;
    for (const member of SIGNAL_MEMBERS) if (Object.hasOwn(value, member)) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * A required options object (not null, not an array, not a revoked Proxy). Returns the value:
 * typed as `value`'s declared object type when it has one, else as `object`.
 *
 * @typeParam T the declared object type of `value`, which the result keeps.
 * @example
 * const options = checkObject('options', given); // MyOptions, when given is MyOptions | undefined
 */
export function checkObject<T extends object>(name: string, value: T | null | undefined): T;
export function checkObject(name: string, value: unknown): object;
export function checkObject(name: string, value: unknown): object {
  if (typeof value !== 'object' || value === null || isArray(value) !== false) {
    throw argTypeError(`${name} must be an object, received ${describe(value)}`);
  }
  return value;
}

/**
 * An optional options object: undefined, or what {@link checkObject} accepts. Returns the value
 * (`undefined` stays `undefined`), typed as {@link checkObject} types it.
 *
 * @typeParam T the declared object type of `value`, which the result keeps.
 */
export function checkOptions<T extends object>(name: string, value: T | null | undefined): T | undefined;
export function checkOptions(name: string, value: unknown): object | undefined;
export function checkOptions(name: string, value: unknown): object | undefined {
  return value === undefined ? undefined : checkObject(name, value);
}

/** True for an error that already carries a Node-style code (`ERR_…`): one of ours, or Node's. */
function isCoded(error: unknown): boolean {
  try {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && code.startsWith('ERR_');
  } catch {
    return false;
  }
}

/**
 * Runs the checks of one options object (`read`), so that whatever reading it throws — a
 * getter that throws, a Proxy whose traps throw, a revoked Proxy deeper down — reaches the caller
 * as a coded TypeError naming the options (the original as `cause`), never as someone else's
 * exception. Coded errors (the checks' own) pass through as they are.
 *
 * @example
 * const resolved = readOptions('Pool options', () => resolvePoolOptions(options));
 */
export function readOptions<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw asArgError(name, error);
  }
}

/**
 * What was thrown, for a message: an Error's message, else the value as {@link describe} shows
 * it. Never throws (a revoked Proxy thrown, a throwing `message` getter).
 */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
  } catch {
    // instanceof on a revoked Proxy throws; message getters may too
  }
  try {
    return describe(error);
  } catch {
    return 'an unreadable value was thrown';
  }
}

/**
 * What {@link readOptions} throws for `error`, thrown while reading `name`: the error itself when
 * it is coded (`ERR_…`), else a coded TypeError saying `name` cannot be read, with it as `cause`.
 * For hot paths where a closure per call would cost too much: `catch (e) { throw asArgError(…) }`.
 */
export function asArgError(name: string, error: unknown): unknown {
  if (isCoded(error)) return error;
  const refusal = argTypeError(`${name} cannot be read: ${describeThrown(error)}`);
  Object.defineProperty(refusal, 'cause', { value: error, configurable: true, writable: true });
  return refusal;
}

/**
 * The `capacity` of a queue's options object (`name` names the object): an integer ≥ 0 or
 * Infinity, 1024 when absent. Whatever reading the options throws is a coded TypeError.
 */
export function queueCapacity(name: string, options: { capacity?: number } | undefined): number {
  return readOptions(name, () => {
    checkOptions(name, options);
    // `=== undefined`, not `??`: a null capacity is a mistake to report, as the Pool does.
    const capacity = options?.capacity;
    return capacity === undefined ? 1024 : checkInteger('capacity', capacity, 0, { allowInfinity: true });
  });
}

/**
 * The `priority` of a push into a queue that orders by it (PriorityQueue, FairQueue within a key):
 * a number, not NaN, finite; 0 when absent. Throws a coded TypeError/RangeError naming it.
 */
export function pushPriority(options: { readonly priority?: unknown } | undefined): number {
  const priority = options?.priority;
  if (priority === undefined) return 0;
  if (typeof priority !== 'number' || Number.isNaN(priority)) {
    throw argTypeError(`priority must be a number, received ${describe(priority)}`);
  }
  if (!Number.isFinite(priority)) {
    throw argRangeError(`priority must be a finite number, received ${describe(priority)}`);
  }
  return priority;
}
