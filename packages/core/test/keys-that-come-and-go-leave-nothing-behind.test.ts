/**
 * Memory: 100 000 distinct keys, each coming once and draining, leave no key state behind — in a
 * FairQueue (`keyCount` back to 0 after pop and release, drainKey, remove, drain and close) and in
 * a Pool over one, whose callers blocked on the full queue stood in one line per key. The Pool's
 * lines are private, so that they were all dropped is checked by behaviour: a line left behind
 * for a key would make that key's next caller wait behind it while another caller is blocked.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue, Pool } from '../src/index.js';
import { tick } from './helpers.js';

const KEYS = 100_000;

describe('keys that come and go leave nothing behind', () => {
  it('a FairQueue forgets every key once nothing of it waits or is out', () => {
    const queue = new FairQueue<number>({ capacity: Number.POSITIVE_INFINITY, keyConcurrency: 1 });
    for (let i = 0; i < KEYS; i++) {
      const key = `k${i}`;
      queue.tryPush(i, { key });
      queue.tryPush(i, { key });
      const item = queue.tryPop()!;
      if (queue.tryPop() !== undefined) expect.fail(`key ${key}: a second item out, limit 1`);
      queue.release(item, { key }); // the second one's turn
      queue.release(queue.tryPop()!, { key });
      if (queue.keyCount !== 0) expect.fail(`key ${key} left behind`);
    }
    // Every way out: drainKey, remove, drain, and items popped before close() released after it.
    queue.tryPush(1, { key: 'drained-key' });
    queue.drainKey('drained-key');
    queue.tryPush(2, { key: 'removed' });
    queue.remove(2, { key: 'removed' });
    queue.tryPush(3, { key: 'removed-without-options' });
    queue.remove(3);
    queue.tryPush(4, { key: 'drained' });
    queue.tryPush(5);
    queue.drain();
    queue.tryPush(6, { key: 'out-at-close' });
    queue.tryPop();
    queue.close();
    expect(queue.keyCount).toBe(1);
    queue.release(6, { key: 'out-at-close' });
    expect(queue.keyCount).toBe(0);
    expect([...queue.keys()]).toEqual([]);
  });

  it('a Pool drops every key line of callers blocked on a full queue once they are admitted', async () => {
    const queue = new FairQueue<unknown>({ capacity: 64, keyCapacity: 1, keyConcurrency: 1 });
    const pool = new Pool<number, number>({ executor: (n) => n, queue, concurrency: 4, paused: true });
    // Every tenth key comes twice: its second caller waits for its key's room (keyCapacity 1).
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < KEYS; i++) {
      outcomes.push(pool.submit(i, { key: `k${i}` }));
      if (i % 10 === 0) outcomes.push(pool.submit(i, { key: `k${i}` }));
    }
    expect(pool.stats.submitted, 'the rest is blocked').toBe(64);
    pool.resume();
    await Promise.all(outcomes);
    await pool.onIdle();
    expect(pool.stats.succeeded).toBe(outcomes.length);
    expect(queue.keyCount).toBe(0);

    // One caller blocked again (x's room is full while the pool is paused): a line left behind
    // for an old key would now hold that key's caller back, although its key and the queue have room.
    const blockX = () => {
      pool.pause();
      void pool.submit(-1, { key: 'x' }); // waits
      const submitted = pool.stats.submitted;
      void pool.submit(-2, { key: 'x' });
      expect(pool.stats.submitted, "x's second caller is blocked").toBe(submitted);
    };
    blockX();
    for (let i = 0; i < KEYS; i++) {
      const submitted = pool.stats.submitted;
      void pool.submit(i, { key: `k${i}` });
      if (pool.stats.submitted !== submitted + 1)
        expect.fail(`k${i}'s caller was held back: a line was left behind`);
      if (queue.size === queue.capacity) {
        pool.resume(); // room again: all of them run (x's blocked caller too), then x blocks again
        blockX();
      }
    }
    expect(queue.keyCount, 'x and the old keys since the last round').toBe(1 + (KEYS % 63));
    pool.resume();
    await pool.close();
    await tick();
    expect(queue.keyCount).toBe(0);
  }, 20_000);
});
