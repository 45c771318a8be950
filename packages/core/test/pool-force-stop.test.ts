import { describe, expect, it } from 'vitest';
import { type Backend, Pool, type RunOptions } from '../src/index.js';
import { addsUp, gatedExecutor, sleep, tick, track } from './helpers.js';

/** Resolves with 'timed out' if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  return Promise.race([promise, sleep(ms).then(() => 'timed out' as const)]);
}

/** An executor that runs until its signal aborts, then rejects with the signal's reason. */
function cooperative(signals: AbortSignal[]) {
  return (_n: number, ctx: { signal: AbortSignal }) =>
    new Promise<number>((_resolve, reject) => {
      signals.push(ctx.signal);
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    });
}

describe('stop({ force: true })', () => {
  it('cancels waiting tasks and aborts running ones with a PoolStoppedError, all counted cancelled', async () => {
    const signals: AbortSignal[] = [];
    const pool = new Pool<number, number>({ executor: cooperative(signals), concurrency: 2 });
    const results = [0, 1, 2, 3, 4].map((n) => track(pool.submit(n)));
    await tick();
    expect(pool.stats).toMatchObject({ running: 2, waiting: 3 });
    await pool.stop({ force: true });
    await tick();
    expect(signals).toHaveLength(2);
    for (const signal of signals) {
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toMatchObject({ name: 'PoolStoppedError', code: 'ERR_POOL_STOPPED' });
    }
    expect(results.map((r) => r.state)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of results)
      expect(r.error).toMatchObject({ name: 'PoolStoppedError', code: 'ERR_POOL_STOPPED' });
    expect(pool.stats).toEqual({
      submitted: 5,
      waiting: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 5,
    });
    expect(addsUp(pool.stats)).toBe(true);
    expect(pool.state).toBe('closed');
  });

  it("aborts a backend's options.signal and resolves once the backend is closed", async () => {
    const signals: AbortSignal[] = [];
    let closed = false;
    const backend: Backend<number, number> = {
      name: 'cooperative',
      concurrency: 2,
      run: (_n: number, options: RunOptions) =>
        new Promise<number>((_resolve, reject) => {
          signals.push(options.signal);
          options.signal.addEventListener('abort', () => reject(options.signal.reason));
        }),
      close: async () => {
        await sleep(5);
        closed = true;
      },
    };
    const pool = new Pool<number, number>({ backend });
    const results = [1, 2].map((n) => track(pool.submit(n)));
    await tick();
    await pool.stop({ force: true });
    expect(closed).toBe(true);
    expect(pool.state).toBe('closed');
    expect(signals.map((s) => s.reason?.code)).toEqual(['ERR_POOL_STOPPED', 'ERR_POOL_STOPPED']);
    expect(results.map((r) => r.error?.code)).toEqual(['ERR_POOL_STOPPED', 'ERR_POOL_STOPPED']);
    expect(pool.stats).toMatchObject({ submitted: 2, cancelled: 2 });
  });

  it('cannot be hung by an executor that never settles', async () => {
    const pool = new Pool<number, number>({ executor: () => new Promise<number>(() => {}), concurrency: 2 });
    const results = [1, 2, 3].map((n) => track(pool.submit(n)));
    await tick();
    expect(await within(pool.stop({ force: true }), 1000)).toBeUndefined();
    await tick();
    expect(results.map((r) => r.error?.code)).toEqual([
      'ERR_POOL_STOPPED',
      'ERR_POOL_STOPPED',
      'ERR_POOL_STOPPED',
    ]);
    expect(pool.stats).toMatchObject({ running: 0, cancelled: 3 });
    expect(pool.state).toBe('closed');
  });

  it('after stop() it escalates: the tasks still running are cancelled', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 2 });
    const results = [0, 1, 2].map((n) => track(pool.submit(n)));
    await tick();
    const graceful = pool.stop();
    await tick();
    expect(results.map((r) => r.state)).toEqual(['pending', 'pending', 'rejected']);
    expect(pool.stats.running).toBe(2);
    const forced = pool.stop({ force: true });
    expect(await within(Promise.all([graceful, forced]), 1000)).not.toBe('timed out');
    expect(results.map((r) => r.error?.code)).toEqual([
      'ERR_POOL_STOPPED',
      'ERR_POOL_STOPPED',
      'ERR_POOL_STOPPED',
    ]);
    expect(pool.stats).toEqual({
      submitted: 3,
      waiting: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 3,
    });
    gated.releaseAll(); // the executors end late: nothing changes
    await tick();
    expect(pool.stats.succeeded).toBe(0);
  });

  it("cancels a task in a retry's backoff", async () => {
    let tries = 0;
    const pool = new Pool<number, number>({
      executor: () => {
        tries++;
        throw new Error('flaky');
      },
      retries: { attempts: 3, backoff: 10_000, jitter: false },
    });
    const result = track(pool.submit(1));
    await sleep(5);
    expect(tries).toBe(1);
    expect(pool.stats.running).toBe(1);
    expect(await within(pool.stop({ force: true }), 1000)).toBeUndefined();
    await tick();
    expect(result.error).toMatchObject({ code: 'ERR_POOL_STOPPED' });
    expect(tries).toBe(1);
    expect(pool.stats).toMatchObject({ submitted: 1, running: 0, cancelled: 1, failed: 0 });
    expect(addsUp(pool.stats)).toBe(true);
  });

  it('checks its options: force must be a boolean and options an object', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    await expect(pool.stop({ force: 'yes' as unknown as boolean })).rejects.toThrow(TypeError);
    await expect(pool.stop({ force: 'yes' as unknown as boolean })).rejects.toThrow(/force/);
    await expect(pool.stop(42 as unknown as { force: boolean })).rejects.toThrow(TypeError);
    await pool.stop({ force: true });
    expect(pool.state).toBe('closed');
  });
});
