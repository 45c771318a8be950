import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A queue of capacity 8 whose ring has wrapped: head at index 5, items 10..17 in pop order. */
function wrapped(): ChannelQueue<number> {
  const queue = new ChannelQueue<number>({ capacity: 8 });
  for (let i = 0; i < 5; i++) queue.tryPush(-1);
  for (let i = 0; i < 5; i++) queue.tryPop();
  for (let i = 10; i < 18; i++) expect(queue.tryPush(i)).toBe(true);
  return queue;
}

describe('ChannelQueue.remove', () => {
  it.each([10, 11, 12, 13, 14, 15, 16, 17])(
    'removing %i from a wrapped ring keeps the order of the others',
    (item) => {
      const queue = wrapped();
      expect(queue.remove(item)).toBe(true);
      expect(queue.size).toBe(7);
      // The ring must still wrap correctly for later pushes and pops.
      expect(queue.tryPush(18)).toBe(true);
      expect(queue.tryPush(19)).toBe(false);
      const expected = [10, 11, 12, 13, 14, 15, 16, 17, 18].filter((i) => i !== item);
      expect(Array.from({ length: 8 }, () => queue.tryPop())).toEqual(expected);
      expect(queue.size).toBe(0);
    },
  );

  it('removes the oldest of several identical items', () => {
    const queue = new ChannelQueue<string>({ capacity: 8 });
    const shared = 'x';
    for (const item of ['a', shared, 'b', shared, 'c']) queue.tryPush(item);
    expect(queue.remove(shared)).toBe(true);
    expect(queue.drain()).toEqual(['a', 'b', 'x', 'c']);
  });

  it('compares with ===, so an equal but distinct object is not removed', () => {
    const queue = new ChannelQueue<{ id: number }>({ capacity: 4 });
    const task = { id: 1 };
    queue.tryPush(task);
    expect(queue.remove({ id: 1 })).toBe(false);
    expect(queue.remove(task)).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('removing every item in queue order, one by one, empties a 10 000-item queue', () => {
    // Each removal finds its item at the head, so the whole run is linear (not timed here).
    const queue = new ChannelQueue<number>({ capacity: 10_000 });
    for (let i = 0; i < 10_000; i++) queue.tryPush(i);
    for (let i = 0; i < 10_000; i++) expect(queue.remove(i)).toBe(true);
    expect(queue.size).toBe(0);
    expect(queue.tryPush(1)).toBe(true);
    expect(queue.tryPop()).toBe(1);
  });

  it('removing from a full queue lets blocked pushers in, oldest first', async () => {
    const queue = new ChannelQueue<number>({ capacity: 3 });
    for (const item of [1, 2, 3]) queue.tryPush(item);
    const pushes = [queue.push(4), queue.push(5)];
    expect(queue.remove(2)).toBe(true);
    expect(queue.remove(1)).toBe(true);
    await Promise.all(pushes);
    expect(queue.drain()).toEqual([3, 4, 5]);
  });

  it('does not see an item held by a blocked pusher of a rendezvous queue', async () => {
    const queue = new ChannelQueue<number>({ capacity: 0 });
    const push = queue.push(1);
    await tick();
    expect(queue.remove(1)).toBe(false);
    expect(queue.tryPop()).toBe(1);
    await push;
  });

  it('still finds waiting items after close', () => {
    const queue = new ChannelQueue<number>({ capacity: 4 });
    queue.tryPush(1);
    queue.tryPush(2);
    queue.close();
    expect(queue.remove(1)).toBe(true);
    expect(queue.drain()).toEqual([2]);
  });
});
