import { afterEach, expect, it, vi } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { RateLimitedQueue } from '../src/rate-limited-queue.js';

// The bug: a Pool left aborted tasks in the queue and popped them later, so each spent a slot
// of the rate limit (one per interval here) before the live task behind them could run.
// Removing them from the queue must leave the slots to the items that are really popped.

afterEach(() => {
  vi.useRealTimers();
});

it('items removed from a rate-limited queue use no rate slot: the next live item pops at once', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const queue = new RateLimitedQueue(new ChannelQueue<string>(), { limit: 1, interval: 100 });
  for (const item of ['aborted 1', 'aborted 2', 'aborted 3', 'aborted 4']) await queue.push(item);
  await queue.push('live');
  for (const item of ['aborted 1', 'aborted 2', 'aborted 3', 'aborted 4'])
    expect(queue.remove(item)).toBe(true);

  // No (fake) time passes: the live item is the first pop of the window. setImmediate is real,
  // so a pop stuck behind a spent slot shows up as 'still waiting' instead of a hung test.
  const waiting = new Promise<string>((resolve) => setImmediate(() => resolve('still waiting')));
  expect(await Promise.race([queue.pop(), waiting])).toBe('live');
  expect(queue.size).toBe(0);
  // And it did take the window's only slot.
  queue.tryPush('next');
  expect(queue.tryPop()).toBeUndefined();
  vi.advanceTimersByTime(100);
  expect(queue.tryPop()).toBe('next');
});
