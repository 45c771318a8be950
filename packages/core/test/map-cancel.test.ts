import { describe, expect, it } from 'vitest';
import { InlineBackend, map } from '../src/index.js';
import { deferred, Gauge, settle, sleep, tick, untilAborted } from './fork-join-helpers.js';

describe('map() cancellation', () => {
  it("breaking out early calls the input's return() and aborts the running tasks", async () => {
    let returned = false;
    const inputs: Iterable<number> = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next: (): IteratorResult<number> => ({ done: false, value: i++ }),
          return: (): IteratorResult<number> => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const reasons: unknown[] = [];
    const live = new Gauge();
    let started = 0;
    for await (const n of map(
      inputs,
      async (n: number, ctx) => {
        live.enter();
        started++;
        try {
          if (n === 0) return n;
          await untilAborted(ctx.signal);
          reasons.push(ctx.signal.reason);
          return n;
        } finally {
          live.leave();
        }
      },
      { concurrency: 4 },
    )) {
      expect(n).toBe(0);
      break;
    }
    expect(returned).toBe(true);
    await tick();
    // Every task but the first was still running: each saw its signal abort.
    expect(started).toBeGreaterThanOrEqual(4);
    expect(started).toBeLessThanOrEqual(8);
    expect(reasons).toHaveLength(started - 1);
    for (const reason of reasons) expect((reason as Error).name).toBe('AbortError');
    expect(live.now).toBe(0);
  });

  it('a failure aborts the other running tasks and closes the input', async () => {
    let finallyRan = false;
    function* inputs() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finallyRan = true;
      }
    }
    let abortedSiblings = 0;
    const error = new Error('bad input');
    const result = await settle(
      (async () => {
        for await (const _ of map(
          inputs(),
          async (n: number, ctx) => {
            if (n === 0) {
              await sleep(5);
              throw error;
            }
            await untilAborted(ctx.signal);
            abortedSiblings++;
          },
          { concurrency: 3 },
        ));
      })(),
    );
    expect(result).toEqual({ ok: false, error });
    expect(finallyRan).toBe(true);
    await tick();
    expect(abortedSiblings).toBe(2);
  });

  it('abort while waiting for a task throws an AbortError with the reason as cause', async () => {
    const controller = new AbortController();
    const reason = new Error('user');
    const seen: number[] = [];
    const iterate = async () => {
      for await (const n of map(
        [1, 2, 3],
        async (n: number, ctx) => {
          if (n === 1) return n;
          await untilAborted(ctx.signal);
          return n;
        },
        { concurrency: 3, signal: controller.signal },
      )) {
        seen.push(n);
        setTimeout(() => controller.abort(reason), 10);
      }
    };
    const result = await settle(iterate());
    expect(seen).toEqual([1]);
    const error = (result as { error: Error & { cause?: unknown } }).error;
    expect(error.name).toBe('AbortError');
    expect(error.cause).toBe(reason);
  });

  it('an already aborted signal throws at the first next() and reads nothing', async () => {
    let read = 0;
    function* inputs() {
      read++;
      yield 1;
    }
    const result = await settle(
      (async () => {
        for await (const _ of map(inputs(), (n: number) => n, { signal: AbortSignal.abort() }));
      })(),
    );
    expect((result as { error: Error }).error.name).toBe('AbortError');
    expect(read).toBe(0);
  });

  it('abort ends the iteration even while the input is stuck in next() (regression)', async () => {
    // Before the fix map() awaited the input's next() without watching the signal, so an
    // input waiting for data that never came could not be cancelled.
    const controller = new AbortController();
    const never = deferred<number>();
    let finallyRan = false;
    async function* inputs() {
      try {
        yield 1;
        yield await never.promise;
      } finally {
        finallyRan = true;
      }
    }
    const seen: number[] = [];
    const done = settle(
      (async () => {
        for await (const n of map(inputs(), (n: number) => n, {
          concurrency: 2,
          signal: controller.signal,
        })) {
          seen.push(n);
        }
      })(),
    );
    await sleep(10);
    controller.abort();
    const result = await Promise.race([done, sleep(2000).then(() => 'hung' as const)]);
    expect(result).not.toBe('hung');
    expect(((result as { error: Error }).error as Error).name).toBe('AbortError');
    expect(seen).toEqual([1]);
    // The generator's finally runs once its pending step settles.
    never.resolve(2);
    await tick();
    expect(finallyRan).toBe(true);
  });

  it('abort with a backend rejects the running tasks through the backend', async () => {
    const controller = new AbortController();
    const backend = new InlineBackend((_n: number, ctx) => untilAborted(ctx.signal).then(() => 'late'), {
      concurrency: 2,
    });
    const iterate = async () => {
      for await (const _ of map([1, 2, 3, 4], backend, { signal: controller.signal }));
    };
    const running = settle(iterate());
    await sleep(10);
    controller.abort();
    expect(((await running) as { error: Error }).error.name).toBe('AbortError');
    // The backend's slots were released: it still runs new work.
    const fresh = new AbortController();
    const late = backend.run(9, { signal: fresh.signal });
    fresh.abort();
    await expect(late).rejects.toMatchObject({ name: 'AbortError' });
  });
});
