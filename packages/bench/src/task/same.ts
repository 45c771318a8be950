/**
 * Output equality with structured-clone semantics: two outputs are the same when their structured
 * clones are deeply, strictly equal — what a value that crossed to a worker thread and back can
 * still be compared on. A class instance counts as its own enumerable fields (a clone drops the
 * prototype), a Buffer as a Uint8Array; NaN equals NaN, -0 differs from 0, Map and Set order
 * counts for Maps, typed arrays compare by type and bytes (node:util's isDeepStrictEqual on the
 * clones).
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import type { OutputDifference } from '../workloads.js';
import { errorText } from './errors.js';
import type { TaskFunction } from './load.js';

/** `value` written down for a message: short, one line. */
export function show(value: unknown): string {
  return inspect(value, {
    depth: 3,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: 8,
    maxStringLength: 60,
  });
}

/** Why `value` cannot be structured-cloned, or undefined when it can. */
export function cloneProblem(value: unknown): string | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    return errorText(error);
  }
}

/** `value` as a worker thread would receive it, or a marker object when it cannot be cloned. */
function cloned(value: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: structuredClone(value) };
  } catch (error) {
    return { ok: false, problem: errorText(error) };
  }
}

/**
 * undefined when `got` and `expected` are the same under structured clone; else both written
 * down. An `expected` that cannot be cloned matches nothing (a thread could never return it).
 */
export function cloneDifference(got: unknown, expected: unknown): OutputDifference | undefined {
  const a = cloned(got);
  const b = cloned(expected);
  if (a.ok && b.ok && isDeepStrictEqual(a.value, b.value)) return undefined;
  return {
    got: a.ok ? show(got) : `${show(got)} (not cloneable: ${a.problem})`,
    expected: b.ok ? show(expected) : `${show(expected)} (not cloneable: ${b.problem})`,
  };
}

/** One call's outcome on the main thread: its value, or what it threw. */
export type Settled =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** undefined when two outcomes agree (same value, or both threw the same text); else how they differ. */
export function settledDifference(a: Settled, b: Settled): string | undefined {
  if (a.ok && b.ok) {
    const d = cloneDifference(b.value, a.value);
    return d === undefined ? undefined : `${d.expected}, then ${d.got}`;
  }
  const text = (s: Settled) => (s.ok ? show(s.value) : `threw ${errorText(s.error)}`);
  if (!a.ok && !b.ok && errorText(a.error) === errorText(b.error)) return undefined;
  return `${text(a)}, then ${text(b)}`;
}

/** One call of `fn` on the main thread, awaited when it returns a thenable. */
export async function settle(fn: TaskFunction, input: unknown): Promise<Settled & { thenable: boolean }> {
  try {
    const out = fn(input);
    if (out !== null && typeof (out as PromiseLike<unknown>)?.then === 'function')
      return { ok: true, value: await out, thenable: true };
    return { ok: true, value: out, thenable: false };
  } catch (error) {
    return { ok: false, error, thenable: false };
  }
}
