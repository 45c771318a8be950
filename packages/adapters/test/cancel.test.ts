import { isAbortError, TaskTimeoutError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend, never, rejection } from './helpers.js';

describe('an aborted or timed-out task has its worker terminated', () => {
  it('rejects an endless loop with the TaskTimeoutError of its signal, and the pool goes on', async () => {
    const b = backend({ threads: 1 });
    const before = await b.run(undefined, { signal: never(), task: 'whoAmI' });
    const controller = new AbortController();
    const running = b.run(undefined, { signal: controller.signal, task: 'spin' });
    setTimeout(() => controller.abort(new TaskTimeoutError(50)), 50);
    const error = await rejection(running);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error.code).toBe('ERR_TASK_TIMEOUT');
    // The only thread was stuck in the loop: an answer now means it was replaced.
    const after = await b.run(undefined, { signal: never(), task: 'whoAmI' });
    expect(after).not.toBe(before);
  });

  it('rejects an aborted running task with an AbortError carrying the reason', async () => {
    const b = backend({ threads: 1 });
    const controller = new AbortController();
    const running = b.run(undefined, { signal: controller.signal, task: 'spin' });
    setTimeout(() => controller.abort('user gave up'), 30);
    const error = await rejection(running);
    expect(isAbortError(error)).toBe(true);
    expect(error.cause).toBe('user gave up');
    expect(await b.run(3, { signal: never() })).toBe(6);
  });

  it('rejects at once, without running it, when the signal is already aborted', async () => {
    const b = backend({ threads: 1 });
    const error = await rejection(b.run(1, { signal: AbortSignal.abort() }));
    expect(isAbortError(error)).toBe(true);
    const timeout = new TaskTimeoutError(10);
    const controller = new AbortController();
    controller.abort(timeout);
    expect(await rejection(b.run(1, { signal: controller.signal }))).toBe(timeout);
  });

  it('cancels a task still waiting in piscina without touching the busy thread', async () => {
    const b = backend({ threads: 1 });
    const busy = b.run({ ms: 300, value: 'done' }, { signal: never(), task: 'sleepThen' });
    const controller = new AbortController();
    const waiting = b.run(undefined, { signal: controller.signal, task: 'spin' });
    controller.abort();
    expect(isAbortError(await rejection(waiting))).toBe(true);
    // the queued endless loop never runs: the thread finishes its task and stays responsive
    expect(await busy).toBe('done');
    expect(await b.run(4, { signal: never() })).toBe(8);
  });

  it('aborting one task leaves a task on another thread alone', async () => {
    const b = backend({ threads: 2 });
    const controller = new AbortController();
    const other = b.run({ ms: 300, value: 'kept' }, { signal: never(), task: 'sleepThen' });
    const doomed = b.run(undefined, { signal: controller.signal, task: 'spin' });
    setTimeout(() => controller.abort(), 50);
    expect(isAbortError(await rejection(doomed))).toBe(true);
    expect(await other).toBe('kept');
  });

  it('a finished task ignores a later abort of its signal', async () => {
    const b = backend({ threads: 1 });
    const controller = new AbortController();
    expect(await b.run(2, { signal: controller.signal })).toBe(4);
    controller.abort();
    expect(await b.run(3, { signal: never() })).toBe(6);
  });
});
