/**
 * Thrown values as plain data, so they cross the thread boundary whole.
 *
 * piscina clones a task's error with the structured-clone algorithm, which keeps an Error's
 * class, message and stack but drops `code` and every other own property. The worker shim
 * therefore catches the error itself, turns it into an {@link ErrorData} (a plain object that
 * clones losslessly) and throws that; the main thread recognises the marker and rebuilds an
 * error with the same class (or name), message, stack, `code`, other own properties and cause.
 *
 * Used on both sides: `toErrorData` in the worker, `fromErrorData` on the main thread.
 */

/** The key that marks an {@link ErrorData}; a string because symbols do not survive cloning. */
export const ERROR_MARK = '__poolkitErrorData';

/** A thrown value, flattened for the trip between threads. */
export interface ErrorData {
  [ERROR_MARK]: 1;
  /** 'error' for Error-like values (rebuilt as errors); 'value' for anything else (`throw 42`). */
  kind: 'error' | 'value';
  /** The constructor's name ('TypeError', 'MyError', 'DOMException'...). */
  ctor: string;
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties (`code`, `errno`, custom fields), each cloneable or stringified. */
  props: Record<string, unknown>;
  /** The `cause`, flattened the same way (depth-limited). */
  cause?: ErrorData | undefined;
  hasCause: boolean;
  /** The thrown value itself, when `kind` is 'value' (cloned, or stringified if it cannot be). */
  value?: unknown;
  /** An AggregateError's `errors`, flattened. */
  errors?: ErrorData[] | undefined;
}

const MAX_CAUSE_DEPTH = 8;

/** True when `value` is an {@link ErrorData} made by {@link toErrorData}. */
export function isErrorData(value: unknown): value is ErrorData {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ERROR_MARK] === 1;
}

/** A value that survives `postMessage`: itself when it clones, else its string form. */
function cloneable(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  }
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}

/** Flattens a thrown value (worker side). Never throws. */
export function toErrorData(thrown: unknown, depth = 0): ErrorData {
  if (
    !(thrown instanceof Error) &&
    !(typeof DOMException !== 'undefined' && thrown instanceof DOMException)
  ) {
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
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'stack' || key === 'message' || key === 'cause') continue;
    try {
      props[key] = cloneable((error as unknown as Record<string, unknown>)[key]);
    } catch {
      // a throwing getter: leave the property out
    }
  }
  const hasCause = Object.hasOwn(error, 'cause');
  return {
    [ERROR_MARK]: 1,
    kind: 'error',
    ctor: error.constructor?.name ?? 'Error',
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === 'string' ? error.stack : undefined,
    props,
    hasCause,
    cause: hasCause && depth < MAX_CAUSE_DEPTH ? toErrorData(error.cause, depth + 1) : undefined,
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

/** Rebuilds the thrown value (main side): same class when it is a built-in, same name otherwise. */
export function fromErrorData(data: ErrorData): unknown {
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
