import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pool } from '../src/index.js';
import { addsUp, gatedExecutor, tick } from './helpers.js';

describe('regressions: a signal shared by many tasks', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('one AbortSignal shared by 10 000 waiting tasks gets one listener and no MaxListenersExceededWarning', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1, capacity: 20_000 });
    const first = pool.submit(-1);
    const controller = new AbortController();
    const { signal } = controller;
    const waiting = Array.from({ length: 10_000 }, (_, i) => pool.submit(i, { signal }));
    await tick();
    await tick();
    expect(pool.stats).toMatchObject({ running: 1, waiting: 10_000 });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

    controller.abort();
    const settled = await Promise.allSettled(waiting);
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as Error).name === 'AbortError')).toBe(
      true,
    );
    expect(pool.stats).toMatchObject({ submitted: 10_001, waiting: 0, running: 1, cancelled: 10_000 });
    expect(addsUp(pool.stats)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    gated.releaseAll();
    expect(await first).toBe(-1);
    await pool.close();
    expect(addsUp(pool.stats)).toBe(true);
    await tick();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('tasks each with their own signal leave no listener behind after they settle', async () => {
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, concurrency: 1 });
    const controllers = [0, 1, 2, 3].map(() => new AbortController());
    const results = controllers.map((c, i) => pool.submit(i, { signal: c.signal }).catch((e) => e.name));
    await tick();
    expect(controllers.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([1, 1, 1, 1]);
    controllers[2].abort(); // cancelled while waiting
    await tick();
    expect(getEventListeners(controllers[2].signal, 'abort')).toHaveLength(0);
    gated.releaseAll(); // 0 succeeds
    await tick();
    controllers[1].abort(); // cancelled while running
    await tick();
    gated.releaseAll(); // 3 succeeds
    await tick();
    gated.releaseAll();
    expect(await Promise.all(results)).toEqual([0, 'AbortError', 'AbortError', 3]);
    await pool.close();
    expect(controllers.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([0, 0, 0, 0]);
    expect(pool.stats).toMatchObject({ succeeded: 2, cancelled: 2 });
  });
});
