/**
 * Regression: a queue's pop() may take its item at once and resolve later (a RateLimitedQueue's
 * pop takes it a few microtasks before it resolves; a custom queue may take longer). Such a
 * task is out of the queue and not yet with the pool, but it is waiting all the same: clear()
 * and stop() must cancel it then and there, and it must never start. Found by the controls
 * property test under load (stop() left one task waiting); before the fix clear() returned 0 here
 * and both tasks ran.
 */
import { describe, expect, it } from 'vitest';
import { ChannelQueue, isAbortError, Pool, type WorkQueue } from '../src/index.js';
import { sleep, track } from './helpers.js';

/** tryPop never serves; pop() takes an item at once and resolves 20 ms later. */
class SlowHandOff<T> extends ChannelQueue<T> implements WorkQueue<T> {
  override tryPop(): T | undefined {
    return undefined;
  }
  override pop(signal?: AbortSignal): Promise<T | undefined> {
    const item = super.tryPop();
    if (item === undefined) return super.pop(signal);
    return new Promise((resolve) => setTimeout(() => resolve(item), 20));
  }
}

/** A pool over a SlowHandOff queue, recording which inputs its executor starts. */
function slowPool(): { pool: Pool<number, number>; started: number[] } {
  const started: number[] = [];
  const pool = new Pool<number, number>({
    executor: (n) => {
      started.push(n);
      return n;
    },
    concurrency: 2,
    queue: new SlowHandOff({ capacity: 10 }),
  });
  return { pool, started };
}

describe('clear() and stop() reach tasks inside a pending pop()', () => {
  it('clear() cancels them at once and they never start', async () => {
    const { pool, started } = slowPool();
    const a = track(pool.submit(1));
    const b = track(pool.submit(2));
    expect(pool.stats.waiting).toBe(2);
    expect(pool.clear()).toBe(2);
    expect(pool.stats).toMatchObject({ waiting: 0, cancelled: 2 });
    await sleep(40);
    expect(started).toEqual([]);
    expect(a.state).toBe('rejected');
    expect(isAbortError(a.error)).toBe(true);
    expect((a.error as { cause?: { code?: string } }).cause?.code).toBe('ERR_POOL_CLEARED');
    expect(b.state).toBe('rejected');
    await pool.close();
  });

  it('stop() leaves nothing waiting', async () => {
    const { pool, started } = slowPool();
    const a = track(pool.submit(1));
    const stopping = pool.stop();
    expect(pool.stats).toMatchObject({ waiting: 0, cancelled: 1 });
    await stopping;
    expect(started).toEqual([]);
    expect((a.error as { code?: string }).code).toBe('ERR_POOL_STOPPED');
  });
});
