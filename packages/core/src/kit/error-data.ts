/**
 * Error-as-data: a thrown value as a plain object, so it crosses a thread, process or network
 * boundary whole.
 *
 * Structured clone (worker_threads, piscina, `fork` with advanced serialization) keeps an Error's
 * class, message and stack but drops `code` and every other own property; JSON keeps nothing of
 * an Error at all. So the side that runs the task catches what it threw, turns it into an
 * {@link ErrorData} (a plain object that clones, and JSON-encodes, losslessly as long as its
 * own properties do) and sends that; the side that waits recognises the marker and rebuilds an
 * error with the same class (or name), message, stack, `code`, other own properties and cause.
 *
 *   worker: try { … } catch (e) { send(toErrorData(e)) }
 *   main:   isErrorData(answer) ? reject(fromErrorData(answer)) : resolve(answer)
 *
 * Used by PiscinaBackend's worker shim, poolkit-worker (BullMQ) and the examples'
 * ChildProcessBackend.
 */
import { argTypeError, describe } from '../validate.js';

/** The key that marks an {@link ErrorData}; a string because symbols do not survive cloning. */
export const ERROR_MARK = '__poolkitErrorData';

/**
 * A thrown value, flattened for the trip between threads or processes. Made by
 * {@link toErrorData}, read back by {@link fromErrorData}; treat its fields as opaque.
 */
export interface ErrorData {
  /** Always 1: what tells an ErrorData from any other object (see {@link isErrorData}). */
  [ERROR_MARK]: 1;
  /** 'error' for Error-like values (rebuilt as errors); 'value' for anything else (`throw 42`). */
  kind: 'error' | 'value';
  /** The constructor's name ('TypeError', 'MyError', 'DOMException'...). */
  ctor: string;
  /** The error's `name` ('' when it could not be read). */
  name: string;
  /** The error's `message` (for a non-error value, its string form). */
  message: string;
  /** The error's `stack`, when it had one that could be read. */
  stack: string | undefined;
  /** Own enumerable properties (`code`, `errno`, custom fields), each cloneable or stringified. */
  props: Record<string, unknown>;
  /** The `cause`, flattened the same way (depth-limited). */
  cause?: ErrorData | undefined;
  /** Whether the error had an own `cause` (which may itself be undefined). */
  hasCause: boolean;
  /** The thrown value itself, when `kind` is 'value' (cloned, or stringified if it cannot be). */
  value?: unknown;
  /** An AggregateError's `errors`, flattened. */
  errors?: ErrorData[] | undefined;
}

const MAX_CAUSE_DEPTH = 8;

/** True when `value` is an {@link ErrorData} made by {@link toErrorData}. */
export function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<string, unknown>)[ERROR_MARK] === 1;
  } catch {
    return false; // a revoked Proxy, a throwing trap: not ours
  }
}

/** What a read gives, or `fallback` when the read throws (a hostile getter, a revoked Proxy). */
function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** A string for any value; never throws. */
function safeString(value: unknown): string {
  return attempt(
    () => String(value),
    attempt(() => Object.prototype.toString.call(value), '[a value that cannot be read]'),
  );
}

/** A value that survives `postMessage`: itself when it clones, else its string form. Never throws. */
function cloneable(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? safeString(value) : value;
  }
  try {
    structuredClone(value);
    return value;
  } catch {
    return safeString(value);
  }
}

/** The code of the error a task rejects with when what it threw could not be read whole. */
export const UNREADABLE_CODE = 'ERR_UNREADABLE_THROWN_VALUE';

/** Own enumerable properties that can be read and sent, each on its own (the rest left out). */
function readableProps(value: object, skip: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const keys = attempt(() => Object.keys(value), [] as string[]);
  for (const key of keys) {
    if (skip.includes(key)) continue;
    try {
      props[key] = cloneable((value as Record<string, unknown>)[key]);
    } catch {
      // a throwing getter: leave the property out
    }
  }
  return props;
}

/**
 * Flattens a thrown value (the side that ran the task). Never throws: a value that cannot be
 * read or sent whole (a throwing getter, a Proxy whose traps throw, an object that does not
 * clone) becomes an error coded `ERR_UNREADABLE_THROWN_VALUE` ({@link UNREADABLE_CODE}) that
 * says so and keeps what could be read. A cause chain is followed 8 levels deep.
 *
 * @param depth how deep in a cause chain this value sits; leave it out.
 * @example
 * try {
 *   reply({ ok: true, value: await fn(input) });
 * } catch (error) {
 *   reply({ ok: false, error: toErrorData(error) });
 * }
 */
export function toErrorData(thrown: unknown, depth = 0): ErrorData {
  try {
    return flatten(thrown, depth);
  } catch (failure) {
    return unreadable(thrown, failure);
  }
}

function unreadable(thrown: unknown, failure: unknown): ErrorData {
  const props =
    typeof thrown === 'object' && thrown !== null ? readableProps(thrown, ['stack', 'cause']) : {};
  const readable = attempt(() => String((failure as Error)?.message ?? failure), 'unknown');
  props.code = UNREADABLE_CODE;
  return {
    [ERROR_MARK]: 1,
    kind: 'error',
    ctor: 'Error',
    name: 'Error',
    message: `the task threw a value that could not be read whole (${readable}); what could be read is kept`,
    stack: undefined,
    props,
    hasCause: false,
  };
}

function flatten(thrown: unknown, depth: number): ErrorData {
  const isError =
    thrown instanceof Error || (typeof DOMException !== 'undefined' && thrown instanceof DOMException);
  if (!isError) {
    if (typeof thrown === 'object' && thrown !== null) {
      // An object that does not clone cannot be rethrown as itself: say so, keep what reads.
      try {
        structuredClone(thrown);
      } catch (failure) {
        return unreadable(thrown, failure);
      }
    }
    return {
      [ERROR_MARK]: 1,
      kind: 'value',
      ctor: '',
      name: '',
      message: '',
      stack: undefined,
      props: {},
      hasCause: false,
      value: cloneable(thrown),
    };
  }
  const error = thrown as Error & { cause?: unknown };
  // Each part read on its own: what cannot be read is named in the message and the error coded.
  const unread: string[] = [];
  const read = <T>(what: string, get: () => T, fallback: T): T => {
    try {
      return get();
    } catch {
      unread.push(what);
      return fallback;
    }
  };
  read('own properties', () => Object.keys(error), []);
  const props = readableProps(error, ['stack', 'message', 'cause']);
  const ctor = read('constructor', () => error.constructor?.name, undefined) ?? 'Error';
  const name = read('name', () => String(error.name), 'Error');
  let message = read('message', () => String(error.message), '');
  const stack = read('stack', () => error.stack, undefined);
  const hasCause = read('cause', () => Object.hasOwn(error, 'cause'), false);
  if (unread.length > 0) {
    message = `${message}${message === '' ? '' : ' '}(the thrown error's ${unread.join(', ')} could not be read)`;
    if (props.code === undefined) props.code = UNREADABLE_CODE;
  }
  return {
    [ERROR_MARK]: 1,
    kind: 'error',
    ctor: typeof ctor === 'string' ? ctor : 'Error',
    name,
    message,
    stack: typeof stack === 'string' ? stack : undefined,
    props,
    hasCause,
    cause:
      hasCause && depth < MAX_CAUSE_DEPTH
        ? toErrorData(
            read('cause', () => error.cause, undefined),
            depth + 1,
          )
        : undefined,
    errors:
      error instanceof AggregateError && depth < MAX_CAUSE_DEPTH
        ? Array.from(error.errors, (inner) => toErrorData(inner, depth + 1))
        : undefined,
  };
}

const BUILT_IN: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Rebuilds the thrown value (the side that waits): for an error, one of the same class when it is
 * a built-in (`TypeError`, `RangeError`, `AggregateError`, `DOMException`…), else an `Error`
 * with the same `name`; with its message, stack, own properties (`code`…) and cause. A thrown
 * non-error (`throw 42`) comes back as that value.
 *
 * @example
 * const reason = isErrorData(answer) ? fromErrorData(answer) : answer;
 */
export function fromErrorData(data: ErrorData): unknown {
  if (!isErrorData(data)) {
    throw argTypeError(`fromErrorData() takes what toErrorData() made, received ${describe(data)}`);
  }
  if (data.kind === 'value') return data.value;
  let error: Error;
  if (data.ctor === 'DOMException') {
    error = new DOMException(data.message, data.name) as unknown as Error;
  } else if (data.ctor === 'AggregateError') {
    error = new AggregateError((data.errors ?? []).map(fromErrorData), data.message);
  } else {
    const Ctor = BUILT_IN[data.ctor] ?? Error;
    error = new Ctor(data.message);
    if (error.name !== data.name) define(error, 'name', data.name);
  }
  if (data.stack !== undefined) define(error, 'stack', data.stack);
  for (const [key, value] of Object.entries(data.props)) {
    (error as unknown as Record<string, unknown>)[key] = value;
  }
  if (data.hasCause) define(error, 'cause', data.cause === undefined ? undefined : fromErrorData(data.cause));
  return error;
}
