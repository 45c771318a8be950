import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/index.js';
import { buildTestLibraries, testLibraries } from './fixtures/test-kernels.js';
import { rejection } from './helpers.js';

beforeAll(() => {
  buildTestLibraries();
}, 180_000);

describe('a panic in a built-in kernel crosses the same boundary as a library kernel’s', () => {
  it('both are ERR_KERNEL_PANIC, worded alike, and the pool goes on', async () => {
    const builtIn = await rejection(runBatch('__panic', new Float64Array(6), { chunkSize: 3 }));
    const library = await rejection(
      runBatch('test_boom', new Float64Array(6), { library: testLibraries.good, chunkSize: 3 }),
    );
    expect([builtIn.code, library.code]).toEqual(['ERR_KERNEL_PANIC', 'ERR_KERNEL_PANIC']);
    expect(builtIn.message).toBe('kernel __panic panicked: __panic kernel called with 3 items');
    expect(library.message).toBe('kernel test_boom panicked: boom on 3 items');
    expect(await runBatch('square', [4])).toEqual(new Float64Array([16]));
  });
});
