/**
 * Regression: a task the FairQueue handed straight to one of the Pool's pending pop()s (every key
 * with waiting tasks was at its keyConcurrency, a slot was free) and that was cancelled before the
 * pop's continuation ran was released twice — once by the cancel, once more when the pop
 * delivered it. The second release counted another running task of its key back, so one more task
 * of that key could start than keyConcurrency allows. (An open pool now starts such a task at once
 * when it can — Feed.take prefers tasks in transit —, so the window is a paused pool.) Found by
 * a-fair-pool-never-runs-more-of-a-key-than-its-key-concurrency.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { type Job, KeyRuns, RecordingFairQueue } from './fair-pool-helpers.js';
import { tick, track } from './helpers.js';

const cancels = {
  'its signal aborts': (pool: Pool<Job, number>, controller: AbortController) => {
    void pool;
    controller.abort();
  },
  'clear() runs': (pool: Pool<Job, number>) => void pool.clear(),
  'clear({ key }) runs': (pool: Pool<Job, number>) => void pool.clear({ key: 'a' }),
};

describe('a task cancelled on its way to a pending pop() is released once', () => {
  for (const [how, cancel] of Object.entries(cancels)) {
    it(`when ${how} in the tick it was submitted in`, async () => {
      const limits: Record<string, number> = { a: 2, b: 1 };
      const limitOf = (key: string | undefined) => limits[key as string];
      const runs = new KeyRuns(limitOf);
      const queue = new RecordingFairQueue<unknown>({ keyConcurrency: limitOf });
      const pool = new Pool<Job, number>({
        executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt),
        queue,
        concurrency: 3,
      });
      const submit = (id: number, key: string, signal?: AbortSignal) =>
        track(pool.submit({ id, key, kind: 'ok' }, { key, signal }));
      submit(1, 'a'); // runs: a has room for one more
      submit(2, 'b'); // runs
      submit(3, 'b'); // waits: b is at its limit, and a free slot keeps a pop() pending
      await tick();
      expect(runs.started).toEqual([1, 2]);

      // Paused, the pool leaves the task where the queue put it (an unpaused pool with a free
      // slot would take it from the pop's hands and start it at once).
      pool.pause();
      const controller = new AbortController();
      const onItsWay = submit(4, 'a', controller.signal); // straight to the pending pop
      cancel(pool, controller);
      await tick();
      pool.resume();
      expect(onItsWay.state).toBe('rejected');
      expect(queue.keyStats('a'), 'task 1 of a is still out').toEqual({ waiting: 0, running: 1 });

      // With a counted back twice, both of these would start beside task 1.
      submit(5, 'a');
      submit(6, 'a');
      pool.concurrency = 6;
      await tick();
      expect(runs.violations).toEqual([]);
      expect(runs.running('a')).toBe(2);
      await pool.stop({ force: true });
      expect(queue.keyCount).toBe(0);
    });
  }
});
