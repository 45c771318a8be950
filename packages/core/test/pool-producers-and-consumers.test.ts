import { describe, expect, it } from 'vitest';
import { type Outcome, Pool } from '../src/index.js';
import { sleep } from './helpers.js';

describe('several producers and consumers', () => {
  it('two producers and two consumers agree on counts after close', async () => {
    const pool = new Pool<number, number>({
      executor: async (n) => {
        await sleep(n % 3); // completions interleave
        if (n % 10 === 7) throw new Error(`task ${n} fails`);
        return n * 2;
      },
      concurrency: 3,
      capacity: 4, // small: producers block and take turns
      keepResults: true,
      resultsCapacity: 5, // small: the pool waits on the consumers
    });
    const produce = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) await pool.enqueue(i);
    };
    const consume = async () => {
      const seen: Outcome<number, number>[] = [];
      for (let o = await pool.nextResult(); o !== undefined; o = await pool.nextResult()) seen.push(o);
      return seen;
    };
    const consumers = [consume(), consume()];
    await Promise.all([produce(0, 100), produce(1000, 100)]);
    await pool.close();
    const [a, b] = await Promise.all(consumers);

    // Each outcome went to exactly one consumer, and together they saw every task once.
    const inputs = [...a, ...b].map((o) => o.input).sort((x, y) => x - y);
    const expected = [
      ...Array.from({ length: 100 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => 1000 + i),
    ];
    expect(inputs).toEqual(expected);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);

    const failures = [...a, ...b].filter((o) => !o.ok).length;
    expect(failures).toBe(20); // n % 10 === 7, 10 per producer
    expect(pool.stats).toEqual({
      submitted: 200,
      waiting: 0,
      running: 0,
      succeeded: 180,
      failed: 20,
      cancelled: 0,
    });
    expect(pool.tryResult()).toEqual({ outcome: undefined, done: true });
  });
});
