/**
 * A FairQueue in front of a real PiscinaBackend, one task per call and batched (runMany): no key
 * ever has more tasks running on the threads than its keyConcurrency, a quiet key is not starved
 * by a noisy one, every task gets its own value, and the queue forgets every key once the pool
 * has closed. The tasks count themselves in shared memory while they run
 * (test/fixtures/timed.mjs), so the limits are checked against the work itself, not against the
 * queue's own counts.
 */
import { fileURLToPath } from 'node:url';
import { FairQueue, Pool, type PoolOptions } from '@poolkit/core';
import { describe, expect, it, vi } from 'vitest';
import type { PiscinaBackend } from '../src/index.js';
import { backend } from './helpers.js';

const TIMED = fileURLToPath(new URL('./fixtures/timed.mjs', import.meta.url));

interface Job {
  readonly key: string;
  readonly index: number;
  /** How long the task sleeps in its thread, ms. */
  readonly ms: number;
  /** Shared counters: `gauge[2 * slot]` running now, `gauge[2 * slot + 1]` the most at once. */
  readonly gauge?: Int32Array;
  readonly slot?: number;
}

/** What a task of timed.mjs returns: its job's key and index, and when it ran (ms since the epoch). */
interface Ran {
  readonly key: string;
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly threadId: number;
}

/**
 * The most of `runs` that ran at once by their clocks. Two intervals count as overlapping only by
 * more than 1 ms: each thread reads the wall clock on its own, a few µs apart.
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
   * A Pool timeout makes every try cancellable, so the backend reports each batch entry as it
   * ends and the Pool releases its key then, while the rest of the batch still runs; without
   * one a batch's entries are released together when the batch ends.
   */
  readonly timeout?: number;
}

const modes: Mode[] = [
  { title: 'one task per call', maxBatch: 1 },
  { title: 'batched, each entry released when the batch ends', maxBatch: 64 },
  { title: 'batched, each entry released as it is reported', maxBatch: 64, timeout: 20_000 },
];

/** A pool over 2 threads × 4 tasks each (8 at once), its tasks queued in `queue`. */
function poolOver(
  queue: FairQueue<unknown>,
  mode: Mode,
  options: Partial<PoolOptions<Job, Ran>> = {},
): { pool: Pool<Job, Ran>; threads: PiscinaBackend<Job, Ran> } {
  const threads = backend({ filename: TIMED, threads: 2, concurrentTasksPerWorker: 4 }) as PiscinaBackend<
    Job,
    Ran
  >;
  vi.spyOn(threads, 'runMany'); // before the Pool: its batcher binds runMany once
  const pool = new Pool<Job, Ran>({
    backend: threads,
    queue,
    maxBatch: mode.maxBatch,
    timeout: mode.timeout,
    ...options,
  });
  return { pool, threads };
}

for (const mode of modes) {
  describe(`a FairQueue in front of PiscinaBackend, ${mode.title}`, () => {
    it('no key ever runs more tasks at once than its keyConcurrency, and every task gets its own value', async () => {
      // Six keys allow 10 out at once, more than the 8 slots: the threads are never short of work.
      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      const limits = [1, 2, 2, 1, 2, 2];
      const queue = new FairQueue<unknown>({ keyConcurrency: (key) => limits[keys.indexOf(key as string)] });
      // Paused while the jobs go in, so the first batches are filled from a full queue.
      const { pool, threads } = poolOver(queue, mode, { paused: true });
      const gauge = new Int32Array(new SharedArrayBuffer(8 * keys.length));
      const jobs: Job[] = [];
      for (let index = 0; index < 20; index++)
        for (const [slot, key] of keys.entries()) jobs.push({ key, index, ms: 5, gauge, slot });
      // Sampled at every settle: the queue never counts more of a key out than its limit either.
      let overLimit = 0;
      const settled = jobs.map((job) =>
        pool.submit(job, { key: job.key }).then((ran) => {
          for (const [slot, key] of keys.entries())
            overLimit = Math.max(overLimit, queue.keyStats(key).running - limits[slot]);
          return ran;
        }),
      );
      pool.resume();
      const runs = await Promise.all(settled);
      expect(runs.map(({ key, index }) => ({ key, index }))).toEqual(
        jobs.map(({ key, index }) => ({ key, index })),
      );
      const most = keys.map((_, slot) => gauge[2 * slot + 1]);
      for (const [slot, key] of keys.entries())
        expect(most[slot], `the most tasks of key ${key} that ran at once`).toBeLessThanOrEqual(limits[slot]);
      expect(overLimit).toBeLessThanOrEqual(0);
      // The limits bound something: keys of limit 2 did run two at once, and the threads ran more
      // tasks at once than any one key may.
      expect(Math.max(...most)).toBe(2);
      expect(mostAtOnce(runs)).toBeGreaterThan(2);
      if (mode.maxBatch > 1) {
        const sizes = vi.mocked(threads.runMany).mock.calls.map(([batch]) => batch.length);
        expect(Math.max(0, ...sizes), 'the largest batch').toBeGreaterThan(1);
      } else {
        expect(threads.runMany).not.toHaveBeenCalled();
      }
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

    it("a quiet key's one task starts before most of a noisy key's 200", async () => {
      const queue = new FairQueue<unknown>();
      const { pool } = poolOver(queue, mode);
      const noisy = Array.from({ length: 200 }, (_, index) =>
        pool.submit({ key: 'noisy', index, ms: 0 }, { key: 'noisy' }),
      );
      const quiet = pool.submit({ key: 'quiet', index: 0, ms: 0 }, { key: 'quiet' });
      const [ranQuiet, ...ranNoisy] = await Promise.all([quiet, ...noisy]);
      expect(ranQuiet).toMatchObject({ key: 'quiet', index: 0 });
      expect(ranNoisy.map(({ key, index }) => ({ key, index }))).toEqual(
        ranNoisy.map((_, index) => ({ key: 'noisy', index })),
      );
      // In arrival order it would start after all 200; by turns, after the noisy tasks already
      // running (one per slot) and about one more (5 to 9 measured). Half of them is a generous bound.
      const before = ranNoisy.filter((ran) => ran.start < ranQuiet.start).length;
      expect(before, 'noisy tasks started before the quiet one').toBeLessThan(100);
      await pool.close();
      expect(queue.keyCount).toBe(0);
      expect(queue.size).toBe(0);
    });
  });
}
