import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';
import { RateLimitedQueue, type RateLimitedQueueOptions } from '../src/rate-limited-queue.js';

// The queue reads performance.now(), so that is faked along with the timers. setImmediate stays
// real: `settle` uses it to let promise continuations run without moving the clock.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A rate-limited ChannelQueue and the events it emitted, as 'on'/'off'. */
function watched(options: RateLimitedQueueOptions = { limit: 1, interval: 100 }) {
  const queue = new RateLimitedQueue(new ChannelQueue<number>({ capacity: 16 }), options);
  const events: ('on' | 'off')[] = [];
  queue.on('rateLimit', () => {
    expect(queue.isRateLimited).toBe(true);
    events.push('on');
  });
  queue.on('rateLimitCleared', () => {
    expect(queue.isRateLimited).toBe(false);
    events.push('off');
  });
  return { queue, events };
}

describe('RateLimitedQueue rate-limit visibility', () => {
  it('is not rate-limited at first, nor while pops flow within the limit', () => {
    const { queue, events } = watched({ limit: 3, interval: 100 });
    for (let i = 0; i < 3; i++) queue.tryPush(i);
    expect(queue.isRateLimited).toBe(false);
    for (let i = 0; i < 3; i++) expect(queue.tryPop()).toBe(i);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual([]);
  });

  it('a tryPop held back by the rate while an item waits emits rateLimit once', () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    queue.tryPush(2);
    expect(queue.tryPop()).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.isRateLimited).toBe(true);
    expect(queue.tryPop()).toBeUndefined();
    expect(events).toEqual(['on']);
  });

  it('the next pop that gets a permit emits rateLimitCleared', () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    queue.tryPush(2);
    queue.tryPop();
    queue.tryPop();
    vi.advanceTimersByTime(100);
    expect(queue.isRateLimited).toBe(true); // time alone does not clear it
    expect(queue.tryPop()).toBe(2);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual(['on', 'off']);
  });

  it('a tryPop refused on an empty queue holds nothing back', () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    expect(queue.tryPop()).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual([]);
  });

  it('a popper waiting for a permit keeps it on until the timer grants one', async () => {
    const { queue, events } = watched();
    for (let i = 1; i <= 3; i++) queue.tryPush(i);
    expect(queue.tryPop()).toBe(1);
    const pop = queue.pop();
    expect(queue.isRateLimited).toBe(true);
    vi.advanceTimersByTime(99);
    expect(queue.isRateLimited).toBe(true);
    vi.advanceTimersByTime(1);
    expect(queue.isRateLimited).toBe(false);
    expect(await pop).toBe(2);
    expect(events).toEqual(['on', 'off']);
  });

  it('stays on without repeating the event while several poppers wait in turn', async () => {
    const { queue, events } = watched();
    for (let i = 1; i <= 4; i++) queue.tryPush(i);
    queue.tryPop();
    const pops = [queue.pop(), queue.pop(), queue.pop()];
    for (let i = 0; i < 2; i++) {
      await vi.advanceTimersByTimeAsync(100);
      expect(queue.isRateLimited).toBe(true);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(pops)).toEqual([2, 3, 4]);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual(['on', 'off']);
  });

  it('a popper that holds a permit and waits for an item is not rate-limited', async () => {
    const { queue, events } = watched();
    const pop = queue.pop();
    expect(queue.isRateLimited).toBe(false);
    queue.tryPush(7);
    expect(await pop).toBe(7);
    expect(events).toEqual([]);
  });

  it('aborting the only popper waiting on the rate clears it', async () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    queue.tryPush(2);
    queue.tryPop();
    const controller = new AbortController();
    const pop = queue.pop(controller.signal);
    expect(queue.isRateLimited).toBe(true);
    controller.abort();
    expect(queue.isRateLimited).toBe(false);
    await expect(pop).rejects.toMatchObject({ name: 'AbortError' });
    expect(events).toEqual(['on', 'off']);
    expect(vi.getTimerCount()).toBe(0); // and its timer is disarmed
  });

  it('drain and remove clear it once nothing is held back', () => {
    const { queue, events } = watched();
    for (let i = 1; i <= 3; i++) queue.tryPush(i);
    queue.tryPop();
    queue.tryPop();
    expect(queue.remove(2)).toBe(true);
    expect(queue.isRateLimited).toBe(true); // 3 is still held back
    expect(queue.remove(3)).toBe(true);
    expect(queue.isRateLimited).toBe(false);
    queue.tryPush(4);
    queue.tryPop();
    expect(queue.drain()).toEqual([4]);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual(['on', 'off', 'on', 'off']);
  });

  it('close clears it when the queue is left empty', async () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    queue.tryPop();
    const pop = queue.pop();
    expect(queue.isRateLimited).toBe(true);
    queue.close();
    expect(queue.isRateLimited).toBe(false);
    expect(await pop).toBeUndefined();
    expect(events).toEqual(['on', 'off']);
  });

  it('close keeps it on, without a flicker, while the rate still holds items back', async () => {
    const { queue, events } = watched();
    queue.tryPush(1);
    queue.tryPush(2);
    queue.tryPop();
    const pop = queue.pop();
    queue.close();
    await settle(); // the woken popper looks again and waits on the rate again
    expect(queue.isRateLimited).toBe(true);
    expect(events).toEqual(['on']);
    await vi.advanceTimersByTimeAsync(100);
    expect(await pop).toBe(2);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual(['on', 'off']);
  });

  it('the burst bucket holds pops back like the window does', async () => {
    const { queue, events } = watched({ limit: 4, interval: 200, burst: 1 });
    for (let i = 1; i <= 3; i++) queue.tryPush(i);
    expect(queue.tryPop()).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.isRateLimited).toBe(true);
    const pop = queue.pop();
    await vi.advanceTimersByTimeAsync(50);
    expect(await pop).toBe(2);
    expect(queue.isRateLimited).toBe(false);
    expect(events).toEqual(['on', 'off']);
  });

  it('rateLimit and rateLimitCleared always alternate and agree with isRateLimited', async () => {
    type Op = 'push' | 'tryPop' | 'pop' | 'popAbortable' | 'abort' | 'advance' | 'drain' | 'remove' | 'close';
    const op = fc.constantFrom<Op>(
      'push',
      'push',
      'tryPop',
      'pop',
      'popAbortable',
      'abort',
      'advance',
      'drain',
      'remove',
      'close',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const { queue, events } = watched({ limit: 2, interval: 100 });
        const controllers: AbortController[] = [];
        const pending: Promise<unknown>[] = [];
        let next = 0;
        for (const kind of ops) {
          if (kind === 'push') queue.tryPush(next++);
          else if (kind === 'tryPop') queue.tryPop();
          else if (kind === 'pop') pending.push(queue.pop());
          else if (kind === 'popAbortable') {
            const controller = new AbortController();
            controllers.push(controller);
            pending.push(queue.pop(controller.signal).catch(() => undefined));
          } else if (kind === 'abort') controllers.shift()?.abort();
          else if (kind === 'advance') await vi.advanceTimersByTimeAsync(60);
          else if (kind === 'drain') queue.drain();
          else if (kind === 'remove') queue.remove(next - 1);
          else queue.close();
          await settle();
          const last = events.at(-1);
          expect(queue.isRateLimited).toBe(last === 'on');
        }
        queue.close();
        await vi.advanceTimersByTimeAsync(1000);
        await Promise.all(pending);
        // Time alone does not clear a refused tryPop's "held back" (the class comment's rule): a
        // run that ends on one leaves its item in the closed queue, rate-limited until taken.
        // Taking what is left must clear it. (seed 1555454123 ends so: pop, push, pop, push,
        // push, tryPop — this check expected false there before, and failed one run in ten.)
        expect(queue.isRateLimited).toBe(queue.size > 0 && events.at(-1) === 'on');
        queue.drain();
        expect(queue.isRateLimited).toBe(false);
        events.forEach((event, i) => {
          expect(event).toBe(i % 2 === 0 ? 'on' : 'off');
        });
      }),
      { numRuns: 60 },
    );
  });
});
