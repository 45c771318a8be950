/**
 * Refusals: every backend refuses a bad call the same way: a coded
 * TypeError/RangeError naming the argument, rejected from `run`/`runMany` before any work starts
 * — never a V8 error from deep inside, never a listener left behind, never a crash inside
 * Node-API because a `signal` was not a signal.
 *
 * A Pool's own tries are built by the Pool and pass at the cost of one `instanceof`; a backend
 * called directly (by a user, a test, another framework) gets every field checked.
 *
 * @example
 * run(input: I, options: RunOptions): Promise<O> {
 *   const refused = runRefusal(this.name, options);
 *   if (refused !== undefined) return Promise.reject(refused);
 *   ...
 * }
 */
// pool/task.ts has no runtime imports: a worker that loads the kit does not load the Pool.
import { Attempt } from '../pool/task.js';
import { argRangeError, argTypeError, asArgError, describe } from '../validate.js';

/** Reads `key` of `value`, turning a throwing getter or a revoked Proxy into a coded TypeError. */
function read(value: object, key: string, where: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (error) {
    throw argTypeError(`${where}.${key} cannot be read (${whyNot(error)})`);
  }
}

/** What was thrown, for a message; never throws itself (a revoked Proxy thrown, a throwing getter). */
function whyNot(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
  } catch {
    // a thrown revoked Proxy: instanceof throws
  }
  return describe(error);
}

/** A try the Pool built itself (false for a revoked Proxy, on which instanceof throws). */
function isAttempt(value: unknown): boolean {
  try {
    return value instanceof Attempt;
  } catch {
    return false;
  }
}

function isSignal(value: unknown): boolean {
  try {
    return value instanceof AbortSignal;
  } catch {
    return false;
  }
}

function isArray(value: unknown): boolean | undefined {
  try {
    return Array.isArray(value);
  } catch {
    return undefined; // a revoked Proxy
  }
}

/**
 * Checks the options of one `run` call; throws a coded TypeError/RangeError naming the field.
 * `where` prefixes the message (`'piscina: run() options'`).
 */
function checkFields(options: unknown, where: string): void {
  if (typeof options !== 'object' || options === null || isArray(options) !== false) {
    throw argTypeError(`${where} must be an object, received ${describe(options)}`);
  }
  const signal = read(options, 'signal', where);
  if (!isSignal(signal)) {
    throw argTypeError(`${where}.signal must be an AbortSignal, received ${describe(signal)}`);
  }
  const task = read(options, 'task', where);
  if (task !== undefined && typeof task !== 'string') {
    throw argTypeError(`${where}.task must be a string or undefined, received ${describe(task)}`);
  }
  const transfer = read(options, 'transfer', where);
  if (transfer !== undefined && isArray(transfer) !== true) {
    throw argTypeError(`${where}.transfer must be an array or undefined, received ${describe(transfer)}`);
  }
  const attempt = read(options, 'attempt', where);
  if (attempt !== undefined) {
    if (typeof attempt !== 'number') {
      throw argTypeError(`${where}.attempt must be an integer ≥ 1, received ${describe(attempt)}`);
    }
    if (!Number.isSafeInteger(attempt) || attempt < 1) {
      throw argRangeError(`${where}.attempt must be an integer ≥ 1, received ${describe(attempt)}`);
    }
  }
  const cancellable = read(options, 'cancellable', where);
  if (cancellable !== undefined && typeof cancellable !== 'boolean') {
    throw argTypeError(
      `${where}.cancellable must be a boolean or undefined, received ${describe(cancellable)}`,
    );
  }
  const started = read(options, 'started', where);
  if (started !== undefined && typeof started !== 'function') {
    throw argTypeError(`${where}.started must be a function or undefined, received ${describe(started)}`);
  }
}

/**
 * True for a batch a Pool built: an array whose every entry's options is one of its tries. The
 * fast path of {@link batchRefusal}: a plain loop, no guarded read per entry. Anything unusual (a
 * Proxy whose traps throw on the way) is left to the full checks.
 */
function poolBatch(batch: unknown): boolean {
  try {
    if (!Array.isArray(batch)) return false;
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i] as { options?: unknown } | null;
      if (entry === null || typeof entry !== 'object' || !(entry.options instanceof Attempt)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a backend must refuse this `run(input, options)` call, or `undefined` when the options
 * are well formed: `options` an object, `signal` an AbortSignal, `task` a string, `transfer` an
 * array, `attempt` an integer ≥ 1, `cancellable` a boolean, `started` a function (each optional
 * but `signal`). Reading a field that throws (a getter, a revoked Proxy) is a refusal too.
 * Never throws.
 *
 * @param backend the backend's `name`, which the message starts with.
 */
export function runRefusal(backend: string, options: unknown): Error | undefined {
  if (isAttempt(options)) return undefined; // a Pool's own try
  try {
    checkFields(options, `${backend}: run() options`);
    return undefined;
  } catch (error) {
    return asArgError(`${backend}: run() options`, error) as Error;
  }
}

/**
 * Why a backend must refuse this `runMany(batch, report)` call, or `undefined`: `batch` an array
 * of `{ input, options }` entries whose options pass {@link runRefusal}'s checks, `report` a
 * function or undefined. Never throws.
 */
export function batchRefusal(backend: string, batch: unknown, report?: unknown): Error | undefined {
  if ((report === undefined || typeof report === 'function') && poolBatch(batch)) return undefined;
  try {
    if (isArray(batch) !== true) {
      throw argTypeError(
        `${backend}: runMany() batch must be an array of entries, received ${describe(batch)}`,
      );
    }
    if (report !== undefined && typeof report !== 'function') {
      throw argTypeError(
        `${backend}: runMany() report must be a function or undefined, received ${describe(report)}`,
      );
    }
    const entries = batch as readonly unknown[];
    for (let i = 0; i < entries.length; i++) {
      const where = `${backend}: runMany() batch[${i}]`;
      const entry = read(entries, String(i), `${backend}: runMany() batch`);
      if (typeof entry !== 'object' || entry === null) {
        throw argTypeError(`${where} must be an object { input, options }, received ${describe(entry)}`);
      }
      const options = read(entry, 'options', where);
      if (isAttempt(options)) continue;
      read(entry, 'input', where);
      checkFields(options, `${where}.options`);
    }
    return undefined;
  } catch (error) {
    // Anything not refused by name above (a trap on the array itself) is refused as unreadable.
    return asArgError(`${backend}: runMany() batch`, error) as Error;
  }
}
