import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend, rejection } from './helpers.js';

describe('Pool over PiscinaBackend', () => {
  it('times out an endless loop, counts it as failed, and keeps serving', async () => {
    const pool = new Pool<unknown, unknown>({ backend: backend({ threads: 1 }) });
    // The timeout is on the looping task only: the next task waits for a fresh thread to start.
    const error = await rejection(pool.submit(undefined, { task: 'spin', timeout: 200 }));
    expect(error.code).toBe('ERR_TASK_TIMEOUT');
    expect(await pool.submit(21)).toBe(42);
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 2, succeeded: 1, failed: 1, cancelled: 0 });
  });

  it('passes task names and transfers through submit', async () => {
    const pool = new Pool<unknown, unknown>({ backend: backend() });
    const buffer = new Uint8Array([5, 5]).buffer;
    expect(await pool.submit(buffer, { task: 'sumBytes', transfer: [buffer] })).toEqual({
      total: 10,
      byteLength: 2,
    });
    expect(buffer.byteLength).toBe(0);
    await pool.close();
  });

  it('counts a crash among many tasks as one failure', async () => {
    const pool = new Pool<unknown, unknown>({ backend: backend({ threads: 2 }) });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => (i === 37 ? pool.submit(1, { task: 'exit' }) : pool.submit(i))),
    );
    await pool.close();
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(99);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed.map((o) => o.reason.code)).toEqual(['ERR_WORKER_CRASHED']);
    expect(pool.stats).toEqual({
      submitted: 100,
      waiting: 0,
      running: 0,
      succeeded: 99,
      failed: 1,
      cancelled: 0,
    });
  });

  it("gives the worker function each try's number, so retries are visible in the thread", async () => {
    const pool = new Pool<unknown, unknown>({
      backend: backend({ threads: 1 }),
      retries: { attempts: 3, backoff: 0 },
    });
    expect(await pool.submit(undefined, { task: 'attemptSeen' })).toBe(1);
    expect(await pool.submit(undefined, { task: 'succeedOnThirdTry' })).toBe(3);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 2, failed: 0 });
  });
});
