import { describe, expect, it, type TestContext } from 'vitest';
import type { Backend, BatchEntry, BatchResult, RunOptions } from '../contracts.js';
import { isAbortError } from '../errors.js';
import { Pool } from '../pool.js';
import type { BackendSuite } from './backend-suite.js';
import { describeResult, ReportSpy } from './report-spy.js';
import { settleWithin, show } from './settle.js';

/**
 * The checks of the optional runMany capability, run only against a backend that has it (skipped,
 * named, for the others). Every batch gets the suite's spy `report`, whose misuse fails the check.
 */
export function describeBatching<I, O>(suite: BackendSuite<I, O>): void {
  const { conformance, withBackend, signal } = suite;
  const { samples, failing, attempt } = conformance;
  const entry = (input: I, options?: Partial<RunOptions>): BatchEntry<I> => ({
    input,
    options: { signal: signal(), ...options },
  });
  /** Runs a batch with a spy report; checks it resolves in time and the spy saw no misuse. */
  const many = async (backend: Backend<I, O>, batch: BatchEntry<I>[]) => {
    const spy = new ReportSpy<O>(batch.length);
    const bound = suite.abortWithin + suite.startWithin;
    const outcome = await settleWithin(backend.runMany!(batch, spy.report), bound);
    spy.end();
    expect(outcome.settled, `runMany did not settle within ${bound} ms`).toBe(true);
    expect(
      outcome.ok,
      `runMany rejected with ${show(outcome.value)}: it must resolve, one result per entry`,
    ).toBe(true);
    const results = outcome.value as BatchResult<O>[];
    expect(results, `runMany returned ${results?.length} results for ${batch.length} entries`).toHaveLength(
      batch.length,
    );
    spy.check(batch, results);
    return { results, outcome: (i: number) => spy.outcome(results, i), spy };
  };
  const batching = (ctx: TestContext, body: (backend: Backend<I, O>) => Promise<void>) =>
    withBackend(async (backend) => {
      if (typeof backend.runMany !== 'function') return ctx.skip('skipped: the backend has no runMany');
      await body(backend);
    });
  const expectFulfilled = (result: BatchResult<O> | undefined, output: O, what: string) => {
    expect(result?.status, `${what} was ${describeResult(result)}`).toBe('fulfilled');
    expect((result as { value: O }).value, `${what}'s value`).toEqual(output);
  };

  describe('batching (runMany), when the backend has it', () => {
    it('gives every entry its own outcome, in order; a failure fails only its entry', async (ctx) => {
      await batching(ctx, async (backend) => {
        const picks = [...samples, ...samples];
        const batch = picks.map((s) => entry(s.input));
        if (failing !== undefined) batch.splice(1, 0, entry(failing.input));
        const { outcome } = await many(backend, batch);
        let at = 0;
        for (const [i] of batch.entries()) {
          const result = outcome(i);
          if (failing !== undefined && i === 1) {
            expect(result?.status, `the failing entry was ${describeResult(result)}`).toBe('rejected');
            const error = (result as { reason: Error & { code?: string } }).reason;
            const what = `the failing entry rejected with ${show(error)}`;
            if (failing.name !== undefined) expect(error.name, what).toBe(failing.name);
            if (failing.message !== undefined) expect(error.message, what).toContain(failing.message);
            if (failing.code !== undefined) expect(error.code, what).toBe(failing.code);
            continue;
          }
          expectFulfilled(result, picks[at++].output, `entry ${i}`);
        }
        const after = await backend.run(samples[0].input, { signal: signal() });
        expect(after, 'run() after a batch').toEqual(samples[0].output);
      });
    });

    it('skips an entry whose signal aborted before the call, and never starts it', async (ctx) => {
      await batching(ctx, async (backend) => {
        const controller = new AbortController();
        controller.abort(new Error('cancelled by the test'));
        const file = conformance.heartbeat === undefined ? undefined : suite.beats.file();
        const skipped =
          file === undefined ? samples[1].input : (conformance.heartbeat as (f: string) => I)(file);
        const { outcome } = await many(backend, [
          entry(samples[0].input),
          entry(skipped, { signal: controller.signal }),
          entry(samples[0].input),
        ]);
        const result = outcome(1);
        expect(result?.status, `the pre-aborted entry was ${describeResult(result)}`).toBe('rejected');
        expect(
          isAbortError((result as { reason: unknown }).reason),
          `the pre-aborted entry was ${describeResult(result)}, not an AbortError`,
        ).toBe(true);
        expectFulfilled(outcome(0), samples[0].output, 'entry 0');
        expectFulfilled(outcome(2), samples[0].output, 'entry 2');
        if (file !== undefined) await suite.expectNeverStarted(file, 'a pre-aborted batch entry');
      });
    });

    it("gives each entry its own try's attempt number", async (ctx) => {
      ctx.skip(attempt === undefined, 'skipped: no attempt input in the conformance');
      await batching(ctx, async (backend) => {
        const batch = [1, 2, 5].map((n) => entry(attempt as I, { attempt: n }));
        const { outcome } = await many(backend, batch);
        const got = batch.map((_, i) => outcome(i));
        expect(
          got.map((r) => (r as { value?: unknown }).value),
          `attempt numbers seen by the entries: ${got.map(describeResult).join(', ')}`,
        ).toEqual([1, 2, 5]);
      });
    });

    it('a killed entry stops its work; entries that had finished keep their outcomes, later ones run or come back rerun', async (ctx) => {
      await batching(ctx, async (backend) => {
        const { input, file } = suite.heartbeat(ctx, 'whether a killed entry stops');
        const controller = new AbortController();
        const batch = [
          entry(samples[0].input),
          entry(input, { signal: controller.signal }),
          entry(samples[1].input),
        ];
        const spy = new ReportSpy<O>(batch.length);
        const running = backend.runMany!(batch, spy.report);
        running.catch(() => {});
        await suite.expectStarted(file, 'entry 1 (the heartbeat) of a batch');
        const at = Date.now();
        controller.abort(new Error('cancelled by the test'));
        const outcome = await settleWithin(running, suite.abortWithin + suite.startWithin);
        spy.end();
        expect(outcome.settled, 'runMany did not settle after its running entry was aborted').toBe(true);
        expect(outcome.ok, `runMany rejected with ${show(outcome.value)} after an entry was aborted`).toBe(
          true,
        );
        const results = outcome.value as BatchResult<O>[];
        expect(results, `runMany returned ${results.length} results for 3 entries`).toHaveLength(3);
        spy.check(batch, results);
        const first = spy.outcome(results, 0);
        expect(
          first?.status,
          `entry 0 had finished before entry 1 was killed, yet its outcome was ${describeResult(first)} (lost)`,
        ).toBe('fulfilled');
        expectFulfilled(first, samples[0].output, 'entry 0');
        const last = spy.outcome(results, 2);
        if (last?.status === 'fulfilled') expectFulfilled(last, samples[1].output, 'entry 2');
        else expect(last?.status, `entry 2, after the killed one, was ${describeResult(last)}`).toBe('rerun');
        await suite.expectStopped(file, at, 'a batch entry aborted while running');
        expect(await backend.run(samples[1].input, { signal: signal() }), 'run() afterwards').toEqual(
          samples[1].output,
        );
      });
    });

    it('is used by a Pool for tasks that wait, and every result arrives', async (ctx) => {
      await batching(ctx, async (backend) => {
        const sizes: number[] = [];
        const runMany = backend.runMany!.bind(backend);
        const spy: Backend<I, O> = {
          name: backend.name,
          concurrency: backend.concurrency,
          reportsStart: backend.reportsStart,
          run: (input, options) => backend.run(input, options),
          runMany: (batch, report) => {
            sizes.push(batch.length);
            return runMany(batch, report);
          },
          close: async () => {},
        };
        const pool = new Pool<I, O>({ backend: spy });
        const count = Math.max(32, 8 * Math.min(backend.concurrency, 16));
        const picks = Array.from({ length: count }, (_, i) => samples[i % samples.length]);
        const results = await Promise.all(picks.map((s) => pool.submit(s.input)));
        expect(results, 'results through a batching Pool').toEqual(picks.map((s) => s.output));
        await pool.close();
        expect(
          Math.max(0, ...sizes),
          'the largest batch the Pool sent (it should group waiting tasks)',
        ).toBeGreaterThan(1);
        expect(pool.stats, 'the Pool counts').toMatchObject({
          submitted: count,
          succeeded: count,
          failed: 0,
          cancelled: 0,
        });
      });
    });
  });
}
