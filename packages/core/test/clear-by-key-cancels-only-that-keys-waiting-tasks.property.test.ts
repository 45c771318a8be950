/**
 * pool.clear({ key }) over a FairQueue, under random interleavings of submits for three keys,
 * settling, aborts, pause()/resume(), `concurrency = n` and clears of one key — among them "the
 * tenant left": every task of a key aborted (running ones too) and its backlog cleared in one go.
 *
 * A model knows which tasks wait: accepted by the queue (a caller blocked on a full queue is not
 * waiting yet), not started by the executor, not cancelled by an abort or an earlier clear. After
 * each clear({ key }) it checks that the clear cancelled exactly the waiting tasks of that key
 * (its return value and `cancelled` both say so), and at the end that those never started and
 * rejected with an AbortError whose `cause` is a PoolClearedError, while every other task that
 * was not aborted ran and succeeded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAbortError, Pool } from '../src/index.js';
import { codeOf, type Job, KeyRuns, RecordingFairQueue } from './fair-pool-helpers.js';
import { addsUp, tick, track } from './helpers.js';

const KEYS = ['a', 'b', 'c'] as const;

type Op =
  | { t: 'submit'; key: number; signal: boolean }
  | { t: 'settle'; i: number }
  | { t: 'abort'; i: number }
  | { t: 'tick' }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'concurrency'; n: number }
  | { t: 'clearKey'; key: number }
  | { t: 'tenantLeaves'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ t: fc.constant('submit' as const), key: fc.nat(2), signal: fc.boolean() }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('settle' as const), i: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(30) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'resume' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('concurrency' as const), n: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('clearKey' as const), key: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('tenantLeaves' as const), key: fc.nat(2) }) },
);

interface Config {
  concurrency: number;
  capacity: number;
  limits: number[];
}

const configArb: fc.Arbitrary<Config> = fc.record({
  concurrency: fc.integer({ min: 1, max: 4 }),
  capacity: fc.constantFrom(3, 8, Number.POSITIVE_INFINITY),
  limits: fc.array(fc.constantFrom(1, 2, Number.POSITIVE_INFINITY), { minLength: 3, maxLength: 3 }),
});

interface Call {
  job: Job;
  box: ReturnType<typeof track<number>>;
  controller: AbortController | undefined;
}

async function scenario(ops: Op[], cfg: Config): Promise<void> {
  const limitOf = (key: string | undefined) => cfg.limits[KEYS.indexOf(key as (typeof KEYS)[number])];
  const runs = new KeyRuns(limitOf);
  const queue = new RecordingFairQueue<{ input: Job }>({ capacity: cfg.capacity, keyConcurrency: limitOf });
  const pool = new Pool<Job, number>({
    executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt),
    queue: queue as RecordingFairQueue<unknown>,
    concurrency: cfg.concurrency,
  });
  const calls: Call[] = [];
  /** Tasks the model knows are cancelled: aborted while waiting, or cleared. */
  const aborted = new Set<number>();
  const cleared = new Set<number>();

  const accepted = () => new Set(queue.accepted.map((task) => task.input.id));
  /** The model's waiting tasks of `key`: accepted, not started, not cancelled. */
  const waitingOf = (key: string) => {
    const taken = accepted();
    const started = new Set(runs.started);
    return calls
      .filter(({ job }) => job.key === key && taken.has(job.id) && !started.has(job.id))
      .filter(({ job }) => !aborted.has(job.id) && !cleared.has(job.id))
      .map(({ job }) => job.id);
  };
  const abort = (call: Call) => {
    if (call.controller === undefined || call.controller.signal.aborted) return;
    // A task that has not started yet is cancelled by its abort (or refused, if still blocked).
    if (!runs.started.includes(call.job.id)) aborted.add(call.job.id);
    call.controller.abort();
  };
  const clearKey = (key: string, step: string) => {
    const expected = waitingOf(key);
    const before = pool.stats.cancelled;
    const n = pool.clear({ key });
    expect(
      { returned: n, counted: pool.stats.cancelled - before },
      `${step}: tasks ${expected} waited`,
    ).toEqual({
      returned: expected.length,
      counted: expected.length,
    });
    for (const id of expected) cleared.add(id);
  };

  for (const [index, op] of ops.entries()) {
    const step = `op ${index} ${JSON.stringify(op)}`;
    switch (op.t) {
      case 'submit': {
        const job: Job = { id: calls.length, key: KEYS[op.key], kind: 'ok' };
        const controller = op.signal ? new AbortController() : undefined;
        calls.push({
          job,
          box: track(pool.submit(job, { key: job.key, signal: controller?.signal })),
          controller,
        });
        break;
      }
      case 'settle':
        runs.settle(op.i);
        break;
      case 'abort': {
        const withSignal = calls.filter((c) => c.controller !== undefined);
        if (withSignal.length > 0) abort(withSignal[op.i % withSignal.length]);
        break;
      }
      case 'tick':
        await tick();
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
      case 'clearKey':
        clearKey(KEYS[op.key], step);
        break;
      case 'tenantLeaves':
        // Its running tasks are aborted (each frees a slot of its key at once), then its backlog goes.
        for (const call of calls) if (call.job.key === KEYS[op.key]) abort(call);
        clearKey(KEYS[op.key], step);
        break;
    }
    expect(addsUp(pool.stats), step).toBe(true);
    const late = runs.started.filter((id) => cleared.has(id));
    expect(late, `${step}: cleared tasks that started`).toEqual([]);
  }

  // Let everything else run to its end.
  pool.resume();
  const closing = track(pool.close());
  for (let round = 0; closing.state === 'pending'; round++) {
    if (round > 1000) throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)}`);
    for (let i = runs.gates.length; i > 0; i--) runs.settle(0);
    await tick();
  }
  expect(
    runs.started.filter((id) => cleared.has(id)),
    'cleared tasks that started',
  ).toEqual([]);
  expect(queue.keyCount).toBe(0);
  const taken = accepted();
  for (const { job, box } of calls) {
    expect(box.state, `task ${job.id} settled`).not.toBe('pending');
    if (!taken.has(job.id)) {
      // Blocked on a full queue until its abort, or until close() refused it.
      const refusal = isAbortError(box.error) || codeOf(box.error) === 'ERR_POOL_CLOSED';
      expect(refusal, `task ${job.id} refused with ${String(box.error)}`).toBe(true);
    } else if (cleared.has(job.id)) {
      expect(isAbortError(box.error), `cleared task ${job.id} rejects with an AbortError`).toBe(true);
      expect(codeOf(box.error.cause), `cleared task ${job.id}'s cause`).toBe('ERR_POOL_CLEARED');
    } else if (box.state === 'rejected') {
      // Only an abort of its own: never a clear of another key (nor of its key, after it started).
      expect(isAbortError(box.error), `task ${job.id} rejected with ${String(box.error)}`).toBe(true);
      expect(codeOf(box.error.cause), `task ${job.id} was not cleared`).not.toBe('ERR_POOL_CLEARED');
      expect(calls[job.id].controller?.signal.aborted, `task ${job.id} was aborted`).toBe(true);
    } else {
      expect(box.value).toBe(job.id);
    }
  }
  expect(pool.stats.cancelled).toBe(
    calls.filter((c) => taken.has(c.job.id) && c.box.state === 'rejected').length,
  );
}

// Cheap (no timers): more runs than most, as the races it looks for need a few steps in a row.
const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 300);

describe('clear({ key }) under random interleavings', () => {
  it(
    'cancels exactly the waiting tasks of its key, each with a PoolClearedError cause, and no other',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 60, size: 'medium' }),
          configArb,
          scenario,
        ),
        { numRuns: runs },
      );
    },
    Math.max(20_000, runs * 100),
  );
});
