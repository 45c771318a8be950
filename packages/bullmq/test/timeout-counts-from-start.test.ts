/**
 * Regressions (issue 25, section 1): a task's timeout measures the task — not a job waiting in
 * Redis for a free worker, not the entries of its batch that ran before it. BullMQBackend
 * reports starts (`reportsStart`): a job's 'active' event starts its task, a batch entry starts
 * when the worker reports the one before it (job progress, which also carries that entry's
 * outcome early). A Pool's `startTimeout` bounds the wait before the start.
 *
 * Bounds are generous (a loaded 2-core machine): each quick task gets 1.5 s, far more than it
 * needs, and less than the slow task it waits behind.
 */
import { Pool } from '@poolkit/core';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BullMQBackend, startWorker } from '../src/index.js';
import { skipRedis } from '../src/testing/index.js';
import { useRedis } from './use-redis.js';
import { TASKS } from './workers.js';

const SLOW_MS = 3_000;
const QUICK_TIMEOUT = 1_500;
const SLOW_TIMEOUT = 30_000;
let queueNumber = 0;
const freshQueue = () => `starts-${process.pid}-${++queueNumber}`;

describe.skipIf(skipRedis)('a task is timed from its start (BullMQBackend, a real redis-server)', () => {
  const redis = useRedis();
  const { closers } = redis;
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function backend(queue: string, concurrency: number): BullMQBackend {
    const b = new BullMQBackend({
      connection: redis.url,
      queue,
      concurrency,
      sweepInterval: 200,
      closeTimeout: 3_000,
    });
    closers.push(() => b.close());
    return b;
  }
  async function oneSlotWorker(queue: string): Promise<void> {
    const w = await startWorker({ redis: redis.url, module: TASKS, queue, concurrency: 1 });
    closers.push(() => w.close(1_000));
  }
  function pool(b: BullMQBackend, options: Partial<ConstructorParameters<typeof Pool>[0]> = {}): Pool {
    const p = new Pool({ backend: b, ...options });
    closers.push(() => p.close());
    return p;
  }
  const settled = (promise: Promise<unknown>) =>
    promise.then(
      (value) => ({ ok: true, value, at: Date.now() }),
      (error: { code?: string }) => ({ ok: false, code: error?.code, at: Date.now() }),
    );

  it('quick tasks queued in Redis behind a slow one on a one-slot worker timed out: now they succeed', async () => {
    const queue = freshQueue();
    await oneSlotWorker(queue);
    // Batching off: each task is its own job; the Pool hands over three at once, the worker runs one.
    const p = pool(backend(queue, 3), { maxBatch: 1 });
    const slow = settled(p.submit({ ms: SLOW_MS, value: 'slow' }, { task: 'slow', timeout: SLOW_TIMEOUT }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the slow job goes first
    const quick = [1, 2].map((value) =>
      settled(p.submit({ ms: 0, value }, { task: 'slow', timeout: QUICK_TIMEOUT })),
    );
    const outcomes = await Promise.all([slow, ...quick]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(p.stats).toMatchObject({ succeeded: 3, failed: 0 });
  }, 60_000);

  it('a quick entry batched with a slow one failed ERR_TASK_TIMEOUT: now it succeeds, reported before the batch ends', async () => {
    const queue = freshQueue();
    await oneSlotWorker(queue);
    const b = backend(queue, 1);
    const runMany = vi.spyOn(b, 'runMany');
    const p = pool(b);
    // The first task takes the one slot; the next three wait in the Pool and go out as one batch.
    const first = settled(p.submit({ ms: 500, value: 'first' }, { task: 'slow', timeout: SLOW_TIMEOUT }));
    const quickBefore = settled(
      p.submit({ ms: 0, value: 'before' }, { task: 'slow', timeout: QUICK_TIMEOUT }),
    );
    const slow = settled(p.submit({ ms: SLOW_MS, value: 'slow' }, { task: 'slow', timeout: SLOW_TIMEOUT }));
    const quickAfter = settled(p.submit({ ms: 0, value: 'after' }, { task: 'slow', timeout: QUICK_TIMEOUT }));
    const outcomes = await Promise.all([first, quickBefore, slow, quickAfter]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    expect(runMany).toHaveBeenCalledTimes(1);
    expect(runMany.mock.calls[0][0]).toHaveLength(3);
    // The quick entry's outcome came ahead of the job's answer, not after the slow entry.
    const [, before, slowDone] = await Promise.all([first, quickBefore, slow]);
    expect(before.at).toBeLessThan(slowDone.at - 1_000);
  }, 60_000);

  it('a job with no worker to run it fails ERR_TASK_START_TIMEOUT after startTimeout, and leaves Redis', async () => {
    const queue = freshQueue(); // no worker on this queue
    const p = pool(backend(queue, 2), { startTimeout: 500, timeout: QUICK_TIMEOUT });
    const begun = Date.now();
    await expect(p.submit({ ms: 0, value: 1 }, { task: 'slow' })).rejects.toMatchObject({
      code: 'ERR_TASK_START_TIMEOUT',
    });
    expect(Date.now() - begun).toBeGreaterThanOrEqual(450);
    const inspect = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    closers.push(() => inspect.close());
    await expect.poll(() => inspect.getWaitingCount(), { timeout: 5_000 }).toBe(0);
  }, 30_000);

  it('a running job still times out from its start: ERR_TASK_TIMEOUT, cancelled on its worker', async () => {
    const queue = freshQueue();
    await oneSlotWorker(queue);
    const p = pool(backend(queue, 1), { startTimeout: 10_000 });
    await expect(p.submit(null, { task: 'untilCancelled', timeout: 300 })).rejects.toMatchObject({
      code: 'ERR_TASK_TIMEOUT',
    });
  }, 30_000);
});
