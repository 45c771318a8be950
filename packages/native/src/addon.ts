/**
 * The hand-written loader of the Rust addon and the declaration of what it exports.
 * `napi build` (without napi-derive) generates no bindings, so this file is the contract: a test
 * checks that the loaded addon exports exactly {@link ADDON_EXPORTS}, each a function.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PoolkitError } from '@poolkit/core';
import { NODE_API_VERSION, nodeApiShortfall } from './node-api.js';

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

/**
 * Called on the JS thread as a watched batch makes progress (coalesced: one call may cover
 * several chunks): `claimed` chunks have begun (or were skipped), the first `finished` chunks'
 * results are known, and `data`/`offsets` hold the results of the chunks finished since the last
 * call (shaped like the final callback's; undefined when there are none). With one thread on the
 * batch, chunk `i` began exactly when `claimed > i` or `finished > i`: the two counts are read
 * one after the other, not as one snapshot, so `finished` can run ahead of `claimed` by chunks
 * that began and ended in between.
 */
export type ProgressCallback = (
  claimed: number,
  finished: number,
  data: Float64Array | Buffer | undefined,
  offsets: Float64Array | undefined,
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
   * Asks the batch `id` to stop — mid-chunk for kernels that poll for cancellation, else at the
   * chunk's end (its callback then gets an `ERR_BATCH_CANCELLED` error, unless the batch had
   * already ended) — and detaches it: it no longer keeps the process alive nor counts in
   * `pending()`. False when no such batch is in flight here.
   */
  cancel(id: number): boolean;
  /**
   * For a cancelled batch whose chunks are still running (a kernel that ignores cancellation):
   * counts those pool threads out and starts as many replacements, once per batch; the stuck
   * threads leave the pool when (if ever) their chunk returns. Returns how many were replaced (0
   * when none runs, the batch ended, or 256 threads were written off over the process's life).
   */
  rescue(id: number): number;
  /**
   * Loads the user kernel library at `path` (a shared object built with the `poolkit-kernel`
   * SDK; relative to the cwd) once per process per canonical path, never unloaded, registers its
   * kernels on the pool and describes them. Throws `ERR_LIBRARY_NOT_FOUND`, `ERR_LIBRARY_LOAD`,
   * `ERR_LIBRARY_ABI`, `ERR_LIBRARY_INVALID` or `ERR_DUPLICATE_KERNEL`; a failed load registers nothing.
   */
  loadLibrary(path: string): KernelInfo[];
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
   * @param onProgress Makes the batch watched: see `ProgressCallback` in addon.ts. Never called after
   *   `callback`.
   */
  submit(
    kernel: string,
    input: Float64Array | Uint8Array,
    offsets: Float64Array | undefined,
    params: Float64Array | undefined,
    parallelism: number,
    chunkSize: number,
    callback: BatchCallback,
    onProgress?: ProgressCallback,
  ): number;
}

/** The names in {@link NativeAddon}, as a runtime list (checked against the type below). */
export const ADDON_EXPORTS = [
  'cancel',
  'ensureThreads',
  'kernels',
  'loadLibrary',
  'pending',
  'rescue',
  'submit',
  'threads',
] as const;

// Compile-time proof that ADDON_EXPORTS and NativeAddon name the same members.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exportsMatch: Same<(typeof ADDON_EXPORTS)[number], keyof NativeAddon> = true;
void exportsMatch;

/**
 * This platform's triple as napi-rs names binaries and platform packages: `linux-x64-gnu`,
 * `linux-x64-musl`, `darwin-arm64`, `win32-x64`…
 */
export function platformTriple(platform = process.platform, arch = process.arch): string {
  let abi = '';
  if (platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    abi = report?.header?.glibcVersionRuntime ? '-gnu' : '-musl';
  }
  return `${platform}-${arch}${abi}`;
}

/** The file name `napi build --platform` gives this platform's binary. */
export function binaryName(platform = process.platform, arch = process.arch): string {
  return `poolkit-native.${platformTriple(platform, arch)}.node`;
}

/** The variable naming an addon file to load before any other place (a path, relative to the cwd). */
const ADDON_OVERRIDE_VARIABLE = 'POOLKIT_NATIVE_ADDON';

/** One place {@link loadAddon} looks for the binary. */
export interface AddonCandidate {
  /**
   * `'override'`: the file `POOLKIT_NATIVE_ADDON` names; `'local'`: the dev build `npm run build`
   * leaves next to package.json; `'package'`: the platform package `@poolkit/native-<triple>`.
   */
  readonly source: 'override' | 'local' | 'package';
  /** The file to load, or undefined when the variable is unset or the package is not installed. */
  readonly file: string | undefined;
  /** The place as an error message names it. */
  readonly label: string;
}

/**
 * The places the addon is looked for, in the order they are tried: the override variable, the
 * local dev build, then the platform package. Pure apart from resolving the package; never throws.
 */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): AddonCandidate[] {
  const triple = platformTriple();
  const override = env[ADDON_OVERRIDE_VARIABLE];
  const local = join(dirname(fileURLToPath(import.meta.url)), '..', binaryName());
  const platformPackage = `@poolkit/native-${triple}`;
  let packaged: string | undefined;
  try {
    packaged = createRequire(import.meta.url).resolve(platformPackage);
  } catch {
    packaged = undefined;
  }
  return [
    override
      ? { source: 'override', file: resolve(override), label: `${ADDON_OVERRIDE_VARIABLE}=${override}` }
      : { source: 'override', file: undefined, label: `${ADDON_OVERRIDE_VARIABLE} (not set)` },
    { source: 'local', file: local, label: `${local} (local build)` },
    { source: 'package', file: packaged, label: `${platformPackage} (platform package)` },
  ];
}

/** Why the addon did not load: the code and message of the PoolkitError the loader throws. */
interface LoadFailure {
  readonly code: 'ERR_NATIVE_LOAD' | 'ERR_NODE_API_VERSION';
  readonly message: string;
  readonly cause: unknown;
}

let addon: NativeAddon | undefined;
let failure: LoadFailure | undefined;

/**
 * Checks the runtime's Node-API (see node-api.ts), then tries every candidate in order; returns
 * the addon or why it could not load.
 */
function tryLoad(): NativeAddon | LoadFailure {
  const shortfall = nodeApiShortfall();
  if (shortfall !== undefined) {
    return {
      code: 'ERR_NODE_API_VERSION',
      message:
        `${shortfall}. Fix: run on a runtime whose Node-API is at least ${NODE_API_VERSION} ` +
        '(every Node.js that @poolkit/native supports has it), or use the JS twins in @poolkit/native/reference.',
      cause: undefined,
    };
  }
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  const errors: unknown[] = [];
  for (const candidate of addonCandidates()) {
    let outcome: string;
    if (candidate.file === undefined) {
      outcome = candidate.source === 'package' ? 'not installed' : 'skipped';
    } else if (!existsSync(candidate.file)) {
      outcome = 'not found';
    } else {
      try {
        return require(candidate.file) as NativeAddon;
      } catch (error) {
        errors.push(error);
        outcome = `failed to load: ${(error as Error)?.message ?? String(error)}`;
      }
    }
    tried.push(`  ${tried.length + 1}. ${candidate.label}: ${outcome}`);
  }
  const message =
    `could not load the poolkit native addon for ${platformTriple()}. Looked in:\n${tried.join('\n')}\n` +
    'Fix: install Rust (https://rustup.rs) and run `npm run build` in packages/native, ' +
    `or set ${ADDON_OVERRIDE_VARIABLE}=/path/to/poolkit-native.node.`;
  return {
    code: 'ERR_NATIVE_LOAD',
    message,
    cause: errors.length === 1 ? errors[0] : errors.length > 1 ? new AggregateError(errors) : undefined,
  };
}

/**
 * The addon, loaded on first use (importing the package, or only its `reference` twins, never
 * needs the binary). First checks that the runtime has Node-API {@link NODE_API_VERSION} or
 * later (`process.versions.napi`, where it reports one) and throws a PoolkitError
 * `ERR_NODE_API_VERSION` naming the version needed and the one found when it has not. Then looks
 * in the places {@link addonCandidates} lists, in order, and keeps the first that loads; throws a
 * PoolkitError `ERR_NATIVE_LOAD` naming the platform triple, each place and the fix when none
 * does. The outcome is remembered for the life of the process.
 */
export function loadAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  if (failure === undefined) {
    const result = tryLoad();
    if ('submit' in result) {
      addon = result;
      return addon;
    }
    failure = result;
  }
  throw new PoolkitError(
    failure.code,
    failure.message,
    failure.cause === undefined ? undefined : { cause: failure.cause },
  );
}

/**
 * Whether the native addon loads in this process (see {@link loadAddon}); never throws. When
 * false, `runBatch`, `NativeBackend` and the other native calls throw `ERR_NATIVE_LOAD` (or
 * `ERR_NODE_API_VERSION` on a runtime whose Node-API is too old), while
 * `@poolkit/native/reference` (the JS twins) still works.
 *
 * @example
 * const squares = nativeAvailable() ? await runBatch('square', xs) : runReference('square', xs);
 */
export function nativeAvailable(): boolean {
  try {
    loadAddon();
    return true;
  } catch {
    return false;
  }
}
