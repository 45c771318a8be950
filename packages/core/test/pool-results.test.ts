import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { deferred, resolveAfter, sleep, tick, track } from './helpers.js';

describe('results buffer (enqueue + tryResult / nextResult / results)', () => {
  it('tryResult reports done only when the pool is closed and nothing is left', async () => {
    const gate = deferred();
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(gate.promise, n * 2),
      concurrency: 1,
      keepResults: true,
    });
    await pool.enqueue(1);
    await pool.enqueue(2);
    expect(pool.tryResult()).toEqual({ outcome: undefined, done: false });
    const closing = pool.close();
    expect(pool.tryResult()).toEqual({ outcome: undefined, done: false }); // still running
    gate.resolve();
    await closing;
    expect(pool.tryResult()).toEqual({ outcome: { ok: true, input: 1, value: 2 }, done: false });
    expect(pool.tryResult()).toEqual({ outcome: { ok: true, input: 2, value: 4 }, done: false });
    expect(pool.tryResult()).toEqual({ outcome: undefined, done: true });
  });

  it('nextResult waits for an outcome and resolves undefined once done', async () => {
    const pool = new Pool<number, number>({
      executor: async (n) => {
        if (n === 2) throw Object.assign(new Error('two'), { code: 'E_TWO' });
        await sleep(5);
        return n;
      },
      concurrency: 2,
      keepResults: true,
    });
    const first = pool.nextResult();
    await pool.enqueue(1);
    await pool.enqueue(2);
    const outcomes = [await first, await pool.nextResult()];
    expect(outcomes).toContainEqual({ ok: true, input: 1, value: 1 });
    const failure = outcomes.find((o) => o && !o.ok);
    expect(failure).toMatchObject({ ok: false, input: 2, error: { code: 'E_TWO' } });
    const waiting = track(pool.nextResult());
    await tick();
    expect(waiting.state).toBe('pending');
    await pool.close();
    await tick();
    expect(waiting.state).toBe('fulfilled');
    expect(waiting.value).toBeUndefined();
  });

  it('results() yields every outcome until the pool is closed', async () => {
    const pool = new Pool<number, number>({
      executor: async (n) => n + 100,
      concurrency: 3,
      keepResults: true,
    });
    const producing = (async () => {
      for (let i = 0; i < 50; i++) await pool.enqueue(i);
      await pool.close();
    })();
    const seen: number[] = [];
    for await (const outcome of pool.results()) if (outcome.ok) seen.push(outcome.value);
    await producing;
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 100));
  });

  it('a full results buffer makes the pool wait until outcomes are read', async () => {
    const pool = new Pool<number, number>({
      executor: (n) => n,
      concurrency: 2,
      keepResults: true,
      resultsCapacity: 3,
    });
    for (let i = 0; i < 8; i++) await pool.enqueue(i);
    await sleep(5);
    expect(pool.stats).toMatchObject({ succeeded: 3, waiting: 5 });
    expect(pool.tryResult().outcome).toEqual({ ok: true, input: 0, value: 0 });
    await sleep(5);
    expect(pool.stats).toMatchObject({ succeeded: 4, waiting: 4 });
    const read: number[] = [];
    for (let i = 0; i < 7; i++) {
      const o = await pool.nextResult();
      if (o?.ok) read.push(o.value);
    }
    expect(read).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await pool.close();
    expect(pool.tryResult()).toEqual({ outcome: undefined, done: true });
  });

  it('close() does not hang when nobody reads a full results buffer', async () => {
    const pool = new Pool<number, number>({
      executor: (n) => n,
      concurrency: 1,
      keepResults: true,
      resultsCapacity: 1,
    });
    for (let i = 0; i < 5; i++) await pool.enqueue(i);
    await pool.close();
    expect(pool.stats.succeeded).toBe(5);
    const values: number[] = [];
    for await (const o of pool.results()) if (o.ok) values.push(o.value);
    expect(values).toEqual([0, 1, 2, 3, 4]);
  });

  it('reading results without keepResults is a TypeError naming the option', () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    expect(() => pool.tryResult()).toThrow(/keepResults/);
    expect(() => pool.nextResult()).toThrow(TypeError);
  });

  it("emits 'error' for a failed enqueue()d task and never rejects anything unhandled", async () => {
    const pool = new Pool<number, number>({ executor: () => Promise.reject(new Error('boom')) });
    const errors: Array<[unknown, number | undefined]> = [];
    pool.on('error', (error, input) => errors.push([error, input]));
    await pool.enqueue(7);
    await pool.close();
    expect(errors).toHaveLength(1);
    expect((errors[0][0] as Error).message).toBe('boom');
    expect(errors[0][1]).toBe(7);
    expect(pool.stats.failed).toBe(1);
  });
});
