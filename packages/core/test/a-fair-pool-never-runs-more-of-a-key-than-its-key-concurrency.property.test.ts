/**
 * A Pool over a FairQueue with `keyConcurrency`, under random interleavings of submits for
 * several keys (and for none), settling, aborts, timeouts, retries, pause()/resume(),
 * `concurrency = n`, clear() and clear({ key }), ended by stop({ force: true }) (after a
 * close(), or not) — through an executor, and through a batching backend (`runMany`, `maxBatch`).
 *
 * The backend counts the tries of each key it holds (a batch's entries from the moment the batch
 * is handed over; an aborted try stops counting at once). Checked after every operation:
 * - no try begins while its key already has `keyConcurrency(key)` tries running;
 * - the queue agrees: `keyStats(key).running` (popped, not released) never exceeds the limit and
 *   never falls below the tries the backend runs for the key (a task is released only after it
 *   ended: released early or twice, the queue would let one more of the key start);
 * - the counters add up and never go back; `submitted` is the number of tasks the queue took;
 * - clear() and clear({ key }) return what they add to `cancelled`.
 * At the end: every task settled exactly once with an outcome its kind allows, the counters match
 * the outcomes, and the queue holds no key state (`keyCount` 0).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAbortError, Pool, type PoolStats } from '../src/index.js';
import {
  codeOf,
  type Job,
  type Key,
  KeyRuns,
  KeyRunsBackend,
  RecordingFairQueue,
} from './fair-pool-helpers.js';
import { addsUp, sleep, tick, track } from './helpers.js';

const KEYS: readonly Key[] = ['a', 'b', 'c', undefined];

type Op =
  | { t: 'submit'; key: number; kind: Job['kind']; timeout: boolean; signal: boolean }
  | { t: 'settle'; i: number }
  | { t: 'abort'; i: number }
  | { t: 'abortLast' }
  | { t: 'tick' }
  | { t: 'sleep' }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'concurrency'; n: number }
  | { t: 'clear' }
  | { t: 'clearKey'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('submit' as const),
      key: fc.nat(KEYS.length - 1),
      kind: fc.constantFrom<Job['kind']>('ok', 'ok', 'ok', 'fail', 'hang'),
      timeout: fc.boolean(),
      signal: fc.boolean(),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('settle' as const), i: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(30) }) },
  // The newest task, in the same tick as its submit: it may be on its way to a pending pop.
  { weight: 2, arbitrary: fc.constant({ t: 'abortLast' as const }) },
  { weight: 3, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sleep' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'resume' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('concurrency' as const), n: fc.integer({ min: 1, max: 5 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('clearKey' as const), key: fc.nat(KEYS.length - 2) }) },
);

interface Config {
  concurrency: number;
  capacity: number;
  keyCapacity: number;
  onFull: 'wait' | 'reject';
  retries: boolean;
  /** close() and let the settleable tasks finish before the force-stop, or force-stop at once. */
  closeFirst: boolean;
  /** One limit per key of KEYS (only the first is used with a numeric keyConcurrency). */
  limits: number[];
}

const configArb: fc.Arbitrary<Config> = fc.record({
  concurrency: fc.integer({ min: 1, max: 5 }),
  capacity: fc.constantFrom(2, 3, 6, Number.POSITIVE_INFINITY),
  keyCapacity: fc.constantFrom(1, 2, Number.POSITIVE_INFINITY),
  onFull: fc.constantFrom('wait' as const, 'reject' as const),
  retries: fc.boolean(),
  closeFirst: fc.boolean(),
  limits: fc.array(fc.constantFrom(1, 1, 2, 3, Number.POSITIVE_INFINITY), {
    minLength: KEYS.length,
    maxLength: KEYS.length,
  }),
});

interface Variant {
  /** keyConcurrency as a function of the key (each key its own limit), or one number. */
  limitFunction: boolean;
  /** Through a batching backend of ours (runMany, maxBatch), or the pool's own executor. */
  batching: { backendConcurrency: number; maxBatch: number } | undefined;
}

interface Call {
  job: Job;
  box: ReturnType<typeof track<number>>;
  controller: AbortController | undefined;
  timeout: boolean;
}

async function scenario(ops: Op[], cfg: Config, variant: Variant): Promise<void> {
  const limitOf = (key: Key) => (variant.limitFunction ? cfg.limits[KEYS.indexOf(key)] : cfg.limits[0]);
  const runs = new KeyRuns(limitOf);
  const asked: Key[] = [];
  const queue = new RecordingFairQueue<unknown>({
    capacity: cfg.capacity,
    keyCapacity: cfg.keyCapacity,
    keyConcurrency: variant.limitFunction
      ? (key) => {
          asked.push(key);
          return limitOf(key);
        }
      : cfg.limits[0],
  });
  const common = {
    queue,
    concurrency: cfg.concurrency,
    onFull: cfg.onFull,
    retries: cfg.retries ? { attempts: 2, backoff: 1, jitter: false } : 0,
  };
  const backend = variant.batching && new KeyRunsBackend(runs, variant.batching.backendConcurrency);
  const pool = backend
    ? new Pool<Job, number>({ ...common, backend, maxBatch: variant.batching!.maxBatch })
    : new Pool<Job, number>({ ...common, executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt) });
  const calls: Call[] = [];
  let cleared = 0;
  let previous: PoolStats = pool.stats;

  const observe = (step: string) => {
    expect(runs.violations.join('; '), step).toBe('');
    const stats = pool.stats;
    expect(addsUp(stats), `${step}: counters add up ${JSON.stringify(stats)}`).toBe(true);
    for (const name of ['submitted', 'succeeded', 'failed', 'cancelled'] as const) {
      expect(stats[name], `${step}: ${name} never goes back`).toBeGreaterThanOrEqual(previous[name]);
    }
    expect(stats.submitted, `${step}: submitted = tasks the queue took`).toBe(queue.accepted.length);
    previous = stats;
    let waiting = 0;
    for (const key of KEYS) {
      const { waiting: w, running } = queue.keyStats(key);
      waiting += w;
      expect(running, `${step}: key ${key} out of the queue ≤ its limit`).toBeLessThanOrEqual(limitOf(key));
      expect(running, `${step}: key ${key} out of the queue ≥ its tries running`).toBeGreaterThanOrEqual(
        runs.running(key),
      );
      expect(w, `${step}: key ${key} waiting ≤ keyCapacity`).toBeLessThanOrEqual(cfg.keyCapacity);
    }
    expect(waiting, `${step}: the keys' waiting items add up to the queue's size`).toBe(queue.size);
    expect(queue.size, `${step}: the queue holds only waiting tasks`).toBeLessThanOrEqual(stats.waiting);
  };

  for (const [index, op] of ops.entries()) {
    const step = `op ${index} ${JSON.stringify(op)}`;
    switch (op.t) {
      case 'submit': {
        const job: Job = { id: calls.length, key: KEYS[op.key], kind: op.kind };
        const controller = op.signal ? new AbortController() : undefined;
        const box = track(
          pool.submit(job, { key: job.key, timeout: op.timeout ? 3 : undefined, signal: controller?.signal }),
        );
        calls.push({ job, box, controller, timeout: op.timeout });
        break;
      }
      case 'settle':
        runs.settle(op.i);
        break;
      case 'abort': {
        const withSignal = calls.filter((c) => c.controller !== undefined);
        if (withSignal.length > 0) withSignal[op.i % withSignal.length].controller!.abort();
        break;
      }
      case 'abortLast':
        calls.findLast((c) => c.controller !== undefined)?.controller?.abort();
        break;
      case 'tick':
        await tick();
        break;
      case 'sleep':
        await sleep(2);
        break;
      case 'pause':
        pool.pause();
        break;
      case 'resume':
        pool.resume();
        break;
      case 'concurrency':
        pool.concurrency = op.n;
        break;
      case 'clear':
      case 'clearKey': {
        const before = pool.stats.cancelled;
        const n = op.t === 'clear' ? pool.clear() : pool.clear({ key: KEYS[op.key] as string });
        expect(pool.stats.cancelled - before, `${step}: clear counts what it cancels`).toBe(n);
        cleared += n;
        break;
      }
    }
    observe(step);
  }

  if (cfg.closeFirst) {
    void pool.close();
    for (let round = 0; round < 30 && pool.state !== 'closed'; round++) {
      for (let i = 0; i < runs.gates.length; i++) runs.settle(i);
      await (round % 5 === 4 ? sleep(1) : tick());
      observe(`closing round ${round}`);
    }
  }
  const ending = track(pool.stop({ force: true }));
  expect(pool.stats.running + pool.stats.waiting, 'stop({ force: true }) cancels everything').toBe(0);
  expect(runs.gates.length, 'stop({ force: true }) aborts every try').toBe(0);
  for (let round = 0; ending.state === 'pending'; round++) {
    if (round > 200) throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)}`);
    await tick();
    observe(`ending round ${round}`);
  }
  await tick();
  observe('ended');

  // Memory: no key state is left, and the key function was asked only about keys that came.
  expect(queue.keyCount, `keys left: ${JSON.stringify([...queue.keys()])}`).toBe(0);
  expect(queue.size).toBe(0);
  for (const key of asked) expect(KEYS).toContain(key);

  // Every call settled once, with an outcome its kind allows; the counters match the outcomes.
  // The pool queues a record per task, with its input.
  const accepted = new Set((queue.accepted as { input: Job }[]).map((task) => task.input));
  const stats = pool.stats;
  let ok = 0;
  let failed = 0;
  let cancelled = 0;
  let clearedSeen = 0;
  for (const { job, box, timeout } of calls) {
    expect(box.state, `task ${job.id} settled`).not.toBe('pending');
    if (!accepted.has(job)) {
      const code = codeOf(box.error);
      expect(
        code === 'ERR_QUEUE_FULL' ||
          code === 'ERR_POOL_CLOSED' ||
          code === 'ERR_POOL_STOPPED' ||
          isAbortError(box.error),
        `refused task ${job.id}: ${String(box.error)}`,
      ).toBe(true);
      expect(runs.started, `refused task ${job.id} never ran`).not.toContain(job.id);
      continue;
    }
    if (box.state === 'fulfilled') {
      expect(job.kind, `task ${job.id} succeeded`).toBe('ok');
      expect(box.value).toBe(job.id);
      ok++;
      continue;
    }
    const error = box.error as Error;
    if (isAbortError(error) || codeOf(error) === 'ERR_POOL_STOPPED') {
      cancelled++;
      if (codeOf(error.cause) === 'ERR_POOL_CLEARED') clearedSeen++;
    } else {
      expect(
        (timeout && codeOf(error) === 'ERR_TASK_TIMEOUT') ||
          (job.kind === 'fail' && error.message === `task ${job.id} failed`),
        `task ${job.id} (${job.kind}) failed with ${String(error)}`,
      ).toBe(true);
      failed++;
    }
  }
  expect({ succeeded: stats.succeeded, failed: stats.failed, cancelled: stats.cancelled }).toEqual({
    succeeded: ok,
    failed,
    cancelled,
  });
  expect(clearedSeen, 'tasks cancelled by clear() = what clear() returned').toBe(cleared);
  expect(new Set(runs.started).size, 'no task started twice').toBe(runs.started.length);
}

const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 60);
const timeout = Math.max(20_000, runs * 100);

describe('keyConcurrency under random interleavings', () => {
  const variants: Array<[string, Variant]> = [
    ['a numeric keyConcurrency, through an executor', { limitFunction: false, batching: undefined }],
    [
      'keyConcurrency as a function of the key, through an executor',
      { limitFunction: true, batching: undefined },
    ],
    [
      'a numeric keyConcurrency, through a batching backend',
      { limitFunction: false, batching: { backendConcurrency: 3, maxBatch: 3 } },
    ],
    [
      'keyConcurrency as a function of the key, through a batching backend',
      { limitFunction: true, batching: { backendConcurrency: 2, maxBatch: 4 } },
    ],
  ];
  for (const [name, variant] of variants) {
    it(
      `a key never has more tries running than its limit, and every task settles once (${name})`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(opArb, { minLength: 1, maxLength: 60, size: 'medium' }),
            configArb,
            (ops, cfg) => scenario(ops, cfg, variant),
          ),
          { numRuns: runs },
        );
      },
      timeout,
    );
  }
});
