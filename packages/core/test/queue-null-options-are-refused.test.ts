import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { PriorityQueue } from '../src/priority-queue.js';
import { RateLimitedQueue } from '../src/rate-limited-queue.js';

// The bug: `options?.capacity ?? 1024` took `capacity: null` for "use the default", while the
// Pool refuses the same value with a TypeError; `burst: null` slipped through the same way.

describe('null options are refused like the Pool refuses them', () => {
  it('capacity null is refused like the Pool refuses it (ChannelQueue)', () => {
    expect(() => new ChannelQueue({ capacity: null as never })).toThrow(TypeError);
    expect(() => new ChannelQueue({ capacity: null as never })).toThrow(/capacity.*null/);
  });

  it('capacity null is refused like the Pool refuses it (PriorityQueue)', () => {
    expect(() => new PriorityQueue({ capacity: null as never })).toThrow(TypeError);
    expect(() => new PriorityQueue({ capacity: null as never })).toThrow(/capacity.*null/);
  });

  it('burst null is refused instead of meaning the default (RateLimitedQueue)', () => {
    const make = () =>
      new RateLimitedQueue(new ChannelQueue<number>(), { limit: 2, interval: 10, burst: null as never });
    expect(make).toThrow(TypeError);
    expect(make).toThrow(/burst.*null/);
  });

  it('an absent capacity or burst still means the default', () => {
    expect(new ChannelQueue({ capacity: undefined }).capacity).toBe(1024);
    expect(new PriorityQueue({ capacity: undefined }).capacity).toBe(1024);
    expect(
      new RateLimitedQueue(new ChannelQueue<number>(), { limit: 3, interval: 10, burst: undefined }).burst,
    ).toBe(3);
  });
});
