import { afterEach, expect, it, vi } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { RateLimitedQueue } from '../src/rate-limited-queue.js';

// The bug: an interval above 2^31 − 1 ms was accepted; setTimeout clamps such a delay to 1 ms
// (with a TimeoutOverflowWarning), so a waiting popper re-armed a 1 ms timer forever.

const MAX_TIMEOUT = 2_147_483_647;

afterEach(() => {
  vi.restoreAllMocks();
});

it('an interval above 2^31-1 ms is refused instead of flooding timers', () => {
  for (const interval of [MAX_TIMEOUT + 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
    const make = () => new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval });
    expect(make).toThrow(RangeError);
    expect(make).toThrow(new RegExp(`interval.*${interval}`));
  }
});

it('the longest interval allowed arms no timer longer than setTimeout takes', async () => {
  const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
  const queue = new RateLimitedQueue(new ChannelQueue<number>(), { limit: 1, interval: MAX_TIMEOUT - 0.5 });
  queue.tryPush(1);
  queue.tryPush(2);
  expect(queue.tryPop()).toBe(1);
  const controller = new AbortController();
  const pop = queue.pop(controller.signal); // waits about 24.8 days for the window
  const delays = setTimeoutSpy.mock.calls.map((call) => call[1]);
  expect(delays.length).toBeGreaterThan(0);
  for (const delay of delays) expect(delay).toBeLessThanOrEqual(MAX_TIMEOUT);
  controller.abort(); // also disarms the timer, so nothing keeps the process alive
  await expect(pop).rejects.toMatchObject({ name: 'AbortError' });
});
