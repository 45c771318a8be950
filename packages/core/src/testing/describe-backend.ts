import { describe, expect, it } from 'vitest';
import type { Backend } from '../contracts.js';
import { backendSuite } from './backend-suite.js';
import type { BackendConformance } from './conformance.js';
import { describeAborts } from './describe-aborts.js';
import { describeBatching } from './describe-batching.js';
import { describeCrash } from './describe-crash.js';
import { describeLifecycle } from './describe-lifecycle.js';
import { describeStartReports } from './describe-start-reports.js';
import { settleWithin, show } from './settle.js';

/**
 * The conformance suite of the {@link Backend} contract, for vitest. Every in-tree backend runs
 * it; run it against yours:
 *
 * @example
 * import { describeBackend, probeConformance } from '@poolkit/core/testing';
 * describeBackend('MyBackend', () => new MyBackend({ module: './probe-worker.js' }), probeConformance);
 *
 * `factory` makes a fresh backend for each check (the suite closes it). The checks, each failing
 * with a message that says what went wrong:
 * - results: identity fields; each sample, one by one and `2 × concurrency` at once; a throwing
 *   task rejects with its own name, message and `code`; attempt numbers reach the task;
 * - aborts: a pre-aborted signal rejects at once and starts nothing; an abort or a timeout while
 *   the task runs rejects promptly **and the work itself stops** (seen through the probe's
 *   heartbeat, after waiting for its start mark rather than for a guessed delay); no abort
 *   listener is left on a signal many tasks share;
 * - lifecycle: `close()` resolves in time, twice, and leaves no OS thread, child process or
 *   event-loop handle behind; `run`/`runMany` after `close()` reject `ERR_POOL_CLOSED` and never
 *   run the task; `onError` subscriptions; a Pool over the backend counts right;
 * - `reportsStart`, `runMany` (with a spy `report` whose misuse fails), `onError` and the opt-in
 *   crash section run when the backend has them, and are reported as **skipped**, with the reason,
 *   when it does not.
 */
export function describeBackend<I, O>(
  name: string,
  factory: () => Backend<I, O> | Promise<Backend<I, O>>,
  conformance: BackendConformance<I, O>,
): void {
  const { samples, failing, attempt } = conformance;
  if (samples.length < 2) throw new TypeError('describeBackend needs at least 2 samples');

  describe(`Backend conformance: ${name}`, () => {
    const suite = backendSuite(factory, conformance);
    const { withBackend, signal } = suite;

    describe('results', () => {
      it('has a non-empty name and a concurrency of at least 1', async () => {
        await withBackend(async (backend) => {
          expect(typeof backend.name, 'typeof name').toBe('string');
          expect(backend.name.length, 'name length').toBeGreaterThan(0);
          expect(backend.concurrency, 'concurrency').toBeGreaterThanOrEqual(1);
        });
      });

      it('resolves each task with its output', async () => {
        await withBackend(async (backend) => {
          for (const [i, { input, output }] of samples.entries()) {
            const outcome = await settleWithin(backend.run(input, { signal: signal() }), suite.startWithin);
            expect(outcome.settled, `sample ${i} did not settle within ${suite.startWithin} ms`).toBe(true);
            expect(outcome.ok, `sample ${i} rejected with ${show(outcome.value)}`).toBe(true);
            expect(outcome.value, `sample ${i}'s result`).toEqual(output);
          }
        });
      });

      it('runs twice its concurrency of tasks at once and returns every result to its caller', async () => {
        await withBackend(async (backend) => {
          const count = Math.min(64, Math.max(4, 2 * Math.min(backend.concurrency, 16)));
          const picks = Array.from({ length: count }, (_, i) => samples[i % samples.length]);
          const results = await Promise.all(picks.map((s) => backend.run(s.input, { signal: signal() })));
          expect(results, `results of ${count} tasks run at once`).toEqual(picks.map((s) => s.output));
        });
      });

      it("rejects with the task's own error, keeping name, message and code", async (ctx) => {
        ctx.skip(failing === undefined, 'skipped: no failing input in the conformance');
        await withBackend(async (backend) => {
          const { input } = failing!;
          const outcome = await settleWithin(backend.run(input, { signal: signal() }), suite.startWithin);
          expect(outcome.settled && !outcome.ok, `the failing task ${outcome.ok ? 'resolved' : 'hung'}`).toBe(
            true,
          );
          const error = outcome.value as Error & { code?: string };
          const what = `the failing task rejected with ${show(error)}`;
          if (failing!.name !== undefined) expect(error?.name, `${what}: its name`).toBe(failing!.name);
          if (failing!.message !== undefined)
            expect(error?.message, `${what}: its message`).toContain(failing!.message);
          if (failing!.code !== undefined) expect(error?.code, `${what}: its code`).toBe(failing!.code);
          const after = await backend.run(samples[0].input, { signal: signal() });
          expect(after, 'run() after a failure').toEqual(samples[0].output);
        });
      });

      it("passes each try's attempt number to the task", async (ctx) => {
        ctx.skip(attempt === undefined, 'skipped: no attempt input in the conformance');
        await withBackend(async (backend) => {
          for (const n of [1, 3]) {
            const got = await backend.run(attempt as I, { signal: signal(), attempt: n });
            expect(got, `the task saw attempt ${show(got)} on try ${n}`).toBe(n);
          }
        });
      });
    });

    describeAborts(suite);
    describeLifecycle(suite);
    describeStartReports(suite);
    describeBatching(suite);
    describeCrash(suite);
  });
}
