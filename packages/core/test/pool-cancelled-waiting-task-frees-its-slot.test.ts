import { describe, expect, it } from 'vitest';
import { ChannelQueue, Pool, RateLimitedQueue } from '../src/index.js';
import { addsUp, gatedExecutor, tick, track } from './helpers.js';

describe('regressions: a cancelled waiting task frees its slot', () => {
  it('a task cancelled while queued no longer stays as a tombstone that holds capacity', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1, capacity: 2 });
    const running = track(pool.submit(0));
    const a = new AbortController();
    const b = new AbortController();
    const cancelled = [
      track(pool.submit(1, { signal: a.signal })),
      track(pool.submit(2, { signal: b.signal })),
    ];
    await tick();
    expect(pool.stats).toMatchObject({ running: 1, waiting: 2 });
    a.abort();
    b.abort();
    await tick();
    expect(cancelled.map((r) => r.error?.name)).toEqual(['AbortError', 'AbortError']);
    // Before the fix the two aborted tasks kept the queue full until the pump popped them.
    const third = track(pool.submit(3));
    const fourth = track(pool.enqueue(4));
    await tick();
    expect(fourth.state).toBe('fulfilled'); // accepted at once
    expect(third.state).toBe('pending'); // waiting, not blocked on room
    expect(pool.stats).toMatchObject({ submitted: 5, running: 1, waiting: 2, cancelled: 2 });
    expect(running.state).toBe('pending');
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(gated.started).toEqual([0, 3, 4]);
    expect(pool.stats).toMatchObject({ submitted: 5, succeeded: 3, cancelled: 2 });
    expect(addsUp(pool.stats)).toBe(true);
  });

  it('an aborted waiting task never consumes a rate-limit slot', async () => {
    const queue = new RateLimitedQueue(new ChannelQueue(), { limit: 1, interval: 100 });
    const startedAt = new Map<string, number>();
    const pool = new Pool<string, string>({
      executor: (name) => {
        startedAt.set(name, performance.now());
        return name;
      },
      queue,
      concurrency: 1,
    });
    const first = pool.submit('first'); // takes the first slot of the window now
    const controller = new AbortController();
    const aborted = ['a', 'b', 'c', 'd'].map((name) =>
      pool.submit(name, { signal: controller.signal }).catch((e) => e.name),
    );
    const live = pool.submit('live');
    controller.abort();
    expect(await first).toBe('first');
    expect(await Promise.all(aborted)).toEqual(['AbortError', 'AbortError', 'AbortError', 'AbortError']);
    expect(await live).toBe('live');
    const delay = startedAt.get('live')! - startedAt.get('first')!;
    // One interval for the live task's own slot; before the fix each aborted task used one too (~500 ms).
    expect(delay).toBeGreaterThanOrEqual(80);
    expect(delay).toBeLessThan(250);
    expect([...startedAt.keys()]).toEqual(['first', 'live']);
    expect(pool.stats).toMatchObject({ submitted: 6, succeeded: 2, cancelled: 4 });
    await pool.close();
  });
});
