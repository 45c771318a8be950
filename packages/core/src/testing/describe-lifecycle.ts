import { describe, expect, it } from 'vitest';
import type { Backend, BatchResult } from '../contracts.js';
import { Pool } from '../pool.js';
import type { BackendSuite } from './backend-suite.js';
import { footprint, leftBehind } from './footprint.js';
import { ReportSpy } from './report-spy.js';
import { settleWithin, show } from './settle.js';

/**
 * The checks of a backend's life: close() resolves in time, is idempotent and releases what the
 * backend started; a closed backend refuses work (and never runs it); onError subscriptions;
 * a Pool over the backend.
 */
export function describeLifecycle<I, O>(suite: BackendSuite<I, O>): void {
  const { conformance, signal, closeWithin } = suite;
  const { samples } = conformance;
  const releases = { threads: true, processes: true, handles: true, ...conformance.releases };
  const expectClosed = async (backend: Backend<I, O>, what: string) => {
    const closed = await settleWithin(backend.close(), closeWithin);
    expect(closed.settled, `${what}: close() did not resolve within ${closeWithin} ms`).toBe(true);
    expect(closed.ok, `${what}: close() rejected with ${show(closed.value)}`).toBe(true);
  };
  const expectClosedError = (outcome: { settled: boolean; ok: boolean; value: unknown }, what: string) => {
    expect(outcome.settled, `${what} did not settle within ${closeWithin} ms`).toBe(true);
    expect(outcome.ok, `${what} resolved with ${show(outcome.value)}: a closed backend must refuse`).toBe(
      false,
    );
    expect((outcome.value as { code?: unknown })?.code, `${what} rejected with ${show(outcome.value)}`).toBe(
      'ERR_POOL_CLOSED',
    );
  };
  /** A task that would show itself if it ran: the heartbeat when there is one (short), else a sample. */
  const witness = () => {
    const make = conformance.heartbeat;
    if (make === undefined) return { input: samples[0].input, file: undefined };
    const file = suite.beats.file();
    return { input: make(file), file };
  };

  describe('lifecycle', () => {
    it('close() resolves in time, and again when called twice', async () => {
      const backend = await suite.make();
      await Promise.all(samples.map((s) => backend.run(s.input, { signal: signal() })));
      await expectClosed(backend, 'the first call');
      await expectClosed(backend, 'the second call');
    });

    it('close() leaves no thread, child process or handle behind (where the platform shows them)', async (ctx) => {
      ctx.skip(
        !releases.threads && !releases.processes && !releases.handles,
        'skipped: the conformance says close() releases nothing the suite can see',
      );
      const before = await footprint();
      const backend = await suite.make();
      const count = Math.min(64, Math.max(4, 2 * Math.min(backend.concurrency, 16)));
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          backend.run(samples[i % samples.length].input, { signal: signal() }),
        ),
      );
      await expectClosed(backend, 'after a burst of tasks');
      const left = await leftBehind(before, releases, closeWithin);
      expect(
        left,
        `${closeWithin} ms after close() resolved, it had left behind: ${left.join('; ')}`,
      ).toEqual([]);
    });

    it('run() after close() rejects with ERR_POOL_CLOSED and never runs the task', async () => {
      const backend = await suite.make();
      await backend.run(samples[0].input, { signal: signal() });
      await expectClosed(backend, 'before run()');
      const { input, file } = witness();
      expectClosedError(
        await settleWithin(backend.run(input, { signal: signal() }), closeWithin),
        'run() after close()',
      );
      if (file !== undefined) await suite.expectNeverStarted(file, 'run() after close()');
    });

    it('runMany() after close() refuses every entry with ERR_POOL_CLOSED and never runs one', async (ctx) => {
      const backend = await suite.make();
      if (typeof backend.runMany !== 'function') {
        await backend.close();
        return ctx.skip('skipped: the backend has no runMany');
      }
      await expectClosed(backend, 'before runMany()');
      const { input, file } = witness();
      const batch = [input, samples[0].input].map((i) => ({ input: i, options: { signal: signal() } }));
      const spy = new ReportSpy<O>(batch.length);
      const outcome = await settleWithin(backend.runMany(batch, spy.report), closeWithin);
      spy.end();
      expect(outcome.settled, `runMany() after close() did not settle within ${closeWithin} ms`).toBe(true);
      if (outcome.ok) {
        // Resolving is allowed when every entry is refused.
        const results = outcome.value as BatchResult<O>[];
        for (let i = 0; i < batch.length; i++) {
          const final = spy.outcome(results, i);
          expect(final?.status, `runMany() after close(): entry ${i} was ${final?.status}`).toBe('rejected');
          const reason = (final as { reason: unknown }).reason;
          expectClosedError(
            { settled: true, ok: false, value: reason },
            `runMany() after close(): entry ${i}`,
          );
        }
      } else {
        expectClosedError(outcome, 'runMany() after close()');
      }
      if (file !== undefined) await suite.expectNeverStarted(file, 'runMany() after close()');
    });

    it('onError returns an unsubscribe function; a Pool subscribes once and unsubscribes on close', async (ctx) => {
      const backend = await suite.make();
      try {
        if (typeof backend.onError !== 'function') {
          expect(backend.onError, 'onError is neither a function nor absent').toBeUndefined();
          return ctx.skip('skipped: the backend has no onError');
        }
        const unsubscribe = backend.onError(() => {});
        expect(typeof unsubscribe, 'onError(listener) must return a function that unsubscribes').toBe(
          'function',
        );
        unsubscribe();
        unsubscribe(); // harmless twice
        let subscribed = 0;
        const original = backend.onError.bind(backend);
        (backend as { onError: Backend['onError'] }).onError = (listener) => {
          subscribed++;
          const off = original(listener);
          return () => {
            subscribed--;
            off();
          };
        };
        const pool = new Pool<I, O>({ backend });
        expect(subscribed, 'subscriptions of a Pool just made').toBe(1);
        await pool.close();
        expect(subscribed, 'subscriptions left after the Pool closed').toBe(0);
      } finally {
        await backend.close();
      }
    });

    it('runs every task of a Pool and the counts add up', async () => {
      const backend = await suite.make();
      const pool = new Pool<I, O>({ backend });
      const picks = Array.from({ length: 24 }, (_, i) => samples[i % samples.length]);
      const results = await Promise.all(picks.map((s) => pool.submit(s.input)));
      expect(results, 'results of 24 tasks through a Pool').toEqual(picks.map((s) => s.output));
      const closed = await settleWithin(pool.close(), closeWithin);
      expect(closed.settled, `the Pool's close() did not resolve within ${closeWithin} ms`).toBe(true);
      expect(pool.state).toBe('closed');
      expect(pool.stats, 'the Pool counts').toEqual({
        submitted: 24,
        waiting: 0,
        running: 0,
        succeeded: 24,
        failed: 0,
        cancelled: 0,
      });
    });
  });
}
