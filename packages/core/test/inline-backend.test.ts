import { describe, expect, it } from 'vitest';
import { InlineBackend } from '../src/index.js';
import { deferred, Gauge, settle, sleep, tick, untilAborted } from './fork-join-helpers.js';

const never = () => new AbortController().signal;

describe('InlineBackend', () => {
  it('runs at most concurrency tasks at once when run() is called more often, and all finish', async () => {
    const gauge = new Gauge();
    const backend = new InlineBackend(
      async (n: number) => {
        gauge.enter();
        await sleep(n % 3);
        gauge.leave();
        return n * 2;
      },
      { concurrency: 3 },
    );
    const inputs = Array.from({ length: 30 }, (_, i) => i);
    const results = await Promise.all(inputs.map((n) => backend.run(n, { signal: never() })));
    expect(results).toEqual(inputs.map((n) => n * 2));
    expect(gauge.max).toBe(3);
  });

  it('a call arriving while a freed slot is handed over does not get a slot too (regression)', async () => {
    // Before the fix the waiter took its slot only when it resumed; a run() in between saw the
    // slot free and concurrency + 1 tasks ran. Try every interleaving depth.
    for (let depth = 0; depth < 12; depth++) {
      const gauge = new Gauge();
      const first = deferred();
      const backend = new InlineBackend(
        async (name: string) => {
          gauge.enter();
          try {
            await (name === 'first' ? first.promise : sleep(2));
          } finally {
            gauge.leave();
          }
        },
        { concurrency: 1 },
      );
      const a = backend.run('first', { signal: never() });
      const b = backend.run('waiter', { signal: never() });
      await tick();
      first.resolve();
      let chain = Promise.resolve();
      for (let i = 0; i < depth; i++) chain = chain.then(() => {});
      await chain;
      const c = backend.run('late', { signal: never() });
      await Promise.all([a, b, c]);
      expect({ depth, max: gauge.max }).toEqual({ depth, max: 1 });
    }
  });

  it('abort while waiting for a slot rejects with an AbortError and never runs the task', async () => {
    const ran: string[] = [];
    const release = deferred();
    const backend = new InlineBackend(
      async (name: string) => {
        ran.push(name);
        if (name === 'busy') await release.promise;
        return name;
      },
      { concurrency: 1 },
    );
    const busy = backend.run('busy', { signal: never() });
    const controller = new AbortController();
    const waiting = backend.run('waiting', { signal: controller.signal });
    const after = backend.run('after', { signal: never() });
    await tick();
    controller.abort(new Error('gave up'));
    const result = await settle(waiting);
    expect(result.ok).toBe(false);
    expect((result as { error: Error }).error.name).toBe('AbortError');
    release.resolve();
    expect(await busy).toBe('busy');
    // The aborted waiter left the line: the next one gets the slot.
    expect(await after).toBe('after');
    expect(ran).toEqual(['busy', 'after']);
  });

  it('abort just after a slot is handed over rejects promptly (regression)', async () => {
    // Before the fix the hand-over removed the abort listener, and a signal that aborted before
    // the waiter resumed was never noticed: run() waited for the task to finish on its own.
    for (let depth = 0; depth < 12; depth++) {
      const first = deferred();
      const backend = new InlineBackend(
        async (name: string, ctx) => {
          if (name === 'first') return first.promise;
          await Promise.race([untilAborted(ctx.signal), sleep(5000)]);
          return 'finished on its own';
        },
        { concurrency: 1 },
      );
      const a = backend.run('first', { signal: never() });
      const controller = new AbortController();
      const b = settle(backend.run('waiter', { signal: controller.signal }));
      await tick();
      first.resolve();
      let chain = Promise.resolve();
      for (let i = 0; i < depth; i++) chain = chain.then(() => {});
      await chain;
      controller.abort();
      const result = await Promise.race([b, sleep(1000).then(() => 'hung' as const)]);
      expect({ depth, name: (result as { error?: Error }).error?.name }).toEqual({
        depth,
        name: 'AbortError',
      });
      await a;
    }
  });

  it('abort while running rejects at once even if the executor ignores its signal', async () => {
    const backend = new InlineBackend(() => sleep(300), { concurrency: 1 });
    const controller = new AbortController();
    const running = settle(backend.run(1, { signal: controller.signal }));
    await tick();
    const t0 = performance.now();
    controller.abort();
    const result = await running;
    expect((result as { error: Error }).error.name).toBe('AbortError');
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('after close(), run() rejects with PoolClosedError', async () => {
    const backend = new InlineBackend((n: number) => n, { concurrency: 1 });
    await backend.close();
    await expect(backend.run(1, { signal: never() })).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
  });

  it('checks its options and names the bad one', () => {
    expect(() => new InlineBackend('x' as never)).toThrow(/executor/);
    expect(() => new InlineBackend((n: number) => n, { concurrency: 0 })).toThrow(RangeError);
    expect(() => new InlineBackend((n: number) => n, { concurrency: 0 })).toThrow(/concurrency.*0/);
    expect(() => new InlineBackend((n: number) => n, { name: '' })).toThrow(/name/);
    expect(new InlineBackend((n: number) => n, { concurrency: Number.POSITIVE_INFINITY }).concurrency).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(new InlineBackend((n: number) => n, { name: 'mine' }).name).toBe('mine');
  });

  it('run() without a signal in its options is a TypeError', async () => {
    const backend = new InlineBackend((n: number) => n);
    await expect(backend.run(1, {} as never)).rejects.toThrow(TypeError);
  });
});
