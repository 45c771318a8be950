/**
 * Regression (issue 25 §1): a try's timeout measures the task. On a fresh PiscinaBackend whose
 * module takes 600 ms to load, 12 of 27 trivial tasks failed a 300 ms timeout, counted from the
 * hand-over; PiscinaBackend now reports each task's start (seen in its shared task table), and
 * the Pool's timeout starts there — batched or not.
 */
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend } from './helpers.js';

const SLOW_LOAD = fileURLToPath(new URL('./fixtures/slow-load.mjs', import.meta.url));

describe('a timeout counts from the start PiscinaBackend reports', () => {
  it('trivial tasks on threads whose module takes 600 ms to load do not fail a 300 ms timeout', async () => {
    const pool = new Pool<number, unknown>({
      backend: backend({ filename: SLOW_LOAD, threads: 2 }),
      timeout: 300,
      maxBatch: 1,
    });
    const inputs = Array.from({ length: 27 }, (_, i) => i);
    const outcomes = await Promise.allSettled(inputs.map((n) => pool.submit(n)));
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed.map((o) => (o as PromiseRejectedResult).reason?.code)).toEqual([]);
    expect(outcomes.map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual(
      inputs.map((n) => n * 2),
    );
    await pool.close();
  });

  it('the same through batches (submitAll): no entry times out for the load or for the entries before it', async () => {
    const pool = new Pool<number, unknown>({
      backend: backend({ filename: SLOW_LOAD, threads: 2 }),
      timeout: 300,
    });
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    const outcomes = await pool.submitAll(inputs);
    expect(
      outcomes.filter((o) => !o.ok).map((o) => (o.ok ? undefined : (o.error as { code?: string }).code)),
    ).toEqual([]);
    await pool.close();
  });

  it('quick tasks batched behind slow ones do not time out for the slow ones’ run time', async () => {
    const pool = new Pool<number, unknown>({
      backend: backend({ filename: SLOW_LOAD, threads: 1 }),
      timeout: 400,
      paused: true,
    });
    // One thread: the five 150 ms sleeps and the quick ones share batches; the last quick one
    // starts ~750 ms after its batch was sent.
    const slow = [150, 150, 150, 150, 150].map((ms) => pool.submit(ms, { task: 'sleep' }));
    const quick = [1, 1, 1].map((ms) => pool.submit(ms, { task: 'sleep' }));
    pool.resume();
    expect(await Promise.all([...slow, ...quick])).toEqual([150, 150, 150, 150, 150, 1, 1, 1]);
    await pool.close();
  });

  it('a task still runs out of time once started: ERR_TASK_TIMEOUT', async () => {
    const pool = new Pool<number, unknown>({
      backend: backend({ filename: SLOW_LOAD, threads: 1 }),
      timeout: 200,
    });
    await expect(pool.submit(5_000, { task: 'sleep' })).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    await pool.close();
  });
});
