/**
 * `submitAll`'s two halves that are not scheduling: reading the inputs whole before anything is
 * accepted, and gathering one {@link Outcome} per input, in input order, through the tasks'
 * outcome callbacks (no promise per input).
 */
import type { Outcome } from '../contracts.js';
import { argTypeError, checkFunction, describe, readOptions } from '../validate.js';
import type { TaskOptions } from './options.js';
import { Task, TO_CALLBACK } from './task.js';

/**
 * The inputs as an array of their own, read whole now: an iterable that throws (a revoked Proxy,
 * a generator's own error) refuses the call — a coded TypeError, the original as `cause` — and
 * leaves no task behind.
 */
export function readInputs<I>(inputs: Iterable<I>): I[] {
  return readOptions('submitAll() inputs', () => {
    if (inputs === null || typeof (inputs as Partial<Iterable<I>>)?.[Symbol.iterator] !== 'function') {
      throw argTypeError(`submitAll() takes an iterable of inputs, received ${describe(inputs)}`);
    }
    return Array.isArray(inputs) ? (inputs as I[]).slice() : Array.from(inputs);
  });
}

/** Options of {@link Pool.submitAll}: a task's options, applied to each input, and a key per input. */
export interface SubmitAllOptions<I> extends TaskOptions {
  /**
   * The key of each input (`TaskOptions.key`), from the input and its index: a string, or
   * `undefined` for none. Called for every input before any is accepted; a throw refuses the
   * whole call with what was thrown, a key that is not a string with a TypeError. Give `key` or
   * `keyOf`, not both.
   */
  keyOf?: (input: I, index: number) => string | undefined;
}

/**
 * The options of every task of a submitAll: `checked` for all, or — with `keyOf` — one copy per
 * input with its key. Throws a coded error (accepting nothing) when `keyOf` is not a function,
 * comes with `key`, throws, or returns something else than a string or undefined.
 */
export function optionsPerInput<I>(
  given: SubmitAllOptions<I> | undefined,
  checked: TaskOptions | undefined,
  list: readonly I[],
): TaskOptions | undefined | (TaskOptions | undefined)[] {
  const keyOf = readOptions('submitAll() options', () => {
    const value = given?.keyOf;
    if (value === undefined) return undefined;
    if (checked?.key !== undefined) throw argTypeError('submitAll() takes key or keyOf, not both');
    return checkFunction('keyOf', value);
  });
  if (keyOf === undefined) return checked;
  const perInput = new Array<TaskOptions | undefined>(list.length);
  for (let index = 0; index < list.length; index++) {
    const key: unknown = keyOf(list[index], index); // what it throws refuses the call as it is
    if (key === undefined) {
      perInput[index] = checked;
    } else if (typeof key !== 'string') {
      throw argTypeError(
        `keyOf must return a string or undefined, received ${describe(key)} for input ${index}`,
      );
    } else {
      perInput[index] = { ...checked, key };
    }
  }
  return perInput;
}

/**
 * Makes one task per input, hands each to `enter` in order (which offers it to the queue, or
 * refuses it through `task.reject`), and resolves once every task has an outcome.
 */
export function gatherOutcomes<I, O>(
  list: readonly I[],
  options: TaskOptions | undefined | readonly (TaskOptions | undefined)[],
  enter: (task: Task<I, O>) => void,
): Promise<Outcome<I, O>[]> {
  const outcomes = new Array<Outcome<I, O>>(list.length);
  if (list.length === 0) return Promise.resolve(outcomes);
  return new Promise((resolve) => {
    let left = list.length;
    for (let index = 0; index < list.length; index++) {
      const task = new Task<I, O>(
        list[index],
        Array.isArray(options)
          ? (options as (TaskOptions | undefined)[])[index]
          : (options as TaskOptions | undefined),
        TO_CALLBACK,
      );
      const callback = (ok: boolean, value: unknown, input: I) => {
        outcomes[index] = ok ? { ok: true, input, value: value as O } : { ok: false, input, error: value };
        if (--left === 0) resolve(outcomes);
      };
      task.callback = callback;
      task.reject = (error) => callback(false, error, task.input);
      enter(task);
    }
  });
}
