import { describe, expect, it } from 'vitest';
import { isAbortError, type Outcome, Pool, PoolClearedError } from '../src/index.js';
import { addsUp, deferred, gatedExecutor, resolveAfter, tick, track } from './helpers.js';

describe('clear()', () => {
  it('cancels every waiting task now and returns how many', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1 });
    const results = [0, 1, 2, 3].map((n) => track(pool.submit(n)));
    await tick();
    expect(pool.clear()).toBe(3);
    expect(pool.stats).toMatchObject({ submitted: 4, waiting: 0, running: 1, cancelled: 3 });
    await tick();
    expect(results.map((r) => r.state)).toEqual(['pending', 'rejected', 'rejected', 'rejected']);
    for (const r of results.slice(1)) {
      expect(isAbortError(r.error)).toBe(true);
      expect(r.error.name).toBe('AbortError');
      expect(r.error.cause).toBeInstanceOf(PoolClearedError);
      expect(r.error.cause.code).toBe('ERR_POOL_CLEARED');
    }
    expect(gated.started).toEqual([0]);
    gated.releaseAll();
    await pool.close();
  });

  it('lets running tasks go on and finish normally', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2 });
    const running = [pool.submit(1), pool.submit(2)];
    const waiting = pool.submit(3).catch((e) => e);
    await tick();
    expect(pool.clear()).toBe(1);
    gated.releaseAll();
    expect(await Promise.all(running)).toEqual([1, 2]);
    expect(isAbortError(await waiting)).toBe(true);
    expect(pool.stats).toMatchObject({ submitted: 3, succeeded: 2, cancelled: 1, failed: 0 });
    expect(addsUp(pool.stats)).toBe(true);
    await pool.close();
  });

  it('leaves the pool open: new tasks are accepted and run', async () => {
    const gate = deferred();
    const pool = new Pool<number, number>({ executor: (n) => resolveAfter(gate.promise, n), concurrency: 1 });
    pool.submit(1);
    const cleared = pool.submit(2).catch((e) => e);
    await tick();
    expect(pool.clear()).toBe(1);
    expect(pool.state).toBe('open');
    const later = pool.submit(3);
    gate.resolve();
    expect(await later).toBe(3);
    expect(isAbortError(await cleared)).toBe(true);
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 3, succeeded: 2, cancelled: 1 });
  });

  it('returns 0 on an empty pool and on a closed pool', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    expect(pool.clear()).toBe(0);
    await pool.submit(1);
    await pool.close();
    expect(pool.clear()).toBe(0);
    expect(pool.stats).toMatchObject({ submitted: 1, succeeded: 1, cancelled: 0 });
  });

  it('cancels only accepted tasks of a full queue; callers blocked on it move into the freed room', async () => {
    const gate = deferred();
    const pool = new Pool<number, number>({
      executor: (n) => (n === 0 ? resolveAfter(gate.promise, n) : n),
      concurrency: 1,
      capacity: 2,
    });
    const results = [0, 1, 2, 3, 4, 5].map((n) => track(pool.submit(n)));
    await tick();
    expect(pool.stats).toMatchObject({ submitted: 3, running: 1, waiting: 2 });
    expect(pool.clear()).toBe(2);
    await tick();
    expect(pool.stats).toMatchObject({ submitted: 5, running: 1, waiting: 2, cancelled: 2 });
    gate.resolve();
    await pool.onIdle(); // not close(): it would refuse the caller still blocked
    await tick();
    expect(results.map((r) => r.state)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(results.slice(3).map((r) => r.value)).toEqual([3, 4, 5]);
    expect(pool.stats).toMatchObject({ submitted: 6, succeeded: 4, cancelled: 2 });
    expect(addsUp(pool.stats)).toBe(true);
    await pool.close();
  });

  it('sends the outcomes of cleared enqueue()d tasks as failures with the AbortError', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1, keepResults: true });
    const errors: unknown[] = [];
    pool.on('error', (error) => errors.push(error));
    for (const n of [1, 2, 3]) await pool.enqueue(n);
    await tick();
    expect(pool.clear()).toBe(2);
    gated.releaseAll();
    const closing = pool.close();
    const outcomes: Outcome<number, number>[] = [];
    for await (const outcome of pool.results()) outcomes.push(outcome);
    await closing;
    const failures = outcomes.filter((o) => !o.ok);
    expect(failures.map((o) => o.input).sort()).toEqual([2, 3]);
    for (const o of failures) {
      const error = (o as { error: any }).error;
      expect(isAbortError(error)).toBe(true);
      expect(error.cause.code).toBe('ERR_POOL_CLEARED');
    }
    expect(outcomes.find((o) => o.ok)).toEqual({ ok: true, input: 1, value: 1 });
    expect(pool.stats).toMatchObject({ submitted: 3, succeeded: 1, cancelled: 2 });
  });
});
