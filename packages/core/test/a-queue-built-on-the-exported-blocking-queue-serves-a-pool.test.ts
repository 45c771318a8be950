import { describe, expect, it } from 'vitest';
import { BlockingQueue, Pool, type QueuedTask } from '../src/index.js';

/** Last in, first out: the smallest subclass a queue author writes. */
class LifoQueue<T> extends BlockingQueue<T> {
  #items: T[] = [];
  constructor(capacity = 1024) {
    super(capacity);
  }
  protected store(item: T): void {
    this.#items.push(item);
  }
  protected take(): T {
    return this.#items.pop() as T;
  }
  protected takeAll(): T[] {
    return this.#items.splice(0).reverse();
  }
  protected removeStored(item: T): boolean {
    const at = this.#items.lastIndexOf(item);
    if (at === -1) return false;
    this.#items.splice(at, 1);
    return true;
  }
}

describe('a queue built on the exported BlockingQueue serves a Pool', () => {
  it('starts the newest waiting task first, and sees each task’s input and options', async () => {
    const queue = new LifoQueue<QueuedTask<number>>();
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
