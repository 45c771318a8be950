import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Backend, Executor, TaskContext } from './contracts.js';
import { abortError } from './errors.js';
import { follow, isThenable } from './thenable.js';
import {
  argTypeError,
  asArgError,
  checkBoolean,
  checkInteger,
  checkOptions,
  checkSignal,
  describe,
  readOptions,
} from './validate.js';

/** Options of {@link map}. */
export interface MapOptions {
  /** Tasks in flight. Default: the backend's concurrency, or available cores with an executor. */
  concurrency?: number;
  /** Yield in input order (true, default) or in completion order (false). */
  ordered?: boolean;
  /** Aborting it cancels running tasks and makes the iteration throw an AbortError. */
  signal?: AbortSignal;
}

type Slot<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Parallel map over any (async) iterable, with at most `concurrency` tasks in flight. Input is
 * pulled lazily: at most `2 × concurrency` items are read and not yet consumed, a yielded value
 * counting until the loop asks for the next one, so an endless generator is fine. Whenever a
 * task slot is free map reads up to that bound, so a slow task at the head of the input order
 * does not idle the others. The first failure is thrown from the iteration (in input order when
 * `ordered`), and cancels the tasks still running; so does leaving the loop early.
 *
 * It does not run on a `Pool`: no timeout, retries, priorities, rate limit or stats. For
 * those, map over a pool's `submit`: `map(inputs, (x, { signal }) => pool.submit(x, { signal }))`.
 *
 * @example
 * for await (const size of map(files, (f: string) => stat(f).then((s) => s.size), { concurrency: 8 })) {
 *   total += size;
 * }
 */
export function map<I, O>(
  inputs: Iterable<I> | AsyncIterable<I>,
  target: Executor<I, O> | Backend<I, O>,
  options: MapOptions = {},
): AsyncIterable<O> {
  const { concurrency, ordered, signal } = readOptions('map() arguments', () =>
    checkMapArguments(inputs, target, options),
  );
  return {
    [Symbol.asyncIterator]: () => iterate(inputs, target, concurrency, ordered, signal),
  };
}

/** map()'s arguments, checked and read once. */
function checkMapArguments<I, O>(
  inputs: Iterable<I> | AsyncIterable<I>,
  target: Executor<I, O> | Backend<I, O>,
  options: MapOptions,
): { concurrency: number; ordered: boolean; signal: AbortSignal | undefined } {
  if (
    inputs === null ||
    typeof inputs !== 'object' ||
    !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs)
  ) {
    throw argTypeError(`inputs must be an iterable or an async iterable, received ${describe(inputs)}`);
  }
  const isExecutor = typeof target === 'function';
  if (!isExecutor && (typeof target !== 'object' || target === null || typeof target.run !== 'function')) {
    throw argTypeError(`map needs an executor function or a Backend, received ${describe(target)}`);
  }
  checkOptions('map options', options);
  const signal = checkSignal('signal', options.signal);
  if (options.ordered !== undefined) checkBoolean('ordered', options.ordered);
  const fallback = isExecutor ? availableParallelism() : (target as Backend<I, O>).concurrency;
  const concurrency =
    options.concurrency === undefined
      ? Number.isFinite(fallback) && fallback >= 1
        ? Math.floor(fallback)
        : availableParallelism()
      : checkInteger('concurrency', options.concurrency, 1);
  const ordered = options.ordered ?? true;
  return { concurrency, ordered, signal };
}

async function* iterate<I, O>(
  inputs: Iterable<I> | AsyncIterable<I>,
  target: Executor<I, O> | Backend<I, O>,
  concurrency: number,
  ordered: boolean,
  outer: AbortSignal | undefined,
): AsyncGenerator<O> {
  if (outer?.aborted) throw abortError(outer.reason);
  const controller = new AbortController();
  // Each task in flight may listen to it (a backend's abort race, the executor itself).
  setMaxListeners(0, controller.signal);
  const onOuterAbort = () => {
    controller.abort(abortError(outer!.reason));
    wake();
  };
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  const invoke = toInvoke(target, controller.signal);
  let source: Iterator<I> | AsyncIterator<I>;
  try {
    source =
      Symbol.asyncIterator in inputs
        ? (inputs as AsyncIterable<I>)[Symbol.asyncIterator]()
        : (inputs as Iterable<I>)[Symbol.iterator]();
  } catch (error) {
    outer?.removeEventListener('abort', onOuterAbort);
    throw asArgError('map() inputs', error);
  }
  // Invariant: readCount - consumed <= window, at every moment. `consumed` counts the values the
  // loop has asked past (called next() again after), so the value the loop body holds is still
  // inside the window: an async generator cannot see the moment its `yield` hands a value over
  // (the `yield` awaits first), only the next next(). Counting it any earlier let the refill read
  // one input more than the window before the consumer had the value.
  const window = 2 * concurrency;
  const ready = new Map<number, Slot<O>>(); // ordered: by index
  const arrived: Slot<O>[] = []; // unordered: by completion
  let readCount = 0;
  let consumed = 0;
  let inFlight = 0;
  let exhausted = false;
  let sourceFailure: { error: unknown } | undefined;
  let failed = false; // a task failed: the iteration will end with it, so read no more
  let reading = false; // an async next() is pending (iterators are not re-entrant)
  let pulling = false;
  let ended = false;
  let waiter: (() => void) | undefined;
  function wake(): void {
    const w = waiter;
    waiter = undefined;
    w?.();
  }
  const finish = (index: number, slot: Slot<O>) => {
    if (ended) return;
    inFlight--;
    if (!slot.ok) failed = true;
    if (ordered) ready.set(index, slot);
    else arrived.push(slot);
    pull();
    wake();
  };
  const start = (input: I) => {
    const index = readCount++;
    inFlight++;
    let result: O | Promise<O>;
    try {
      result = invoke(input);
    } catch (error) {
      finish(index, { ok: false, error });
      return;
    }
    follow(
      result,
      (value) => finish(index, { ok: true, value: value as O }),
      (error: unknown) => finish(index, { ok: false, error }),
    );
  };
  const onRead = (step: IteratorResult<I>) => {
    if (step.done) exhausted = true;
    else start(step.value);
  };
  const onReadError = (error: unknown) => {
    sourceFailure = { error };
    exhausted = true;
  };
  // Reads inputs and starts their tasks while the window and the slots allow. Reading runs
  // beside the consumer rather than inside its next(): a slow input never holds back results
  // that are already there, and an abort never waits for the input.
  function pull(): void {
    if (pulling || ended) return; // a task that settled synchronously: the loop below goes on
    pulling = true;
    try {
      while (
        !reading &&
        !exhausted &&
        !failed &&
        !controller.signal.aborted &&
        inFlight < concurrency &&
        readCount - consumed < window
      ) {
        let step: IteratorResult<I> | Promise<IteratorResult<I>>;
        try {
          step = source.next();
        } catch (error) {
          onReadError(error);
          break;
        }
        if (!isThenable(step)) {
          onRead(step);
          continue;
        }
        reading = true;
        Promise.resolve(step).then(
          (result) => {
            reading = false;
            if (ended) return;
            onRead(result);
            pull();
            wake();
          },
          (error: unknown) => {
            reading = false;
            if (ended) return;
            onReadError(error);
            wake();
          },
        );
      }
    } finally {
      pulling = false;
    }
  }

  try {
    pull();
    for (;;) {
      if (controller.signal.aborted) throw controller.signal.reason;
      let slot: Slot<O> | undefined;
      if (ordered) {
        slot = ready.get(consumed);
        if (slot !== undefined) ready.delete(consumed);
      } else {
        slot = arrived.shift();
      }
      if (slot !== undefined) {
        if (!slot.ok) throw slot.error;
        yield slot.value;
        // The loop asks for the next value: the last one leaves the window, read into its room.
        consumed++;
        pull();
        continue;
      }
      if (inFlight === 0) {
        // Everything read before the input failed has been yielded: now its error.
        if (sourceFailure !== undefined) throw sourceFailure.error;
        if (exhausted) return;
      }
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
    }
  } finally {
    ended = true;
    outer?.removeEventListener('abort', onOuterAbort);
    // Leaving early (break, a failure, an abort) cancels what still runs and closes the input.
    if (inFlight > 0) controller.abort(abortError('map() iteration ended'));
    if (!reading) {
      await source.return?.();
    } else {
      // An async generator runs return() only once its pending next() settles, which may be
      // never: ask without waiting, so that an abort ends the iteration now.
      Promise.resolve(source.return?.()).catch(() => {});
    }
  }
}

function toInvoke<I, O>(
  target: Executor<I, O> | Backend<I, O>,
  signal: AbortSignal,
): (input: I) => O | Promise<O> {
  if (typeof target === 'function') {
    const ctx: TaskContext = { signal, attempt: 1 };
    return (input) => target(input, ctx);
  }
  // Always through run(), even for an InlineBackend: the caller may share the backend (other
  // map()s, a Pool) and its own slots are what keep the total within its concurrency.
  const options = { signal };
  return (input) => target.run(input, options);
}
