/**
 * A FairQueue in front of a real BullMQBackend — a redis-server and a poolkit-worker process that
 * runs four jobs at once — one task per job and batched: no key ever has more tasks running on the
 * worker than its keyConcurrency, a quiet key is not starved by a noisy one, every task gets its
 * own value, and the queue forgets every key once the pool has closed. What ran when is measured
 * in the worker (test/fixtures/timed.mjs), so the limits are checked against the work itself.
 */
import { fileURLToPath } from 'node:url';
import { FairQueue, Pool, type PoolOptions } from '@poolkit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullMQBackend } from '../src/index.js';
import { skipRedis } from '../src/testing/index.js';
import { useRedis } from './use-redis.js';
import { startWorkerProcess, type WorkerProcess } from './workers.js';

const TIMED = fileURLToPath(new URL('./fixtures/timed.mjs', import.meta.url));
const QUEUE = `fair-${process.pid}`;
/** Jobs the worker runs at once, and jobs the backend keeps in flight: room for any key to overrun. */
const SLOTS = 4;

interface Job {
  readonly key: string;
  readonly index: number;
  /** How long the task sleeps on the worker, ms. */
  readonly ms: number;
}

/** What a task of timed.mjs returns: its job's key and index, and when it ran (ms since the epoch). */
interface Ran {
  readonly key: string;
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly pid: number;
}

/**
 * The most of `runs` that ran at once by their clocks. Two intervals count as overlapping only by
 * more than 1 ms (the clocks of two processes are two readings of the wall clock); two tasks that
 * really ran together overlap by most of their 30 ms.
 */
function mostAtOnce(runs: readonly Ran[]): number {
  const edges: Array<[at: number, step: number]> = [];
  for (const run of runs) {
    if (run.end - run.start > 2) edges.push([run.start + 1, 1], [run.end - 1, -1]);
  }
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]); // an end before a start at the same instant
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step));
  return most;
}

interface Mode {
  readonly title: string;
  readonly maxBatch: number;
  /**
   * A Pool timeout makes every try cancellable: the worker reports each batch entry as it ends
   * (a job progress event) and the Pool releases its key then, while the rest of the job runs.
   * Without one a job's entries come back together when it ends.
   */
  readonly timeout?: number;
}

const modes: Mode[] = [
  { title: 'one task per job', maxBatch: 1 },
  { title: 'batched, each entry released when its job ends', maxBatch: 1024 },
  { title: 'batched, each entry released as the worker reports it', maxBatch: 1024, timeout: 20_000 },
];

describe.skipIf(skipRedis)('a FairQueue in front of BullMQBackend (a real redis-server)', () => {
  const redis = useRedis();
  const { closers } = redis;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    worker = await startWorkerProcess(redis.url, [
      '--module',
      TIMED,
      '--queue',
      QUEUE,
      '--concurrency',
      String(SLOTS),
    ]);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  function poolOver(
    queue: FairQueue<unknown>,
    mode: Mode,
    options: Partial<PoolOptions<Job, Ran>> = {},
  ): { pool: Pool<Job, Ran>; backend: BullMQBackend } {
    const backend = new BullMQBackend({
      connection: redis.url,
      queue: QUEUE,
      concurrency: SLOTS,
      sweepInterval: 200,
      closeTimeout: 3_000,
    });
    closers.push(() => backend.close());
    vi.spyOn(backend, 'runMany'); // before the Pool: its batcher binds runMany once
    const pool = new Pool<Job, Ran>({
      backend: backend as never,
      queue,
      maxBatch: mode.maxBatch,
      timeout: mode.timeout,
      ...options,
    });
    closers.push(() => pool.close());
    return { pool, backend };
  }

  for (const mode of modes) {
    describe(mode.title, () => {
      it('no key ever runs more than one task at once with keyConcurrency 1, and every task gets its own value', async () => {
        const queue = new FairQueue<unknown>({ keyConcurrency: 1 });
        // Paused while the jobs go in, so a batch is filled from a full queue.
        const { pool, backend } = poolOver(queue, mode, { paused: true });
        // Key a has the most tasks: once b is done it waits alone, with three slots free.
        const jobs: Job[] = [];
        for (let index = 0; index < 12; index++) {
          jobs.push({ key: 'a', index, ms: 30 });
          if (index < 4) jobs.push({ key: 'b', index, ms: 30 });
        }
        // Sampled at every settle: the queue never counts more than one of a key out either.
        let mostOut = 0;
        const settled = jobs.map((job) =>
          pool.submit(job, { key: job.key }).then((ran) => {
            mostOut = Math.max(mostOut, queue.keyStats('a').running, queue.keyStats('b').running);
            return ran;
          }),
        );
        pool.resume();
        const runs = await Promise.all(settled);
        expect(runs.map(({ key, index }) => ({ key, index }))).toEqual(
          jobs.map(({ key, index }) => ({ key, index })),
        );
        for (const key of ['a', 'b']) {
          const ofKey = runs.filter((run) => run.key === key);
          expect(mostAtOnce(ofKey), `the most tasks of key ${key} that ran at once`).toBe(1);
        }
        expect(mostOut).toBeLessThanOrEqual(1);
        // The worker did run a's and b's tasks side by side: one task at a time was each key's limit.
        expect(mostAtOnce(runs)).toBe(2);
        const sizes = vi.mocked(backend.runMany).mock.calls.map(([batch]) => batch.length);
        if (mode.maxBatch > 1) expect(Math.max(0, ...sizes), 'the largest batch').toBeGreaterThan(1);
        else expect(sizes).toEqual([]);
        await pool.close();
        expect(pool.stats).toMatchObject({
          submitted: jobs.length,
          succeeded: jobs.length,
          failed: 0,
          cancelled: 0,
        });
        expect(queue.keyCount).toBe(0);
        expect(queue.size).toBe(0);
      });

      it("a quiet key's one task starts before most of a noisy key's 40", async () => {
        const queue = new FairQueue<unknown>();
        const { pool } = poolOver(queue, mode);
        const noisy = Array.from({ length: 40 }, (_, index) =>
          pool.submit({ key: 'noisy', index, ms: 0 }, { key: 'noisy' }),
        );
        const quiet = pool.submit({ key: 'quiet', index: 0, ms: 0 }, { key: 'quiet' });
        const [ranQuiet, ...ranNoisy] = await Promise.all([quiet, ...noisy]);
        expect(ranQuiet).toMatchObject({ key: 'quiet', index: 0 });
        expect(ranNoisy.map(({ key, index }) => ({ key, index }))).toEqual(
          ranNoisy.map((_, index) => ({ key: 'noisy', index })),
        );
        // In arrival order it would start after all 40; by turns, after the noisy tasks already
        // in flight (one per slot) and about one more. Half of them is a generous bound.
        const before = ranNoisy.filter((ran) => ran.start < ranQuiet.start).length;
        expect(before, 'noisy tasks started before the quiet one').toBeLessThan(20);
        await pool.close();
        expect(queue.keyCount).toBe(0);
        expect(queue.size).toBe(0);
      });
    });
  }
});
