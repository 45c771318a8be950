import { describe, expect, it } from 'vitest';
import { Pool, type QueuedTask } from '../src/index.js';
// The smallest subclass a queue author writes (last in, first out).
import { LifoQueue } from './fixtures/lifo-queue.js';

describe('a queue built on the exported BlockingQueue serves a Pool', () => {
  it('starts the newest waiting task first, and sees each task’s input and options', async () => {
    const queue = new LifoQueue<QueuedTask<number>>(1024);
    const seen: [number, number | undefined][] = [];
    const original = queue.tryPush.bind(queue);
    queue.tryPush = (item, options) => {
      seen.push([item.input, item.options?.priority]);
      expect(options).toBe(item.options); // the push options are the task's own
      return original(item, options);
    };
    const order: number[] = [];
    const pool = new Pool<number, number>({
      executor: (n) => {
        order.push(n);
        return n;
      },
      concurrency: 1,
      paused: true,
      queue: queue as never,
    });
    const done = [1, 2, 3].map((n) => pool.submit(n, { priority: n }));
    pool.resume();
    expect(await Promise.all(done)).toEqual([1, 2, 3]);
    expect(order).toEqual([3, 2, 1]);
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    await pool.close();
  });
});
