import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { resolveAfter, sleep } from './helpers.js';

const ZERO = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

describe('latency', () => {
  it('is undefined without the latency option', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    await pool.submit(1);
    expect(pool.latency).toBeUndefined();
    await pool.close();
  });

  it('is all zeros with count 0 before any task', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, latency: true });
    expect(pool.latency).toEqual({ wait: ZERO, run: ZERO });
    await pool.close();
  });

  it('measures the run time of each task in ms', async () => {
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(sleep(20), n),
      concurrency: 4,
      latency: true,
    });
    await Promise.all([1, 2, 3, 4].map((n) => pool.submit(n)));
    const { run } = pool.latency!;
    expect(run.count).toBe(4);
    expect(run.p50).toBeGreaterThanOrEqual(15);
    expect(run.min).toBeGreaterThanOrEqual(15);
    expect(run.max).toBeLessThan(1000);
    expect(run.min).toBeLessThanOrEqual(run.mean);
    expect(run.mean).toBeLessThanOrEqual(run.max);
    expect(run.p50).toBeLessThanOrEqual(run.p90);
    expect(run.p90).toBeLessThanOrEqual(run.p99);
    expect(run.p99).toBeLessThanOrEqual(run.max);
    await pool.close();
  });

  it('counts one run sample per try: a task retried once adds two', async () => {
    const pool = new Pool<number, number>({
      executor: async (n, ctx) => {
        await sleep(20);
        if (ctx.attempt === 1) throw new Error('first try fails');
        return n;
      },
      retries: { attempts: 2, backoff: 1, jitter: false },
      latency: true,
    });
    expect(await pool.submit(7)).toBe(7);
    expect(pool.latency!.run.count).toBe(2);
    expect(pool.latency!.run.min).toBeGreaterThanOrEqual(15);
    expect(pool.latency!.wait.count).toBe(1);
    await pool.close();
  });

  it('measures the queue wait: with concurrency 1 the third of three tasks waits for the two before it', async () => {
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(sleep(20), n),
      concurrency: 1,
      latency: true,
    });
    await Promise.all([1, 2, 3].map((n) => pool.submit(n)));
    const { wait } = pool.latency!;
    expect(wait.count).toBe(3);
    expect(wait.max).toBeGreaterThanOrEqual(30);
    expect(wait.min).toBeLessThan(15);
    await pool.close();
  });

  it('the latency option must be a boolean', () => {
    expect(() => new Pool({ executor: (n) => n, latency: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new Pool({ executor: (n) => n, latency: 1 as unknown as boolean })).toThrow(/latency/);
  });
});
