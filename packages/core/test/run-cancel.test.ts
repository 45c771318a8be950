import { describe, expect, it } from 'vitest';
import { ChannelQueue, run } from '../src/index.js';
import { Gauge, settle, sleep, untilAborted } from './fork-join-helpers.js';

describe('run() with a signal', () => {
  it('abort rejects with an AbortError, aborts running tasks, and leaves nothing running', async () => {
    const controller = new AbortController();
    const live = new Gauge();
    let aborted = 0;
    let producerFinally = false;
    const running = run({
      producer: function* () {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          producerFinally = true;
        }
      },
      concurrency: 3,
      signal: controller.signal,
      executor: async (_n: number, ctx) => {
        live.enter();
        try {
          await untilAborted(ctx.signal);
          aborted++;
          await sleep(10);
        } finally {
          live.leave();
        }
      },
    });
    await sleep(30);
    expect(live.now).toBe(3);
    controller.abort(new Error('user cancelled'));
    const result = await settle(running);
    expect(result.ok).toBe(false);
    const error = (result as { error: Error & { cause?: unknown } }).error;
    expect(error.name).toBe('AbortError');
    expect((error.cause as Error).message).toBe('user cancelled');
    expect(aborted).toBe(3);
    expect(live.now).toBe(0);
    expect(producerFinally).toBe(true);
  });

  it('abort while the producer is blocked on a full queue ends the run', async () => {
    const controller = new AbortController();
    let emitted = 0;
    let emitRejected: unknown;
    const running = run<number, void>({
      producer: {
        async produce(emit) {
          try {
            for (let i = 0; ; i++) {
              await emit(i);
              emitted++;
            }
          } catch (error) {
            emitRejected = error;
            throw error;
          }
        },
      },
      queue: new ChannelQueue({ capacity: 2 }),
      concurrency: 1,
      signal: controller.signal,
      executor: (_n: number, ctx) => untilAborted(ctx.signal),
    });
    await sleep(20);
    const before = emitted;
    expect(before).toBeLessThanOrEqual(3);
    controller.abort();
    const result = await settle(running);
    expect((result as { error: Error }).error.name).toBe('AbortError');
    expect(emitRejected).toBeDefined();
    expect(emitted).toBe(before);
  });

  it('an already aborted signal rejects with an AbortError and runs nothing', async () => {
    let ran = 0;
    const result = await settle(
      run({
        producer: [1, 2, 3],
        signal: AbortSignal.abort(),
        executor: () => {
          ran++;
        },
      }),
    );
    expect((result as { error: Error }).error.name).toBe('AbortError');
    expect(ran).toBe(0);
  });

  it('counts the tasks it cancelled', async () => {
    const controller = new AbortController();
    const outcomes: boolean[] = [];
    const running = run({
      producer: Array.from({ length: 10 }, (_, i) => i),
      concurrency: 2,
      signal: controller.signal,
      executor: (_n: number, ctx) => untilAborted(ctx.signal),
      collector: (o) => {
        outcomes.push(o.ok);
      },
    });
    await sleep(10);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    // Every input is handed to the collector once, as a failure.
    expect(outcomes).toEqual(Array(10).fill(false));
  });

  it('a signal that never aborts changes nothing, and run() removes its listener', async () => {
    const controller = new AbortController();
    const summary = await run({ producer: [1, 2, 3], executor: (n: number) => n, signal: controller.signal });
    expect(summary.succeeded).toBe(3);
    // Aborting later must not throw or touch the finished run.
    controller.abort();
  });
});
