/**
 * `NativeBackend`: the poolkit {@link Backend} over one native kernel, one task per `run` call.
 */
import {
  abortError,
  argRangeError,
  argTypeError,
  type Backend,
  checkInteger,
  checkName,
  checkOptions,
  PoolClosedError,
  type RunOptions,
} from '@poolkit/core';
import type { KernelInfo } from './addon.js';
import { loadAddon } from './addon.js';
import { kernelInfo } from './kernels.js';
import { MAX_THREADS } from './pool-threads.js';
import { encodeInputs, encodeParams, submitRaw } from './run-batch.js';

/** Options of {@link NativeBackend}. */
export interface NativeBackendOptions {
  /** The kernel every task runs (`'isprime'`, `'md5'`, …). Required. */
  readonly kernel: string;
  /** Pool threads this backend counts on, 1–256: its `concurrency`. Default: the pool size. Grows the pool if larger. */
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
 * `concurrency` is the number of pool threads. Abort rejects at once with an AbortError (the
 * item, already running, finishes on its thread and is dropped). `close()` refuses further runs;
 * the process-wide pool itself stays (it keeps nothing alive when idle).
 *
 * @example
 * const backend = new NativeBackend({ kernel: 'isprime' });
 * const pool = new Pool({ backend });
 * await pool.submit(1_000_000_007); // 1
 */
export class NativeBackend<I = unknown, O = unknown> implements Backend<I, O> {
  readonly name: string;
  readonly concurrency: number;
  readonly #info: KernelInfo;
  readonly #params: Float64Array | undefined;
  #closed = false;

  constructor(options: NativeBackendOptions) {
    checkOptions('options', options);
    const opts: Partial<NativeBackendOptions> = options ?? {};
    if (opts.kernel === undefined)
      throw argTypeError('options.kernel must be a kernel name, received undefined');
    this.#info = kernelInfo(opts.kernel);
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

  /** Runs the kernel on one item. See the class doc for the shapes. */
  async run(input: I, options: RunOptions): Promise<O> {
    if (this.#closed) throw new PoolClosedError(`backend ${this.name} is closed`);
    const signal = options?.signal;
    if (signal?.aborted) throw abortError(signal.reason);
    const info = this.#info;
    let batch: unknown;
    if (info.input === 'numbers') {
      batch = typeof input === 'number' ? [input] : input;
    } else {
      batch = [input];
    }
    const encoded = encodeInputs(info, batch);
    if (encoded.items !== 1) {
      throw argRangeError(
        `a ${this.name} task takes exactly one item (${info.inputArity} numbers), received ${encoded.items}`,
      );
    }
    const { data } = await submitRaw(info.name, encoded, this.#params, 1, 1, signal);
    if (data instanceof Float64Array) return (data.length === 1 ? data[0] : data) as O;
    return data as O;
  }

  /** Refuses further runs. Idempotent; runs in flight still settle. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
