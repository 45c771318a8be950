import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelQueue, type Outcome, Pool, type PoolStats, PriorityQueue } from '../src/index.js';
import { addsUp, sleep, tick, track } from './helpers.js';

type Op =
  | { t: 'submit'; withSignal: boolean; timeout: boolean; priority: number }
  | { t: 'enqueue'; withSignal: boolean }
  | { t: 'resolve'; i: number }
  | { t: 'reject'; i: number }
  | { t: 'abort'; i: number }
  | { t: 'tick' }
  | { t: 'sleep' }
  | { t: 'close' }
  | { t: 'stop' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('submit' as const),
      withSignal: fc.boolean(),
      timeout: fc.boolean(),
      priority: fc.integer({ min: -2, max: 2 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('enqueue' as const), withSignal: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('resolve' as const), i: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reject' as const), i: fc.nat(10) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sleep' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'stop' as const }) },
);

/** Checks the counters at a moment a caller can observe them. */
function checkStats(stats: PoolStats, previous: PoolStats): void {
  for (const value of Object.values(stats)) expect(value).toBeGreaterThanOrEqual(0);
  expect(addsUp(stats)).toBe(true);
  // Finished counts and acceptances never go back.
  expect(stats.submitted).toBeGreaterThanOrEqual(previous.submitted);
  expect(stats.succeeded).toBeGreaterThanOrEqual(previous.succeeded);
  expect(stats.failed).toBeGreaterThanOrEqual(previous.failed);
  expect(stats.cancelled).toBeGreaterThanOrEqual(previous.cancelled);
}

async function scenario(
  ops: Op[],
  queueKind: 'channel' | 'rendezvous' | 'priority',
  finish: 'close' | 'stop',
) {
  const gates: Array<{ id: number; settle: (ok: boolean) => void }> = [];
  const pool = new Pool<number, number>({
    executor: (id) =>
      new Promise<number>((resolve, reject) => {
        gates.push({ id, settle: (ok) => (ok ? resolve(id) : reject(new Error(`task ${id} failed`))) });
      }),
    concurrency: 2,
    queue:
      queueKind === 'priority'
        ? new PriorityQueue({ capacity: 3 })
        : new ChannelQueue({ capacity: queueKind === 'rendezvous' ? 0 : 3 }),
    keepResults: true,
    resultsCapacity: 1000,
  });
  pool.on('error', () => {}); // failures of enqueue()d tasks are expected here
  const submits: Array<ReturnType<typeof track<number>>> = [];
  const enqueues: Array<{ id: number; accepted: ReturnType<typeof track<void>> }> = [];
  const controllers: AbortController[] = [];
  let nextId = 0;
  let previous = pool.stats;
  const observe = () => {
    const now = pool.stats;
    checkStats(now, previous);
    previous = now;
  };

  for (const o of ops) {
    switch (o.t) {
      case 'submit': {
        const controller = new AbortController();
        if (o.withSignal) controllers.push(controller);
        submits.push(
          track(
            pool.submit(nextId++, {
              signal: o.withSignal ? controller.signal : undefined,
              timeout: o.timeout ? 1 : undefined,
              priority: o.priority,
            }),
          ),
        );
        break;
      }
      case 'enqueue': {
        const controller = new AbortController();
        if (o.withSignal) controllers.push(controller);
        const id = nextId++;
        enqueues.push({
          id,
          accepted: track(pool.enqueue(id, { signal: o.withSignal ? controller.signal : undefined })),
        });
        break;
      }
      case 'resolve':
      case 'reject':
        if (gates.length > 0) gates.splice(o.i % gates.length, 1)[0].settle(o.t === 'resolve');
        break;
      case 'abort':
        if (controllers.length > 0) controllers[o.i % controllers.length].abort();
        break;
      case 'tick':
        await tick();
        break;
      case 'sleep':
        await sleep(2);
        break;
      case 'close':
        void pool.close();
        break;
      case 'stop':
        void pool.stop();
        break;
    }
    observe();
  }

  const ending = track(finish === 'close' ? pool.close() : pool.stop());
  for (let round = 0; ending.state === 'pending'; round++) {
    if (round > 500)
      throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)} state=${pool.state}`);
    for (const gate of gates.splice(0)) gate.settle(true);
    await tick();
    observe();
  }
  await tick();
  expect(ending.state).toBe('fulfilled');
  expect(pool.state).toBe('closed');

  // Nothing is left pending once close()/stop() resolved.
  expect(submits.filter((s) => s.state === 'pending')).toHaveLength(0);
  expect(enqueues.filter((e) => e.accepted.state === 'pending')).toHaveLength(0);
  const stats = pool.stats;
  expect(stats.waiting + stats.running).toBe(0);

  // Every accepted task settled exactly once: one outcome per accepted enqueue, none for refused ones.
  const outcomes: Outcome<number, number>[] = [];
  for (let r = pool.tryResult(); r.outcome !== undefined; r = pool.tryResult()) outcomes.push(r.outcome);
  expect(pool.tryResult().done).toBe(true);
  const accepted = enqueues.filter((e) => e.accepted.state === 'fulfilled').map((e) => e.id);
  expect(outcomes.map((o) => o.input).sort((a, b) => a - b)).toEqual(accepted.sort((a, b) => a - b));

  // The counters agree with what callers saw: each submit() that settled after acceptance, plus each
  // accepted enqueue(), is one of succeeded + failed + cancelled.
  const submitSucceeded = submits.filter((s) => s.state === 'fulfilled').length;
  const enqueueSucceeded = outcomes.filter((o) => o.ok).length;
  expect(stats.succeeded).toBe(submitSucceeded + enqueueSucceeded);
  expect(stats.submitted).toBe(stats.succeeded + stats.failed + stats.cancelled);
}

describe('pool invariants under random interleavings', () => {
  for (const queueKind of ['channel', 'rendezvous', 'priority'] as const) {
    it(`submitted = waiting + running + succeeded + failed + cancelled at every step (${queueKind} queue)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 5, maxLength: 60 }),
          fc.constantFrom('close' as const, 'stop' as const),
          (ops, finish) => scenario(ops, queueKind, finish),
        ),
        { numRuns: Number(process.env.POOLKIT_PROPERTY_RUNS ?? 120) },
      );
    });
  }
});
