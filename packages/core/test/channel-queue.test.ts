import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { describeQueue } from '../src/testing/describe-queue.js';

describeQueue('ChannelQueue', ({ capacity }) => new ChannelQueue<number>({ capacity }), {
  capacities: [0, 1, 2, 5, 64, Number.POSITIVE_INFINITY],
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ChannelQueue', () => {
  it('defaults to a capacity of 1024 with or without an options object', () => {
    expect(new ChannelQueue().capacity).toBe(1024);
    expect(new ChannelQueue({}).capacity).toBe(1024);
  });

  it('grows its ring past the initial size without reordering items', () => {
    const queue = new ChannelQueue<number>({ capacity: 1000 });
    // Interleave pops so that the ring wraps before it grows.
    for (let i = 0; i < 10; i++) queue.tryPush(i);
    for (let i = 0; i < 7; i++) expect(queue.tryPop()).toBe(i);
    for (let i = 10; i < 1000 + 7; i++) expect(queue.tryPush(i)).toBe(true);
    expect(queue.tryPush(-1)).toBe(false);
    expect(queue.size).toBe(1000);
    for (let i = 7; i < 1007; i++) expect(queue.tryPop()).toBe(i);
    expect(queue.size).toBe(0);
  });

  it('carries undefined items through async iteration', async () => {
    const queue = new ChannelQueue<number | undefined>({ capacity: 4 });
    queue.tryPush(1);
    queue.tryPush(undefined);
    queue.tryPush(3);
    queue.close();
    const seen: (number | undefined)[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, undefined, 3]);
  });

  it('a push that finds room resolves with a shared, already settled promise', () => {
    const queue = new ChannelQueue<number>({ capacity: 4 });
    expect(queue.push(1)).toBe(queue.push(2));
  });

  it('a blocked pusher moves into the room drain frees', async () => {
    const queue = new ChannelQueue<number>({ capacity: 2 });
    queue.tryPush(1);
    queue.tryPush(2);
    const blocked = queue.push(3);
    expect(queue.drain()).toEqual([1, 2]);
    await blocked;
    expect(queue.size).toBe(1);
    expect(queue.tryPop()).toBe(3);
  });

  it('a pushed item goes straight to a waiting popper without being stored', async () => {
    const queue = new ChannelQueue<number>({ capacity: 4 });
    const pop = queue.pop();
    await tick();
    expect(queue.tryPush(1)).toBe(true);
    expect(queue.size).toBe(0);
    expect(await pop).toBe(1);
  });

  describe('validation', () => {
    it.each([
      [-1, RangeError, /capacity.*-1/],
      [1.5, RangeError, /capacity.*1\.5/],
      [Number.NaN, TypeError, /capacity.*NaN/],
      ['8', TypeError, /capacity.*"8"/],
    ])('rejects capacity %s naming the option and the value', (capacity, type, message) => {
      expect(() => new ChannelQueue({ capacity: capacity as number })).toThrow(type);
      expect(() => new ChannelQueue({ capacity: capacity as number })).toThrow(message);
    });

    it('rejects an options value that is not an object', () => {
      expect(() => new ChannelQueue(5 as never)).toThrow(TypeError);
    });

    it('rejects a push signal that is not an AbortSignal', async () => {
      const queue = new ChannelQueue<number>();
      await expect(queue.push(1, { signal: {} as AbortSignal })).rejects.toThrow(/signal/);
    });
  });
});
