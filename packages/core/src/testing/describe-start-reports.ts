import { describe, expect, it, type TestContext } from 'vitest';
import type { Backend, RunOptions } from '../contracts.js';
import type { BackendSuite } from './backend-suite.js';
import { ReportSpy } from './report-spy.js';
import { settleWithin } from './settle.js';

/**
 * The checks of `reportsStart`, run only against a backend that declares it (skipped, named, for
 * the others): a Pool starts a try's timeout when `started()` is called, so a backend that forgets
 * it leaves timed tasks with no timeout at all, and one that calls it twice or after the result
 * tells the Pool something false.
 */
export function describeStartReports<I, O>(suite: BackendSuite<I, O>): void {
  const { conformance, withBackend, signal } = suite;
  const { samples } = conformance;
  const reporting = (ctx: TestContext, body: (backend: Backend<I, O>) => Promise<void>) =>
    withBackend(async (backend) => {
      if (backend.reportsStart !== true)
        return ctx.skip('skipped: the backend does not declare reportsStart');
      await body(backend);
    });
  /** Options whose `started` counts its calls, and whether the task had settled at the first. */
  const spied = (options?: Partial<RunOptions>) => {
    const spy = { calls: 0, settledFirst: false, settled: false };
    const full: RunOptions = {
      signal: signal(),
      ...options,
      started: () => {
        if (spy.calls++ === 0) spy.settledFirst = spy.settled;
      },
    };
    return { spy, options: full };
  };

  describe('start reports (reportsStart), when the backend declares it', () => {
    it('reportsStart is absent or a boolean', async () => {
      await withBackend(async (backend) => {
        expect(['undefined', 'boolean'], 'typeof backend.reportsStart').toContain(
          typeof backend.reportsStart,
        );
      });
    });

    it('run() calls options.started() exactly once, before the task settles, for every task it runs', async (ctx) => {
      await reporting(ctx, async (backend) => {
        const count = Math.min(32, Math.max(4, 2 * Math.min(backend.concurrency, 16)));
        const runs = Array.from({ length: count }, (_, i) => {
          const { spy, options } = spied();
          const sample = samples[i % samples.length];
          const done = backend.run(sample.input, options).finally(() => {
            spy.settled = true;
          });
          return { spy, done, output: sample.output };
        });
        for (const [i, { spy, done, output }] of runs.entries()) {
          expect(await done, `result of task ${i}`).toEqual(output);
          expect(spy.calls, `started() calls for task ${i}, which ran`).toBe(1);
          expect(spy.settledFirst, `started() of task ${i} came after the task had settled`).toBe(false);
        }
      });
    });

    it('run() calls started() for a task aborted while running, and never for one aborted before the call', async (ctx) => {
      await reporting(ctx, async (backend) => {
        const controller = new AbortController();
        controller.abort();
        let calls = 0;
        const outcome = await settleWithin(
          backend.run(samples[0].input, { signal: controller.signal, started: () => calls++ }),
          suite.abortWithin,
        );
        expect(outcome.ok, 'a pre-aborted run rejects').toBe(false);
        expect(calls, 'started() calls for a task that never ran').toBe(0);
        if (conformance.heartbeat === undefined) return;
        const { input, file } = suite.heartbeat(ctx, 'when the task started');
        const running = new AbortController();
        const { spy, options } = spied({ signal: running.signal });
        const done = backend.run(input, options);
        done.catch(() => {});
        await suite.expectStarted(file, 'run() of the heartbeat task');
        await suite.expectAbortRejection(
          (async () => {
            // started() may arrive a little after the task's own start mark, never much later.
            const deadline = Date.now() + suite.abortWithin;
            while (spy.calls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
            running.abort();
            return done;
          })(),
          'run() aborted while running',
        );
        expect(spy.calls, 'started() calls for a task that was running when its signal aborted').toBe(1);
      });
    });

    it('runMany() calls each entry’s own started() once, before that entry’s result', async (ctx) => {
      await reporting(ctx, async (backend) => {
        if (typeof backend.runMany !== 'function') return ctx.skip('skipped: the backend has no runMany');
        const picks = [...samples, ...samples];
        const spies = picks.map(() => spied());
        const reportedEarly: boolean[] = picks.map(() => false);
        const batch = picks.map((s, i) => ({ input: s.input, options: spies[i].options }));
        const reports = new ReportSpy<O>(batch.length);
        const results = await backend.runMany(batch, (index, result) => {
          if (spies[index] !== undefined && spies[index].spy.calls === 0) reportedEarly[index] = true;
          reports.report(index, result);
        });
        reports.end();
        reports.check(batch, results);
        for (const [i, result] of results.entries()) {
          if (result.status !== 'fulfilled') continue;
          expect(spies[i].spy.calls, `started() calls for entry ${i}`).toBe(1);
          expect(reportedEarly[i], `entry ${i} was reported before it was said to start`).toBe(false);
        }
      });
    });
  });
}
