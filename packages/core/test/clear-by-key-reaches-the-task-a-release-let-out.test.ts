/**
 * Regression: when a task of a key at its keyConcurrency ended while the Pool kept a pop()
 * pending for a free slot, the FairQueue handed the key's next task to that pop inside release().
 * Until the pop's continuation ran, the task was out of the queue and out of the Pool's lists, so
 * a clear({ key }) in the same tick (a tenant leaving: abort its running tasks, drop its backlog)
 * missed it: clear returned 0 and the task ran. Found by
 * clear-by-key-cancels-only-that-keys-waiting-tasks.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isAbortError, Pool } from '../src/index.js';
import { codeOf, type Job, KeyRuns, RecordingFairQueue } from './fair-pool-helpers.js';
import { tick, track } from './helpers.js';

function fairPool() {
  const runs = new KeyRuns(() => 1);
  const queue = new RecordingFairQueue<unknown>({ keyConcurrency: 1 });
  const pool = new Pool<Job, number>({
    executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt),
    queue,
    concurrency: 2,
  });
  return { runs, queue, pool };
}

describe('clear({ key }) reaches the task a release let out', () => {
  it('when the running task of the key is aborted and the key cleared in one go (the pool paused)', async () => {
    const { runs, queue, pool } = fairPool();
    const controller = new AbortController();
    const first = track(
      pool.submit({ id: 1, key: 'a', kind: 'ok' }, { key: 'a', signal: controller.signal }),
    );
    const next = track(pool.submit({ id: 2, key: 'a', kind: 'ok' }, { key: 'a' }));
    await tick(); // 1 runs; 2 waits for a's slot while a free slot keeps a pop() pending
    pool.pause(); // 2 must not start once 1 ends: it stays waiting, and the pop() stays pending

    controller.abort();
    expect(pool.clear({ key: 'a' })).toBe(1);
    await tick();
    expect(first.state).toBe('rejected');
    expect(next.state).toBe('rejected');
    expect(isAbortError(next.error)).toBe(true);
    expect(codeOf(next.error.cause)).toBe('ERR_POOL_CLEARED');
    expect(runs.started).toEqual([1]);
    expect(pool.stats).toMatchObject({ submitted: 2, cancelled: 2, waiting: 0, running: 0 });
    expect(queue.keyCount).toBe(0);
    pool.resume();
    await pool.close();
    expect(runs.started).toEqual([1]);
  });

  it('when a paused pool clears the key from the outcome of its last running task', async () => {
    const { runs, queue, pool } = fairPool();
    const first = pool.submit({ id: 1, key: 'a', kind: 'ok' }, { key: 'a' });
    const next = track(pool.submit({ id: 2, key: 'a', kind: 'ok' }, { key: 'a' }));
    await tick();
    pool.pause(); // the pending pop() stays
    // The caller reacts to task 1's outcome in the microtask right after it: task 2 must be reachable then.
    const cleared = first.then(() => pool.clear({ key: 'a' }));
    runs.settle(0);
    expect(await cleared).toBe(1);
    pool.resume();
    await tick();
    expect(codeOf(next.error?.cause)).toBe('ERR_POOL_CLEARED');
    expect(runs.started).toEqual([1]);
    expect(queue.keyCount).toBe(0);
    await pool.close();
  });
});
