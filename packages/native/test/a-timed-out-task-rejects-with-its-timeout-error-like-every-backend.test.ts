import { isAbortError, TaskStartTimeoutError, TaskTimeoutError } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend } from '../src/index.js';
import { rejection } from './helpers.js';

/** A spin pair of roughly `ms` milliseconds (≈ 8 ns per step). */
function spinPair(ms: number): [number, number] {
  const steps = (ms * 1e6) / 8;
  return [1e300, Math.exp(Math.log(1e300) / steps)];
}

// Regression (issue 19): NativeBackend wrapped a Pool's TaskTimeoutError in an AbortError, while
// every other backend rejected with it as it is. All of them now go through core's abortReason.
describe('a timed-out native task rejects with its timeout error, like every backend', () => {
  it('rejects a running task with the TaskTimeoutError its signal aborted with', async () => {
    const backend = new NativeBackend<[number, number], number>({ kernel: 'spin' });
    const controller = new AbortController();
    const running = backend.run(spinPair(2000), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const timeout = new TaskTimeoutError(50);
    controller.abort(timeout);
    expect(await rejection(running)).toBe(timeout);
    await backend.close();
  });

  it('rejects an already aborted task, alone or in a batch, with the TaskStartTimeoutError as it is', async () => {
    const backend = new NativeBackend<number, number>({ kernel: 'square' });
    const controller = new AbortController();
    const startTimeout = new TaskStartTimeoutError(10);
    controller.abort(startTimeout);
    expect(await rejection(backend.run(3, { signal: controller.signal }))).toBe(startTimeout);
    const [result] = await backend.runMany([{ input: 3, options: { signal: controller.signal } }]);
    expect(result).toEqual({ status: 'rejected', reason: startTimeout });
    await backend.close();
  });

  it('still rejects with an AbortError for any other reason', async () => {
    const backend = new NativeBackend<number, number>({ kernel: 'square' });
    const controller = new AbortController();
    controller.abort('stop');
    const error = await rejection(backend.run(3, { signal: controller.signal }));
    expect(isAbortError(error)).toBe(true);
    expect((error as { cause?: unknown }).cause).toBe('stop');
    await backend.close();
  });
});
