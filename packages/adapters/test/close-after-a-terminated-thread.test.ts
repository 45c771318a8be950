import { neverAborted, Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend, never } from './helpers.js';

/**
 * The rounds of one test: up to 200, but once `least` rounds ran, only while the test is inside its
 * time budget. Each round starts a thread and waits out a timeout (≈ 0.2 s on a quiet machine,
 * 0.3 s and more under CI's load): a fixed count let a loaded run pass the test's own timeout.
 */
function* rounds(least: number, budgetMs = 60_000): Generator<number> {
  const start = performance.now();
  for (let round = 0; round < 200; round++) {
    if (round >= least && performance.now() - start > budgetMs) return;
    yield round;
  }
}

/** Resolves with 'settled' or 'pending' after `ms`: a hang becomes a failed assertion, not a stuck test. */
function within<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('close() after a thread was terminated (regression: it stayed pending forever)', () => {
  // One thread; A times out (its thread is terminated), B is aborted a few ms after A failed,
  // while close() or stop() already runs. B sat in piscina's queue behind the dead thread, and
  // piscina does not replace a thread terminated during its own close().
  for (const ending of ['close', 'stop'] as const) {
    it(`${ending}() settles for every gap between the timeout and the abort, up to 200 rounds`, {
      timeout: 120_000,
    }, async () => {
      // The window is a few ms wide and moves with thread start-up: every gap from 0 to 12 ms, in
      // turn, each at least 3 times.
      for (const round of rounds(39)) {
        const gap = round % 13;
        const pool = new Pool({ backend: backend({ threads: 1 }) });
        const controller = new AbortController();
        const a = pool
          .submit({ ms: 400, value: 'a' }, { task: 'sleepThen', timeout: 50 })
          .catch((e) => e.code);
        const b = pool
          .submit({ ms: 10, value: 'b' }, { task: 'sleepThen', signal: controller.signal })
          .catch((e) => e.name);
        void a.then(() => setTimeout(() => controller.abort(), gap));
        const ended = ending === 'close' ? pool.close() : pool.stop();
        expect(await within(ended, 3_000), `${ending}() with a ${gap} ms gap`).toBe('settled');
        expect(await a).toBe('ERR_TASK_TIMEOUT');
        expect(['AbortError', 'PoolStoppedError', 'b']).toContain(await b);
        expect(pool.state).toBe('closed');
      }
    });
  }

  it('backend.close() then an abort of the running task: the queued tasks still settle, close() resolves; up to 200 rounds', {
    timeout: 120_000,
  }, async () => {
    for (const round of rounds(40)) {
      const b = backend({ threads: 1 });
      const controller = new AbortController();
      const running = b.run({ ms: 2_000, value: 'slow' }, { signal: controller.signal, task: 'sleepThen' });
      const queuedPlain = b.run({ ms: 1, value: 'plain' }, { signal: neverAborted, task: 'sleepThen' });
      const queuedSignalled = b.run({ ms: 1, value: 'signalled' }, { signal: never(), task: 'sleepThen' });
      // The slow one runs (or, on some rounds, its thread is still starting: both must work).
      await new Promise((resolve) => setTimeout(resolve, round % 4 === 0 ? 0 : 20));
      const closed = b.close();
      controller.abort();
      await expect(running).rejects.toMatchObject({ name: 'AbortError' });
      expect(await queuedPlain).toBe('plain');
      expect(await queuedSignalled).toBe('signalled');
      expect(await within(closed, 5_000), `round ${round}`).toBe('settled');
    }
  });
});
