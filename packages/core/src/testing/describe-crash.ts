import { describe, expect, it } from 'vitest';
import type { BackendSuite } from './backend-suite.js';
import { settleWithin, show } from './settle.js';

/**
 * The opt-in crash section, for backends that claim crash isolation (a `crash` input in the
 * conformance): the task whose thread or process dies rejects with WorkerCrashedError, a task
 * running beside it goes on, and the backend keeps working.
 */
export function describeCrash<I, O>(suite: BackendSuite<I, O>): void {
  const { conformance, withBackend, signal, startWithin } = suite;
  const { samples, crash } = conformance;

  describe('crash isolation (opt-in: a crash input)', () => {
    it('a task whose thread or process dies rejects with ERR_WORKER_CRASHED; a task beside it goes on or fails likewise, never hangs', async (ctx) => {
      ctx.skip(
        crash === undefined,
        'skipped: no crash input in the conformance (the backend claims no isolation)',
      );
      await withBackend(async (backend) => {
        let beside: { running: Promise<unknown>; file: string; controller: AbortController } | undefined;
        if (backend.concurrency >= 2 && conformance.heartbeat !== undefined) {
          const file = suite.beats.file();
          const controller = new AbortController();
          const running = backend.run(conformance.heartbeat(file), { signal: controller.signal });
          running.catch(() => {});
          beside = { running, file, controller };
          await suite.expectStarted(file, 'the task beside the crash');
        }
        const crashed = await settleWithin(backend.run(crash as I, { signal: signal() }), startWithin);
        expect(crashed.settled, `the crashing task did not settle within ${startWithin} ms`).toBe(true);
        expect(crashed.ok, `the crashing task resolved with ${show(crashed.value)}`).toBe(false);
        expect(
          (crashed.value as { code?: unknown })?.code,
          `the crashing task rejected with ${show(crashed.value)}, not a WorkerCrashedError`,
        ).toBe('ERR_WORKER_CRASHED');
        if (beside !== undefined) {
          // On another thread it goes on beating; on the same thread it fails with it: never hangs.
          const { running, file, controller } = beside;
          const from = suite.beats.read(file);
          let settled = false;
          running.then(
            () => (settled = true),
            () => (settled = true),
          );
          const fate = await Promise.race([
            changes(() => (settled ? undefined : suite.beats.read(file)), from, startWithin).then((moved) =>
              moved ? 'beating' : 'hung',
            ),
            running.then(
              () => 'resolved',
              (error: unknown) => error,
            ),
          ]);
          if (fate !== 'beating') {
            expect(
              (fate as { code?: unknown })?.code,
              `the task running beside the crash neither went on nor failed with ERR_WORKER_CRASHED: ${show(fate)}`,
            ).toBe('ERR_WORKER_CRASHED');
          }
          controller.abort();
          await running.catch(() => {});
        }
        const after = await settleWithin(
          Promise.all(
            Array.from({ length: Math.min(backend.concurrency, 8) + 1 }, () =>
              backend.run(samples[0].input, { signal: signal() }),
            ),
          ),
          startWithin,
        );
        expect(after.settled && after.ok, `after the crash, tasks failed or hung: ${show(after.value)}`).toBe(
          true,
        );
      });
    });
  });
}

/** Resolves true once `read()` differs from `from` (undefined ends the watch: false), false after `ms`. */
async function changes(read: () => unknown, from: unknown, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let now = read(); now === from; now = read()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return read() !== undefined;
}
