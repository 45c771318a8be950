import { beforeAll, describe, expect, it } from 'vitest';
import { nativeKernels, runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';

const { v3 } = testLibraries;

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a library kernel maps byte strings to numbers (BytesToNumbersKernel)', () => {
  it('it is listed as bytes in, numbers out, with its arity', () => {
    expect(nativeKernels({ library: v3 }).find((k) => k.name === 'test_byte_stats')).toEqual({
      name: 'test_byte_stats',
      input: 'bytes',
      inputArity: 0,
      output: 'numbers',
      outputArity: 2,
      outputBytes: -1,
    });
  });

  it('each item gives its numbers, across chunks and threads, like the built-in fnv1a', async () => {
    const items = Array.from({ length: 300 }, (_, i) => 'x'.repeat(i % 17));
    const out = await runBatch('test_byte_stats', items, { library: v3, chunkSize: 11, threads: 2 });
    expect(out).toEqual(Float64Array.from(items.flatMap((s) => [s.length, s.length * 120])));
    expect(await runBatch('test_byte_stats', [Buffer.from([1, 2, 250]), ''], { library: v3 })).toEqual(
      new Float64Array([3, 253, 0, 0]),
    );
  });
});
