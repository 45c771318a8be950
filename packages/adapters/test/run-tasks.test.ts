import { describe, expect, it } from 'vitest';
import { PiscinaBackend } from '../src/index.js';
import { backend, never, rejection, TASKS, TYPED } from './helpers.js';

describe('PiscinaBackend runs tasks on worker threads', () => {
  it('runs the default export when no task is named', async () => {
    expect(await backend().run(21, { signal: never() })).toBe(42);
  });

  it('runs the named export a task asks for, sync or async', async () => {
    const b = backend();
    expect(await b.run({ a: 2, b: 3 }, { signal: never(), task: 'add' })).toBe(5);
    expect(await b.run({ ms: 5, value: 'late' }, { signal: never(), task: 'sleepThen' })).toBe('late');
  });

  it('runs tasks on threads other than the main one', async () => {
    const id = await backend().run(undefined, { signal: never(), task: 'whoAmI' });
    expect(id).toBeGreaterThan(0);
  });

  it('refuses run options without a signal (the contract requires one; pass neverAborted for none)', async () => {
    const b = backend();
    await expect(b.run(4, {} as { signal: AbortSignal })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: expect.stringMatching(/signal must be an AbortSignal/),
    });
  });

  it('loads a worker module written in TypeScript', async () => {
    const b = new PiscinaBackend({ filename: TYPED, threads: 1 });
    try {
      expect(await b.run({ x: 3, y: 4 }, { signal: never() })).toBe(5);
      expect(await b.run('ada', { signal: never(), task: 'greet' })).toBe('hello, ada');
    } finally {
      await b.close();
    }
  });

  it('accepts the module as a file: URL', async () => {
    const b = backend({ filename: new URL('./fixtures/tasks.mjs', import.meta.url) });
    expect(await b.run(1, { signal: never() })).toBe(2);
  });

  it('rejects with a TypeError naming the task when the module has no such function', async () => {
    const b = backend();
    const missing = await rejection(b.run(1, { signal: never(), task: 'nope' }));
    expect(missing).toBeInstanceOf(TypeError);
    expect(missing.message).toContain('"nope"');
    const notFunction = await rejection(b.run(1, { signal: never(), task: 'notAFunction' }));
    expect(notFunction).toBeInstanceOf(TypeError);
    // the backend is still usable
    expect(await b.run(1, { signal: never() })).toBe(2);
  });

  it('rejects every task with the import error when the module cannot be loaded', async () => {
    const b = backend({ filename: `${TASKS}.missing.mjs`, threads: 1 });
    const error = await rejection(b.run(1, { signal: never() }));
    expect(error.code).toBe('ERR_MODULE_NOT_FOUND');
    expect((await rejection(b.run(1, { signal: never() }))).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('reports concurrency as threads × concurrentTasksPerWorker', () => {
    expect(backend({ threads: 2 }).concurrency).toBe(2);
    expect(backend({ threads: 2, concurrentTasksPerWorker: 3 }).concurrency).toBe(6);
    expect(backend({ threads: 1, minThreads: 0 }).name).toBe('piscina');
  });

  it('runs concurrentTasksPerWorker tasks at once on one thread, even with signals', async () => {
    const b = backend({ threads: 1, concurrentTasksPerWorker: 4 });
    const signal = never();
    const most = await Promise.all([1, 2, 3, 4].map(() => b.run(200, { signal, task: 'overlap' })));
    expect(Math.max(...(most as number[]))).toBe(4);
  });

  it('rejects a value that cannot be cloned with DataCloneError, not as a crash', async () => {
    const b = backend();
    const error = await rejection(b.run(() => 1, { signal: never() }));
    expect(error.name).toBe('DataCloneError');
    expect(await b.run(2, { signal: never() })).toBe(4);
  });
});
