import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend } from './helpers.js';

type Start = { atStart: number; startedAt: number };

describe('pool.concurrency changed at run time, over worker threads', () => {
  it('raising it starts waiting tasks on more threads; lowering it lets fewer start', async () => {
    const counts = new Int32Array(new SharedArrayBuffer(4));
    const pool = new Pool({ backend: backend({ threads: 4 }), concurrency: 1, maxBatch: 1 });
    const run = (n: number, ms = 40) =>
      Array.from({ length: n }, () => pool.submit({ counts, ms }, { task: 'together' }) as Promise<Start>);

    const one = await Promise.all(run(4));
    expect(Math.max(...one.map((s) => s.atStart))).toBe(1);

    pool.concurrency = 4;
    // Long enough that four overlap even when a loaded machine is slow to start the other threads
    // (with 40 ms tasks, CI at load ≈ 8 saw at most two at once).
    const four = await Promise.all(run(8, 500));
    expect(Math.max(...four.map((s) => s.atStart))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...four.map((s) => s.atStart))).toBeLessThanOrEqual(4);

    // Lowered while four run: those finish, and from then on at most two run at once.
    const twelve = run(12);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const loweredAt = Date.now();
    pool.concurrency = 2;
    const later = (await Promise.all(twelve)).filter((s) => s.startedAt > loweredAt + 60);
    expect(later.length).toBeGreaterThan(0);
    expect(Math.max(...later.map((s) => s.atStart))).toBeLessThanOrEqual(2);
    expect(pool.stats).toMatchObject({ succeeded: 24, failed: 0 });
    await pool.close();
  });
});
