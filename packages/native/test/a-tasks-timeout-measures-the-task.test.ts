import { type BatchEntry, type BatchResult, Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend, runBatch } from '../src/index.js';

/** A spin pair of roughly `ms` milliseconds or more (≈ 4–8 ns per division). */
function spinPair(ms: number): [number, number] {
  return [1e300, Math.exp(Math.log(1e300) / ((ms * 1e6) / 4))];
}
const QUICK: [number, number] = [8, 2]; // 3 divisions

describe("a task's timeout measures the task (NativeBackend reports starts)", () => {
  it('declares reportsStart, and run() calls started() once, before it settles', async () => {
    const backend = new NativeBackend<number[], number>({ kernel: 'spin' });
    expect(backend.reportsStart).toBe(true);
    const calls: string[] = [];
    const value = await backend.run(QUICK, {
      signal: new AbortController().signal,
      started: () => calls.push('started'),
    });
    calls.push('settled');
    expect(value).toBe(3);
    expect(calls).toEqual(['started', 'settled']);
  });

  it('runMany tells each entry it started and reports finished entries before the batch ends', async () => {
    const backend = new NativeBackend<number[], number>({ kernel: 'spin' });
    const events: string[] = [];
    const entry = (input: number[], i: number): BatchEntry<number[]> => ({
      input,
      options: { signal: new AbortController().signal, started: () => events.push(`started ${i}`) },
    });
    const reported: [number, BatchResult<number>][] = [];
    const batch = [entry(QUICK, 0), entry(spinPair(150), 1), entry(QUICK, 2)];
    const results = await backend.runMany(batch, (i, r) => {
      events.push(`reported ${i}`);
      reported.push([i, r]);
    });
    const at = (event: string) => events.indexOf(event);
    expect(at('started 0')).toBe(0);
    // Entry 0 is reported while the slow entry 1 still runs, i.e. before entry 2 starts.
    expect(at('reported 0')).toBeGreaterThan(at('started 0'));
    expect(at('reported 0')).toBeLessThan(at('started 2'));
    expect(at('started 2')).toBeGreaterThan(at('started 1'));
    expect(reported[0]).toEqual([0, expect.objectContaining({ status: 'fulfilled', value: 3 })]);
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: 3 });
  });

  it('with timeout 50, quick tasks batched ahead of and behind a slow one succeed; the slow one times out', async () => {
    const backend = new NativeBackend<number[], number>({ kernel: 'spin', threads: 1 });
    const pool = new Pool({ backend, timeout: 50, concurrency: 1 });
    // The first task runs alone; the rest wait and go as one batch when the slot frees.
    const tasks = [QUICK, QUICK, spinPair(500), QUICK, QUICK].map((input) => pool.submit(input));
    const outcomes = await Promise.allSettled(tasks);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason.code).toBe('ERR_TASK_TIMEOUT');
    await pool.close();
  }, 20_000);

  it('batching off: quick tasks queued behind slow work on busy pool threads do not time out', async () => {
    const backend = new NativeBackend<number[], number>({ kernel: 'spin' });
    const pool = new Pool({ backend, timeout: 50, maxBatch: 1 });
    // Other work keeps every pool thread busy for a while, one ~150 ms chunk at a time.
    const busy = runBatch('spin', Array.from({ length: 8 }, () => spinPair(150)).flat(), { chunkSize: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const quick = await Promise.all(Array.from({ length: 6 }, () => pool.submit(QUICK)));
    expect(quick).toEqual([3, 3, 3, 3, 3, 3]);
    await busy;
    await pool.close();
  }, 20_000);
});
