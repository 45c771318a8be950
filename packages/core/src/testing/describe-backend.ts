import { describe, expect, it } from 'vitest';
import type { Backend, BatchEntry, BatchResult, RunOptions } from '../contracts.js';
import { isAbortError, TaskTimeoutError } from '../errors.js';
import { Pool } from '../pool.js';
import type { ProbeInput } from './probe.js';

/** What the suite may assume about a backend's task. */
export interface BackendConformance<I, O> {
  /** Inputs with the output each must produce (at least 2). Checked with `expect().toEqual`. */
  samples: ReadonlyArray<{
    /** What to run. */
    input: I;
    /** What `run(input)` must resolve with (compared deeply). */
    output: O;
  }>;
  /** An input whose task throws; the rejection must keep these fields. */
  failing?: {
    /** An input whose task throws. */
    input: I;
    /** The rejection's `name` must be this; unchecked when absent. */
    name?: string;
    /** The rejection's `message` must contain this; unchecked when absent. */
    message?: string;
    /** The rejection's `code` must be this; unchecked when absent. */
    code?: string;
  };
  /** An input whose task runs ≥ 300 ms unless aborted: used to abort a task mid-run. */
  slow?: I;
  /** ms a rejection after abort may take (thread termination is slower than a promise). Default 2000. */
  abortWithinMs?: number;
  /** An input whose task returns its context's `attempt`: checks that tries' numbers reach the task. */
  attempt?: I;
}

/** The conformance of a backend that runs `probeExecutor` (see {@link ProbeInput}). */
export const probeConformance: BackendConformance<ProbeInput, unknown> = {
  samples: [
    { input: { op: 'echo', value: { a: [1, 'two', null] } }, output: { a: [1, 'two', null] } },
    { input: { op: 'square', n: 12 }, output: 144 },
    { input: { op: 'sleep', ms: 20, value: 'slept' }, output: 'slept' },
  ],
  failing: {
    input: { op: 'throw', name: 'RangeError', message: 'probe failure', code: 'ERR_PROBE' },
    name: 'RangeError',
    message: 'probe failure',
    code: 'ERR_PROBE',
  },
  slow: { op: 'wait-abort' },
  attempt: { op: 'attempt' },
};

/**
 * The conformance suite of the {@link Backend} contract, for vitest. Every in-tree backend runs
 * it; run it against yours:
 *
 * @example
 * import { describeBackend, probeConformance } from '@poolkit/core/testing';
 * describeBackend('MyBackend', () => new MyBackend({ module: './probe-worker.js' }), probeConformance);
 *
 * `factory` makes a fresh backend for each test (the suite closes it). Checks: identity
 * fields; results of each sample, one by one and `2 × concurrency` at once; a throwing task
 * rejects with its own name, message and `code`; an aborted signal (before or during the run)
 * rejects promptly, never hangs; the backend still works after failures and aborts; `close()`
 * is idempotent; a Pool over the backend gets every result and consistent counts.
 */
export function describeBackend<I, O>(
  name: string,
  factory: () => Backend<I, O> | Promise<Backend<I, O>>,
  conformance: BackendConformance<I, O>,
): void {
  const { samples, failing, slow, attempt } = conformance;
  const abortWithin = conformance.abortWithinMs ?? 2000;
  if (samples.length < 2) throw new TypeError('describeBackend needs at least 2 samples');

  async function withBackend(body: (backend: Backend<I, O>) => Promise<void>): Promise<void> {
    const backend = await factory();
    try {
      await body(backend);
    } finally {
      await backend.close();
    }
  }
  const signal = () => new AbortController().signal;

  describe(`Backend conformance: ${name}`, () => {
    it('has a non-empty name and a concurrency of at least 1', async () => {
      await withBackend(async (backend) => {
        expect(typeof backend.name).toBe('string');
        expect(backend.name.length).toBeGreaterThan(0);
        expect(backend.concurrency).toBeGreaterThanOrEqual(1);
      });
    });

    it('resolves each task with its output', async () => {
      await withBackend(async (backend) => {
        for (const { input, output } of samples) {
          expect(await backend.run(input, { signal: signal() })).toEqual(output);
        }
      });
    });

    it('runs twice its concurrency of tasks at once and returns every result to its caller', async () => {
      await withBackend(async (backend) => {
        const count = Math.min(64, Math.max(4, 2 * Math.min(backend.concurrency, 16)));
        const picks = Array.from({ length: count }, (_, i) => samples[i % samples.length]);
        const results = await Promise.all(picks.map((s) => backend.run(s.input, { signal: signal() })));
        expect(results).toEqual(picks.map((s) => s.output));
      });
    });

    if (failing !== undefined) {
      it("rejects with the task's own error, keeping name, message and code", async () => {
        await withBackend(async (backend) => {
          const error = await backend.run(failing.input, { signal: signal() }).then(
            () => undefined,
            (e: unknown) => e as Error & { code?: string },
          );
          expect(error).toBeDefined();
          if (failing.name !== undefined) expect(error!.name).toBe(failing.name);
          if (failing.message !== undefined) expect(error!.message).toContain(failing.message);
          if (failing.code !== undefined) expect(error!.code).toBe(failing.code);
          // The backend goes on working after a failure.
          expect(await backend.run(samples[0].input, { signal: signal() })).toEqual(samples[0].output);
        });
      });
    }

    it('rejects with an AbortError when the signal is already aborted', async () => {
      await withBackend(async (backend) => {
        const controller = new AbortController();
        controller.abort(new Error('cancelled by the test'));
        const error = await settleWithin(
          backend.run(samples[0].input, { signal: controller.signal }),
          abortWithin,
        );
        expect(error.settled).toBe(true);
        expect(error.ok).toBe(false);
        expect(isAbortError(error.value)).toBe(true);
      });
    });

    if (slow !== undefined) {
      it('rejects promptly when the signal aborts while the task runs, then keeps working', async () => {
        await withBackend(async (backend) => {
          const controller = new AbortController();
          const running = backend.run(slow, { signal: controller.signal });
          await new Promise((resolve) => setTimeout(resolve, 50));
          controller.abort(new Error('cancelled by the test'));
          const result = await settleWithin(running, abortWithin);
          expect(result.settled).toBe(true);
          expect(result.ok).toBe(false);
          expect(isAbortError(result.value)).toBe(true);
          expect(await backend.run(samples[1].input, { signal: signal() })).toEqual(samples[1].output);
        });
      });

      it('rejects (never hangs) when the signal aborts with a TaskTimeoutError reason', async () => {
        await withBackend(async (backend) => {
          const controller = new AbortController();
          const running = backend.run(slow, { signal: controller.signal });
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.abort(new TaskTimeoutError(20));
          const result = await settleWithin(running, abortWithin);
          expect(result.settled).toBe(true);
          expect(result.ok).toBe(false);
          const error = result.value as { code?: string };
          expect(isAbortError(error) || error.code === 'ERR_TASK_TIMEOUT').toBe(true);
        });
      });
    }

    if (attempt !== undefined) {
      it("passes each try's attempt number to the task", async () => {
        await withBackend(async (backend) => {
          expect(await backend.run(attempt, { signal: signal(), attempt: 1 })).toBe(1);
          expect(await backend.run(attempt, { signal: signal(), attempt: 3 })).toBe(3);
        });
      });
    }

    describeStartReports();
    describeBatching();

    it('onError, when the backend has it: returns an unsubscribe function; a Pool subscribes and unsubscribes on close', async () => {
      const backend = await factory();
      if (typeof backend.onError !== 'function') {
        expect(backend.onError).toBeUndefined();
        await backend.close();
        return;
      }
      const unsubscribe = backend.onError(() => {});
      expect(typeof unsubscribe).toBe('function');
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
      expect(subscribed).toBe(1);
      await pool.close();
      expect(subscribed).toBe(0);
    });

    it('closes idempotently', async () => {
      const backend = await factory();
      await backend.close();
      await backend.close();
    });

    it('runs every task of a Pool and the counts add up', async () => {
      const backend = await factory();
      const pool = new Pool<I, O>({ backend });
      const picks = Array.from({ length: 24 }, (_, i) => samples[i % samples.length]);
      const results = await Promise.all(picks.map((s) => pool.submit(s.input)));
      expect(results).toEqual(picks.map((s) => s.output));
      await pool.close();
      expect(pool.state).toBe('closed');
      expect(pool.stats).toEqual({
        submitted: 24,
        waiting: 0,
        running: 0,
        succeeded: 24,
        failed: 0,
        cancelled: 0,
      });
    });
  });

  /**
   * The checks of `reportsStart`, run only against a backend that declares it: a Pool starts a
   * try's timeout when `started()` is called, so a backend that forgets it leaves timed tasks
   * with no timeout at all, and one that calls it early lets waiting count against the task.
   */
  function describeStartReports(): void {
    const reporting = async (body: (backend: Backend<I, O>) => Promise<void>) =>
      withBackend(async (backend) => {
        if (backend.reportsStart === true) await body(backend);
      });
    /** Options whose `started` counts its calls, and whether the task had settled at the first. */
    const spied = () => {
      const spy = { calls: 0, settledFirst: false, settled: false };
      const options: RunOptions = {
        signal: signal(),
        started: () => {
          if (spy.calls++ === 0) spy.settledFirst = spy.settled;
        },
      };
      return { spy, options };
    };

    describe('start reports (reportsStart), when the backend declares it', () => {
      it('reportsStart is absent or a boolean', async () => {
        await withBackend(async (backend) => {
          expect(['undefined', 'boolean'], 'typeof backend.reportsStart').toContain(
            typeof backend.reportsStart,
          );
        });
      });

      it('run() calls options.started() exactly once, before the task settles, for every task it runs', async () => {
        await reporting(async (backend) => {
          const count = Math.min(32, Math.max(4, 2 * Math.min(backend.concurrency, 16)));
          const runs = Array.from({ length: count }, (_, i) => {
            const { spy, options } = spied();
            const sample = samples[i % samples.length];
            const done = backend.run(sample.input, options).finally(() => {
              spy.settled = true;
            });
            return { spy, done, output: sample.output };
          });
          for (const { spy, done, output } of runs) {
            expect(await done).toEqual(output);
            expect(spy.calls, 'started() calls for a task that ran').toBe(1);
            expect(spy.settledFirst, 'started() came after the task had settled').toBe(false);
          }
        });
      });

      it('run() never calls started() for a task whose signal aborted before the call', async () => {
        await reporting(async (backend) => {
          const controller = new AbortController();
          controller.abort();
          let calls = 0;
          const outcome = await settleWithin(
            backend.run(samples[0].input, { signal: controller.signal, started: () => calls++ }),
            abortWithin,
          );
          expect(outcome.ok, 'a pre-aborted run rejects').toBe(false);
          expect(calls, 'started() calls for a task that never ran').toBe(0);
        });
      });

      it('runMany() calls each entry’s own started() once, before that entry’s result', async () => {
        await reporting(async (backend) => {
          if (typeof backend.runMany !== 'function') return;
          const picks = [...samples, ...samples];
          const spies = picks.map(() => spied());
          const reported: boolean[] = picks.map(() => false);
          const results = await backend.runMany(
            picks.map((s, i) => ({ input: s.input, options: spies[i].options })),
            (index) => {
              if (spies[index] !== undefined && spies[index].spy.calls === 0) reported[index] = true;
            },
          );
          results.forEach((result, i) => {
            if (result.status !== 'fulfilled') return;
            expect(spies[i].spy.calls, `started() calls for entry ${i}`).toBe(1);
            expect(reported[i], `entry ${i} was reported before it was said to start`).toBe(false);
          });
        });
      });
    });
  }

  /** The checks of the optional runMany capability, run only against a backend that has it. */
  function describeBatching(): void {
    const entry = (input: I, options?: Partial<RunOptions>): BatchEntry<I> => ({
      input,
      options: { signal: signal(), ...options },
    });
    const many = async (backend: Backend<I, O>, batch: BatchEntry<I>[]) => {
      expect(typeof backend.runMany).toBe('function');
      const outcome = await settleWithin(backend.runMany!(batch), abortWithin + 5000);
      expect(outcome.settled, 'runMany settles').toBe(true);
      expect(outcome.ok, 'runMany resolves (never rejects)').toBe(true);
      const results = outcome.value as BatchResult<O>[];
      expect(results).toHaveLength(batch.length);
      return results;
    };
    const batching = async (body: (backend: Backend<I, O>) => Promise<void>) =>
      withBackend(async (backend) => {
        if (typeof backend.runMany === 'function') await body(backend);
      });

    describe('batching (runMany), when the backend has it', () => {
      it('gives every entry its own outcome, in order; a failure fails only its entry', async () => {
        await batching(async (backend) => {
          const batch = [...samples, ...samples].map((s) => entry(s.input));
          if (failing !== undefined) batch.splice(1, 0, entry(failing.input));
          const results = await many(backend, batch);
          const expected = [...samples, ...samples].map((s) => s.output);
          if (failing !== undefined) {
            const failed = results.splice(1, 1)[0];
            expect(failed.status).toBe('rejected');
            const error = (failed as { reason: Error & { code?: string } }).reason;
            if (failing.name !== undefined) expect(error.name).toBe(failing.name);
            if (failing.message !== undefined) expect(error.message).toContain(failing.message);
            if (failing.code !== undefined) expect(error.code).toBe(failing.code);
          }
          expect(results.map((r) => r.status)).toEqual(expected.map(() => 'fulfilled'));
          expect(results.map((r) => (r as { value: O }).value)).toEqual(expected);
          // The backend goes on working afterwards, one by one too.
          expect(await backend.run(samples[0].input, { signal: signal() })).toEqual(samples[0].output);
        });
      });

      it('skips an entry whose signal aborted before the call', async () => {
        await batching(async (backend) => {
          const controller = new AbortController();
          controller.abort(new Error('cancelled by the test'));
          const results = await many(backend, [
            entry(samples[0].input),
            entry(samples[1].input, { signal: controller.signal }),
            entry(samples[0].input),
          ]);
          expect(results[1].status).toBe('rejected');
          expect(isAbortError((results[1] as { reason: unknown }).reason)).toBe(true);
          expect(results[0]).toMatchObject({ status: 'fulfilled', value: samples[0].output });
          expect(results[2]).toMatchObject({ status: 'fulfilled', value: samples[0].output });
        });
      });

      if (attempt !== undefined) {
        it("gives each entry its own try's attempt number", async () => {
          await batching(async (backend) => {
            const results = await many(backend, [
              entry(attempt, { attempt: 1 }),
              entry(attempt, { attempt: 2 }),
              entry(attempt, { attempt: 5 }),
            ]);
            expect(results.map((r) => (r as { value: unknown }).value)).toEqual([1, 2, 5]);
          });
        });
      }

      if (slow !== undefined) {
        it('stops an aborted running entry: finished entries keep their outcomes, later ones come back rerun', async () => {
          await batching(async (backend) => {
            const controller = new AbortController();
            const running = backend.runMany!([
              entry(samples[0].input),
              entry(slow, { signal: controller.signal }),
              entry(samples[1].input),
            ]);
            await new Promise((resolve) => setTimeout(resolve, 150));
            controller.abort(new Error('cancelled by the test'));
            const outcome = await settleWithin(running, abortWithin + 1000);
            expect(outcome.settled, 'runMany settles promptly after the abort').toBe(true);
            const results = outcome.value as BatchResult<O>[];
            expect(results).toHaveLength(3);
            expect(results[0]).toMatchObject({ status: 'fulfilled', value: samples[0].output });
            // The aborted entry itself may report anything (its Pool has settled it already).
            // Run after the abort, or handed back to be run again: never a failure of its own.
            const last = results[2];
            if (last.status === 'fulfilled') expect(last.value).toEqual(samples[1].output);
            else expect(last.status).toBe('rerun');
            expect(await backend.run(samples[1].input, { signal: signal() })).toEqual(samples[1].output);
          });
        });
      }

      it('is used by a Pool for tasks that wait, and every result arrives', async () => {
        await batching(async (backend) => {
          const sizes: number[] = [];
          const runMany = backend.runMany!.bind(backend);
          const spy: Backend<I, O> = {
            name: backend.name,
            concurrency: backend.concurrency,
            run: (input, options) => backend.run(input, options),
            runMany: (batch) => {
              sizes.push(batch.length);
              return runMany(batch);
            },
            close: async () => {},
          };
          const pool = new Pool<I, O>({ backend: spy });
          const count = Math.max(32, 8 * Math.min(backend.concurrency, 16));
          const picks = Array.from({ length: count }, (_, i) => samples[i % samples.length]);
          const results = await Promise.all(picks.map((s) => pool.submit(s.input)));
          expect(results).toEqual(picks.map((s) => s.output));
          await pool.close();
          expect(Math.max(0, ...sizes), 'some batch held more than one task').toBeGreaterThan(1);
          expect(pool.stats).toMatchObject({ submitted: count, succeeded: count, failed: 0, cancelled: 0 });
        });
      });
    });
  }
}

/** Waits for `promise` at most `ms`; reports whether it settled, and how. */
async function settleWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<{ settled: boolean; ok: boolean; value: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ settled: boolean; ok: boolean; value: unknown }>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false, ok: false, value: undefined }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ settled: true, ok: true, value }),
        (value: unknown) => ({ settled: true, ok: false, value }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
