import { describe, expect, it } from 'vitest';
import { type Backend, Pool } from '../src/index.js';
import { gatedExecutor, sleep, tick } from './helpers.js';

/** A backend of the user's own that runs two tasks at most, counting how many are in flight. */
function fixedBackend(): Backend<number, number> & { inFlight: number; maxInFlight: number } {
  const backend = {
    name: 'fixed-two',
    concurrency: 2,
    inFlight: 0,
    maxInFlight: 0,
    async run(n: number) {
      backend.inFlight++;
      backend.maxInFlight = Math.max(backend.maxInFlight, backend.inFlight);
      try {
        await sleep(2);
        return n;
      } finally {
        backend.inFlight--;
      }
    },
    async close() {},
  };
  return backend;
}

describe('pool.concurrency at run time', () => {
  it('refuses anything but an integer ≥ 1, naming concurrency, and keeps its value', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, concurrency: 3 });
    for (const bad of [0, -1, 1.5, Number.NaN, '4' as unknown as number]) {
      let error: unknown;
      try {
        pool.concurrency = bad;
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).toBeDefined();
      expect(error instanceof RangeError || error instanceof TypeError, String(bad)).toBe(true);
      expect((error as Error).message).toMatch(/concurrency/);
      expect(pool.concurrency).toBe(3);
    }
    expect(await pool.submit(7)).toBe(7);
    await pool.close();
  });

  it('reads back what was assigned', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, concurrency: 3 });
    pool.concurrency = 5;
    expect(pool.concurrency).toBe(5);
    await pool.close();
  });

  it('raising it starts waiting tasks before the assignment returns', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1 });
    for (let i = 0; i < 6; i++) pool.submit(i);
    await tick();
    expect(pool.stats.running).toBe(1);
    pool.concurrency = 4;
    expect(pool.stats).toMatchObject({ running: 4, waiting: 2 });
    expect(gated.started).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(pool.stats.succeeded).toBe(6);
  });

  it('lowering it lets running tasks finish and starts none until fewer run than the new limit', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 4 });
    for (let i = 0; i < 8; i++) pool.submit(i);
    await tick();
    expect(pool.stats.running).toBe(4);
    pool.concurrency = 2;
    expect(pool.stats.running).toBe(4); // nothing is cut short
    const runningAfterEachRelease: number[] = [];
    while (gated.inFlight > 0) {
      gated.releaseOne();
      await tick();
      runningAfterEachRelease.push(pool.stats.running);
    }
    // 4 → 3 → 2 (none started), then each end makes room for exactly one: 2, 2, 2, 2, then 1, 0.
    expect(runningAfterEachRelease).toEqual([3, 2, 2, 2, 2, 2, 1, 0]);
    expect(gated.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await pool.close();
    expect(pool.stats.succeeded).toBe(8);
  });

  it('never puts more in flight than a backend of fixed capacity takes, however high it is set', async () => {
    const backend = fixedBackend();
    const pool = new Pool<number, number>({ backend });
    pool.concurrency = 10;
    expect(pool.concurrency).toBe(10);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.submit(i)));
    expect(results).toHaveLength(12);
    expect(backend.maxInFlight).toBe(2);
    await pool.close();
  });

  it('the concurrency option above a fixed backend capacity is capped the same way', async () => {
    const backend = fixedBackend();
    const pool = new Pool<number, number>({ backend, concurrency: 10 });
    expect(pool.concurrency).toBe(10);
    await Promise.all(Array.from({ length: 12 }, (_, i) => pool.submit(i)));
    expect(backend.maxInFlight).toBe(2);
    await pool.close();
  });
});
