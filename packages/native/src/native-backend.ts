/**
 * `NativeBackend`: the poolkit {@link Backend} over one native kernel: one task per `run` call,
 * or a whole batch of tasks per `runMany` call (one native call).
 */
import {
  abortReason,
  argRangeError,
  argTypeError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  checkInteger,
  checkName,
  checkOptions,
  PoolClosedError,
  type RunOptions,
  readBatch,
  readOptions,
  readRunOptions,
  safeReport,
  tellStarted,
} from '@poolkit/core';
import type { KernelInfo } from './addon.js';
import { loadAddon } from './addon.js';
import { BatchFlight, fill, once } from './batch-flight.js';
import { kernelInfo } from './kernels.js';
import { MAX_THREADS } from './pool-threads.js';
import { encodeInputs, encodeParams, submitRaw } from './run-batch.js';

/** The encoded input the addon takes. */
type Encoded = ReturnType<typeof encodeInputs>;

/** Options of {@link NativeBackend}. */
export interface NativeBackendOptions {
  /** The kernel every task runs (`'isprime'`, `'md5'`, …). Required. */
  readonly kernel: string;
  /**
   * A user kernel library (a shared object built with the `poolkit-kernel` SDK; path relative to
   * the cwd) that exports `kernel`. Loaded once per process. Default: the built-in kernels.
   */
  readonly library?: string;
  /** Pool threads this backend counts on, 1–256: its `concurrency`. Default: the pool size. Raises the pool's size if larger. */
  readonly threads?: number;
  /** Kernel parameters for every task (`mandelbrot`: `[width, height, maxIter]`). */
  readonly params?: ArrayLike<number>;
  /** The backend's name. Default `native:<kernel>`. */
  readonly name?: string;
}

/**
 * A {@link Backend} that runs one item of a native kernel per `run` call on the process-wide
 * Rust pool. Inputs and outputs per kernel kind:
 * - numbers in, one number out (`square`, `noop`, `isprime`, `fnv1a` …): `run(7)` → `49` (`noop`: `7`);
 * - several numbers in (`spin`): `run([f, d])`; several out (`mandelbrot`): a Float64Array row;
 * - bytes in (`md5`, `fnv1a`): a Uint8Array or string; bytes out (`md5`): a Buffer.
 *
 * `concurrency` is the number of pool threads. Abort rejects at once with an AbortError, or the
 * signal's TaskTimeoutError/TaskStartTimeoutError as it is, like every backend (the
 * item, already running, finishes on its thread and is dropped). `close()` refuses further runs;
 * the process-wide pool itself stays (it keeps nothing alive when idle).
 *
 * Batching: it implements `runMany`, so a core `Pool` in front of it groups the tasks already
 * waiting (by default; `maxBatch: 1` turns it off) and each group becomes ONE native call on one
 * pool thread, instead of one ~10–35 µs round trip per task. Each task keeps its own outcome,
 * the value or error `run` would give it (`md5`'s Buffers of one batch are views of one
 * allocation, as `runBatch` gives them): an invalid input fails only its own task, and when the
 * native call fails as a whole (a kernel panic) the tasks are run again one by one through the
 * `run` path so the error lands only on the ones that cause it. Tasks already aborted are
 * skipped; one aborted while the batch runs cannot stop it (its outcome is dropped by the Pool).
 * Each task reports the native call's elapsed time divided by the tasks sent, which the Pool
 * uses to size batches.
 *
 * @example
 * const backend = new NativeBackend({ kernel: 'isprime' });
 * const pool = new Pool({ backend });
 * await pool.submit(1_000_000_007); // 1
 */
export class NativeBackend<I = unknown, O = unknown> implements Backend<I, O> {
  /** The `name` option: `native:<kernel>` (`'native:md5'`…) unless given; shown in error messages. */
  readonly name: string;
  readonly concurrency: number;
  /**
   * True: the backend calls `options.started()` as each task really begins on a pool thread —
   * each `run`, and each `runMany` entry — for every try that can be cancelled. (A try with
   * `cancellable: false` — no timeout, no start timeout, no signal of its own — is not told: no
   * timer waits on it, and skipping it keeps the untimed batch path free of progress reports.)
   * A Pool then starts a try's `timeout` there, so time spent queued behind other work on the
   * pool threads, or behind earlier entries of a batch, never counts against it.
   */
  readonly reportsStart = true;
  readonly #info: KernelInfo;
  readonly #params: Float64Array | undefined;
  #closed = false;

  constructor(options: NativeBackendOptions) {
    // Each field read once; whatever reading them throws is a coded TypeError naming them.
    const opts: Partial<NativeBackendOptions> = readOptions('NativeBackend options', () => {
      checkOptions('options', options);
      const { kernel, library, threads, params, name } = options;
      return { kernel, library, threads, params, name };
    });
    if (opts.kernel === undefined)
      throw argTypeError('options.kernel must be a kernel name, received undefined');
    this.#info = kernelInfo(opts.kernel, opts.library);
    this.#params = encodeParams(opts.params);
    const addon = loadAddon();
    if (opts.threads === undefined) {
      this.concurrency = addon.threads();
    } else {
      this.concurrency = checkInteger('options.threads', opts.threads, 1, { max: MAX_THREADS });
      addon.ensureThreads(this.concurrency);
    }
    this.name = opts.name === undefined ? `native:${this.#info.name}` : checkName('options.name', opts.name);
  }

  /**
   * Runs the kernel on one item. See the class doc for the shapes. Calls `options.started()` when
   * the item begins on a pool thread (see {@link reportsStart}). Rejects with a coded
   * TypeError/RangeError, starting nothing, when `options` is malformed.
   */
  async run(input: I, options: RunOptions): Promise<O> {
    // Checked and read once: a getter cannot answer one thing to the check and another later.
    const checked = readRunOptions(this.name, options);
    if (checked instanceof Error) throw checked;
    options = checked;
    if (this.#closed) throw new PoolClosedError(`backend ${this.name} is closed`);
    if (options.signal.aborted) throw abortReason(options.signal);
    return this.#runOne(input, options);
  }

  /**
   * Runs a batch of tasks as one native call on one pool thread and resolves with one result
   * per entry, in order (never rejects, but for a malformed call: a coded TypeError, nothing
   * started). See the class doc; the values are `run`'s. With entries that can be cancelled
   * (`options.cancellable !== false`) each item is its own chunk and the batch is watched: each
   * entry's `started()` is called as it begins, each finished entry is passed to `report` at
   * once, and an entry aborted before it finished cancels the native call (the entries after it
   * are `'rerun'`).
   */
  async runMany(
    batch: readonly BatchEntry<I>[],
    report?: (index: number, result: BatchResult<O>) => void,
  ): Promise<BatchResult<O>[]> {
    const checked = readBatch<I>(this.name, batch, report);
    if (checked instanceof Error) throw checked;
    batch = checked;
    const n = batch.length;
    const results = new Array<BatchResult<O>>(n);
    if (this.#closed) {
      for (let i = 0; i < n; i++) results[i] = { status: 'rejected', reason: this.#closedError() };
      return results;
    }
    const info = this.#info;
    // Which entries go to native, in order; the others already have their result.
    const sent: number[] = [];
    let encoded: Encoded;
    try {
      encoded =
        info.input === 'numbers'
          ? this.#encodeNumbers(batch, results, sent)
          : this.#encodeBytes(batch, results, sent);
    } catch {
      // Defensive: a batch-level encode failure (an input changed between the checks?) — run
      // each entry alone so only the bad ones fail.
      return this.#runEach(batch, results, allIndices(batch, results));
    }
    const count = sent.length;
    if (count === 0) return results;
    const flight = new BatchFlight(batch, sent, results, safeReport(report));
    let raw: { data: Float64Array | Buffer; offsets: Float64Array | undefined };
    try {
      // Untimed (nothing but a force-stop can cancel any entry): one chunk, no progress — the
      // fast path. Otherwise one item per chunk, watched, so each entry starts and ends on its own.
      raw = await submitRaw(
        info.name,
        encoded,
        this.#params,
        1,
        flight.watched ? 1 : count,
        flight.signal,
        flight.watched
          ? (claimed, finished, data, offsets) => flight.progress(claimed, finished, data, offsets)
          : undefined,
      );
    } catch {
      if (flight.aborted) return flight.abortResults();
      // The call failed as a whole (a kernel panic, bad params): the entries not reported yet
      // one by one, so the error lands only on the entries that cause it.
      return this.#runEach(batch, results, sent.slice(flight.finished));
    } finally {
      flight.dispose();
    }
    flight.startedUpTo(count);
    const time = flight.share(count);
    fill(raw.data, raw.offsets, count, flight.finished, (j, value) => {
      results[sent[j]] = { status: 'fulfilled', value: value as O, time };
    });
    return results;
  }

  /** Refuses further runs. Idempotent; runs in flight still settle. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #closedError(): PoolClosedError {
    return new PoolClosedError(`backend ${this.name} is closed`);
  }

  /** Checks and encodes one task's input exactly as `run` does (same errors). */
  #encodeOne(input: unknown): Encoded {
    const info = this.#info;
    let items: unknown;
    if (info.input === 'numbers') {
      items = typeof input === 'number' ? [input] : input;
    } else {
      items = [input];
    }
    const encoded = encodeInputs(info, items);
    if (encoded.items !== 1) {
      throw argRangeError(
        `a ${this.name} task takes exactly one item (${info.inputArity} numbers), received ${encoded.items}`,
      );
    }
    return encoded;
  }

  /**
   * One item, one native call on one thread; the result shaped per kernel kind. A try that can
   * be cancelled is watched, so its `started()` is called when the item leaves the pool's queue.
   */
  async #runOne(input: unknown, options: RunOptions): Promise<O> {
    const encoded = this.#encodeOne(input);
    // Watched (one progress ping when the item begins) only when the caller wants to know.
    const told = options.cancellable !== false && options.started !== undefined;
    const { data } = await submitRaw(
      this.#info.name,
      encoded,
      this.#params,
      1,
      1,
      options.signal,
      told ? once(() => tellStarted(options)) : undefined,
    );
    if (data instanceof Float64Array) return (data.length === 1 ? data[0] : data) as O;
    return data as O;
  }

  /**
   * Numbers kernels: writes every valid, live entry's numbers into one array (a plain number
   * straight in, anything else through `#encodeOne`); fills the others' results.
   */
  #encodeNumbers(batch: readonly BatchEntry<I>[], results: BatchResult<O>[], sent: number[]): Encoded {
    const arity = this.#info.inputArity;
    const data = new Float64Array(batch.length * arity);
    let at = 0;
    for (let i = 0; i < batch.length; i++) {
      const { input, options } = batch[i];
      if (skipAborted(options, results, i)) continue;
      if (arity === 1 && typeof input === 'number') {
        data[at++] = input;
      } else {
        try {
          data.set(this.#encodeOne(input).data as Float64Array, at);
        } catch (reason) {
          results[i] = { status: 'rejected', reason };
          continue;
        }
        at += arity;
      }
      sent.push(i);
    }
    return { data: at === data.length ? data : data.subarray(0, at), offsets: undefined, items: sent.length };
  }

  /** Bytes kernels: checks each live entry as `run` would, then packs the valid ones at once. */
  #encodeBytes(batch: readonly BatchEntry<I>[], results: BatchResult<O>[], sent: number[]): Encoded {
    const inputs: unknown[] = [];
    for (let i = 0; i < batch.length; i++) {
      const { input, options } = batch[i];
      if (skipAborted(options, results, i)) continue;
      // A string or a non-empty view is fine; anything else (an empty view may be detached) is
      // checked alone, which throws run()'s error for it.
      if (typeof input !== 'string' && !(input instanceof Uint8Array && input.byteLength > 0)) {
        try {
          this.#encodeOne(input);
        } catch (reason) {
          results[i] = { status: 'rejected', reason };
          continue;
        }
      }
      inputs.push(input);
      sent.push(i);
    }
    return encodeInputs(this.#info, inputs);
  }

  /**
   * Runs the entries at `indices` one after another (one slot), each through `run`'s path with
   * its own outcome and time; entries aborted by their turn are skipped. Never rejects.
   */
  async #runEach(
    batch: readonly BatchEntry<I>[],
    results: BatchResult<O>[],
    indices: readonly number[],
  ): Promise<BatchResult<O>[]> {
    for (const i of indices) {
      const { input, options } = batch[i];
      if (skipAborted(options, results, i)) continue;
      const start = performance.now();
      try {
        const value = await this.#runOne(input, options);
        results[i] = { status: 'fulfilled', value, time: performance.now() - start };
      } catch (reason) {
        results[i] = { status: 'rejected', reason, time: performance.now() - start };
      }
    }
    return results;
  }
}

/** The indices of the entries that have no result yet. */
function allIndices(batch: readonly unknown[], results: readonly unknown[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < batch.length; i++) if (results[i] === undefined) out.push(i);
  return out;
}

/** An entry whose signal already aborted is not run: its result is core's `abortReason(signal)`. */
function skipAborted(options: RunOptions | undefined, results: BatchResult<unknown>[], i: number): boolean {
  const signal = options?.signal;
  if (!signal?.aborted) return false;
  results[i] = { status: 'rejected', reason: abortReason(signal) };
  return true;
}
