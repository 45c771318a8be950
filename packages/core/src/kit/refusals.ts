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
import type { BatchEntry, RunOptions } from '../contracts.js';
import { Attempt } from '../pool/task.js';
import {
  argRangeError,
  argTypeError,
  asArgError,
  describe,
  describeThrown,
  isAbortSignal,
} from '../validate.js';

/** Reads `key` of `value`, turning a throwing getter or a revoked Proxy into a coded TypeError. */
function read(value: object, key: string, where: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (error) {
    const refusal = argTypeError(`${where}.${key} cannot be read (${describeThrown(error)})`);
    Object.defineProperty(refusal, 'cause', { value: error, configurable: true, writable: true });
    throw refusal;
  }
}

/** A try the Pool built itself: a real Attempt (its private brand), not an object made on its prototype. */
const isAttempt = Attempt.isAttempt;

const isSignal = isAbortSignal;

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
function checkFields(options: unknown, where: string): RunOptions {
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
  const traceHeaders = readHeaders(read(options, 'traceHeaders', where), where);
  // What was checked, read once into an object of its own: a getter cannot answer differently later.
  const copy: { -readonly [K in keyof RunOptions]: RunOptions[K] } = { signal: signal as AbortSignal };
  if (task !== undefined) copy.task = task as string;
  if (transfer !== undefined) copy.transfer = transfer as RunOptions['transfer'];
  if (attempt !== undefined) copy.attempt = attempt as number;
  if (cancellable !== undefined) copy.cancellable = cancellable as boolean;
  if (started !== undefined) copy.started = started as () => void;
  if (traceHeaders !== undefined) copy.traceHeaders = traceHeaders;
  return copy;
}

/** `traceHeaders`: undefined, or an object whose own string-valued entries are copied (others dropped). */
function readHeaders(value: unknown, where: string): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || isArray(value) !== false) {
    throw argTypeError(
      `${where}.traceHeaders must be an object of strings or undefined, received ${describe(value)}`,
    );
  }
  const copy: Record<string, string> = {};
  try {
    for (const key of Object.keys(value)) {
      const header = (value as Record<string, unknown>)[key];
      if (typeof header === 'string') copy[key] = header;
    }
  } catch (error) {
    throw argTypeError(`${where}.traceHeaders cannot be read: ${describeThrown(error)}`);
  }
  return Object.freeze(copy);
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
      if (entry === null || typeof entry !== 'object' || !isAttempt(entry.options)) return false;
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
  const read = readRunOptions(backend, options);
  return read instanceof Error ? read : undefined;
}

/**
 * The options of one `run(input, options)` call, checked as {@link runRefusal} checks them and
 * read once into an object of their own — or the refusal. A backend that uses what this returns,
 * never `options` itself again, cannot be fooled by a getter that answers one thing to the check
 * and another later. A Pool's own try is returned as it is. Never throws.
 *
 * @example
 * const checked = readRunOptions(this.name, options);
 * if (checked instanceof Error) return Promise.reject(checked);
 * const { signal, task } = checked;
 */
export function readRunOptions(backend: string, options: unknown): RunOptions | Error {
  if (isAttempt(options)) return options; // a Pool's own try
  try {
    return checkFields(options, `${backend}: run() options`);
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
  const read = readBatch(backend, batch, report);
  return read instanceof Error ? read : undefined;
}

/**
 * The entries of one `runMany(batch, report)` call, checked as {@link batchRefusal} checks them
 * and read once — each entry a `{ input, options }` of its own, its options as
 * {@link readRunOptions} returns them — or the refusal. A batch a Pool built is returned as it
 * is. Never throws.
 */
export function readBatch<I>(
  backend: string,
  batch: unknown,
  report?: unknown,
): readonly BatchEntry<I>[] | Error {
  if ((report === undefined || typeof report === 'function') && poolBatch(batch)) {
    return batch as readonly BatchEntry<I>[];
  }
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
    const length = read(entries, 'length', `${backend}: runMany() batch`) as number;
    const copies = new Array<BatchEntry<I>>(length);
    for (let i = 0; i < length; i++) {
      const where = `${backend}: runMany() batch[${i}]`;
      const entry = read(entries, String(i), `${backend}: runMany() batch`);
      if (typeof entry !== 'object' || entry === null) {
        throw argTypeError(`${where} must be an object { input, options }, received ${describe(entry)}`);
      }
      const options = read(entry, 'options', where);
      const input = read(entry, 'input', where) as I;
      copies[i] = { input, options: isAttempt(options) ? options : checkFields(options, `${where}.options`) };
    }
    return copies;
  } catch (error) {
    // Anything not refused by name above (a trap on the array itself) is refused as unreadable.
    return asArgError(`${backend}: runMany() batch`, error) as Error;
  }
}
