import { describe, expect, it } from 'vitest';
import { Pool, type TaskContext } from '../src/index.js';
import { resolveAfter, sleep } from './helpers.js';

describe('timeouts', () => {
  it('a task that runs past its timeout fails with ERR_TASK_TIMEOUT, counts as failed and sees its signal abort', async () => {
    let sawAbort: unknown;
    const pool = new Pool<number, number>({
      executor: (_n, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = ctx.signal.reason;
            reject(new Error('late'));
          });
        }),
      timeout: 30,
    });
    await expect(pool.submit(1)).rejects.toMatchObject({
      code: 'ERR_TASK_TIMEOUT',
      name: 'TaskTimeoutError',
      timeout: 30,
    });
    expect((sawAbort as { code?: string }).code).toBe('ERR_TASK_TIMEOUT');
    expect(pool.stats).toMatchObject({ failed: 1, running: 0 });
    await pool.close();
  });

  it('a timeout is measured from the start of execution, not from submission', async () => {
    // concurrency 1: the second task waits ~60 ms in the queue, more than its 40 ms timeout.
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(sleep(25), n),
      concurrency: 1,
      timeout: 400,
    });
    const first = pool.submit(1, { timeout: 400 });
    const waits = [2, 3].map((n) => pool.submit(n, { timeout: 200 }));
    expect(await first).toBe(1);
    expect(await Promise.all(waits)).toEqual([2, 3]);
    expect(pool.stats.failed).toBe(0);
    await pool.close();
  });

  it('a per-task timeout overrides the pool timeout', async () => {
    const pool = new Pool<number, number>({ executor: (n) => resolveAfter(sleep(60), n), timeout: 10_000 });
    await expect(pool.submit(1, { timeout: 15 })).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    await pool.close();
  });

  it('a backend that ignores its signal cannot hold a slot past the timeout', async () => {
    const pool = new Pool<number, number>({
      backend: { name: 'stubborn', concurrency: 1, run: () => new Promise(() => {}), close: async () => {} },
      timeout: 20,
    });
    await expect(pool.submit(1)).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    await pool.close(); // would hang if the slot were still held
    expect(pool.stats).toMatchObject({ failed: 1, running: 0 });
  });
});

describe('retries', () => {
  it('retries a failing task with increasing attempt numbers until it succeeds', async () => {
    const attempts: number[] = [];
    const pool = new Pool<string, string>({
      executor: (s, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`try ${ctx.attempt}`);
        return s.toUpperCase();
      },
      retries: { attempts: 5, backoff: 1, jitter: false },
    });
    expect(await pool.submit('ok')).toBe('OK');
    expect(attempts).toEqual([1, 2, 3]);
    expect(pool.stats).toMatchObject({ succeeded: 1, failed: 0, running: 0 });
    await pool.close();
  });

  it('gives up after the last try and rejects with the last error', async () => {
    let calls = 0;
    const pool = new Pool<number, number>({
      executor: () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      retries: 2,
    });
    await expect(pool.submit(1)).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
    expect(pool.stats.failed).toBe(1);
    await pool.close();
  });

  it('waits an exponential backoff between tries', async () => {
    const times: number[] = [];
    const pool = new Pool<number, number>({
      executor: () => {
        times.push(performance.now());
        throw new Error('again');
      },
      retries: { attempts: 4, backoff: 20, jitter: false },
    });
    await expect(pool.submit(1)).rejects.toThrow('again');
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // 20, 40, 80 ms (timers fire late, never early: allow 1 ms of clock rounding).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    await pool.close();
  });

  it('retryIf decides which errors are retried', async () => {
    let calls = 0;
    const pool = new Pool<number, number>({
      executor: () => {
        calls++;
        throw Object.assign(new Error('fatal'), { code: 'E_FATAL' });
      },
      retries: { attempts: 5, backoff: 0, retryIf: (e) => (e as { code?: string }).code !== 'E_FATAL' },
    });
    await expect(pool.submit(1)).rejects.toMatchObject({ code: 'E_FATAL' });
    expect(calls).toBe(1);
    await pool.close();
  });

  it('a timeout is per try, and a timed-out try is retried', async () => {
    const pool = new Pool<number, number>({
      executor: async (n, ctx) => {
        if (ctx.attempt === 1) await sleep(200);
        return n;
      },
      timeout: 30,
      retries: { attempts: 2, backoff: 0 },
    });
    expect(await pool.submit(5)).toBe(5);
    expect(pool.stats).toMatchObject({ succeeded: 1, failed: 0 });
    await pool.close();
  });

  it('stop() cancels a task waiting to be retried', async () => {
    const pool = new Pool<number, number>({
      executor: () => {
        throw new Error('flaky');
      },
      retries: { attempts: 3, backoff: 5_000, jitter: false },
    });
    const result = pool.submit(1).catch((e) => e);
    await sleep(10);
    expect(pool.stats.running).toBe(1); // in backoff
    await pool.stop();
    expect((await result).code).toBe('ERR_POOL_STOPPED');
    expect(pool.stats).toMatchObject({ cancelled: 1, running: 0 });
  });
});
