import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { PriorityQueue } from '../src/priority-queue.js';
import { RateLimitedQueue } from '../src/rate-limited-queue.js';
import { describeQueue } from '../src/testing/describe-queue.js';

describeQueue(
  'RateLimitedQueue over ChannelQueue',
  ({ capacity }) =>
    new RateLimitedQueue(new ChannelQueue<number>({ capacity }), { limit: 100_000, interval: 1000 }),
  { capacities: [0, 1, 3, Number.POSITIVE_INFINITY], numRuns: 50 },
);

describeQueue(
  'RateLimitedQueue over PriorityQueue',
  ({ capacity }) =>
    new RateLimitedQueue(new PriorityQueue<number>({ capacity }), { limit: 100_000, interval: 1000 }),
  { capacities: [2], numRuns: 30 },
);

/** Asserts that no `limit + 1` consecutive pops fit in less than `interval` ms (1 ms of timer slack). */
function expectWithinLimit(times: readonly number[], limit: number, interval: number): void {
  for (let i = 0; i + limit < times.length; i++) {
    expect(times[i + limit] - times[i], `pops ${i} and ${i + limit}`).toBeGreaterThanOrEqual(interval - 1);
  }
}

describe('RateLimitedQueue', () => {
  it('never exceeds its limit in any window, with items always ready', async () => {
    const limit = 5;
    const interval = 100;
    const queue = new RateLimitedQueue(new ChannelQueue<number>({ capacity: Number.POSITIVE_INFINITY }), {
      limit,
      interval,
    });
    for (let i = 0; i < 30; i++) queue.tryPush(i);
    const start = performance.now();
    const times: number[] = [];
    const items: (number | undefined)[] = [];
    for (let i = 0; i < 30; i++) {
      items.push(await queue.pop());
      times.push(performance.now());
    }
    expect(items).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expectWithinLimit(times, limit, interval);
    // 30 pops at 5 per 100 ms need 500 ms; allow a lot of slack, but not a second window per pop.
    expect(performance.now() - start).toBeLessThan(500 + 1500);
  });

  it('never exceeds its limit in any window with several concurrent poppers and late items', async () => {
    const limit = 4;
    const interval = 80;
    const queue = new RateLimitedQueue(new ChannelQueue<number>({ capacity: 8 }), { limit, interval });
    const times: number[] = [];
    const seen: number[] = [];
    const consumers = Array.from({ length: 6 }, async () => {
      for (;;) {
        const item = await queue.pop();
        if (item === undefined) return;
        times.push(performance.now());
        seen.push(item);
      }
    });
    for (let i = 0; i < 24; i++) {
      await queue.push(i);
      if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    queue.close();
    await Promise.all(consumers);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expectWithinLimit(times, limit, interval);
  });

  it('tryPop returns undefined while the rate forbids a pop', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 2, interval: 60 });
    for (let i = 0; i < 5; i++) queue.tryPush(i);
    expect(queue.tryPop()).toBe(0);
    expect(queue.tryPop()).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.size).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 90));
    expect(queue.tryPop()).toBe(2);
  });

  it('burst limits back-to-back pops and spreads the rest over the interval', async () => {
    // limit 4 per 200 ms, burst 2: at most two at once, then one every 50 ms until the bucket refills.
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 4, interval: 200, burst: 2 });
    for (let i = 0; i < 8; i++) queue.tryPush(i);
    expect(queue.tryPop()).toBe(0);
    const start = performance.now();
    expect(queue.tryPop()).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    const times: number[] = [start, start];
    for (let i = 2; i < 8; i++) {
      expect(await queue.pop()).toBe(i);
      times.push(performance.now());
    }
    // Any burst + 1 pops span at least one refill (50 ms); any limit + 1 pops a whole interval.
    expectWithinLimit(times, 2, 50);
    expectWithinLimit(times, 4, 200);
  });

  it('a popper waiting for an item holds its slot and the window starts when the item arrives', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval: 50 });
    const pop = queue.pop();
    await new Promise((resolve) => setTimeout(resolve, 70));
    queue.tryPush(1);
    queue.tryPush(2);
    expect(await pop).toBe(1);
    const got = performance.now();
    expect(queue.tryPop()).toBeUndefined(); // the slot was used when 1 arrived, not when pop() was called
    expect(await queue.pop()).toBe(2);
    expect(performance.now() - got).toBeGreaterThanOrEqual(50 - 1 - 1);
  });

  it('aborting a popper that waits on the rate rejects with AbortError and loses no item', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval: 10_000 });
    queue.tryPush(1);
    queue.tryPush(2);
    expect(await queue.pop()).toBe(1);
    const controller = new AbortController();
    const blocked = queue.pop(controller.signal);
    controller.abort();
    await expect(blocked).rejects.toMatchObject({ name: 'AbortError' });
    expect(queue.size).toBe(1);
    expect(queue.drain()).toEqual([2]);
  });

  it('an aborted popper waiting for an item returns its permit', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval: 10_000 });
    const controller = new AbortController();
    const blocked = queue.pop(controller.signal);
    controller.abort();
    await expect(blocked).rejects.toMatchObject({ name: 'AbortError' });
    queue.tryPush(7);
    expect(queue.tryPop()).toBe(7);
  });

  it('close wakes poppers waiting on the rate once the inner queue is empty', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval: 10_000 });
    queue.tryPush(1);
    expect(queue.tryPop()).toBe(1);
    const blocked = queue.pop();
    queue.close();
    expect(await blocked).toBeUndefined();
    expect(queue.closed).toBe(true);
  });

  it('delegates size, capacity, closed and drain to the inner queue', () => {
    const inner = new ChannelQueue<number>({ capacity: 3 });
    const queue = new RateLimitedQueue(inner, { limit: 1, interval: 1000 });
    queue.tryPush(1);
    inner.tryPush(2);
    expect(queue.size).toBe(2);
    expect(queue.capacity).toBe(3);
    expect(queue.drain()).toEqual([1, 2]);
    inner.close();
    expect(queue.closed).toBe(true);
  });

  describe('validation', () => {
    const inner = (): ChannelQueue<number> => new ChannelQueue<number>();
    it.each([
      [{ limit: 0, interval: 10 }, RangeError, /limit.*0/],
      [{ limit: 1.5, interval: 10 }, RangeError, /limit.*1\.5/],
      [{ interval: 10 }, TypeError, /limit.*undefined/],
      [{ limit: 2, interval: 0 }, RangeError, /interval.*0/],
      [{ limit: 2, interval: -5 }, RangeError, /interval.*-5/],
      [{ limit: 2, interval: Number.POSITIVE_INFINITY }, RangeError, /interval.*Infinity/],
      [{ limit: 2, interval: 10, burst: 3 }, RangeError, /burst.*3/],
      [{ limit: 2, interval: 10, burst: 0 }, RangeError, /burst.*0/],
    ])('rejects %o naming the option and the value', (options, type, message) => {
      expect(() => new RateLimitedQueue(inner(), options as never)).toThrow(type);
      expect(() => new RateLimitedQueue(inner(), options as never)).toThrow(message);
    });

    it('rejects an inner value that is not a WorkQueue', () => {
      expect(() => new RateLimitedQueue({} as never, { limit: 1, interval: 1 })).toThrow(TypeError);
      expect(() => new RateLimitedQueue({} as never, { limit: 1, interval: 1 })).toThrow(/inner/);
    });

    it('rejects missing options', () => {
      expect(() => new RateLimitedQueue(inner(), undefined as never)).toThrow(TypeError);
    });
  });
});
