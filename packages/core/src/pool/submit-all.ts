/**
 * `submitAll`'s two halves that are not scheduling: reading the inputs whole before anything is
 * accepted, and gathering one {@link Outcome} per input, in input order, through the tasks'
 * outcome callbacks (no promise per input).
 */
import type { Outcome } from '../contracts.js';
import { argTypeError, describe, readOptions } from '../validate.js';
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

/**
 * Makes one task per input, hands each to `enter` in order (which offers it to the queue, or
 * refuses it through `task.reject`), and resolves once every task has an outcome.
 */
export function gatherOutcomes<I, O>(
  list: readonly I[],
  options: TaskOptions | undefined,
  enter: (task: Task<I, O>) => void,
): Promise<Outcome<I, O>[]> {
  const outcomes = new Array<Outcome<I, O>>(list.length);
  if (list.length === 0) return Promise.resolve(outcomes);
  return new Promise((resolve) => {
    let left = list.length;
    for (let index = 0; index < list.length; index++) {
      const task = new Task<I, O>(list[index], options, TO_CALLBACK);
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
