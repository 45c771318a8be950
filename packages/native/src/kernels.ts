/**
 * The kernels the addon knows. Names starting with `__` are test aids (`__panic`) and are
 * left out of the public {@link kernels} list, but `runBatch` still accepts them.
 */
import { argRangeError, argTypeError, describeValue as describe } from '@poolkit/core';
import { type KernelInfo, loadAddon } from './addon.js';

/** The names of the built-in kernels, in a stable order. */
export const kernels = ['md5', 'isprime', 'mandelbrot', 'spin', 'square', 'fnv1a', 'noop'] as const;

/** A built-in kernel name. */
export type KernelName = (typeof kernels)[number];
/** Built-in kernels whose items are numbers in and numbers out. */
export type NumericKernelName = 'isprime' | 'mandelbrot' | 'spin' | 'square' | 'noop';
/** Built-in kernels whose items are byte strings in. */
export type ByteKernelName = 'md5' | 'fnv1a';

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

/** The description of kernel `name`; throws ERR_UNKNOWN_KERNEL (RangeError) when there is none. */
export function kernelInfo(name: unknown): KernelInfo {
  if (typeof name !== 'string') throw argTypeError(`kernel must be a string, received ${describe(name)}`);
  const info = kernelInfos().get(name);
  if (info === undefined) {
    const known = [...kernelInfos().keys()].filter((k) => !k.startsWith('__')).join(', ');
    throw argRangeError(
      `unknown kernel ${JSON.stringify(name)}; known kernels: ${known}`,
      'ERR_UNKNOWN_KERNEL',
    );
  }
  return info;
}
