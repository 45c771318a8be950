import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { map } from '../src/index.js';
import { deferred, settle, sleep, tick } from './fork-join-helpers.js';

// A real collector to call before each heap reading, so that garbage left by other tests
// cannot make the growth look larger than it is (the flag only affects contexts made after it).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('map() pulls its input lazily', () => {
  it('map() over an endless generator with concurrency 4 keeps memory flat and stops cleanly on abort', async () => {
    const concurrency = 4;
    let produced = 0;
    let finallyRan = false;
    function* endless() {
      try {
        for (;;) {
          produced++;
          // A payload per item, so that anything held on to would show in the heap.
          yield { n: produced, payload: new Array(16).fill(produced) };
        }
      } finally {
        finallyRan = true;
      }
    }
    const controller = new AbortController();
    let yielded = 0;
    let maxAhead = 0;
    let outOfOrder = 0;
    let heapAt20k = 0;
    let heapAt200k = 0;
    const iterate = async () => {
      for await (const n of map(
        endless(),
        async (item: { n: number; payload: number[] }) => {
          if (item.n % 64 === 0) await tick();
          return item.n;
        },
        { concurrency, signal: controller.signal },
      )) {
        yielded++;
        if (n !== yielded) outOfOrder++;
        maxAhead = Math.max(maxAhead, produced - yielded);
        if (yielded === 20_000) {
          gc();
          heapAt20k = process.memoryUsage().heapUsed;
        }
        if (yielded === 200_000) {
          gc();
          heapAt200k = process.memoryUsage().heapUsed;
          controller.abort(new Error('enough'));
        }
      }
    };
    const result = await settle(iterate());
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error.name).toBe('AbortError');
    expect(yielded).toBe(200_000);
    expect(outOfOrder).toBe(0);
    expect(finallyRan).toBe(true);
    expect(maxAhead).toBeLessThanOrEqual(2 * concurrency);
    // 200k items × a 16-element array each is > 20 MB if held; measured after a full collection.
    expect(heapAt200k - heapAt20k).toBeLessThan(16 * 1024 * 1024);
  });

  it('reads at most 2 × concurrency inputs ahead while an early task is slow (ordered)', async () => {
    let produced = 0;
    const concurrency = 3;
    function* counted() {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield i;
      }
    }
    const iterator = map(
      counted(),
      async (n: number) => {
        await sleep(n === 0 ? 60 : 0);
        return n;
      },
      { concurrency },
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    await sleep(30);
    // Item 0 still runs; the others finished but wait to be yielded after it.
    expect(produced).toBeLessThanOrEqual(2 * concurrency);
    expect(produced).toBeGreaterThan(concurrency);
    expect((await first).value).toBe(0);
    await iterator.return?.(undefined);
  });

  it('yields a finished result at once, even while the input is slow to give the next item (regression)', async () => {
    // Before the fix map() refilled its window inside next(): a result already computed stayed
    // behind an input read that might take a long time.
    const gate = deferred();
    async function* slowInput() {
      yield 1;
      await gate.promise; // the next item is a long way off
      yield 2;
    }
    const iterator = map(slowInput(), (n: number) => n * 10, { concurrency: 2 })[Symbol.asyncIterator]();
    const first = await Promise.race([iterator.next(), sleep(1000).then(() => 'held back' as const)]);
    expect(first).toEqual({ done: false, value: 10 });
    gate.resolve();
    expect(await iterator.next()).toEqual({ done: false, value: 20 });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('an input that throws ends the iteration with its error after the items read before it', async () => {
    const error = new Error('input broke');
    function* inputs() {
      yield 1;
      yield 2;
      throw error;
    }
    const seen: number[] = [];
    const result = await settle(
      (async () => {
        for await (const n of map(
          inputs(),
          async (n: number) => {
            await sleep(5);
            return n;
          },
          { concurrency: 4 },
        )) {
          seen.push(n);
        }
      })(),
    );
    expect(result).toEqual({ ok: false, error });
    expect(seen).toEqual([1, 2]);
  });

  it('reads nothing until the first next()', async () => {
    let read = 0;
    const mapped = map(
      (function* () {
        read++;
        yield 1;
      })(),
      (n: number) => n,
    );
    await tick();
    expect(read).toBe(0);
    for await (const _ of mapped) break;
    expect(read).toBe(1);
  });
});
