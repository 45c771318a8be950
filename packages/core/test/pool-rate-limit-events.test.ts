import { describe, expect, it } from 'vitest';
import { ChannelQueue, Pool, RateLimitedQueue } from '../src/index.js';
import { sleep } from './helpers.js';

describe('rate-limit events', () => {
  it("re-emits the queue's 'rateLimit' while it holds tasks back and 'rateLimitCleared' once the backlog is gone", async () => {
    const queue = new RateLimitedQueue(new ChannelQueue(), { limit: 1, interval: 100 });
    const t0 = performance.now();
    const events: Array<{ what: string; at: number; limited?: boolean }> = [];
    const pool = new Pool<number, number>({
      executor: (n) => {
        events.push({ what: `start ${n}`, at: performance.now() - t0 });
        return n;
      },
      queue,
      concurrency: 4,
    });
    pool.on('rateLimit', () => events.push({ what: 'rateLimit', at: performance.now() - t0 }));
    pool.on('rateLimitCleared', () => events.push({ what: 'rateLimitCleared', at: performance.now() - t0 }));
    const results = [0, 1, 2].map((n) => pool.submit(n));

    await sleep(50);
    expect(queue.isRateLimited).toBe(true);
    expect(events.map((e) => e.what)).toEqual(['start 0', 'rateLimit']);

    expect(await Promise.all(results)).toEqual([0, 1, 2]);
    await sleep(50);
    expect(queue.isRateLimited).toBe(false);
    const order = events.map((e) => e.what);
    const at = Object.fromEntries(events.map((e) => [e.what, e.at]));
    // One episode: held back from the 2nd task on, cleared once the 3rd has left the queue.
    expect(order.filter((w) => w === 'rateLimit')).toHaveLength(1);
    expect(order.filter((w) => w === 'rateLimitCleared')).toHaveLength(1);
    expect(order.indexOf('rateLimit')).toBeLessThan(order.indexOf('start 1'));
    expect(order.at(-1) === 'rateLimitCleared' || order.at(-2) === 'rateLimitCleared').toBe(true);
    expect(at['start 2']).toBeGreaterThanOrEqual(190); // the limit really held them back
    expect(at.rateLimitCleared).toBeGreaterThanOrEqual(190);
    expect(at.rateLimitCleared).toBeLessThan(1000);
    await pool.close();
  });

  it("the queue's isRateLimited is true while tasks are held back and false once the backlog is gone", async () => {
    const queue = new RateLimitedQueue(new ChannelQueue(), { limit: 1, interval: 100 });
    const pool = new Pool<number, number>({ executor: (n) => n, queue, concurrency: 4 });
    expect(queue.isRateLimited).toBe(false);
    const results = Promise.all([0, 1, 2].map((n) => pool.submit(n)));
    await sleep(50);
    const atFifty = queue.isRateLimited; // tasks 1 and 2 held back
    await sleep(100);
    const atOneFifty = queue.isRateLimited; // task 2 held back
    await results;
    await sleep(20);
    expect([atFifty, atOneFifty, queue.isRateLimited]).toEqual([true, true, false]);
    await pool.close();
  });
});
