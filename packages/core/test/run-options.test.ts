import { describe, expect, it, vi } from 'vitest';
import { type Backend, InlineBackend, run } from '../src/index.js';
import { Gauge, settle, sleep } from './fork-join-helpers.js';

const executor = (n: number) => n;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const result = await settle(promise);
  expect(result.ok).toBe(false);
  return (result as { error: Error }).error;
}

describe('run() checks its options and names the bad one', () => {
  it('concurrency 0 is a RangeError naming concurrency and 0', async () => {
    const error = await rejection(run({ producer: [1], executor, concurrency: 0 }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain('concurrency');
    expect(error.message).toContain('0');
  });

  it('a non-number concurrency is a TypeError', async () => {
    const error = await rejection(run({ producer: [1], executor, concurrency: '4' as unknown as number }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('concurrency');
  });

  it('producer 42 is a TypeError naming producer and 42', async () => {
    const error = await rejection(run({ producer: 42 as unknown as number[], executor }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('producer');
    expect(error.message).toContain('42');
  });

  it("collector 'x' is a TypeError naming collector and the value", async () => {
    const error = await rejection(run({ producer: [1], executor, collector: 'x' as unknown as () => void }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('collector');
    expect(error.message).toContain('"x"');
  });

  it('an object without collect() is not a collector', async () => {
    const error = await rejection(run({ producer: [1], executor, collector: {} as unknown as () => void }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('collector');
  });

  it('failFast must be a boolean', async () => {
    const error = await rejection(run({ producer: [1], executor, failFast: 'yes' as unknown as boolean }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('failFast');
  });

  it('signal must be an AbortSignal', async () => {
    const error = await rejection(run({ producer: [1], executor, signal: {} as AbortSignal }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('signal');
  });

  it('needs exactly one of executor and backend', async () => {
    const backend = new InlineBackend(executor);
    expect(await rejection(run({ producer: [1] } as never))).toBeInstanceOf(TypeError);
    expect(await rejection(run({ producer: [1], executor, backend }))).toBeInstanceOf(TypeError);
  });

  it('a backend without run() is a TypeError naming backend', async () => {
    const error = await rejection(
      run({ producer: [1], backend: { concurrency: 1 } as unknown as Backend<number, number> }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('backend');
  });

  it('a missing config is a TypeError, and nothing runs for a bad one', async () => {
    expect(await rejection(run(undefined as never))).toBeInstanceOf(TypeError);
    let ran = 0;
    await rejection(run({ producer: [1], executor: () => ran++, concurrency: -1 }));
    expect(ran).toBe(0);
  });
});

describe('run() with a backend', () => {
  it('runs the tasks on it with its concurrency by default', async () => {
    const gauge = new Gauge();
    const backend = new InlineBackend(
      async (n: number) => {
        gauge.enter();
        await sleep(2);
        gauge.leave();
        return n + 1;
      },
      { concurrency: 3 },
    );
    let sum = 0;
    await run({
      producer: Array.from({ length: 30 }, (_, i) => i),
      backend,
      collector: (o) => void (o.ok && (sum += o.value)),
    });
    expect(sum).toBe(465);
    expect(gauge.max).toBe(3);
  });

  it("leaves the caller's backend open, so it can run again (regression)", async () => {
    // Before the fix run() closed the backend it was given, like a Pool that owns its backend.
    let closed = 0;
    const inner = new InlineBackend((n: number) => n * 3, { concurrency: 2 });
    const backend: Backend<number, number> = {
      name: 'counting',
      concurrency: 2,
      run: (input, options) => inner.run(input, options),
      close: async () => {
        closed++;
      },
    };
    expect((await run({ producer: [1, 2], backend })).succeeded).toBe(2);
    expect((await run({ producer: [3, 4], backend })).succeeded).toBe(2);
    expect(closed).toBe(0);
    expect(await inner.run(5, { signal: new AbortController().signal })).toBe(15);
    await run({ producer: [1], backend: inner });
    expect(await inner.run(6, { signal: new AbortController().signal })).toBe(18);
  });

  it('two runs sharing one InlineBackend never exceed its concurrency', async () => {
    const gauge = new Gauge();
    const backend = new InlineBackend(
      async () => {
        gauge.enter();
        await sleep(2);
        gauge.leave();
      },
      { concurrency: 2 },
    );
    const items = Array.from({ length: 20 }, (_, i) => i);
    await Promise.all([run({ producer: items, backend }), run({ producer: items, backend })]);
    expect(gauge.max).toBe(2);
  });

  it('a run with a full queue emits no MaxListenersExceededWarning', async () => {
    // Every queued task listens to the run's signal: hundreds of listeners, none leaked.
    const warnings = vi.spyOn(process, 'emitWarning');
    try {
      await run({
        producer: Array.from({ length: 200 }, (_, i) => i),
        executor: () => sleep(1),
        concurrency: 2,
      });
      const names = warnings.mock.calls.map((call) => String(call[0]));
      expect(names.filter((text) => text.includes('MaxListenersExceeded'))).toEqual([]);
    } finally {
      warnings.mockRestore();
    }
  });
});
