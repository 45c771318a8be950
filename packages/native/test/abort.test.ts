import { isAbortError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { loadAddon, runBatch } from '../src/index.js';
import { rejection } from './helpers.js';

/** A spin pair of roughly `ms` milliseconds on this machine's class of CPU (≈ 8 ns per step). */
function spinPair(ms: number): [number, number] {
  const steps = (ms * 1e6) / 8;
  return [1e300, Math.exp(Math.log(1e300) / steps)];
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

describe('AbortSignal cancels a batch', () => {
  it('an already aborted signal rejects with an AbortError carrying the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const e = await rejection(runBatch('square', [1], { signal: controller.signal }));
    expect(isAbortError(e)).toBe(true);
    expect((e as { cause?: unknown }).cause).toBe(reason);
    expect(loadAddon().pending()).toBe(0);
  });

  it('aborting mid-batch rejects at once and the threads stop at the next chunk boundary', async () => {
    // 200 chunks of ~50 ms: ≥ 5 s of work even on 2 threads if nothing stopped it.
    const pairs = Array.from({ length: 200 }, () => spinPair(50)).flat();
    const controller = new AbortController();
    const running = runBatch('spin', pairs, { signal: controller.signal, chunkSize: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(loadAddon().pending()).toBe(1);
    controller.abort();
    expect(isAbortError(await rejection(running))).toBe(true);
    // The native side notices and delivers its (dropped) completion long before the work would end.
    expect(await until(() => loadAddon().pending() === 0, 2000)).toBe(true);
    expect(await runBatch('square', [5])).toEqual(new Float64Array([25]));
  });

  it('aborting after completion changes nothing', async () => {
    const controller = new AbortController();
    const result = await runBatch('square', [2], { signal: controller.signal });
    controller.abort();
    expect(result).toEqual(new Float64Array([4]));
  });
});
