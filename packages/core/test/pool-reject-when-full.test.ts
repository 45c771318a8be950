import { describe, expect, it } from 'vitest';
import { Pool, QueueFullError } from '../src/index.js';
import { addsUp, gatedExecutor, sleep, tick, track } from './helpers.js';

describe("onFull: 'reject'", () => {
  it('a submit on a full queue rejects at once with QueueFullError and is never accepted', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({
      executor: gated.executor,
      concurrency: 1,
      capacity: 2,
      onFull: 'reject',
    });
    const accepted = [1, 2, 3].map((n) => track(pool.submit(n)));
    const refused = track(pool.submit(4));
    await tick();
    expect(refused.state).toBe('rejected');
    expect(refused.error).toBeInstanceOf(QueueFullError);
    expect(refused.error.code).toBe('ERR_QUEUE_FULL');
    expect(pool.stats).toMatchObject({ submitted: 3, running: 1, waiting: 2 });
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(accepted.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(gated.started).toEqual([1, 2, 3]);
    expect(pool.stats).toEqual({
      submitted: 3,
      waiting: 0,
      running: 0,
      succeeded: 3,
      failed: 0,
      cancelled: 0,
    });
  });

  it('an enqueue on a full queue rejects at once with QueueFullError and is never accepted', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({
      executor: gated.executor,
      concurrency: 1,
      capacity: 1,
      onFull: 'reject',
    });
    await pool.enqueue(1);
    await pool.enqueue(2);
    const refused = track(pool.enqueue(3));
    await tick();
    expect(refused.error?.code).toBe('ERR_QUEUE_FULL');
    expect(refused.error).toBeInstanceOf(QueueFullError);
    expect(pool.stats.submitted).toBe(2);
    gated.releaseAll();
    await tick();
    gated.releaseAll();
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 2, succeeded: 2 });
    expect(addsUp(pool.stats)).toBe(true);
  });

  it('with a rendezvous queue a task is accepted only while a slot is free', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({
      executor: gated.executor,
      concurrency: 2,
      capacity: 0,
      onFull: 'reject',
    });
    const first = track(pool.submit(1));
    const second = track(pool.submit(2));
    const third = track(pool.submit(3));
    await tick();
    expect(third.error?.code).toBe('ERR_QUEUE_FULL');
    expect(first.state).toBe('pending');
    expect(second.state).toBe('pending');
    expect(pool.stats).toMatchObject({ submitted: 2, running: 2, waiting: 0 });
    gated.releaseAll();
    await tick();
    expect([first.value, second.value]).toEqual([1, 2]);
    const later = track(pool.submit(4));
    await tick();
    expect(later.state).toBe('pending');
    expect(pool.stats).toMatchObject({ submitted: 3, running: 1 });
    gated.releaseAll();
    await pool.close();
    expect(later.value).toBe(4);
  });
});

describe('onFull', () => {
  it("defaults to 'wait': a submit on a full queue waits for room", async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1, capacity: 1 });
    pool.submit(1);
    pool.submit(2);
    const blocked = track(pool.submit(3));
    await sleep(5);
    expect(blocked.state).toBe('pending');
    expect(pool.stats.submitted).toBe(2);
    for (let i = 0; i < 3; i++) {
      gated.releaseAll();
      await tick();
    }
    await pool.close();
    expect(blocked.value).toBe(3);
  });

  it("must be 'wait' or 'reject'", () => {
    let error: unknown;
    try {
      new Pool({ executor: (n) => n, onFull: 'drop' as 'wait' });
    } catch (e) {
      error = e;
    }
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as Error).message).toMatch(/onFull/);
  });
});
