/**
 * A batching backend under random interleavings: tasks that succeed, fail or hang (until their
 * timeout or their signal kills "the thread", taking the rest of the batch with it), aborts at
 * random moments, retries, and a graceful or forced end. The backend counts each task's runs.
 *
 * Checked after every operation: the counters add up and never go back; every caller's promise
 * settles at most once. At the end: every task settled exactly once with the outcome its kind
 * calls for, and no task ran more often than its tries plus the kills that hit its batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  isAbortError,
  Pool,
  type RunOptions,
} from '../src/index.js';
import { addsUp, sleep, tick, track } from './helpers.js';

type Kind = 'ok' | 'fail' | 'hang';
type Op =
  | { t: 'submit'; kind: Kind; timeout: boolean; signal: boolean }
  | { t: 'abort'; i: number }
  | { t: 'tick' }
  | { t: 'sleep' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('submit' as const),
      kind: fc.constantFrom<Kind>('ok', 'ok', 'ok', 'fail', 'hang'),
      timeout: fc.boolean(),
      signal: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sleep' as const }) },
);

interface Job {
  id: number;
  kind: Kind;
}

/** Runs each batch's entries one after another; a hanging entry ends "the thread" when aborted. */
class KillingBackend implements Backend<Job, number> {
  readonly name = 'killing';
  readonly runs = new Map<number, number>();
  kills = 0;
  constructor(readonly concurrency: number) {}

  #start(job: Job): void {
    this.runs.set(job.id, (this.runs.get(job.id) ?? 0) + 1);
  }

  async #one(job: Job, options: RunOptions): Promise<number> {
    this.#start(job);
    await tick();
    if (job.kind === 'hang') {
      await new Promise<void>((resolve) => {
        if (options.signal.aborted) resolve();
        else options.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      throw abortError(options.signal.reason);
    }
    if (job.kind === 'fail') throw new Error(`job ${job.id} failed`);
    return job.id;
  }

  run(job: Job, options: RunOptions): Promise<number> {
    if (options.signal.aborted) return Promise.reject(abortError(options.signal.reason));
    return this.#one(job, options);
  }

  async runMany(
    batch: readonly BatchEntry<Job>[],
    report?: (index: number, result: BatchResult<number>) => void,
  ): Promise<BatchResult<number>[]> {
    const results: BatchResult<number>[] = [];
    let killed = false;
    for (const [index, { input, options }] of batch.entries()) {
      if (killed) {
        results.push({ status: 'rerun' });
        continue;
      }
      if (options.signal.aborted) {
        results.push({ status: 'rejected', reason: abortError(options.signal.reason) });
        report?.(index, results[index]);
        continue;
      }
      try {
        results.push({ status: 'fulfilled', value: await this.#one(input, options), time: 0.01 });
      } catch (reason) {
        results.push({ status: 'rejected', reason, time: 0.01 });
        if (input.kind === 'hang') {
          killed = true; // its thread goes, and every entry after it with it
          this.kills++;
        }
      }
      report?.(index, results[index]);
    }
    return results;
  }

  async close(): Promise<void> {}
}

async function scenario(ops: Op[], retries: boolean, force: boolean): Promise<void> {
  const backend = new KillingBackend(2);
  const pool = new Pool<Job, number>({
    backend,
    retries: retries ? { attempts: 2, backoff: 1, jitter: false } : 0,
  });
  const calls: {
    job: Job;
    box: ReturnType<typeof track<number>>;
    controller?: AbortController;
    timeout: boolean;
  }[] = [];
  let previous = pool.stats;
  const observe = (step: string) => {
    const stats = pool.stats;
    expect(addsUp(stats), `${step}: ${JSON.stringify(stats)}`).toBe(true);
    for (const key of ['submitted', 'succeeded', 'failed', 'cancelled'] as const) {
      expect(stats[key], `${step}: ${key} never goes back`).toBeGreaterThanOrEqual(previous[key]);
    }
    previous = stats;
  };
  for (const [index, op] of ops.entries()) {
    const step = `op ${index} ${JSON.stringify(op)}`;
    if (op.t === 'submit') {
      const job = { id: calls.length, kind: op.kind };
      const controller = op.signal ? new AbortController() : undefined;
      const box = track(
        pool.submit(job, { timeout: op.timeout ? 5 : undefined, signal: controller?.signal }),
      );
      calls.push({ job, box, controller, timeout: op.timeout });
    } else if (op.t === 'abort') {
      const withSignal = calls.filter((c) => c.controller !== undefined);
      if (withSignal.length > 0) withSignal[op.i % withSignal.length].controller!.abort();
    } else if (op.t === 'tick') {
      await tick();
    } else {
      await sleep(2);
    }
    observe(step);
  }
  const ending = track(force ? pool.stop({ force: true }) : pool.close());
  // A graceful close waits for hanging tasks: let the test's signals and timeouts end them.
  for (let round = 0; ending.state === 'pending'; round++) {
    if (round === 50) for (const c of calls) c.controller?.abort();
    if (round === 100) void pool.stop({ force: true });
    if (round > 400) throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)}`);
    await sleep(1);
    observe(`ending round ${round}`);
  }
  await tick();
  const stats = pool.stats;
  expect(stats.waiting + stats.running).toBe(0);
  expect(stats.submitted).toBe(calls.length);
  let ok = 0;
  for (const { job, box, timeout } of calls) {
    expect(box.state, `task ${job.id} settled`).not.toBe('pending');
    const runs = backend.runs.get(job.id) ?? 0;
    const tries = retries && (job.kind !== 'ok' || timeout) ? 2 : 1; // a failure or a timeout is retried
    expect(runs, `task ${job.id} (${job.kind}) runs`).toBeLessThanOrEqual(tries + backend.kills);
    if (box.state === 'fulfilled') {
      expect(job.kind).toBe('ok');
      expect(box.value).toBe(job.id);
      ok++;
      continue;
    }
    const error = box.error as { code?: string; message?: string };
    const allowed =
      isAbortError(error) ||
      error.code === 'ERR_POOL_STOPPED' ||
      (timeout && error.code === 'ERR_TASK_TIMEOUT') ||
      (job.kind === 'fail' && error.message === `job ${job.id} failed`);
    expect(allowed, `task ${job.id} (${job.kind}) failed with ${String(error?.message)}`).toBe(true);
    // A task that cannot fail on its own and was neither cancelled nor timed out must succeed.
    if (job.kind === 'ok' && !force) {
      expect(
        isAbortError(error) || error.code === 'ERR_POOL_STOPPED' || error.code === 'ERR_TASK_TIMEOUT',
      ).toBe(true);
    }
  }
  expect(stats.succeeded).toBe(ok);
}

const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 80);

describe('batches under random interleavings', () => {
  it('every task settles once, the counters add up at every step, and runs stay within tries plus kills', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        scenario,
      ),
      { numRuns: runs },
    );
  }, 60_000);
});
