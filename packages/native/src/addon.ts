/**
 * The hand-written loader of the Rust addon and the declaration of what it exports.
 * `napi build` (without napi-derive) generates no bindings, so this file is the contract: a test
 * checks that the loaded addon exports exactly {@link ADDON_EXPORTS}, each a function.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PoolkitError } from '@poolkit/core';

/** One kernel as the addon describes it (output for the kernel's default params). */
export interface KernelInfo {
  /** The kernel's name, as `NativeBackendOptions.kernel` and `runBatch` take it (`'md5'`, `'isprime'`…). */
  readonly name: string;
  /** `'numbers'`: Float64Array input, `inputArity` numbers per item; `'bytes'`: one byte string per item. */
  readonly input: 'numbers' | 'bytes';
  /** Numbers per input item when `input` is `'numbers'`; 0 for `'bytes'`. */
  readonly inputArity: number;
  /** `'numbers'`: `outputArity` numbers per item (may depend on params); `'bytes'`: one Buffer per item. */
  readonly output: 'numbers' | 'bytes';
  /** Numbers per output item, for the default params, when `output` is `'numbers'`; 0 for `'bytes'`. */
  readonly outputArity: number;
  /** Fixed byte length of each output item, or -1 when it varies or the output is numbers. */
  readonly outputBytes: number;
}

/** Called once per batch on the JS thread: `(error)` or `(null, data, offsets)`. */
export type BatchCallback = (
  error: (Error & { code?: string }) | null,
  data?: Float64Array | Buffer,
  offsets?: Float64Array,
) => void;

/** What the addon exports (see rust/lib.rs). */
export interface NativeAddon {
  /** Every kernel the addon has, described as {@link KernelInfo}. */
  kernels(): KernelInfo[];
  /**
   * The size of the process-wide pool: the threads it keeps. First use starts the default count
   * (`POOLKIT_NATIVE_THREADS`, else the available cores). Extra threads a batch with a larger
   * `parallelism` started are not counted: they exit after 5 s without work.
   */
  threads(): number;
  /**
   * Raises the pool's size to at least `threads` (an integer from 1 to 256) and starts threads up
   * to it; the size is never lowered. Returns the size afterwards. Throws `ERR_THREAD_START` if the OS refuses a thread.
   */
  ensureThreads(threads: number): number;
  /** Batches submitted from this JS thread whose results have not been delivered to it yet. */
  pending(): number;
  /**
   * Asks the batch `id` to stop at its next chunk (its callback then gets an `ERR_BATCH_CANCELLED`
   * error, unless the batch had already ended); false when no such batch is pending here.
   */
  cancel(id: number): boolean;
  /**
   * Starts a batch of `kernel` over every item of `input` and returns its id (an integer ≥ 1, for
   * `cancel`); `callback` is called once, on this JS thread, when the batch ends. Starts extra
   * threads up to `parallelism` if needed (beyond the pool's size they exit after 5 s idle). Throws (nothing is started) on an unknown kernel
   * (`ERR_UNKNOWN_KERNEL`) or invalid arguments.
   *
   * @param kernel The kernel's name.
   * @param input Numbers kernels: a Float64Array of `inputArity` numbers per item. Bytes kernels:
   *   every item's bytes end to end.
   * @param offsets Bytes kernels: `items + 1` byte offsets into `input`, from 0 to its length;
   *   ignored by numbers kernels.
   * @param params The kernel's parameters, or undefined for its defaults.
   * @param parallelism Most pool threads the batch runs on at once: an integer from 1 to 256.
   * @param chunkSize Items per chunk (the unit of scheduling and of cancellation); 0 picks a default.
   * @param callback Receives `(error)` or `(null, data, offsets)`: every output end to end (a
   *   Float64Array, or for bytes kernels a Buffer with `items + 1` offsets into it).
   */
  submit(
    kernel: string,
    input: Float64Array | Uint8Array,
    offsets: Float64Array | undefined,
    params: Float64Array | undefined,
    parallelism: number,
    chunkSize: number,
    callback: BatchCallback,
  ): number;
}

/** The names in {@link NativeAddon}, as a runtime list (checked against the type below). */
export const ADDON_EXPORTS = ['cancel', 'ensureThreads', 'kernels', 'pending', 'submit', 'threads'] as const;

// Compile-time proof that ADDON_EXPORTS and NativeAddon name the same members.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exportsMatch: Same<(typeof ADDON_EXPORTS)[number], keyof NativeAddon> = true;
void exportsMatch;

/** The file name `napi build --platform` gives this platform's binary. */
export function binaryName(platform = process.platform, arch = process.arch): string {
  let abi = '';
  if (platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    abi = report?.header?.glibcVersionRuntime ? '-gnu' : '-musl';
  }
  return `poolkit-native.${platform}-${arch}${abi}.node`;
}

let addon: NativeAddon | undefined;

/**
 * The addon, loaded on first use (importing the package, or only its `reference` twins, never
 * needs the binary). Throws a PoolkitError `ERR_NATIVE_LOAD` when the binary is missing.
 */
export function loadAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', binaryName());
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (cause) {
    throw new PoolkitError(
      'ERR_NATIVE_LOAD',
      `could not load the poolkit native addon ${file}: build it with \`npm run build\` in packages/native (needs a Rust toolchain)`,
      { cause },
    );
  }
  return addon;
}
