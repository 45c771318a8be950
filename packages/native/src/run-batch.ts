/**
 * `runBatch`: one kernel over a whole batch of items, split in chunks across the Rust pool.
 * The input is copied into Rust memory before `runBatch` returns, so the caller may reuse or
 * transfer it at once; the JS event loop never waits for the kernels.
 */
import {
  abortReason,
  argRangeError,
  argTypeError,
  asArgError,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkSignal,
  describeValue as describe,
} from '@poolkit/core';
import { type KernelInfo, loadAddon, type ProgressCallback } from './addon.js';
import type { NumericKernelName } from './kernels.js';
import { kernelInfo } from './kernels.js';
import { MAX_THREADS } from './pool-threads.js';

/** Options of {@link runBatch}. Every field is optional. */
export interface BatchOptions {
  /**
   * A user kernel library (a shared object built with the `poolkit-kernel` SDK; path relative to
   * the cwd) that exports `kernel`. Loaded once per process. Default: the built-in kernels.
   */
  library?: string;
  /** Cancels the batch: the promise rejects at once with an AbortError (or the reason itself, when it is a TaskTimeoutError/TaskStartTimeoutError); threads stop at the next chunk boundary. */
  signal?: AbortSignal;
  /** Most pool threads this batch may use at once, 1–256. Default: the pool size. A larger value starts extra threads (they exit after 5 s idle). */
  threads?: number;
  /** Items per chunk (the unit of scheduling and of cancellation), ≥ 1. Default: ⌈items / (threads × 8)⌉. */
  chunkSize?: number;
  /** Kernel parameters for the whole batch. `mandelbrot`: `[width, height, maxIter]`, default `[256, 256, 256]`. */
  params?: ArrayLike<number>;
  /** Byte-output kernels (`md5`): `'buffers'` (default) gives one Buffer per item, `'packed'` one Buffer of all items end to end. */
  output?: 'buffers' | 'packed';
}

/** A byte item: bytes, or a string (encoded as UTF-8). */
export type ByteItem = Uint8Array | string;

/** What a batch produces: numbers, one Buffer per item, or one packed Buffer. */
export type BatchOutput = Float64Array | Buffer[] | Buffer;

/** The encoded input the addon takes. */
interface Encoded {
  data: Float64Array | Uint8Array;
  offsets: Float64Array | undefined;
  items: number;
}

/** The coded TypeError for a view whose ArrayBuffer was detached (`what` names it). */
function detachedError(what: string): TypeError {
  return Object.assign(new TypeError(`${what} is backed by a detached ArrayBuffer`), {
    code: 'ERR_DETACHED_BUFFER',
  });
}

/** Flattens numbers input: a Float64Array goes through untouched (the addon copies it). */
function encodeNumbers(info: KernelInfo, inputs: unknown): Encoded {
  let data: Float64Array;
  // Every kind of typed array alike: a detached one reads as empty, which would pass as an empty batch.
  if (ArrayBuffer.isView(inputs) && isDetached(inputs)) throw detachedError('inputs');
  if (inputs instanceof Float64Array) {
    data = inputs;
  } else if (Array.isArray(inputs) || (ArrayBuffer.isView(inputs) && !(inputs instanceof DataView))) {
    const list = inputs as ArrayLike<unknown>;
    data = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x !== 'number') {
        throw argTypeError(`inputs[${i}] must be a number for kernel ${info.name}, received ${describe(x)}`);
      }
      data[i] = x;
    }
  } else {
    throw argTypeError(
      `inputs of kernel ${info.name} must be a Float64Array or an array of numbers, received ${describe(inputs)}`,
    );
  }
  if (data.length % info.inputArity !== 0) {
    throw argRangeError(
      `kernel ${info.name} takes ${info.inputArity} numbers per item, but inputs holds ${data.length} numbers`,
    );
  }
  return { data, offsets: undefined, items: data.length / info.inputArity };
}

/** True when a view's ArrayBuffer was detached (transferred away). */
function isDetached(view: ArrayBufferView): boolean {
  try {
    if (view.byteLength !== 0) return false;
  } catch {
    return true; // a DataView over a detached buffer throws on byteLength
  }
  try {
    new Uint8Array(view.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Packs byte items end to end into one buffer plus `items + 1` offsets. */
function encodeBytes(info: KernelInfo, inputs: unknown): Encoded {
  if (!Array.isArray(inputs)) {
    throw argTypeError(
      `inputs of kernel ${info.name} must be an array of Uint8Array or string, received ${describe(inputs)}`,
    );
  }
  // Each item is read once: a getter cannot answer differently between measuring and copying.
  const items: unknown[] = Array.from(inputs);
  const offsets = new Float64Array(items.length + 1);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (typeof item === 'string') total += Buffer.byteLength(item);
    else if (item instanceof Uint8Array) {
      if (isDetached(item)) throw detachedError(`inputs[${i}]`);
      total += item.byteLength;
    } else
      throw argTypeError(
        `inputs[${i}] must be a Uint8Array or a string for kernel ${info.name}, received ${describe(item)}`,
      );
    offsets[i + 1] = total;
  }
  const data = Buffer.allocUnsafe(total);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as ByteItem;
    if (typeof item === 'string') data.write(item, offsets[i], 'utf8');
    else data.set(item, offsets[i]);
  }
  return { data, offsets, items: items.length };
}

/** Turns the addon's packed bytes into one Buffer per item (views of one allocation, no copy). */
function splitBytes(data: Buffer, offsets: Float64Array): Buffer[] {
  const out = new Array<Buffer>(offsets.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = data.subarray(offsets[i], offsets[i + 1]);
  return out;
}

/**
 * How long a cancelled batch's kernel may keep running before its pool threads are written off
 * and replaced (ms). Built-in kernels poll for cancellation about every quarter millisecond, so
 * only a kernel that ignores it (or a thread descheduled that long) reaches this.
 */
export const RESCUE_AFTER_MS = 250;

/**
 * Internal: cancels batch `id` and detaches it (it keeps nothing alive any more); if its kernel is
 * still running {@link RESCUE_AFTER_MS} later, its threads are replaced (see `NativeAddon.rescue`).
 */
export function abandon(id: number): void {
  const addon = loadAddon();
  if (!addon.cancel(id)) return;
  setTimeout(() => addon.rescue(id), RESCUE_AFTER_MS).unref();
}

/** Internal: submits an encoded batch and settles with the addon's raw result. */
export function submitRaw(
  kernel: string,
  encoded: Encoded,
  params: Float64Array | undefined,
  threads: number,
  chunkSize: number,
  signal: AbortSignal | undefined,
  onProgress?: ProgressCallback,
): Promise<{ data: Float64Array | Buffer; offsets: Float64Array | undefined }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const addon = loadAddon();
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      abandon(id);
      reject(abortReason(signal as AbortSignal));
    };
    const id = addon.submit(
      kernel,
      encoded.data,
      encoded.offsets,
      params,
      threads,
      chunkSize,
      (error, data, offsets) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve({ data: data as Float64Array | Buffer, offsets });
      },
      onProgress === undefined
        ? undefined
        : (claimed, finished, data, offsets) => {
            if (!settled) onProgress(claimed, finished, data, offsets);
          },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The fields of {@link BatchOptions}, read once each; a getter that throws (or a revoked Proxy) is a coded TypeError. */
const BATCH_OPTION_KEYS = ['library', 'signal', 'threads', 'chunkSize', 'params', 'output'] as const;

/** Copies the known fields of `runBatch`'s options, so each is read once and a throwing read has a code. */
function readOptions(options: BatchOptions | undefined): BatchOptions {
  const out: Record<string, unknown> = {};
  if (options === undefined || options === null) return out;
  for (const key of BATCH_OPTION_KEYS) {
    try {
      out[key] = (options as Record<string, unknown>)[key];
    } catch (error) {
      throw asArgError(`options.${key}`, error);
    }
  }
  return out as BatchOptions;
}

/** Internal: checks a kernel's inputs and encodes them for the addon. */
export function encodeInputs(info: KernelInfo, inputs: unknown): Encoded {
  try {
    return info.input === 'numbers' ? encodeNumbers(info, inputs) : encodeBytes(info, inputs);
  } catch (error) {
    // A container that throws when read (a revoked Proxy, a getter on an index) is refused by
    // name, like every other bad input; the checks' own coded errors pass as they are.
    throw asArgError('inputs', error);
  }
}

/** Internal: checks `params` and makes the Float64Array the addon takes. */
export function encodeParams(params: unknown): Float64Array | undefined {
  try {
    return readParams(params);
  } catch (error) {
    throw asArgError('params', error);
  }
}

function readParams(params: unknown): Float64Array | undefined {
  if (params === undefined) return undefined;
  if (ArrayBuffer.isView(params) && isDetached(params)) throw detachedError('params');
  if (!Array.isArray(params) && !(ArrayBuffer.isView(params) && !(params instanceof DataView))) {
    throw argTypeError(`params must be an array of numbers or a typed array, received ${describe(params)}`);
  }
  const list = params as ArrayLike<unknown>;
  if (ArrayBuffer.isView(params) && isDetached(params)) throw detachedError('params');
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number')
      throw argTypeError(`params[${i}] must be a number, received ${describe(list[i])}`);
    out[i] = list[i] as number;
  }
  return out;
}

/**
 * Runs `kernel` on every item of `inputs` on the native pool and resolves with all results.
 *
 * - Numbers kernels (`square`, `noop`, `isprime`, `spin`, `mandelbrot`) take a Float64Array or an
 *   array of numbers, flat (`spin` takes pairs `[f0, d0, f1, d1, …]`), and resolve with a
 *   Float64Array (`mandelbrot`: `width` counts per row, rows end to end).
 * - Byte kernels take an array of Uint8Array/Buffer/string: `fnv1a` resolves with a Float64Array
 *   of hashes, `md5` with one 16-byte Buffer per item, or one packed Buffer (`output: 'packed'`).
 * - An empty batch resolves with an empty result.
 *
 * Rejects with a TypeError/RangeError carrying `code` for bad input (`ERR_INVALID_ARG_TYPE`,
 * `ERR_INVALID_ARG_VALUE`, `ERR_UNKNOWN_KERNEL`, `ERR_DETACHED_BUFFER`), an Error
 * `ERR_KERNEL_PANIC` when a kernel panics, an AbortError when `signal` aborts (core's `abortReason`:
 * a TaskTimeoutError or TaskStartTimeoutError reason is rejected with as it is).
 *
 * @example
 * const squares = await runBatch('square', [1, 2, 3]);          // Float64Array [1, 4, 9]
 * const digests = await runBatch('md5', ['a', 'b'], { output: 'packed' }); // Buffer(32)
 */
export function runBatch(
  kernel: NumericKernelName,
  inputs: Float64Array | ArrayLike<number>,
  options?: BatchOptions,
): Promise<Float64Array>;
export function runBatch(
  kernel: 'fnv1a',
  inputs: readonly ByteItem[],
  options?: BatchOptions,
): Promise<Float64Array>;
export function runBatch(
  kernel: 'md5',
  inputs: readonly ByteItem[],
  options: BatchOptions & { output: 'packed' },
): Promise<Buffer>;
export function runBatch(
  kernel: 'md5',
  inputs: readonly ByteItem[],
  options?: BatchOptions & { output?: 'buffers' },
): Promise<Buffer[]>;
export function runBatch(kernel: string, inputs: unknown, options?: BatchOptions): Promise<BatchOutput>;
export async function runBatch(
  kernel: string,
  inputs: unknown,
  options?: BatchOptions,
): Promise<BatchOutput> {
  checkOptions('options', options);
  const opts = readOptions(options);
  const signal = checkSignal('options.signal', opts.signal);
  const addon = loadAddon();
  const threads =
    opts.threads === undefined
      ? addon.threads()
      : checkInteger('options.threads', opts.threads, 1, { max: MAX_THREADS });
  const chunkSize =
    opts.chunkSize === undefined ? 0 : checkInteger('options.chunkSize', opts.chunkSize, 1, { max: 2 ** 32 });
  const output =
    opts.output === undefined ? 'buffers' : checkOneOf('options.output', opts.output, ['buffers', 'packed']);
  const info = kernelInfo(kernel, opts.library);
  const encoded = encodeInputs(info, inputs);
  const params = encodeParams(opts.params);
  const { data, offsets } = await submitRaw(info.name, encoded, params, threads, chunkSize, signal);
  if (data instanceof Float64Array) return data;
  return output === 'packed' ? data : splitBytes(data, offsets as Float64Array);
}
