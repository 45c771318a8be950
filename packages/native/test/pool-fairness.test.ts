import { describe, expect, it } from 'vitest';
import { poolThreads, runBatch } from '../src/index.js';

// spin(1e300, 1.0001) is ~6.9M dependent divisions: ~25 ms of one core per item on this machine.
const slowItems = (n: number) => Array.from({ length: n }, () => [1e300, 1.0001]).flat();

describe('a long batch yields to batches queued behind it', () => {
  it('a 1-item batch submitted behind a ~2-second batch settles within about one chunk, well under a second', async () => {
    const threads = poolThreads();
    // ~80 chunks of one slow item per pool thread: about 2 s of wall time on an idle machine.
    const long = runBatch('spin', slowItems(80 * threads), { chunkSize: 1 }).then(() => performance.now());
    const start = performance.now();
    const small = await runBatch('spin', [1024, 2]);
    const smallMs = performance.now() - start;
    const longMs = (await long) - start;
    expect(small).toEqual(new Float64Array([10]));
    // Before the fix the small batch waited for the whole long batch (~2 s). Now it waits for the
    // chunk a thread is on (~25 ms; a few times that on a loaded machine).
    expect(smallMs).toBeLessThan(1000);
    expect(smallMs).toBeLessThan(longMs / 2);
  }, 60_000);

  it('the long batch still returns every item in order', async () => {
    const items = slowItems(4).concat([1024, 2]);
    const out = await runBatch('spin', items, { chunkSize: 1 });
    expect(out.length).toBe(5);
    expect(out[4]).toBe(10);
    expect(new Set(out.subarray(0, 4)).size).toBe(1);
  }, 30_000);
});
