import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import type { WorkQueue } from '../src/contracts.js';
import { RateLimitedQueue } from '../src/rate-limited-queue.js';

describe('RateLimitedQueue.remove', () => {
  it('removes through the inner queue', () => {
    const inner = new ChannelQueue<number>({ capacity: 4 });
    const queue = new RateLimitedQueue(inner, { limit: 1, interval: 10_000 });
    queue.tryPush(1);
    queue.tryPush(2);
    expect(queue.remove(1)).toBe(true);
    expect(queue.remove(1)).toBe(false);
    expect(inner.drain()).toEqual([2]);
  });

  it('is false when the inner queue cannot remove', () => {
    const inner = new ChannelQueue<number>({ capacity: 4 });
    // A WorkQueue without the optional remove: only the required members.
    const plain: WorkQueue<number> = {
      get size() {
        return inner.size;
      },
      capacity: inner.capacity,
      get closed() {
        return inner.closed;
      },
      push: (item, options) => inner.push(item, options),
      tryPush: (item, options) => inner.tryPush(item, options),
      pop: (signal) => inner.pop(signal),
      tryPop: () => inner.tryPop(),
      close: () => inner.close(),
      drain: () => inner.drain(),
      [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
    };
    const queue = new RateLimitedQueue(plain, { limit: 1, interval: 10_000 });
    queue.tryPush(1);
    expect(queue.remove(1)).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('neither uses a permit nor gives one back', () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 2, interval: 10_000 });
    for (let i = 0; i < 5; i++) queue.tryPush(i);
    expect(queue.remove(0)).toBe(true);
    expect(queue.tryPop()).toBe(1);
    expect(queue.remove(2)).toBe(true);
    expect(queue.tryPop()).toBe(3);
    // Both permits of the window are spent on pops; removing frees none.
    expect(queue.remove(4)).toBe(true);
    queue.tryPush(5);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.size).toBe(1);
  });
});
