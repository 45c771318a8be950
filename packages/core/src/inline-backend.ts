import { availableParallelism } from 'node:os';
import type { Backend, Executor, RunOptions, TaskContext } from './contracts.js';
import { PoolClosedError } from './errors.js';
import { abortReason } from './kit/abort-reason.js';
import { readRunOptions } from './kit/refusals.js';
import { isThenable } from './thenable.js';
import { checkFunction, checkInteger, checkName, checkOptions, readOptions } from './validate.js';

/** Options of {@link InlineBackend}. */
export interface InlineBackendOptions {
  /** Tasks run at once; extra `run` calls wait their turn. Default: `os.availableParallelism()`. */
  concurrency?: number;
  /** Shown in stats and errors. Default `'inline'`. */
  name?: string;
}

/** @internal The Pool's fast path: run the executor without the backend's own slot and abort race. */
export const kInvoke = Symbol('poolkit.inline.invoke');

/**
 * Runs an {@link Executor} in this thread, at most `concurrency` at a time. The simplest backend:
 * right for I/O-bound work and for tests; CPU-bound work belongs on a thread backend.
 *
 * @example
 * const backend = new InlineBackend(async (url: string) => (await fetch(url)).status, { concurrency: 8 });
 * await backend.run('https://example.com', { signal: AbortSignal.timeout(5000) });
 */
export class InlineBackend<I = unknown, O = unknown> implements Backend<I, O> {
  /** The `name` option: `'inline'` unless given; shown in error messages. */
  readonly name: string;
  /** Tasks run at once (an integer ≥ 1, or `Infinity`): the `concurrency` option or the available cores. */
  readonly concurrency: number;
  /** The function every task runs, as given to the constructor. */
  readonly executor: Executor<I, O>;
  #active = 0;
  #waiting: Array<() => void> = [];
  #closed = false;

  constructor(executor: Executor<I, O>, options: InlineBackendOptions = {}) {
    checkFunction('executor', executor);
    const { concurrency, name } = readOptions('InlineBackend options', () => {
      checkOptions('InlineBackend options', options);
      return { concurrency: options.concurrency, name: options.name };
    });
    this.executor = executor;
    this.concurrency =
      concurrency === undefined
        ? availableParallelism()
        : checkInteger('concurrency', concurrency, 1, { allowInfinity: true });
    this.name = name === undefined ? 'inline' : checkName('name', name);
  }

  /**
   * Runs one task; rejects with the task's error, or once `options.signal` aborts with core's
   * `abortReason(signal)` (an AbortError, or the signal's TaskTimeoutError/TaskStartTimeoutError as it is).
   */
  async run(input: I, options: RunOptions): Promise<O> {
    if (this.#closed) throw new PoolClosedError(`the ${this.name} backend is closed`);
    // Checked and read once: a getter cannot answer one thing to the check and another later.
    const checked = readRunOptions(this.name, options);
    if (checked instanceof Error) throw checked;
    options = checked;
    const signal = options.signal;
    if (signal.aborted) throw abortReason(signal);
    // A freed slot is handed straight to the next waiter (#active unchanged). Were the waiter to
    // take it when it resumes, a run() arriving in between would see a free slot too, and
    // concurrency + 1 tasks would run.
    if (this.#active < this.concurrency) this.#active++;
    else await this.#slot(signal);
    try {
      // The signal may abort after the hand-over, before this line; its listener is gone by then.
      if (signal.aborted) throw abortReason(signal);
      const ctx: TaskContext = { signal, attempt: options.attempt ?? 1 };
      return await raceAbort(this.executor(input, ctx), signal);
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#active--;
    }
  }

  /** @internal Used by Pool, which enforces concurrency and aborts itself. */
  [kInvoke](input: I, ctx: TaskContext): O | Promise<O> {
    return this.executor(input, ctx);
  }

  /** Refuses further `run` calls. Running tasks are not interrupted. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Waits for a finishing task to hand its slot over; rejects (and leaves the line) on abort. */
  #slot(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(abortReason(signal));
      };
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }
}

/** Settles like `value`, or rejects with an AbortError as soon as `signal` aborts. */
function raceAbort<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (!(value instanceof Promise) && !isThenable(value)) return Promise.resolve(value);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
    // A signal that aborted while the executor ran synchronously never fires 'abort' again.
    if (signal.aborted) onAbort();
  });
}
