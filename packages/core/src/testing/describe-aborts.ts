import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it, type TestContext } from 'vitest';
import type { Backend } from '../contracts.js';
import { TaskTimeoutError } from '../errors.js';
import type { BackendSuite } from './backend-suite.js';
import { settleWithin, show, tick } from './settle.js';

/**
 * The checks of `run()` under aborts: an already aborted signal, an abort and a timeout while the
 * task runs (the work itself must stop, seen through the probe's heartbeat), the slow input's
 * abort when there is no heartbeat, and abort listeners left on a signal many tasks share.
 */
export function describeAborts<I, O>(suite: BackendSuite<I, O>): void {
  const { conformance, withBackend, signal } = suite;
  const { samples, failing, slow } = conformance;
  const stillWorks = async (backend: Backend<I, O>, what: string) => {
    const after = await settleWithin(backend.run(samples[1].input, { signal: signal() }), suite.startWithin);
    expect(after.settled, `${what}: the next task did not settle within ${suite.startWithin} ms`).toBe(true);
    expect(after.ok, `${what}: the next task failed with ${show(after.value)}`).toBe(true);
    expect(after.value, `${what}: the next task's result`).toEqual(samples[1].output);
  };

  describe('aborts', () => {
    it('an already aborted signal rejects with an AbortError at once and starts nothing', async (ctx) => {
      await withBackend(async (backend) => {
        const controller = new AbortController();
        controller.abort(new Error('cancelled by the test'));
        await suite.expectAbortRejection(
          backend.run(samples[0].input, { signal: controller.signal }),
          'run() with an already aborted signal',
        );
        if (conformance.heartbeat === undefined) return;
        const { input, file } = suite.heartbeat(ctx, 'whether it starts');
        await suite.expectAbortRejection(
          backend.run(input, { signal: controller.signal }),
          'run() with an already aborted signal',
        );
        // A task the backend did start would have marked it by the time the next one ran.
        await stillWorks(backend, 'after a pre-aborted run');
        await suite.expectNeverStarted(file, 'run() with an already aborted signal');
      });
    });

    /** Aborts the heartbeat task once it has started; it must reject promptly and stop writing. */
    const abortWhileRunning =
      (reason: () => unknown, what: string, timeout: boolean) => async (ctx: TestContext) => {
        await withBackend(async (backend) => {
          const { input, file } = suite.heartbeat(ctx, 'whether the work stops');
          const controller = new AbortController();
          const running = backend.run(input, { signal: controller.signal });
          running.catch(() => {});
          await suite.expectStarted(file, 'run() of the heartbeat task');
          const at = Date.now();
          controller.abort(reason());
          await suite.expectAbortRejection(running, `run() ${what} while running`, timeout);
          await suite.expectStopped(file, at, `run() ${what} while running`);
          await stillWorks(backend, `after ${timeout ? 'a timeout' : 'an abort'}`);
        });
      };

    it(
      'an abort while the task runs rejects promptly with an AbortError and stops the work itself',
      abortWhileRunning(() => new Error('cancelled by the test'), 'aborted', false),
    );

    it(
      'a timeout (a TaskTimeoutError reason) rejects promptly and stops the work itself',
      abortWhileRunning(() => new TaskTimeoutError(20), 'timed out', true),
    );

    it('an abort of the slow input while it runs rejects promptly (no heartbeat: the work is not watched)', async (ctx) => {
      ctx.skip(conformance.heartbeat !== undefined, 'skipped: the heartbeat checks above cover it');
      ctx.skip(slow === undefined, 'skipped: no slow input in the conformance');
      await withBackend(async (backend) => {
        // Every slot warmed first, so the abort lands on a running task, not a booting thread.
        await Promise.all(
          Array.from({ length: Math.min(backend.concurrency, 16) }, () =>
            backend.run(samples[0].input, { signal: signal() }),
          ),
        );
        const controller = new AbortController();
        const running = backend.run(slow as I, { signal: controller.signal });
        running.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 100));
        controller.abort(new TaskTimeoutError(100));
        await suite.expectAbortRejection(running, 'run() of the slow input, aborted', true);
        await stillWorks(backend, 'after an abort');
      });
    });

    it('leaves no abort listener on a signal shared by many tasks once they settle', async () => {
      await withBackend(async (backend) => {
        const shared = new AbortController().signal;
        setMaxListeners(0, shared); // as a Pool does: no warning will tell, only the count
        const count = Math.min(64, Math.max(8, 4 * Math.min(backend.concurrency, 16)));
        const inputs = Array.from({ length: count }, (_, i) =>
          failing !== undefined && i % 3 === 1 ? failing.input : samples[i % samples.length].input,
        );
        await Promise.allSettled(inputs.map((input) => backend.run(input, { signal: shared })));
        if (typeof backend.runMany === 'function') {
          await backend.runMany(inputs.map((input) => ({ input, options: { signal: shared } })));
        }
        await tick();
        const left = getEventListeners(shared, 'abort').length;
        expect(
          left,
          `${left} abort listener(s) left on a signal shared by ${count} settled tasks${
            typeof backend.runMany === 'function' ? ' and one batch' : ''
          } (each task must remove its own)`,
        ).toBe(0);
      });
    });
  });
}
