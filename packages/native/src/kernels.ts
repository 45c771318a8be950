/**
 * The kernels the addon knows. Names starting with `__` are test aids (`__panic`) and are
 * left out of the public {@link kernels} list, but `runBatch` still accepts them.
 */
import { resolve } from 'node:path';
import {
  argRangeError,
  argTypeError,
  checkOptions,
  describeValue as describe,
  readOptions,
} from '@poolkit/core';
import { type KernelInfo, loadAddon } from './addon.js';

/**
 * The built-in kernels with their input and output kinds, in the Rust registry's order
 * (`BUILTIN` in `rust/kernels/mod.rs`), test aids left out. The one TypeScript list: the
 * names and type unions below derive from it, and `npm run build` fails when it differs from
 * what the built addon registers (`kernelListDifferences`, src/kernel-check.ts).
 */
export const builtinKernels = [
  { name: 'md5', input: 'bytes', output: 'bytes' },
  { name: 'isprime', input: 'numbers', output: 'numbers' },
  { name: 'mandelbrot', input: 'numbers', output: 'numbers' },
  { name: 'spin', input: 'numbers', output: 'numbers' },
  { name: 'square', input: 'numbers', output: 'numbers' },
  { name: 'fnv1a', input: 'bytes', output: 'numbers' },
  { name: 'noop', input: 'numbers', output: 'numbers' },
] as const;

type Builtin = (typeof builtinKernels)[number];

/** A built-in kernel name. */
export type KernelName = Builtin['name'];
/** Built-in kernels whose items are numbers in and numbers out. */
export type NumericKernelName = Extract<
  Builtin,
  {
    /** Numbers in. */
    input: 'numbers';
    /** Numbers out. */
    output: 'numbers';
  }
>['name'];
/** Built-in kernels whose items are byte strings in. */
export type ByteKernelName = Extract<
  Builtin,
  {
    /** Byte items in. */
    input: 'bytes';
  }
>['name'];

/** The names of the built-in kernels, in a stable order. */
export const kernels: readonly KernelName[] = builtinKernels.map((k) => k.name);

let infos: Map<string, KernelInfo> | undefined;

/** Every kernel the loaded addon knows, including test aids, by name. */
export function kernelInfos(): ReadonlyMap<string, KernelInfo> {
  infos ??= new Map(
    loadAddon()
      .kernels()
      .map((k) => [k.name, k]),
  );
  return infos;
}

/** Each loaded user kernel library's kernels, by resolved path (the addon dedupes by realpath too). */
const libraries = new Map<string, ReadonlyMap<string, KernelInfo>>();

/**
 * The kernels of the user kernel library at `library` (see the README's custom-kernel guide),
 * loading it on first use: once per process per canonical path, never unloaded. `option` names
 * the option in error messages. Throws a TypeError (`ERR_INVALID_ARG_TYPE`) when `library` is
 * not a non-empty string, and the addon's coded errors when the library does not load
 * (`ERR_LIBRARY_NOT_FOUND`, `ERR_LIBRARY_LOAD`, `ERR_LIBRARY_ABI`, `ERR_LIBRARY_INVALID`,
 * `ERR_DUPLICATE_KERNEL`).
 */
export function libraryKernels(
  library: unknown,
  option = 'options.library',
): ReadonlyMap<string, KernelInfo> {
  if (typeof library !== 'string' || library.length === 0) {
    throw argTypeError(`${option} must be a path to a kernel library, received ${describe(library)}`);
  }
  const path = resolve(library);
  let kernels = libraries.get(path);
  if (kernels === undefined) {
    kernels = new Map(
      loadAddon()
        .loadLibrary(path)
        .map((k) => [k.name, k]),
    );
    libraries.set(path, kernels);
  }
  return kernels;
}

/** Options of {@link nativeKernels}. */
export interface NativeKernelsOptions {
  /** A user kernel library's path (relative to the cwd): list its kernels instead of the built-ins. */
  readonly library?: string;
}

/**
 * The kernels that can run: the built-ins (test aids left out), or with `library` the kernels
 * that user kernel library exports (loading it, see {@link libraryKernels}).
 *
 * @example
 * nativeKernels({ library: './target/release/libmine.so' });
 * // [{ name: 'cube', input: 'numbers', inputArity: 1, output: 'numbers', outputArity: 1, outputBytes: -1 }]
 */
export function nativeKernels(options?: NativeKernelsOptions): KernelInfo[] {
  const library = readOptions('nativeKernels options', () => {
    checkOptions('options', options);
    return options?.library;
  });
  if (library !== undefined) return [...libraryKernels(library).values()];
  return [...kernelInfos().values()].filter((k) => !k.name.startsWith('__'));
}

/**
 * The description of kernel `name`: a built-in, or with `library` one that library exports.
 * Throws ERR_UNKNOWN_KERNEL (RangeError) when there is none.
 */
export function kernelInfo(name: unknown, library?: unknown): KernelInfo {
  if (typeof name !== 'string') throw argTypeError(`kernel must be a string, received ${describe(name)}`);
  const known = library === undefined ? kernelInfos() : libraryKernels(library);
  const info = known.get(name);
  if (info === undefined) {
    const names = [...known.keys()].filter((k) => !k.startsWith('__')).join(', ');
    const where = library === undefined ? '' : ` in kernel library ${String(library)}`;
    throw argRangeError(
      `unknown kernel ${JSON.stringify(name)}${where}; known kernels: ${names}`,
      'ERR_UNKNOWN_KERNEL',
    );
  }
  return info;
}
