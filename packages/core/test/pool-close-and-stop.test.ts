import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { addsUp, deferred, resolveAfter, sleep, tick, track } from './helpers.js';

/** A pool whose tasks finish only when the test releases them. */
function gatedPool(options: { concurrency?: number; capacity?: number; keepResults?: boolean } = {}) {
  const gates: Array<{ input: number; release: () => void }> = [];
  const pool = new Pool<number, number>({
    executor: async (n) => {
      const gate = deferred();
      gates.push({ input: n, release: () => gate.resolve() });
      await gate.promise;
      return n * 10;
    },
    concurrency: options.concurrency ?? 1,
    capacity: options.capacity ?? 16,
    keepResults: options.keepResults,
  });
  const releaseAll = () => {
    for (const g of gates.splice(0)) g.release();
  };
  return { pool, gates, releaseAll };
}

describe('close() and stop()', () => {
  it('close drains everything that was accepted', async () => {
    const pool = new Pool<number, number>({ executor: (n) => resolveAfter(sleep(2), n + 1), concurrency: 2 });
    const results = Array.from({ length: 20 }, (_, i) => pool.submit(i));
    await pool.close();
    expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(pool.stats).toEqual({
      submitted: 20,
      waiting: 0,
      running: 0,
      succeeded: 20,
      failed: 0,
      cancelled: 0,
    });
    expect(pool.state).toBe('closed');
  });

  it('stop cancels what waits while running tasks finish', async () => {
    const { pool, gates, releaseAll } = gatedPool({ concurrency: 2 });
    const results = Array.from({ length: 6 }, (_, i) => track(pool.submit(i)));
    await tick();
    expect(pool.stats).toMatchObject({ submitted: 6, running: 2, waiting: 4 });
    const stopped = pool.stop();
    await tick();
    expect(pool.state).toBe('stopping');
    expect(results.slice(2).map((r) => r.state)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(results[2].error.code).toBe('ERR_POOL_STOPPED');
    expect(results[0].state).toBe('pending');
    expect(gates.map((g) => g.input)).toEqual([0, 1]);
    releaseAll();
    await stopped;
    expect(results[0].value).toBe(0);
    expect(results[1].value).toBe(10);
    expect(pool.stats).toEqual({
      submitted: 6,
      waiting: 0,
      running: 0,
      succeeded: 2,
      failed: 0,
      cancelled: 4,
    });
    expect(pool.state).toBe('closed');
  });

  it('stop during close skips what still waits', async () => {
    const { pool, releaseAll } = gatedPool({ concurrency: 1 });
    const results = Array.from({ length: 3 }, (_, i) => track(pool.submit(i)));
    await tick();
    const closing = pool.close();
    expect(pool.state).toBe('closing');
    const stopping = pool.stop();
    expect(pool.state).toBe('stopping');
    releaseAll();
    await Promise.all([closing, stopping]);
    expect(results.map((r) => r.state)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(pool.stats).toMatchObject({ succeeded: 1, cancelled: 2 });
  });

  it('close and stop are idempotent and safe in any order', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    const a = pool.stop();
    const b = pool.close();
    const c = pool.stop();
    expect(b).toBe(a);
    expect(c).toBe(a);
    await Promise.all([a, b, c]);
    await pool.close();
    expect(pool.state).toBe('closed');

    const other = new Pool<number, number>({ executor: (n) => n });
    const first = other.close();
    expect(other.close()).toBe(first);
    await other.stop();
    await first;
    expect(other.state).toBe('closed');
  });

  it('enqueue and submit after close reject with ERR_POOL_CLOSED, after stop with ERR_POOL_STOPPED', async () => {
    const closed = new Pool<number, number>({ executor: (n) => n });
    await closed.close();
    await expect(closed.enqueue(1)).rejects.toMatchObject({
      code: 'ERR_POOL_CLOSED',
      name: 'PoolClosedError',
    });
    await expect(closed.submit(1)).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });

    const stopped = new Pool<number, number>({ executor: (n) => n });
    const ending = stopped.stop();
    await expect(stopped.enqueue(1)).rejects.toMatchObject({
      code: 'ERR_POOL_STOPPED',
      name: 'PoolStoppedError',
    });
    await ending;
    await expect(stopped.submit(1)).rejects.toMatchObject({ code: 'ERR_POOL_STOPPED' });
    expect(closed.stats.submitted + stopped.stats.submitted).toBe(0);
  });

  it('a producer blocked on a full queue is released with an error when the pool closes, and was never accepted', async () => {
    const { pool, releaseAll } = gatedPool({ concurrency: 1, capacity: 2 });
    for (let i = 0; i < 3; i++) await pool.enqueue(i); // 1 running + 2 queued
    const blocked = track(pool.enqueue(99));
    await tick();
    expect(blocked.state).toBe('pending');
    expect(pool.stats.submitted).toBe(3);
    const closing = pool.close();
    await tick();
    expect(blocked.state).toBe('rejected');
    expect(blocked.error.code).toBe('ERR_POOL_CLOSED');
    releaseAll();
    await sleep(1);
    releaseAll();
    await sleep(1);
    releaseAll();
    await closing;
    expect(pool.stats).toEqual({
      submitted: 3,
      waiting: 0,
      running: 0,
      succeeded: 3,
      failed: 0,
      cancelled: 0,
    });
  });

  it('a submit blocked on a full queue is released with ERR_POOL_STOPPED when the pool stops', async () => {
    const { pool, releaseAll } = gatedPool({ concurrency: 1, capacity: 1 });
    const first = track(pool.submit(1));
    const second = track(pool.submit(2));
    await tick();
    const blocked = track(pool.submit(3));
    await tick();
    expect(blocked.state).toBe('pending');
    const stopping = pool.stop();
    await tick();
    expect(blocked.error?.code).toBe('ERR_POOL_STOPPED');
    expect(second.error?.code).toBe('ERR_POOL_STOPPED');
    releaseAll();
    await stopping;
    expect(first.value).toBe(10);
    expect(pool.stats).toEqual({
      submitted: 2,
      waiting: 0,
      running: 0,
      succeeded: 1,
      failed: 0,
      cancelled: 1,
    });
  });

  it('aborting the pool signal stops the pool', async () => {
    const controller = new AbortController();
    // The running task ends only when the test says so: no timing decides what runs first.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(gate, n),
      concurrency: 1,
      signal: controller.signal,
    });
    const results = [1, 2, 3].map((n) => track(pool.submit(n)));
    await tick();
    controller.abort();
    release();
    await sleep(30);
    expect(pool.state).toBe('closed');
    expect(results.map((r) => r.state)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(pool.stats).toMatchObject({ succeeded: 1, cancelled: 2 });
  });

  it('closes its backend once, when it closes', async () => {
    let closes = 0;
    const pool = new Pool<number, number>({
      backend: { name: 'counting', concurrency: 2, run: async (n) => n, close: async () => void closes++ },
    });
    await pool.submit(1);
    expect(closes).toBe(0);
    await Promise.all([pool.close(), pool.stop(), pool.close()]);
    expect(closes).toBe(1);
  });

  it('await using closes the pool at the end of the scope', async () => {
    let pool: Pool<number, number> | undefined;
    {
      await using p = new Pool<number, number>({ executor: async (n) => n });
      pool = p;
      await p.submit(1);
      expect(p.state).toBe('open');
    }
    expect(pool.state).toBe('closed');
    expect(addsUp(pool.stats)).toBe(true);
  });
});
