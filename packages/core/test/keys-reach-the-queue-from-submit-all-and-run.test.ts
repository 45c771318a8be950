import { describe, expect, it } from 'vitest';
import { FairQueue } from '../src/fair-queue.js';
import { Pool } from '../src/pool.js';
import { run } from '../src/run.js';

/** A queue that records the key of every push. */
function recordingQueue(): { queue: FairQueue<unknown>; keys: (string | undefined)[] } {
  const queue = new FairQueue<unknown>({ capacity: Number.POSITIVE_INFINITY });
  const keys: (string | undefined)[] = [];
  const tryPush = queue.tryPush.bind(queue);
  queue.tryPush = (item, options) => {
    keys.push(options?.key);
    return tryPush(item, options);
  };
  return { queue, keys };
}

describe('keys reach the queue from every way of submitting', () => {
  it('submitAll with keyOf gives each input its own key, and the turns interleave them', async () => {
    const { queue, keys } = recordingQueue();
    const order: string[] = [];
    const pool = new Pool({
      executor: (input: { tenant: string }) => void order.push(input.tenant),
      concurrency: 1,
      queue,
      paused: true,
    });
    const inputs = ['a', 'a', 'a', 'a', 'b', 'b'].map((tenant) => ({ tenant }));
    const outcomes = pool.submitAll(inputs, {
      keyOf: (input, index) => (index === 0 ? undefined : input.tenant),
    });
    pool.resume();
    expect((await outcomes).every((outcome) => outcome.ok)).toBe(true);
    expect(keys).toEqual([undefined, 'a', 'a', 'a', 'b', 'b']);
    // Three groups take turns: none (1 task), a (3), b (2).
    expect(order).toEqual(['a', 'a', 'b', 'a', 'b', 'a']);
    await pool.close();
  });

  it('submitAll with key gives every input that key', async () => {
    const { queue, keys } = recordingQueue();
    const pool = new Pool({ executor: (n: number) => n, queue });
    await pool.submitAll([1, 2, 3], { key: 'tenant' });
    expect(keys).toEqual(['tenant', 'tenant', 'tenant']);
    await pool.close();
  });

  it('submitAll refuses keyOf with key, keyOf that is not a function, or a key that is not a string, accepting nothing', async () => {
    const pool = new Pool({ executor: (n: number) => n, queue: new FairQueue() });
    await expect(pool.submitAll([1], { key: 'a', keyOf: () => 'b' })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: expect.stringContaining('key or keyOf'),
    });
    await expect(pool.submitAll([1], { keyOf: 'tenant' as never })).rejects.toMatchObject({
      message: expect.stringContaining('keyOf must be a function'),
    });
    await expect(
      pool.submitAll([1, 2], { keyOf: (n) => (n === 2 ? (7 as never) : 'a') }),
    ).rejects.toMatchObject({
      message: 'keyOf must return a string or undefined, received 7 for input 1',
    });
    const mine = new Error('no tenant');
    await expect(
      pool.submitAll([1], {
        keyOf: () => {
          throw mine;
        },
      }),
    ).rejects.toBe(mine);
    expect(pool.stats.submitted).toBe(0);
    await pool.close();
  });

  it('submit refuses a key that is not a string', async () => {
    const pool = new Pool({ executor: (n: number) => n });
    await expect(pool.submit(1, { key: 42 as never })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'key must be a string, received 42',
    });
    await pool.close();
  });

  it("run's keyOf keys every produced item", async () => {
    const { queue, keys } = recordingQueue();
    const summary = await run({
      producer: ['x', 'y', 'x'],
      executor: (item: string) => item,
      queue,
      keyOf: (item) => `tenant-${item}`,
    });
    expect(summary.succeeded).toBe(3);
    expect(keys).toEqual(['tenant-x', 'tenant-y', 'tenant-x']);
  });

  it("run's keyOf that throws or returns a non-string fails the run", async () => {
    const mine = new Error('no tenant');
    await expect(
      run({
        producer: [1, 2],
        executor: (n: number) => n,
        keyOf: () => {
          throw mine;
        },
      }),
    ).rejects.toBe(mine);
    await expect(
      run({ producer: [1], executor: (n: number) => n, keyOf: () => 5 as never }),
    ).rejects.toMatchObject({
      name: 'TypeError',
      message: 'keyOf must return a string or undefined, received 5',
    });
    await expect(
      run({ producer: [1], executor: (n: number) => n, keyOf: 'x' as never }),
    ).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringContaining('keyOf must be a function'),
    });
  });

  it('clear({ key }) on a queue without drainKey is refused by name', async () => {
    const pool = new Pool({ executor: (n: number) => n });
    expect(() => pool.clear({ key: 'a' })).toThrow(/drainKey/);
    expect(() => pool.clear({ key: 3 as never })).toThrow(/key must be a string, received 3/);
    expect(pool.clear({})).toBe(0);
    await pool.close();
  });
});
