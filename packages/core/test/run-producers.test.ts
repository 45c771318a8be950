import { describe, expect, it } from 'vitest';
import { ChannelQueue, type Producer, run, runWork, type Work } from '../src/index.js';
import { Gauge, sleep, tick } from './fork-join-helpers.js';

/** Runs `producer` through a doubling executor and returns the collected values, sorted. */
async function collectAll(producer: Producer<number>): Promise<number[]> {
  const values: number[] = [];
  const summary = await run({
    producer,
    executor: async (n: number) => {
      await tick();
      return n * 2;
    },
    concurrency: 3,
    collector: (o) => {
      if (o.ok) values.push(o.value);
    },
  });
  expect(summary.succeeded).toBe(values.length);
  return values.sort((a, b) => a - b);
}

describe('run() takes every form of producer', () => {
  it('an array', async () => {
    expect(await collectAll([1, 2, 3, 4, 5])).toEqual([2, 4, 6, 8, 10]);
  });

  it('a Set (any iterable)', async () => {
    expect(await collectAll(new Set([3, 1, 2]))).toEqual([2, 4, 6]);
  });

  it('an async iterable', async () => {
    async function* numbers() {
      for (let i = 1; i <= 4; i++) {
        await tick();
        yield i;
      }
    }
    expect(await collectAll(numbers())).toEqual([2, 4, 6, 8]);
  });

  it('a function* (called for its iterator, not treated as an item source)', async () => {
    expect(
      await collectAll(function* () {
        yield 1;
        yield 2;
        yield 3;
      }),
    ).toEqual([2, 4, 6]);
  });

  it('an async function*', async () => {
    expect(
      await collectAll(async function* () {
        yield 5;
        await sleep(1);
        yield 6;
      }),
    ).toEqual([10, 12]);
  });

  it('a generator function: each call gives an item until it returns undefined', async () => {
    let n = 0;
    expect(await collectAll(() => (n < 4 ? ++n : undefined))).toEqual([2, 4, 6, 8]);
  });

  it('a generator function: null ends the stream too, and 0 does not', async () => {
    const items = [0, 7, 0, null, 9];
    let i = 0;
    expect(await collectAll(() => items[i++] as number | null)).toEqual([0, 0, 14]);
    expect(i).toBe(4); // not called again after null
  });

  it('an async generator function', async () => {
    let n = 0;
    expect(
      await collectAll(async () => {
        await tick();
        return n < 3 ? ++n : undefined;
      }),
    ).toEqual([2, 4, 6]);
  });

  it('a Producer object, which gets an emit function and the run signal', async () => {
    let seenSignal: unknown;
    const values = await collectAll({
      async produce(emit, signal) {
        seenSignal = signal;
        for (const n of [4, 5, 6]) await emit(n);
      },
    });
    expect(values).toEqual([8, 10, 12]);
    expect(seenSignal).toBeInstanceOf(AbortSignal);
  });

  it('an empty producer resolves with zero counts', async () => {
    const summary = await run({ producer: [], executor: (n: number) => n });
    expect(summary).toMatchObject({ succeeded: 0, failed: 0, cancelled: 0 });
    expect(summary.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('seed designs', () => {
  it('square-sum: a Producer object pushes 1..100 into a ChannelQueue of 5, 4 executors square, the collector sums to 338350', async () => {
    const queue = new ChannelQueue<unknown>({ capacity: 5 });
    const workers = new Gauge();
    let sum = 0;
    const summary = await run({
      producer: {
        async produce(emit) {
          for (let i = 1; i <= 100; i++) await emit(i);
        },
      },
      queue,
      concurrency: 4,
      executor: async (n: number) => {
        workers.enter();
        await tick();
        workers.leave();
        return n * n;
      },
      collector: {
        collect(o) {
          if (o.ok) sum += o.value;
        },
      },
    });
    expect(sum).toBe(338350);
    expect(summary).toMatchObject({ succeeded: 100, failed: 0, cancelled: 0 });
    expect(workers.max).toBe(4);
    expect(queue.closed).toBe(true);
  });

  it('parwork: a generator function makes Work items until undefined, runWork runs them, errors are per item', async () => {
    let made = 0;
    const results = new Map<number, unknown>();
    const errors: string[] = [];
    const summary = await run<Work<number> & { id: number }, unknown>({
      producer: () => {
        if (made === 10) return undefined;
        const id = ++made;
        return {
          id,
          run: async () => {
            await tick();
            if (id % 5 === 0) throw new Error(`work ${id} failed`);
            return id * 10;
          },
        };
      },
      executor: runWork,
      concurrency: 3,
      collector: (o) => {
        if (o.ok) results.set(o.input.id, o.value);
        else errors.push((o.error as Error).message);
      },
    });
    expect(summary).toMatchObject({ succeeded: 8, failed: 2, cancelled: 0 });
    expect([...results.entries()].sort((a, b) => a[0] - b[0])).toEqual(
      [1, 2, 3, 4, 6, 7, 8, 9].map((id) => [id, id * 10]),
    );
    expect(errors.sort()).toEqual(['work 10 failed', 'work 5 failed']);
  });
});

describe('backpressure', () => {
  it('a producer blocked on a full queue waits until the workers make room', async () => {
    const capacity = 5;
    const concurrency = 2;
    let emitted = 0;
    let started = 0;
    let maxAhead = 0;
    await run({
      producer: {
        async produce(emit) {
          for (let i = 0; i < 200; i++) {
            await emit(i);
            emitted++;
            maxAhead = Math.max(maxAhead, emitted - started);
          }
        },
      },
      queue: new ChannelQueue({ capacity }),
      concurrency,
      executor: async () => {
        started++;
        await sleep(1);
      },
    });
    expect(started).toBe(200);
    // Accepted but not started: what the queue holds, plus one the pool may hold for a free slot.
    expect(maxAhead).toBeLessThanOrEqual(capacity + 1);
    expect(maxAhead).toBeGreaterThanOrEqual(capacity - 1);
  });

  it('never runs more than concurrency tasks at once', async () => {
    const gauge = new Gauge();
    await run({
      producer: Array.from({ length: 60 }, (_, i) => i),
      concurrency: 3,
      executor: async (n: number) => {
        gauge.enter();
        await sleep(n % 3);
        gauge.leave();
      },
    });
    expect(gauge.max).toBe(3);
  });
});
