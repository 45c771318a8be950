import { describe, expect, it } from 'vitest';
import { ChannelQueue, type Outcome, run } from '../src/index.js';
import { Gauge, settle, sleep, tick } from './fork-join-helpers.js';

describe('run() collectors', () => {
  it('a collector function gets one outcome per input, with the input, the value or the error', async () => {
    const outcomes: Outcome<number, number>[] = [];
    const boom = new Error('odd');
    await run({
      producer: [1, 2, 3, 4],
      executor: (n: number) => {
        if (n % 2 === 1) throw boom;
        return n * 10;
      },
      collector: (o) => {
        outcomes.push(o);
      },
    });
    outcomes.sort((a, b) => a.input - b.input);
    expect(outcomes).toEqual([
      { ok: false, input: 1, error: boom },
      { ok: true, input: 2, value: 20 },
      { ok: false, input: 3, error: boom },
      { ok: true, input: 4, value: 40 },
    ]);
  });

  it('a collector object has collect() called with itself as this', async () => {
    const collector = {
      total: 0,
      collect(o: Outcome<number, number>) {
        if (o.ok) this.total += o.value;
      },
    };
    await run({ producer: [1, 2, 3], executor: (n: number) => n, collector });
    expect(collector.total).toBe(6);
  });

  it('an async collector is called one at a time, never concurrently', async () => {
    const gauge = new Gauge();
    let calls = 0;
    await run({
      producer: Array.from({ length: 40 }, (_, i) => i),
      concurrency: 8,
      executor: async (n: number) => {
        await sleep(n % 4);
        return n;
      },
      collector: async () => {
        gauge.enter();
        calls++;
        await sleep(1);
        gauge.leave();
      },
    });
    expect(calls).toBe(40);
    expect(gauge.max).toBe(1);
  });

  it('run() resolves only after the last collect() has finished', async () => {
    let finished = 0;
    await run({
      producer: [1, 2, 3],
      executor: (n: number) => n,
      collector: async () => {
        await sleep(5);
        finished++;
      },
    });
    expect(finished).toBe(3);
  });

  it('a slow collector holds the producer back instead of piling up outcomes (regression)', async () => {
    // Before the fix every outcome waited in a promise chain: an endless producer with a slow
    // collector grew memory without bound.
    const capacity = 8;
    const concurrency = 4;
    let produced = 0;
    let collected = 0;
    let maxBehind = 0;
    await run({
      producer: function* () {
        for (let i = 0; i < 2000; i++) {
          produced++;
          maxBehind = Math.max(maxBehind, produced - collected);
          yield i;
        }
      },
      executor: (n: number) => n,
      concurrency,
      queue: new ChannelQueue({ capacity }),
      collector: async () => {
        await tick();
        collected++;
      },
    });
    expect(collected).toBe(2000);
    // queue + running + the collector's allowance (2 × concurrency) + the item in hand.
    expect(maxBehind).toBeLessThanOrEqual(capacity + concurrency + 2 * concurrency + 2);
  });

  it('a collector that throws makes run() reject with its error and cancels what waits', async () => {
    const error = new Error('collector broke');
    let started = 0;
    const result = await settle(
      run({
        producer: Array.from({ length: 100 }, (_, i) => i),
        concurrency: 2,
        executor: async (n: number) => {
          started++;
          await sleep(1);
          return n;
        },
        collector: (o) => {
          if (o.ok && o.value === 3) throw error;
        },
      }),
    );
    expect(result).toEqual({ ok: false, error });
    expect(started).toBeLessThan(100);
  });
});
