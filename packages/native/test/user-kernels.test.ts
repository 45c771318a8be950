import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryName, NativeBackend, nativeKernels, runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';
import { rejection } from './helpers.js';

const { good, duplicate, clash, wrongAbi } = testLibraries;

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a user kernel library runs on the shared pool', () => {
  it('nativeKernels lists what a library exports, with kinds', () => {
    const kernels = nativeKernels({ library: good });
    expect(kernels.map((k) => k.name)).toEqual([
      'test_triple',
      'test_sum2',
      'test_reverse',
      'test_no_negatives',
      'test_boom',
      'test_until_cancelled',
    ]);
    expect(kernels[1]).toEqual({
      name: 'test_sum2',
      input: 'numbers',
      inputArity: 2,
      output: 'numbers',
      outputArity: 1,
      outputBytes: -1,
    });
    expect(kernels[2]).toMatchObject({ input: 'bytes', output: 'bytes', outputBytes: -1 });
    expect(nativeKernels().map((k) => k.name)).toContain('md5');
  });

  it('runBatch runs a numbers kernel of a library across chunks and threads', async () => {
    const xs = Float64Array.from({ length: 10_000 }, (_, i) => i - 5000);
    const out = await runBatch('test_triple', xs, { library: good, chunkSize: 37, threads: 2 });
    expect(out).toEqual(xs.map((x) => 3 * x));
    expect(await runBatch('test_sum2', [1, 2, 10, 20], { library: good })).toEqual(new Float64Array([3, 30]));
  });

  it('runBatch runs a bytes kernel of a library, one Buffer per item', async () => {
    const out = (await runBatch('test_reverse', ['abc', '', 'xy'], {
      library: good,
      chunkSize: 1,
    })) as Buffer[];
    expect(out.map((b) => b.toString())).toEqual(['cba', '', 'yx']);
  });

  it('NativeBackend runs a library kernel behind a Pool', async () => {
    const pool = new Pool({
      backend: new NativeBackend<number, number>({ library: good, kernel: 'test_triple' }),
    });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.submit(i)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => 3 * i));
    await pool.close();
  });

  it('a library is loaded once per process however its path is spelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolkit-lib-'));
    const link = join(dir, 'libsame.so');
    symlinkSync(good, link);
    // Registering the same kernels twice would fail with ERR_DUPLICATE_KERNEL.
    for (const path of [
      good,
      relative(process.cwd(), good),
      link,
      `${dir}/../${dir.split('/').pop()}/libsame.so`,
    ]) {
      expect(nativeKernels({ library: path }).map((k) => k.name)).toContain('test_triple');
      expect(await runBatch('test_triple', [2], { library: path })).toEqual(new Float64Array([6]));
    }
  });

  it('a built-in kernel is not found in a library, and a library kernel not among the built-ins', async () => {
    expect((await rejection(runBatch('square', [1], { library: good }))).code).toBe('ERR_UNKNOWN_KERNEL');
    expect((await rejection(runBatch('test_triple', [1]))).code).toBe('ERR_UNKNOWN_KERNEL');
  });
});

describe('a user kernel library fails with a coded error', () => {
  it('the library option must be a string naming the option', async () => {
    for (const library of [42, '', null, {}]) {
      const e = await rejection(runBatch('test_triple', [1], { library: library as never }));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
      expect(e.message).toContain('options.library');
    }
    expect(() => new NativeBackend({ kernel: 'x', library: 7 as never })).toThrow(/options\.library/);
    expect(() => nativeKernels({ library: false as never })).toThrow(/options\.library/);
  });

  it('a missing file is ERR_LIBRARY_NOT_FOUND', () => {
    const e = catchSync(() => nativeKernels({ library: './no/such/libnothing.so' }));
    expect(e.code).toBe('ERR_LIBRARY_NOT_FOUND');
    expect(e.message).toContain('libnothing.so');
  });

  it('a text file is ERR_LIBRARY_LOAD', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'poolkit-lib-')), 'libtext.so');
    writeFileSync(file, 'not a shared object\n');
    const e = catchSync(() => nativeKernels({ library: file }));
    expect(e.code).toBe('ERR_LIBRARY_LOAD');
    expect(e.message).toContain('libtext.so');
  });

  it('a shared object without a kernel table is ERR_LIBRARY_INVALID', () => {
    // The addon itself: a shared object, but no kernel library.
    const addon = fileURLToPath(new URL(`../${binaryName()}`, import.meta.url));
    const e = catchSync(() => nativeKernels({ library: addon }));
    expect(e.code).toBe('ERR_LIBRARY_INVALID');
    expect(e.message).toContain('POOLKIT_KERNEL_TABLE');
  });

  it('an ABI version mismatch names both versions', () => {
    const e = catchSync(() => nativeKernels({ library: wrongAbi }));
    expect(e.code).toBe('ERR_LIBRARY_ABI');
    expect(e.message).toMatch(/ABI version 999.*ABI versions 1 to 3/);
  });

  it('a kernel named like a built-in is ERR_DUPLICATE_KERNEL and registers nothing', async () => {
    const e = catchSync(() => nativeKernels({ library: duplicate }));
    expect(e.code).toBe('ERR_DUPLICATE_KERNEL');
    expect(e.message).toContain('"square"');
    expect(e.message).toContain('built-in');
    expect(await runBatch('square', [3])).toEqual(new Float64Array([9]));
  });

  it("a kernel named like another library's is ERR_DUPLICATE_KERNEL naming that library", async () => {
    nativeKernels({ library: good });
    const e = catchSync(() => nativeKernels({ library: clash }));
    expect(e.code).toBe('ERR_DUPLICATE_KERNEL');
    expect(e.message).toContain('"test_triple"');
    expect(e.message).toContain('libpoolkit_test_good.so');
    expect(await runBatch('test_triple', [1], { library: good })).toEqual(new Float64Array([3]));
  });

  it('a kernel that returns Err fails the batch with its message', async () => {
    const e = await rejection(runBatch('test_no_negatives', [1, 2, -3, 4], { library: good }));
    expect(e.code).toBe('ERR_KERNEL_ERROR');
    expect(e.message).toContain('negative input -3');
    expect(await runBatch('test_no_negatives', [1, 2], { library: good })).toEqual(new Float64Array([1, 2]));
  });

  it('a kernel that panics is ERR_KERNEL_PANIC with the message, and the pool goes on', async () => {
    for (let round = 0; round < 5; round++) {
      const e = await rejection(runBatch('test_boom', new Float64Array(50), { library: good, chunkSize: 5 }));
      expect(e.code).toBe('ERR_KERNEL_PANIC');
      expect(e.message).toContain('boom on 5 items');
    }
    expect(await runBatch('test_triple', [5], { library: good })).toEqual(new Float64Array([15]));
    const backend = new NativeBackend<number, number>({ library: good, kernel: 'test_boom' });
    expect((await rejection(backend.run(1, { signal: new AbortController().signal }))).code).toBe(
      'ERR_KERNEL_PANIC',
    );
  });
});

function catchSync(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
