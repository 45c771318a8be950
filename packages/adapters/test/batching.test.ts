/**
 * PiscinaBackend's batches (runMany), alone and behind a Pool: each task's own outcome, kills
 * and crashes in the middle of a batch, and how often each task really ran — counted by the
 * task itself in shared memory, so "no task runs twice unless re-run after a kill or crash" is
 * checked against the thread, not against the pool's own bookkeeping.
 */
import { type BatchEntry, type BatchResult, isAbortError, Pool } from '@poolkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PiscinaBackend } from '../src/index.js';
import { backend, never } from './helpers.js';

type Op = 'ok' | 'fail' | 'exit' | 'spin' | 'sleep';

/** Shared run counters, one per task. */
function counters(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

const input = (counts: Int32Array, index: number, op: Op) => ({ counts, index, op });

/** A backend whose runMany calls are recorded (sizes only). */
function recorded(b: PiscinaBackend): { sizes: number[] } {
  const sizes: number[] = [];
  const runMany = b.runMany.bind(b);
  Object.defineProperty(b, 'runMany', {
    value: (batch: readonly BatchEntry[], report?: (i: number, r: BatchResult) => void) => {
      sizes.push(batch.length);
      return runMany(batch as never, report as never);
    },
  });
  return { sizes };
}

describe('PiscinaBackend.runMany', () => {
  it('gives each task its own value or error, with its run time', async () => {
    const b = backend({ threads: 1 });
    const counts = counters(4);
    const results = await b.runMany(
      (['ok', 'fail', 'ok', 'sleep'] as Op[]).map((op, index) => ({
        input: input(counts, index, op),
        options: { signal: never(), task: 'counted' },
      })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { message: 'task 1 failed', code: 'E_COUNTED' } });
    expect((results[3] as { time: number }).time).toBeGreaterThanOrEqual(3);
    expect([...counts]).toEqual([1, 1, 1, 1]);
  });

  it('numbers travel as numbers (-0, NaN, Infinity kept), and mixed inputs as they are', async () => {
    const b = backend({ threads: 1 });
    const entries = (inputs: unknown[]) => inputs.map((input) => ({ input, options: { signal: never() } }));
    const numbers = await b.runMany(entries([-0, Number.NaN, Number.POSITIVE_INFINITY, 1.5]));
    const values = numbers.map((r) => (r as { value: number }).value);
    expect(Object.is(values[0], -0)).toBe(true);
    expect(values.slice(1)).toEqual([Number.NaN, Number.POSITIVE_INFINITY, 3]);
    const mixed = await b.runMany(
      [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ].map((input) => ({ input, options: { signal: never(), task: 'add' } })),
    );
    expect(mixed.map((r) => (r as { value: unknown }).value)).toEqual([3, 7]);
  });

  it('a result that cannot be cloned fails only its task, with a coded error', async () => {
    const b = backend({ threads: 1 });
    const results = await b.runMany([
      { input: 2, options: { signal: never() } },
      { input: undefined, options: { signal: never(), task: 'unclonable' } },
    ]);
    // Another task name runs alone (one entry point per batch), so both come back settled.
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: 4 });
    expect(results[1].status).toBe('rejected');
    const same = await b.runMany(
      [0, 1, 2].map(() => ({ input: undefined, options: { signal: never(), task: 'unclonable' } })),
    );
    for (const r of same) {
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_RESULT_NOT_CLONEABLE' } });
    }
  });

  it('a crash in the middle of a batch of 100: exactly one ERR_WORKER_CRASHED, 99 succeed', async () => {
    const b = backend({ threads: 1 });
    const counts = counters(100);
    const results = await b.runMany(
      Array.from({ length: 100 }, (_, i) => ({
        input: input(counts, i, i === 50 ? 'exit' : 'ok'),
        options: { signal: never(), task: 'counted', cancellable: false },
      })),
    );
    const crashed = results.filter((r) => r.status === 'rejected');
    expect(crashed).toHaveLength(1);
    expect(results[50]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_WORKER_CRASHED' } });
    // The tasks after the crash never started: handed back to be run again.
    for (let i = 51; i < 100; i++) expect(results[i].status, `task ${i}`).toBe('rerun');
    for (let i = 51; i < 100; i++) expect(counts[i], `task ${i} never ran`).toBe(0);
  });

  it('through a Pool: a crash mid-batch fails one task, the other 99 succeed, none after it ran twice', async () => {
    const b = backend({ threads: 1 });
    const { sizes } = recorded(b);
    const counts = counters(100);
    const pool = new Pool<unknown, unknown>({ backend: b, paused: true });
    const all = Array.from({ length: 100 }, (_, i) =>
      pool.submit(input(counts, i, i === 50 ? 'exit' : 'ok'), { task: 'counted' }),
    );
    pool.resume();
    const outcomes = await Promise.allSettled(all);
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([50]);
    expect((outcomes[50] as PromiseRejectedResult).reason.code).toBe('ERR_WORKER_CRASHED');
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(counts[50]).toBe(1);
    for (let i = 51; i < 100; i++) expect(counts[i], `task ${i}`).toBe(1);
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 100, succeeded: 99, failed: 1, cancelled: 0 });
  });

  it('a timed-out running task kills its thread: earlier tasks keep their outcomes, later ones re-run once', async () => {
    const b = backend({ threads: 1 });
    const { sizes } = recorded(b);
    await b.run(1, { signal: never() }); // the thread is up: its start-up does not eat the timeouts
    const counts = counters(10);
    const pool = new Pool<unknown, unknown>({ backend: b, paused: true, timeout: 1000 });
    const all = Array.from({ length: 10 }, (_, i) =>
      pool.submit(input(counts, i, i === 3 ? 'spin' : 'ok'), { task: 'counted' }),
    );
    pool.resume();
    const outcomes = await Promise.allSettled(all);
    expect(sizes[0]).toBe(10);
    expect(outcomes.map((o) => o.status)).toEqual([
      ...['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
      ...Array(6).fill('fulfilled'),
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason.code).toBe('ERR_TASK_TIMEOUT');
    expect([...counts]).toEqual(Array(10).fill(1));
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 9, failed: 1 });
  });

  it('an aborted running task rejects with an AbortError; the rest of its batch succeeds, each once', async () => {
    const b = backend({ threads: 1 });
    const counts = counters(8);
    const controller = new AbortController();
    const pool = new Pool<unknown, unknown>({ backend: b, paused: true });
    const all = Array.from({ length: 8 }, (_, i) =>
      pool.submit(input(counts, i, i === 2 ? 'spin' : 'ok'), {
        task: 'counted',
        signal: i === 2 ? controller.signal : undefined,
      }),
    );
    pool.resume();
    // Abort once task 2 really runs (a loaded machine may take a while to start the thread).
    while (Atomics.load(counts, 2) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const outcomes = await Promise.allSettled(all);
    expect(isAbortError((outcomes[2] as PromiseRejectedResult).reason)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    // Task 2 is the only one that could be cancelled: tasks 0–1 were sent ahead of it; 3–7 re-ran.
    expect([...counts]).toEqual(Array(8).fill(1));
    await pool.close();
  });
});

/** One task of a random scenario. */
const opArb = fc.constantFrom<Op | 'abort'>('ok', 'ok', 'ok', 'ok', 'fail', 'exit', 'spin', 'abort', 'sleep');

describe('random batches with failures, aborts, timeouts and crashes', () => {
  it('every task settles once, with its own outcome; runs match tries unless re-run after a kill or crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        async (ops, threads, retry) => {
          const b = backend({ threads });
          const counts = counters(ops.length);
          const pool = new Pool<unknown, unknown>({
            backend: b,
            paused: true,
            retries: retry
              ? { attempts: 2, backoff: 0, retryIf: (e) => (e as { code?: string }).code === 'E_COUNTED' }
              : 0,
          });
          const controllers = ops.map(() => new AbortController());
          const all = ops.map((op, i) =>
            pool.submit(input(counts, i, op === 'abort' ? 'spin' : op), {
              task: 'counted',
              timeout: op === 'spin' ? 100 : undefined,
              signal: op === 'abort' ? controllers[i].signal : undefined,
            }),
          );
          // The counters' invariant, checked at every turn of the event loop while the tasks run.
          const broken: string[] = [];
          const check = () => {
            const s = pool.stats;
            const sum = s.waiting + s.running + s.succeeded + s.failed + s.cancelled;
            if (sum !== s.submitted || Object.values(s).some((v) => v < 0)) broken.push(JSON.stringify(s));
          };
          const watcher = setInterval(check, 1);
          for (const p of all) p.then(check, check);
          pool.resume();
          setTimeout(() => {
            for (const [i, op] of ops.entries()) if (op === 'abort') controllers[i].abort();
          }, 50);
          const outcomes = await Promise.allSettled(all);
          clearInterval(watcher);
          await pool.close();
          expect(broken, 'counters add up at every step').toEqual([]);
          const kills = ops.filter((op) => op === 'exit' || op === 'spin' || op === 'abort').length;
          for (const [i, op] of ops.entries()) {
            const outcome = outcomes[i];
            const reason = (outcome as PromiseRejectedResult).reason as { code?: string } | undefined;
            if (op === 'ok' || op === 'sleep')
              expect(outcome, `task ${i} (${op})`).toMatchObject({ value: i });
            else if (op === 'fail') expect(reason?.code, `task ${i}`).toBe('E_COUNTED');
            else if (op === 'exit') expect(reason?.code, `task ${i}`).toBe('ERR_WORKER_CRASHED');
            else if (op === 'spin') expect(reason?.code, `task ${i}`).toBe('ERR_TASK_TIMEOUT');
            else expect(isAbortError(reason), `task ${i} (abort)`).toBe(true);
            const tries = op === 'fail' && retry ? 2 : 1;
            // A task runs once per try; only a kill or a crash in its batch may make it run again.
            // (A task cancelled or timed out may never have started: its thread may still be booting.)
            const least = op === 'abort' || op === 'spin' ? 0 : tries;
            if (kills === 0) expect(counts[i], `task ${i} (${op}) runs`).toBe(tries);
            else {
              expect(counts[i], `task ${i} (${op}) runs`).toBeGreaterThanOrEqual(least);
              expect(counts[i], `task ${i} (${op}) runs`).toBeLessThanOrEqual(tries + kills);
            }
          }
          expect(pool.stats.submitted).toBe(ops.length);
          expect(pool.stats.succeeded + pool.stats.failed + pool.stats.cancelled).toBe(ops.length);
        },
      ),
      { numRuns: Number(process.env.POOLKIT_PROPERTY_RUNS ?? 12) },
    );
  }, 120_000);
});
