import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { addsUp, gatedExecutor, sleep, tick, track } from './helpers.js';

describe('pause() and resume()', () => {
  it('a paused pool accepts tasks but starts none, and the running ones finish', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2 });
    const first = track(pool.submit(0));
    await tick();
    pool.pause();
    expect(pool.paused).toBe(true);
    const later = [1, 2, 3].map((n) => track(pool.submit(n)));
    await pool.enqueue(4);
    await tick();
    expect(pool.stats).toMatchObject({ submitted: 5, running: 1, waiting: 4 });
    gated.releaseAll();
    await tick();
    expect(first.state).toBe('fulfilled');
    await sleep(10);
    expect(gated.started).toEqual([0]);
    expect(later.map((r) => r.state)).toEqual(['pending', 'pending', 'pending']);
    expect(pool.stats).toMatchObject({ running: 0, waiting: 4, succeeded: 1 });
    pool.resume();
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 5, succeeded: 5 });
  });

  it('a pool created with paused: true starts nothing until resume()', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2, paused: true });
    expect(pool.paused).toBe(true);
    pool.submit(1);
    pool.submit(2);
    await sleep(10);
    expect(gated.started).toEqual([]);
    expect(pool.stats).toMatchObject({ submitted: 2, waiting: 2, running: 0 });
    pool.resume();
    expect(pool.paused).toBe(false);
    expect(gated.started).toEqual([1, 2]);
    gated.releaseAll();
    await pool.close();
  });

  it('resume() starts waiting tasks, up to concurrency, before it returns', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2, paused: true });
    for (let i = 0; i < 5; i++) pool.submit(i);
    await tick();
    expect(pool.stats.running).toBe(0);
    pool.resume();
    expect(pool.stats).toMatchObject({ running: 2, waiting: 3 });
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(pool.stats.succeeded).toBe(5);
  });

  it('a paused pool with waiting tasks is not idle', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, paused: true });
    const task = track(pool.submit(1));
    const idle = track(pool.onIdle());
    await sleep(20);
    expect(idle.state).toBe('pending');
    expect(task.state).toBe('pending');
    pool.resume();
    await pool.onIdle();
    await tick();
    expect(idle.state).toBe('fulfilled');
    expect(task.value).toBe(1);
    await pool.close();
  });

  it('onIdle() waits for the running tasks of a paused pool', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor });
    pool.submit(1);
    await tick();
    pool.pause();
    const idle = track(pool.onIdle());
    await sleep(10);
    expect(idle.state).toBe('pending');
    gated.releaseAll();
    await sleep(1);
    expect(idle.state).toBe('fulfilled');
    await pool.close();
  });

  it('a submit to a paused pool with a full queue waits for room as usual', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, capacity: 2, concurrency: 1, paused: true });
    const results = [1, 2, 3].map((n) => track(pool.submit(n)));
    const blocked = track(pool.enqueue(4));
    await sleep(10);
    expect(pool.stats).toMatchObject({ submitted: 2, waiting: 2, running: 0 });
    expect(blocked.state).toBe('pending');
    pool.resume();
    await pool.close();
    expect(blocked.state).toBe('fulfilled');
    expect(results.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(pool.stats).toMatchObject({ submitted: 4, succeeded: 4 });
  });

  it('close() while paused resumes and finishes all accepted work', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n * 2, concurrency: 1, paused: true });
    const results = [1, 2, 3].map((n) => pool.submit(n));
    const closing = pool.close();
    expect(pool.paused).toBe(false);
    await closing;
    expect(await Promise.all(results)).toEqual([2, 4, 6]);
    expect(pool.stats).toMatchObject({ submitted: 3, succeeded: 3, cancelled: 0 });
    expect(pool.state).toBe('closed');
  });

  it('stop() while paused cancels what waits with PoolStoppedError', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n, paused: true });
    const results = [1, 2, 3].map((n) => track(pool.submit(n)));
    await tick();
    await pool.stop();
    await tick();
    expect(results.map((r) => r.state)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results)
      expect(r.error).toMatchObject({ name: 'PoolStoppedError', code: 'ERR_POOL_STOPPED' });
    expect(pool.stats).toMatchObject({ submitted: 3, succeeded: 0, cancelled: 3 });
    expect(addsUp(pool.stats)).toBe(true);
  });

  it('pause() and resume() are idempotent', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2 });
    expect(pool.paused).toBe(false);
    pool.resume();
    expect(pool.paused).toBe(false);
    pool.pause();
    pool.pause();
    expect(pool.paused).toBe(true);
    for (let i = 0; i < 4; i++) pool.submit(i);
    await tick();
    expect(pool.stats.running).toBe(0);
    pool.resume();
    pool.resume();
    expect(pool.paused).toBe(false);
    expect(pool.stats).toMatchObject({ running: 2, waiting: 2 });
    expect(gated.started).toEqual([0, 1]);
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(pool.stats.succeeded).toBe(4);
  });

  it('the paused option must be a boolean', () => {
    expect(() => new Pool({ executor: (n) => n, paused: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => new Pool({ executor: (n) => n, paused: 'yes' as unknown as boolean })).toThrow(/paused/);
  });
});

describe('pause() after close()', () => {
  it('has no effect: a closing pool still finishes everything accepted', async () => {
    const pool = new Pool<number, number>({ executor: async (n) => n * 2, concurrency: 1 });
    const results = [1, 2, 3].map((n) => pool.submit(n));
    const closed = pool.close();
    pool.pause();
    expect(pool.paused).toBe(false);
    await closed;
    expect(await Promise.all(results)).toEqual([2, 4, 6]);
  });
});
