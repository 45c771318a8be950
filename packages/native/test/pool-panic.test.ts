import { describe, expect, it } from 'vitest';
import { poolThreads, runBatch } from '../src/index.js';
import { rejection } from './helpers.js';

describe('a panicking kernel never leaves a batch unsettled', () => {
  it('many-chunk panicking batches on every pool thread, beside good batches, all settle and the pool goes on', async () => {
    const threads = Math.max(2, poolThreads());
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    for (let round = 0; round < 10; round++) {
      const bad = Array.from({ length: 4 }, () =>
        rejection(runBatch('__panic', new Float64Array(200), { threads, chunkSize: 1 })),
      );
      const good = Array.from({ length: 4 }, () => runBatch('square', values, { threads, chunkSize: 7 }));
      for (const e of await Promise.all(bad)) {
        expect(e.code).toBe('ERR_KERNEL_PANIC');
        expect(e.message).toContain('__panic kernel called with 1 items');
      }
      for (const out of await Promise.all(good)) expect(out[999]).toBe(999 * 999);
    }
    expect(await runBatch('square', [3])).toEqual(new Float64Array([9]));
  }, 60_000);
});
