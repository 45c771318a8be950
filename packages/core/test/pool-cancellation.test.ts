import { describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { deferred, resolveAfter, sleep, tick, track } from './helpers.js';

describe('per-task cancellation', () => {
  it('aborting a waiting task cancels it; it never runs', async () => {
    const gate = deferred();
    const ran: number[] = [];
    const pool = new Pool<number, number>({
      executor: async (n) => {
        ran.push(n);
        await gate.promise;
        return n;
      },
      concurrency: 1,
    });
    const controller = new AbortController();
    const first = pool.submit(1);
    const second = track(pool.submit(2, { signal: controller.signal }));
    await tick();
    controller.abort(new Error('no longer needed'));
    await tick();
    expect(second.state).toBe('rejected');
    expect(second.error.name).toBe('AbortError');
    expect(pool.stats).toMatchObject({ waiting: 0, running: 1, cancelled: 1 });
    gate.resolve();
    expect(await first).toBe(1);
    await pool.close();
    expect(ran).toEqual([1]);
  });

  it('aborting a running task rejects it at once with an AbortError and aborts its context', async () => {
    let contextSignal: AbortSignal | undefined;
    const pool = new Pool<number, number>({
      executor: (_n, ctx) => {
        contextSignal = ctx.signal;
        return new Promise(() => {}); // never settles by itself
      },
    });
    const controller = new AbortController();
    const result = track(pool.submit(1, { signal: controller.signal }));
    await tick();
    expect(pool.stats.running).toBe(1);
    controller.abort();
    await tick();
    expect(result.error?.name).toBe('AbortError');
    expect(contextSignal?.aborted).toBe(true);
    expect(pool.stats).toMatchObject({ running: 0, cancelled: 1 });
    await pool.close();
  });

  it('a submit waiting for room that is aborted rejects and is never accepted', async () => {
    const gate = deferred();
    const pool = new Pool<number, number>({
      executor: (n) => resolveAfter(gate.promise, n),
      concurrency: 1,
      capacity: 1,
    });
    pool.submit(1);
    pool.submit(2);
    await tick();
    const controller = new AbortController();
    const blocked = track(pool.submit(3, { signal: controller.signal }));
    await tick();
    controller.abort();
    await tick();
    expect(blocked.error?.name).toBe('AbortError');
    expect(pool.stats.submitted).toBe(2);
    gate.resolve();
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 2, succeeded: 2, cancelled: 0 });
  });

  it('an already-aborted signal rejects at once and nothing is accepted', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    await expect(pool.submit(1, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(pool.stats.submitted).toBe(0);
    await pool.close();
  });
});

describe('events and onIdle', () => {
  it("emits 'drain' when nothing waits and 'idle' when nothing waits or runs", async () => {
    const pool = new Pool<number, number>({ executor: (n) => resolveAfter(sleep(3), n), concurrency: 1 });
    const events: string[] = [];
    pool.on('drain', () => events.push(`drain(running=${pool.stats.running})`));
    pool.on('idle', () => events.push(`idle(running=${pool.stats.running})`));
    await Promise.all([pool.submit(1), pool.submit(2), pool.submit(3)]);
    await tick();
    expect(events).toEqual(['drain(running=1)', 'idle(running=0)']);
    await pool.close();
  });

  it('onIdle resolves when all accepted work has finished, and at once when idle', async () => {
    const pool = new Pool<number, number>({ executor: (n) => resolveAfter(sleep(5), n), concurrency: 2 });
    await pool.onIdle();
    const results = [1, 2, 3, 4, 5].map((n) => track(pool.submit(n)));
    await pool.onIdle();
    await tick();
    expect(results.every((r) => r.state === 'fulfilled')).toBe(true);
    expect(pool.state).toBe('open');
    await pool.close();
  });
});

describe('regressions', () => {
  it('a waiting task whose shared signal aborted never starts when cancelling a running one frees its slot', async () => {
    const started: string[] = [];
    const pool = new Pool<string, unknown>({
      concurrency: 1,
      executor: (name, ctx) => {
        started.push(name);
        return new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      },
    });
    const controller = new AbortController();
    const running = pool.submit('running', { signal: controller.signal }).catch((e) => e.name);
    const waiting = pool.submit('waiting', { signal: controller.signal }).catch((e) => e.name);
    await tick();
    controller.abort();
    expect(await running).toBe('AbortError');
    expect(await waiting).toBe('AbortError');
    expect(started).toEqual(['running']);
    expect(pool.stats).toMatchObject({ cancelled: 2, succeeded: 0 });
    await pool.close();
  });
});
