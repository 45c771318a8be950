import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { PiscinaBackend } from '../src/index.js';
import { backend, TASKS } from './helpers.js';

type Seen = { value: number; threadId: number };

describe('recycling threads (recycleAfterTasks, recycleAboveHeapMB)', () => {
  it('replaces a thread after N tasks, between tasks: every result right, none failed', async () => {
    const pool = new Pool({
      backend: backend({ threads: 2, recycleAfterTasks: 5 }),
      maxBatch: 1,
    });
    const inputs = Array.from({ length: 120 }, (_, i) => i);
    const outcomes = await pool.submitAll(inputs, { task: 'idAndValue' });
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const seen = outcomes.map((o) => (o as { value: Seen }).value);
    expect(seen.map((s) => s.value)).toEqual(inputs.map((i) => i * 2));
    // Each thread ran at most 5 tasks: 120 tasks need at least 24 threads over time.
    const perThread = new Map<number, number>();
    for (const s of seen) perThread.set(s.threadId, (perThread.get(s.threadId) ?? 0) + 1);
    expect(Math.max(...perThread.values())).toBeLessThanOrEqual(5);
    expect(perThread.size).toBeGreaterThanOrEqual(24);
    expect(pool.stats).toMatchObject({ succeeded: 120, failed: 0 });
    await pool.close();
  });

  it('counts a batch task by task, and re-runs nothing twice (batched through a Pool)', async () => {
    const counts = new Int32Array(new SharedArrayBuffer(4 * 400));
    const pool = new Pool({ backend: backend({ threads: 2, recycleAfterTasks: 7 }) });
    const inputs = Array.from({ length: 400 }, (_, index) => ({ counts, index }));
    const outcomes = await pool.submitAll(inputs, { task: 'counted' });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => (o as { value: number }).value)).toEqual(inputs.map((i) => i.index));
    expect(
      [...counts].every((c) => c === 1),
      'every task ran exactly once',
    ).toBe(true);
    await pool.close();
  });

  it('replaces a leaking thread once its heap passes the limit; results stay right', async () => {
    const pool = new Pool({
      backend: backend({ threads: 2, recycleAboveHeapMB: 24 }),
      maxBatch: 1,
    });
    const inputs = Array.from({ length: 60 }, (_, i) => i);
    const outcomes = await pool.submitAll(inputs, { task: 'leak' });
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const seen = outcomes.map(
      (o) => (o as { value: { value: number; heapMB: number; threadId: number } }).value,
    );
    expect(seen.map((s) => s.value)).toEqual(inputs.map((i) => i * 2));
    // ~2 MB leaked per task: without recycling a thread would pass 60 MB. A thread is replaced
    // after the first task that ends above 24 MB, so none gets far past it.
    expect(Math.max(...seen.map((s) => s.heapMB))).toBeLessThan(40);
    expect(new Set(seen.map((s) => s.threadId)).size).toBeGreaterThan(2);
    await pool.close();
  });

  it('works with several async tasks per thread', async () => {
    const pool = new Pool({
      backend: backend({ threads: 2, concurrentTasksPerWorker: 4, recycleAfterTasks: 6 }),
      maxBatch: 1,
    });
    const inputs = Array.from({ length: 150 }, (_, i) => ({ ms: 1 + (i % 4), value: i }));
    const outcomes = await pool.submitAll(inputs, { task: 'sleepThen' });
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.map((o) => (o as { value: number }).value)).toEqual(inputs.map((i) => i.value));
    await pool.close();
  });

  it('copies what a task would transfer, so a task a retiring thread took down goes again whole', async () => {
    const b = backend({ threads: 2, recycleAfterTasks: 3 });
    const buffers: ArrayBuffer[] = [];
    const runs = Array.from({ length: 60 }, (_, i) => {
      const buffer = new Uint8Array(64).fill(i % 200).buffer;
      buffers.push(buffer);
      return b.run(buffer, { task: 'sumBytes', transfer: [buffer], signal: new AbortController().signal });
    });
    const results = await Promise.all(runs);
    expect(
      buffers.every((buffer) => buffer.byteLength === 64),
      'copied, not detached',
    ).toBe(true);
    expect(results).toEqual(
      Array.from({ length: 60 }, (_, i) => ({ total: (i % 200) * 64, byteLength: 64 })),
    );
  });

  it('direct run() calls with no signal are recycled the same way', async () => {
    const b = backend({ threads: 1, recycleAfterTasks: 2 });
    const { neverAborted } = await import('@poolkit/core');
    const seen = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => b.run(i, { task: 'idAndValue', signal: neverAborted }) as Promise<Seen>,
      ),
    );
    expect(seen.map((s) => s.value)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(new Set(seen.map((s) => s.threadId)).size).toBeGreaterThanOrEqual(10);
  });

  it('checks the options', () => {
    const make = (options: object) => () => new PiscinaBackend({ filename: TASKS, ...options });
    expect(make({ recycleAfterTasks: 0 })).toThrow(RangeError);
    expect(make({ recycleAfterTasks: 0 })).toThrow(/options\.recycleAfterTasks.*received 0/);
    expect(make({ recycleAfterTasks: 1.5 })).toThrow(RangeError);
    expect(make({ recycleAfterTasks: '5' })).toThrow(TypeError);
    expect(make({ recycleAboveHeapMB: 0 })).toThrow(/options\.recycleAboveHeapMB.*received 0/);
    expect(make({ recycleAboveHeapMB: Number.NaN })).toThrow(TypeError);
    expect(make({ atomics: 'fast' })).toThrow(
      /options\.atomics must be 'sync', 'async' or 'disabled', received "fast"/,
    );
  });
});
