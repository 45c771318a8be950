/**
 * keyCapacity through a Pool: a key whose waiting tasks fill its keyCapacity holds back only its
 * own callers. With onFull 'wait' they wait, in their order, while other keys' callers are
 * accepted at once; with onFull 'reject' they are refused with a QueueFullError
 * (ERR_QUEUE_FULL) while other keys' are accepted.
 *
 * The property runs random interleavings of submits for three keys, settling, aborts (of waiting
 * and of blocked callers), pause()/resume() and ticks, with a model of the blocked callers, and
 * checks at every submit that it is accepted at once exactly when its key has room and — with
 * 'wait' — none of its key is blocked ahead of it; after every operation, that a caller is blocked
 * only while its key is full; at the end, that each key's callers were accepted in their order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pool, QueueFullError } from '../src/index.js';
import { codeOf, type Job, KeyRuns, RecordingFairQueue } from './fair-pool-helpers.js';
import { gatedExecutor, tick, track } from './helpers.js';

const KEYS = ['a', 'b', 'c'] as const;

type Op =
  | { t: 'submit'; key: number; signal: boolean }
  | { t: 'settle'; i: number }
  | { t: 'abort'; i: number }
  | { t: 'tick' }
  | { t: 'pause' }
  | { t: 'resume' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ t: fc.constant('submit' as const), key: fc.nat(2), signal: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('settle' as const), i: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'resume' as const }) },
);

interface Config {
  keyCapacity: number;
  keyConcurrency: number;
  concurrency: number;
  onFull: 'wait' | 'reject';
}

const configArb: fc.Arbitrary<Config> = fc.record({
  keyCapacity: fc.integer({ min: 1, max: 3 }),
  keyConcurrency: fc.constantFrom(1, 2, Number.POSITIVE_INFINITY),
  concurrency: fc.integer({ min: 1, max: 3 }),
  onFull: fc.constantFrom('wait' as const, 'reject' as const),
});

interface Call {
  job: Job;
  box: ReturnType<typeof track<number>>;
  controller: AbortController | undefined;
}

async function scenario(ops: Op[], cfg: Config): Promise<void> {
  const runs = new KeyRuns(() => cfg.keyConcurrency);
  const queue = new RecordingFairQueue<{ input: Job }>({
    capacity: Number.POSITIVE_INFINITY, // only keyCapacity binds
    keyCapacity: cfg.keyCapacity,
    keyConcurrency: cfg.keyConcurrency,
  });
  const pool = new Pool<Job, number>({
    executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt),
    queue: queue as RecordingFairQueue<unknown>,
    concurrency: cfg.concurrency,
    onFull: cfg.onFull,
  });
  const calls: Call[] = [];
  const accepted = () => new Set(queue.accepted.map((task) => task.input.id));
  /** Callers not accepted, not settled, not aborted: blocked on their key's room. */
  const blocked = (key: string) => {
    if (cfg.onFull === 'reject') return []; // refused at once (its promise rejects a microtask later)
    const taken = accepted();
    return calls.filter(
      (c) =>
        c.job.key === key &&
        !taken.has(c.job.id) &&
        !c.controller?.signal.aborted &&
        c.box.state === 'pending',
    );
  };

  for (const [index, op] of ops.entries()) {
    const step = `op ${index} ${JSON.stringify(op)}`;
    switch (op.t) {
      case 'submit': {
        const key = KEYS[op.key];
        const room = queue.keyStats(key).waiting < cfg.keyCapacity;
        const behind = blocked(key).length > 0;
        const job: Job = { id: calls.length, key, kind: 'ok' };
        const controller = op.signal ? new AbortController() : undefined;
        calls.push({ job, box: track(pool.submit(job, { key, signal: controller?.signal })), controller });
        expect(
          accepted().has(job.id),
          `${step}: room ${room}, callers of ${key} blocked ahead ${behind}`,
        ).toBe(room && !behind);
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
      case 'tick':
        await tick();
        break;
      case 'pause':
        pool.pause();
        break;
      case 'resume':
        pool.resume();
        break;
    }
    for (const key of KEYS) {
      const waiting = queue.keyStats(key).waiting;
      expect(waiting, `${step}: ${key} waiting ≤ keyCapacity`).toBeLessThanOrEqual(cfg.keyCapacity);
      if (blocked(key).length > 0)
        expect(waiting, `${step}: callers of ${key} blocked while it has room`).toBe(cfg.keyCapacity);
    }
  }

  await tick();
  for (const c of calls) {
    if (cfg.onFull === 'reject' && c.box.state === 'rejected' && !accepted().has(c.job.id)) {
      expect(c.box.error).toBeInstanceOf(QueueFullError);
      expect(codeOf(c.box.error)).toBe('ERR_QUEUE_FULL');
    }
  }
  pool.resume();
  const closing = track(pool.close());
  for (let round = 0; closing.state === 'pending'; round++) {
    if (round > 1000) throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)}`);
    for (let i = runs.gates.length; i > 0; i--) runs.settle(0);
    await tick();
  }
  // Within a key, callers are accepted in the order they called.
  for (const key of KEYS) {
    const order = queue.accepted
      .map((task) => task.input)
      .filter((job) => job.key === key)
      .map((job) => job.id);
    expect(order, `${key} accepted in order`).toEqual([...order].sort((x, y) => x - y));
  }
  expect(calls.filter((c) => c.box.state === 'pending')).toEqual([]);
  expect(queue.keyCount).toBe(0);
}

const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 100);

describe('a full key holds back only its own callers', () => {
  it(
    'under random interleavings, a submit is accepted at once exactly when its key has room and no caller of it waits ahead',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 50, size: 'medium' }),
          configArb,
          scenario,
        ),
        { numRuns: runs },
      );
    },
    Math.max(30_000, runs * 50),
  );

  it("onFull 'wait': the full key's callers wait, another key's enqueue() resolves and its task starts", async () => {
    const gated = gatedExecutor<string>();
    const queue = new RecordingFairQueue<unknown>({ keyCapacity: 2, keyConcurrency: 1 });
    const pool = new Pool<string, string>({ executor: gated.executor, queue, concurrency: 2 });
    const a = ['a1', 'a2', 'a3', 'a4', 'a5'].map((input) => track(pool.enqueue(input, { key: 'a' })));
    await tick();
    // a1 runs (a's limit is 1), a2 and a3 fill a's room, a4 and a5 wait for it.
    expect(a.map((box) => box.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'pending', 'pending']);
    const b = track(pool.enqueue('b1', { key: 'b' }));
    await tick();
    expect(b.state).toBe('fulfilled');
    expect(gated.started).toEqual(['a1', 'b1']);
    // Room for a, one task at a time: a4, then a5, in their order.
    gated.releaseOne(); // a1 ends: a2 starts, a4 moves in
    await tick();
    expect(a.map((box) => box.state)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'pending',
    ]);
    gated.releaseOne(); // b1 ends: nothing of a moves
    await tick();
    expect(a[4].state).toBe('pending');
    gated.releaseOne(); // a2 ends: a3 starts, a5 moves in
    await tick();
    expect(a[4].state).toBe('fulfilled');
    expect((queue.accepted as { input: string }[]).map((task) => task.input)).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'a4',
      'a5',
    ]);
    const closing = pool.close();
    for (let i = 0; i < 4; i++) {
      gated.releaseAll();
      await tick();
    }
    await closing;
    expect(gated.started).toEqual(['a1', 'b1', 'a2', 'a3', 'a4', 'a5']);
  });

  it("onFull 'reject': the full key's submit rejects with QueueFullError (ERR_QUEUE_FULL), another key's is accepted", async () => {
    const gated = gatedExecutor<string>();
    const queue = new RecordingFairQueue<unknown>({ keyCapacity: 1 });
    const pool = new Pool<string, string>({
      executor: gated.executor,
      queue,
      onFull: 'reject',
      paused: true,
    });
    void pool.submit('a1', { key: 'a' });
    const refused = pool.submit('a2', { key: 'a' });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({
      code: 'ERR_QUEUE_FULL',
      message: expect.stringContaining('keyCapacity'),
    });
    const other = pool.enqueue('b1', { key: 'b' });
    await expect(other).resolves.toBeUndefined();
    expect(pool.stats.submitted).toBe(2);
    pool.resume();
    await tick();
    expect(gated.started).toEqual(['a1', 'b1']);
    gated.releaseAll();
    await pool.close();
  });
});
