import { describe, expect, it } from 'vitest';
import { isAbortError, PoolStoppedError, TaskStartTimeoutError, TaskTimeoutError } from '../src/errors.js';
import { abortReason } from '../src/kit/index.js';

const abortedWith = (reason?: unknown) => {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
};

describe('abortReason passes a Pool’s timeouts through and turns the rest into AbortErrors', () => {
  it('gives a TaskTimeoutError or TaskStartTimeoutError reason back as it is', () => {
    const timeout = new TaskTimeoutError(50);
    const startTimeout = new TaskStartTimeoutError(20);
    expect(abortReason(abortedWith(timeout))).toBe(timeout);
    expect(abortReason(abortedWith(startTimeout))).toBe(startTimeout);
  });

  it('recognises a timeout by its code, so one from another copy of core passes too', () => {
    const foreign = Object.assign(new Error('the task did not finish'), { code: 'ERR_TASK_TIMEOUT' });
    expect(abortReason(abortedWith(foreign))).toBe(foreign);
  });

  it('wraps any other reason in an AbortError whose cause is the reason', () => {
    for (const reason of [new PoolStoppedError(), 'user said stop', { code: 'ERR_TASK_TIMEOUT' }]) {
      const error = abortReason(abortedWith(reason));
      expect(isAbortError(error)).toBe(true);
      expect((error as { cause?: unknown }).cause).toBe(reason);
    }
    // abort() with no argument: the signal's own AbortError DOMException is the cause.
    const plain = abortReason(abortedWith());
    expect(isAbortError(plain)).toBe(true);
  });

  it('never throws, even for a reason whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(isAbortError(abortReason(abortedWith(hostile)))).toBe(true);
  });
});
