import { Pool } from '@poolkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeBackend, nativeKernels, runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';
import { rejection } from './helpers.js';

const { v3 } = testLibraries;

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a library kernel (ABI version 3) reads params and sizes its output by them', () => {
  it('it is listed with the output arity of its default params', () => {
    expect(nativeKernels({ library: v3 }).find((k) => k.name === 'test_powers')).toEqual({
      name: 'test_powers',
      input: 'numbers',
      inputArity: 1,
      output: 'numbers',
      outputArity: 2,
      outputBytes: -1,
    });
  });

  it('without params it gives the default width, with params the width they ask for', async () => {
    expect(await runBatch('test_powers', [2, 3], { library: v3 })).toEqual(new Float64Array([2, 4, 3, 9]));
    const xs = Float64Array.from({ length: 500 }, (_, i) => (i % 7) - 3);
    const out = await runBatch('test_powers', xs, { library: v3, params: [4], chunkSize: 9, threads: 2 });
    expect(out).toEqual(Float64Array.from([...xs].flatMap((x) => [x, x ** 2, x ** 3, x ** 4])));
  });

  it('params it refuses are a RangeError with its message, before any chunk runs', async () => {
    const e = await rejection(runBatch('test_powers', [1], { library: v3, params: [1.5] }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(e.message).toContain('test_powers takes params [n], n from 1 to 16, received [1.5]');
  });

  it('a panic while it checks params is ERR_KERNEL_PANIC with the message, and the kernel goes on', async () => {
    const e = await rejection(runBatch('test_powers', [1], { library: v3, params: [-2] }));
    expect(e.code).toBe('ERR_KERNEL_PANIC');
    expect(e.message).toContain('test_powers cannot take a negative degree -2');
    expect(await runBatch('test_powers', [5], { library: v3, params: [1] })).toEqual(new Float64Array([5]));
  });

  it('NativeBackend passes its params to every task', async () => {
    const pool = new Pool({
      backend: new NativeBackend<number, Float64Array>({ library: v3, kernel: 'test_powers', params: [3] }),
    });
    const results = await Promise.all([1, 2, 3].map((x) => pool.submit(x)));
    expect(results.map((r) => [...r])).toEqual([
      [1, 1, 1],
      [2, 4, 8],
      [3, 9, 27],
    ]);
    await pool.close();
  });
});
