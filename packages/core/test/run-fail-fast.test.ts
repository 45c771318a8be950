import { describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { deferred, Gauge, settle, sleep, untilAborted } from './fork-join-helpers.js';

describe('run() with failFast (errgroup semantics)', () => {
  it('rejects with the first error, aborts the running siblings and cancels the waiting ones', async () => {
    const error = Object.assign(new Error('first failure'), { code: 'E_FIRST' });
    const siblingReasons: unknown[] = [];
    const started: number[] = [];
    const outcomes: Array<{ input: number; ok: boolean }> = [];
    const result = await settle(
      run({
        producer: Array.from({ length: 20 }, (_, i) => i),
        concurrency: 4,
        failFast: true,
        executor: async (n: number, ctx) => {
          started.push(n);
          if (n === 2) {
            await sleep(10);
            throw error;
          }
          await untilAborted(ctx.signal);
          siblingReasons.push(ctx.signal.reason);
          throw ctx.signal.reason;
        },
        collector: (o) => {
          outcomes.push({ input: o.input, ok: o.ok });
        },
      }),
    );
    expect(result).toEqual({ ok: false, error });
    expect((result as { error: { code: string } }).error.code).toBe('E_FIRST');
    // The three siblings that were running saw their signal abort; no other task started.
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(siblingReasons).toHaveLength(3);
    for (const reason of siblingReasons) expect((reason as Error).name).toBe('AbortError');
    // Every input still gets exactly one outcome, and only n = 2 ... none succeeded.
    expect(outcomes.map((o) => o.input).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(outcomes.some((o) => o.ok)).toBe(false);
  });

  it('waits for the running siblings to return before it rejects (regression)', async () => {
    // Before the fix run() rejected while cancelled executors were still cleaning up.
    const live = new Gauge();
    const result = await settle(
      run({
        producer: [0, 1, 2, 3],
        concurrency: 4,
        failFast: true,
        executor: async (n: number, ctx) => {
          live.enter();
          try {
            if (n === 0) {
              await sleep(5);
              throw new Error('boom');
            }
            await untilAborted(ctx.signal);
            await sleep(30); // cleanup after the abort
          } finally {
            live.leave();
          }
        },
      }),
    );
    expect(result.ok).toBe(false);
    expect(live.now).toBe(0);
    expect(live.max).toBe(4);
  });

  it('stops the producer after the first failure', async () => {
    let produced = 0;
    let finallyRan = false;
    const result = await settle(
      run({
        producer: function* () {
          try {
            for (let i = 0; ; i++) {
              produced++;
              yield i;
            }
          } finally {
            finallyRan = true;
          }
        },
        concurrency: 2,
        queue: undefined,
        failFast: true,
        executor: async (n: number) => {
          await sleep(1);
          if (n === 5) throw new Error('five');
        },
      }),
    );
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error.message).toBe('five');
    expect(finallyRan).toBe(true);
    expect(produced).toBeLessThan(5000);
  });

  it('a failure after another is not reported instead of the first', async () => {
    const first = new Error('first');
    const gate = deferred();
    const result = await settle(
      run({
        producer: [1, 2],
        concurrency: 2,
        failFast: true,
        executor: async (n: number) => {
          if (n === 1) {
            gate.resolve();
            throw first;
          }
          await gate.promise;
          await sleep(5);
          throw new Error('second');
        },
      }),
    );
    expect(result).toEqual({ ok: false, error: first });
  });

  it('without failFast, failures are counted and run() resolves', async () => {
    const summary = await run({
      producer: Array.from({ length: 10 }, (_, i) => i),
      concurrency: 3,
      executor: async (n: number) => {
        await sleep(1);
        if (n % 3 === 0) throw new Error(`bad ${n}`);
        return n;
      },
    });
    expect(summary).toMatchObject({ succeeded: 6, failed: 4, cancelled: 0 });
  });

  it('a producer that throws makes run() reject with its error, with or without failFast', async () => {
    for (const failFast of [false, true]) {
      const error = new Error('producer broke');
      let ran = 0;
      const result = await settle(
        run({
          producer: function* () {
            yield 1;
            yield 2;
            throw error;
          },
          failFast,
          executor: () => {
            ran++;
          },
        }),
      );
      expect(result).toEqual({ ok: false, error });
      expect(ran).toBeLessThanOrEqual(2);
    }
  });
});
