import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InlineBackend, map } from '../src/index.js';
import { Gauge, sleep, tick } from './fork-join-helpers.js';

async function toArray<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe('map() ordering', () => {
  it('yields in input order by default, whatever order the tasks finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(4), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        async (delays, concurrency) => {
          const inputs = delays.map((delay, index) => ({ delay, index }));
          const out = await toArray(
            map(
              inputs,
              async ({ delay, index }) => {
                await sleep(delay);
                return index;
              },
              { concurrency },
            ),
          );
          expect(out).toEqual(inputs.map((x) => x.index));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('with ordered: false, yields in completion order', async () => {
    const out = await toArray(
      map(
        [40, 0, 20],
        async (ms: number) => {
          await sleep(ms);
          return ms;
        },
        { concurrency: 3, ordered: false },
      ),
    );
    expect(out).toEqual([0, 20, 40]);
  });

  it('with ordered: false, a slow first item does not hold back the rest', async () => {
    const seen: number[] = [];
    for await (const n of map(
      [0, 1, 2, 3, 4, 5],
      async (n: number) => {
        await sleep(n === 0 ? 80 : 1);
        return n;
      },
      { concurrency: 2, ordered: false },
    )) {
      seen.push(n);
    }
    expect(seen[seen.length - 1]).toBe(0);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never runs more than concurrency tasks at once, ordered or not', async () => {
    for (const ordered of [true, false]) {
      const gauge = new Gauge();
      const out = await toArray(
        map(
          Array.from({ length: 50 }, (_, i) => i),
          async (n: number) => {
            gauge.enter();
            await sleep(n % 3);
            gauge.leave();
            return n;
          },
          { concurrency: 3, ordered },
        ),
      );
      expect(out).toHaveLength(50);
      expect(gauge.max).toBe(3);
    }
  });

  it('accepts sync executors, async iterables and a Backend', async () => {
    async function* numbers() {
      for (let i = 1; i <= 5; i++) {
        await tick();
        yield i;
      }
    }
    expect(await toArray(map(numbers(), (n: number) => n * n, { concurrency: 2 }))).toEqual([
      1, 4, 9, 16, 25,
    ]);
    const backend = new InlineBackend((n: number) => n + 100, { concurrency: 2 });
    expect(await toArray(map([1, 2, 3], backend))).toEqual([101, 102, 103]);
  });

  it('can be iterated again, reading its input afresh', async () => {
    const doubled = map([1, 2, 3], (n: number) => n * 2, { concurrency: 2 });
    expect(await toArray(doubled)).toEqual([2, 4, 6]);
    expect(await toArray(doubled)).toEqual([2, 4, 6]);
  });

  it('throws the first failure in input order and yields nothing after it', async () => {
    const seen: number[] = [];
    const error = new Error('three');
    const iterate = async () => {
      for await (const n of map(
        [1, 2, 3, 4, 5],
        async (n: number) => {
          // The failure at 3 finishes first; 1 and 2 still come out before it.
          await sleep(n === 3 ? 0 : 10);
          if (n === 3) throw error;
          return n;
        },
        { concurrency: 5 },
      )) {
        seen.push(n);
      }
    };
    await expect(iterate()).rejects.toBe(error);
    expect(seen).toEqual([1, 2]);
  });

  it('two map() calls sharing an InlineBackend never exceed its concurrency', async () => {
    const gauge = new Gauge();
    const backend = new InlineBackend(
      async (n: number) => {
        gauge.enter();
        await sleep(2);
        gauge.leave();
        return n;
      },
      { concurrency: 2 },
    );
    const inputs = Array.from({ length: 20 }, (_, i) => i);
    const [a, b] = await Promise.all([
      toArray(map(inputs, backend, { concurrency: 2 })),
      toArray(map(inputs, backend, { concurrency: 2 })),
    ]);
    expect(a).toEqual(inputs);
    expect(b).toEqual(inputs);
    expect(gauge.max).toBe(2);
  });

  it('rejects on a closed backend like backend.run() does', async () => {
    const backend = new InlineBackend((n: number) => n, { concurrency: 2 });
    await backend.close();
    await expect(toArray(map([1], backend))).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
  });
});

describe('map() checks its arguments and names the bad one', () => {
  const executor = (n: number) => n;
  it('concurrency 0 is a RangeError naming concurrency and 0', () => {
    expect(() => map([1], executor, { concurrency: 0 })).toThrow(RangeError);
    expect(() => map([1], executor, { concurrency: 0 })).toThrow(/concurrency.*0/);
  });
  it('a fractional concurrency is a RangeError', () => {
    expect(() => map([1], executor, { concurrency: 1.5 })).toThrow(/concurrency.*1\.5/);
  });
  it('inputs that are not iterable are a TypeError naming inputs', () => {
    expect(() => map(42 as unknown as number[], executor)).toThrow(TypeError);
    expect(() => map(42 as unknown as number[], executor)).toThrow(/inputs.*42/);
  });
  it('a target that is neither an executor nor a backend is a TypeError', () => {
    expect(() => map([1], 'x' as never)).toThrow(TypeError);
  });
  it('ordered must be a boolean and signal an AbortSignal', () => {
    expect(() => map([1], executor, { ordered: 'no' as unknown as boolean })).toThrow(/ordered/);
    expect(() => map([1], executor, { signal: 'x' as unknown as AbortSignal })).toThrow(/signal/);
  });
  it('throws at the call, before any input is read', () => {
    let read = 0;
    const inputs = {
      *[Symbol.iterator]() {
        read++;
        yield 1;
      },
    };
    expect(() => map(inputs, executor, { concurrency: -1 })).toThrow(RangeError);
    expect(read).toBe(0);
  });
});
