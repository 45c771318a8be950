/**
 * Properties of the Pool's controls — pause()/resume(), clear(), `concurrency = n`,
 * stop({ force: true }), `paused: true` and `onFull: 'reject'` — under random interleavings with
 * submit, enqueue, settling, aborting, timeouts, retries, close and stop, on four queues.
 *
 * The model watches the pool from outside only: the queue records which inputs it accepted
 * (tryPush), the backend records every try it starts, and callers' promises are tracked. After
 * every operation it checks:
 * - the counters add up, and `submitted` is exactly the number of inputs the queue took;
 * - no task starts while `running ≥ min(concurrency, backend.concurrency)` (after lowering the
 *   limit, running may exceed it only until enough tasks finish), none while paused, none twice,
 *   none after it settled, and no try at all after stop();
 * - with a queue that does not hold items back (not rate-limited), a pool that may start tasks
 *   leaves none waiting while a slot is free (so raising concurrency and resume() start tasks
 *   before they return);
 * - a caller is blocked only while the queue is full, and the queue holds only waiting tasks;
 * - clear() cancels every waiting task and returns how many; stop({ force: true }) leaves
 *   nothing running; every task settles once.
 * At the end (close() or stop() resolved) nothing is pending and every outcome is accounted for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortError,
  type Backend,
  ChannelQueue,
  isAbortError,
  type Outcome,
  Pool,
  PriorityQueue,
  type PushOptions,
  RateLimitedQueue,
  type RunOptions,
  type WorkQueue,
} from '../src/index.js';
import { addsUp, sleep, tick, track } from './helpers.js';

type QueueKind = 'channel' | 'rendezvous' | 'priority' | 'rate-limited';

type Op =
  | { t: 'submit'; withSignal: boolean; timeout: boolean; priority: number }
  | { t: 'enqueue'; withSignal: boolean; priority: number }
  | { t: 'resolve'; i: number }
  | { t: 'reject'; i: number }
  | { t: 'abort'; i: number }
  | { t: 'tick' }
  | { t: 'sleep' }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'clear' }
  | { t: 'concurrency'; n: number }
  | { t: 'badConcurrency'; value: unknown }
  | { t: 'close' }
  | { t: 'stop'; force: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('submit' as const),
      withSignal: fc.boolean(),
      timeout: fc.boolean(),
      priority: fc.integer({ min: -2, max: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('enqueue' as const),
      withSignal: fc.boolean(),
      priority: fc.integer({ min: -2, max: 2 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('resolve' as const), i: fc.nat(10) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reject' as const), i: fc.nat(10) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('abort' as const), i: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sleep' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'pause' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'resume' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'clear' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('concurrency' as const), n: fc.integer({ min: 1, max: 4 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('badConcurrency' as const),
      value: fc.constantFrom<unknown>(0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2', undefined),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stop' as const), force: fc.boolean() }) },
);

interface Config {
  concurrency: number;
  /** A backend of our own with this `concurrency`; undefined: an `executor`. */
  backendLimit: number | undefined;
  onFull: 'wait' | 'reject';
  paused: boolean;
  retries: boolean;
  finish: 'close' | 'stop' | 'force';
}

const config: fc.Arbitrary<Config> = fc.record({
  concurrency: fc.integer({ min: 1, max: 3 }),
  backendLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  onFull: fc.constantFrom('wait' as const, 'reject' as const),
  paused: fc.boolean(),
  retries: fc.boolean(),
  finish: fc.constantFrom('close' as const, 'stop' as const, 'force' as const),
});

/** What the pool puts in its queue: a record with the task's input. */
type Item = { input: number };

/**
 * What a recording queue reports: each item it accepts, and each item it hands to a pending
 * pop(), whose continuation runs only at the next microtask checkpoint.
 */
interface Recorder {
  took(item: Item): void;
  handed(): void;
}

/** A ChannelQueue that reports what it accepts and what its pops take. */
class RecordingChannelQueue extends ChannelQueue<Item> {
  constructor(
    capacity: number,
    private readonly recorder: Recorder,
  ) {
    super({ capacity });
  }
  override tryPush(item: Item, options?: PushOptions): boolean {
    return recordPush(this, this.recorder, () => super.tryPush(item, options), item);
  }
  override pop(signal?: AbortSignal): Promise<Item | undefined> {
    return recordPop(this, this.recorder, () => super.pop(signal));
  }
}

/** A PriorityQueue that reports what it accepts and what its pops take. */
class RecordingPriorityQueue extends PriorityQueue<Item> {
  constructor(
    capacity: number,
    private readonly recorder: Recorder,
  ) {
    super({ capacity });
  }
  override tryPush(item: Item, options?: PushOptions): boolean {
    return recordPush(this, this.recorder, () => super.tryPush(item, options), item);
  }
  override pop(signal?: AbortSignal): Promise<Item | undefined> {
    return recordPop(this, this.recorder, () => super.pop(signal));
  }
}

/** An accepted item that did not land in the storage went straight to a pending pop(). */
function recordPush(queue: WorkQueue<Item>, recorder: Recorder, push: () => boolean, item: Item): boolean {
  const size = queue.size;
  const taken = push();
  if (taken) {
    recorder.took(item);
    if (queue.size === size) recorder.handed();
  }
  return taken;
}

/** A pop() that found an item stored took it now; its promise is already resolved. */
function recordPop(
  queue: WorkQueue<Item>,
  recorder: Recorder,
  pop: () => Promise<Item | undefined>,
): Promise<Item | undefined> {
  const size = queue.size;
  const popped = pop();
  if (queue.size < size) recorder.handed();
  return popped;
}

const CAPACITY = 2;

function makeQueue(kind: QueueKind, recorder: Recorder): WorkQueue<Item> {
  switch (kind) {
    case 'channel':
      return new RecordingChannelQueue(CAPACITY, recorder);
    case 'rendezvous':
      return new RecordingChannelQueue(0, recorder);
    case 'priority':
      return new RecordingPriorityQueue(CAPACITY, recorder);
    case 'rate-limited':
      // Small numbers: 2 pops per 4 ms, so the rate binds within a run yet tests stay fast.
      return new RateLimitedQueue(new RecordingChannelQueue(CAPACITY, recorder), { limit: 2, interval: 4 });
  }
}

interface Call {
  id: number;
  kind: 'submit' | 'enqueue';
  box: ReturnType<typeof track<unknown>>;
  controller: AbortController | undefined;
  /** The pool's state when the call was made. */
  stateAtCall: string;
  /** Whether the queue took it before submit()/enqueue() returned. */
  acceptedAtCall: boolean;
}

interface Gate {
  id: number;
  attempt: number;
  signal: AbortSignal;
  settle: (ok: boolean) => void;
}

const code = (error: unknown) => (error as { code?: unknown } | undefined)?.code;

async function scenario(ops: Op[], kind: QueueKind, cfg: Config): Promise<void> {
  const accepted = new Map<number, number>(); // input → times the queue took it
  const started = new Set<number>(); // inputs whose first try started
  const settled = new Set<number>(); // inputs whose settlement a caller has seen
  const outcomes = new Map<number, Outcome<number, number>[]>();
  const errorEvents = new Map<number | undefined, number>();
  const gates: Gate[] = [];
  const violations: string[] = [];
  const calls: Call[] = [];
  let firstStarts = 0;
  let stopCalled = false;
  let cleared = 0;

  // In transit: tasks a pending pop() has taken from the queue whose continuation has not run
  // yet. They count as waiting; clear() and stop() must still find them, but no synchronous call
  // can start them. Every continuation has run once the test awaits a tick (nothing else runs
  // between two awaits), so this counts hand-offs since the last await.
  let inTransit = 0;
  const queue = makeQueue(kind, {
    took: (item) => accepted.set(item.input, (accepted.get(item.input) ?? 0) + 1),
    handed: () => inTransit++,
  });
  const backendLimit = cfg.backendLimit ?? Number.POSITIVE_INFINITY;

  // The pool is created below; `run` reads it only when the pool calls it.
  let pool!: Pool<number, number>;
  const limit = () => Math.min(pool.concurrency, backendLimit);

  /** Every try of every task comes here; it settles when the test says so, or on abort. */
  const run = (id: number, signal: AbortSignal, attempt: number): Promise<number> => {
    if (stopCalled) violations.push(`try ${attempt} of task ${id} started after stop()`);
    if (attempt === 1) {
      const running = pool.stats.running; // this task included
      if (running > limit()) violations.push(`task ${id} started with ${running} running, limit ${limit()}`);
      if (pool.paused) violations.push(`task ${id} started while paused`);
      if (started.has(id)) violations.push(`task ${id} started twice`);
      if (!accepted.has(id)) violations.push(`task ${id} started but never accepted`);
      if (settled.has(id)) violations.push(`task ${id} started after it settled`);
      started.add(id);
      firstStarts++;
    }
    return new Promise<number>((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal.reason));
      const gate: Gate = {
        id,
        attempt,
        signal,
        settle: (ok) => {
          gates.splice(gates.indexOf(gate), 1);
          signal.removeEventListener('abort', onAbort);
          if (ok) resolve(id);
          else reject(new Error(`task ${id} failed`));
        },
      };
      // A well-behaved backend: an aborted try rejects at once (and its gate goes).
      const onAbort = () => {
        gates.splice(gates.indexOf(gate), 1);
        reject(abortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      gates.push(gate);
    });
  };

  const backend: Backend<number, number> | undefined =
    cfg.backendLimit === undefined
      ? undefined
      : {
          name: 'gated',
          concurrency: cfg.backendLimit,
          run: (id: number, options: RunOptions) => run(id, options.signal, options.attempt ?? 1),
          close: async () => {},
        };
  pool = new Pool<number, number>({
    ...(backend === undefined
      ? {
          executor: (id: number, ctx: { signal: AbortSignal; attempt: number }) =>
            run(id, ctx.signal, ctx.attempt),
        }
      : { backend }),
    concurrency: cfg.concurrency,
    queue,
    onFull: cfg.onFull,
    paused: cfg.paused,
    retries: cfg.retries ? { attempts: 3, backoff: 5, jitter: false } : undefined, // backoffs of 5 and 10 ms
    keepResults: true,
    resultsCapacity: 1000, // never full here: the results buffer's backpressure is tested elsewhere
  });
  pool.on('error', (_error, input) => errorEvents.set(input, (errorEvents.get(input) ?? 0) + 1));

  let modelPaused = cfg.paused;
  let startsAtPause = firstStarts;
  let ceiling = limit();
  let previous = pool.stats;

  const isBlocked = (c: Call) =>
    cfg.onFull === 'wait' &&
    !accepted.has(c.id) &&
    c.box.state === 'pending' &&
    c.controller?.signal.aborted !== true;

  /** The checks that hold at every moment a caller can observe the pool. */
  const observe = (step: string) => {
    expect(violations.join('; '), step).toBe('');
    const stats = pool.stats;
    for (const value of Object.values(stats)) expect(value, step).toBeGreaterThanOrEqual(0);
    expect(addsUp(stats), `${step}: counters add up ${JSON.stringify(stats)}`).toBe(true);
    expect(stats.submitted, `${step}: submitted = inputs the queue took`).toBe(accepted.size);
    for (const [id, times] of accepted) expect(times, `${step}: task ${id} accepted once`).toBe(1);
    for (const key of ['submitted', 'succeeded', 'failed', 'cancelled'] as const) {
      expect(stats[key], `${step}: ${key} never goes back`).toBeGreaterThanOrEqual(previous[key]);
    }
    previous = stats;

    // Running: never above the limit, except after lowering it, until enough tasks finished.
    ceiling = Math.max(ceiling, limit());
    expect(stats.running, `${step}: running ≤ ${ceiling}`).toBeLessThanOrEqual(ceiling);
    ceiling = Math.max(limit(), stats.running);

    // Paused: the model agrees, and nothing started since pause().
    expect(pool.paused, `${step}: paused`).toBe(modelPaused);
    if (modelPaused) expect(firstStarts, `${step}: no start while paused`).toBe(startsAtPause);

    // Work-conserving: a pool that may start tasks leaves none waiting while a slot is free.
    if (!pool.paused && (pool.state === 'open' || pool.state === 'closing') && kind !== 'rate-limited') {
      expect(
        stats.running >= limit() || stats.waiting <= inTransit,
        `${step}: ${stats.waiting} waiting with ${stats.running} running, limit ${limit()}`,
      ).toBe(true);
    }

    // The queue holds only waiting tasks (every queue here removes cancelled ones at once), and a
    // caller is blocked only while the queue is full.
    expect(queue.size, `${step}: queue size ≤ waiting`).toBeLessThanOrEqual(stats.waiting);
    if (pool.state === 'open' && calls.some(isBlocked)) {
      expect(stats.waiting, `${step}: a caller is blocked, so the queue is full`).toBeGreaterThanOrEqual(
        queue.capacity,
      );
    }
    if (cfg.onFull === 'reject') {
      const late = calls.filter((c) => accepted.has(c.id) && !c.acceptedAtCall).map((c) => c.id);
      expect(late, `${step}: onFull 'reject' accepts at once or never`).toEqual([]);
    }

    // Settlements: once per task; kept outcomes only for accepted enqueue()s.
    for (let r = pool.tryResult(); r.outcome !== undefined; r = pool.tryResult()) {
      const list = outcomes.get(r.outcome.input) ?? [];
      list.push(r.outcome);
      outcomes.set(r.outcome.input, list);
    }
    for (const [id, list] of outcomes) {
      expect(list.length, `${step}: one outcome for task ${id}`).toBe(1);
      expect(accepted.has(id), `${step}: outcome of task ${id} that was never accepted`).toBe(true);
      settled.add(id);
    }
    for (const [id, times] of errorEvents) {
      expect(id, `${step}: 'error' event without a task`).not.toBeUndefined();
      expect(times, `${step}: one 'error' event for task ${id}`).toBe(1);
    }
    for (const c of calls) if (c.kind === 'submit' && c.box.state !== 'pending') settled.add(c.id);
  };

  const call = (
    kind: 'submit' | 'enqueue',
    withSignal: boolean,
    options: { timeout?: number; priority: number },
  ) => {
    const id = calls.length;
    const controller = withSignal ? new AbortController() : undefined;
    const stateAtCall = pool.state;
    const taskOptions = { ...options, signal: controller?.signal };
    const promise = kind === 'submit' ? pool.submit(id, taskOptions) : pool.enqueue(id, taskOptions);
    calls.push({
      id,
      kind,
      box: track<unknown>(promise),
      controller,
      stateAtCall,
      acceptedAtCall: accepted.has(id),
    });
  };

  for (const [index, o] of ops.entries()) {
    const step = `op ${index} ${JSON.stringify(o)}`;
    switch (o.t) {
      case 'submit':
        call('submit', o.withSignal, { timeout: o.timeout ? 1 : undefined, priority: o.priority });
        break;
      case 'enqueue':
        call('enqueue', o.withSignal, { priority: o.priority });
        break;
      case 'resolve':
      case 'reject':
        if (gates.length > 0) gates[o.i % gates.length].settle(o.t === 'resolve');
        break;
      case 'abort': {
        const controllers = calls.flatMap((c) => (c.controller === undefined ? [] : [c.controller]));
        if (controllers.length > 0) controllers[o.i % controllers.length].abort();
        break;
      }
      case 'tick':
        await tick();
        inTransit = 0;
        break;
      case 'sleep':
        await sleep(2);
        inTransit = 0;
        break;
      case 'pause':
        pool.pause();
        // pause() only holds an open pool: once close()/stop() ran, nothing may hold it back.
        if (pool.state === 'open') {
          if (!modelPaused) startsAtPause = firstStarts;
          modelPaused = true;
        }
        break;
      case 'resume':
        pool.resume();
        modelPaused = false;
        break;
      case 'clear': {
        const before = pool.stats;
        const n = pool.clear();
        const after = pool.stats;
        expect(after.cancelled - before.cancelled, `${step}: clear() counts what it cancels`).toBe(n);
        expect(n, `${step}: clear() cancels every waiting task`).toBe(
          pool.state === 'closed' ? 0 : before.waiting,
        );
        cleared += n;
        break;
      }
      case 'concurrency':
        pool.concurrency = o.n;
        expect(pool.concurrency, step).toBe(o.n);
        break;
      case 'badConcurrency': {
        const before = pool.concurrency;
        expect(() => {
          pool.concurrency = o.value as number;
        }, step).toThrow(/concurrency/);
        expect(pool.concurrency, `${step}: unchanged`).toBe(before);
        break;
      }
      case 'close':
        if (pool.state === 'open') modelPaused = false; // close() resumes a paused pool
        void pool.close();
        break;
      case 'stop': {
        const wasClosed = pool.state === 'closed';
        if (pool.state === 'open' || pool.state === 'closing') modelPaused = false; // stop() ends any pause
        stopCalled = true;
        void pool.stop({ force: o.force });
        const stats = pool.stats;
        if (!wasClosed) expect(stats.waiting, `${step}: stop() cancels what waits`).toBe(0);
        if (o.force) {
          expect(stats.running, `${step}: stop({ force: true }) cancels what runs`).toBe(0);
          expect(
            gates.map((g) => g.id),
            `${step}: every try's signal aborted`,
          ).toEqual([]);
        }
        break;
      }
    }
    observe(step);
  }

  if (cfg.finish !== 'close') stopCalled = true;
  const ending = track(cfg.finish === 'close' ? pool.close() : pool.stop({ force: cfg.finish === 'force' }));
  modelPaused = false; // close() resumes a paused pool; stop() ends any pause
  if (cfg.finish === 'force') {
    expect(pool.stats.running, 'stop({ force: true }) at the end cancels what runs').toBe(0);
    expect(
      gates.map((g) => g.id),
      'stop({ force: true }) at the end aborts every try',
    ).toEqual([]);
  }
  for (let round = 0; ending.state === 'pending'; round++) {
    if (round > 400)
      throw new Error(`the pool did not end: ${JSON.stringify(pool.stats)} state=${pool.state}`);
    for (const gate of [...gates]) gate.settle(true);
    await (round % 4 === 3 ? sleep(2) : tick());
    inTransit = 0;
    observe(`ending round ${round}`);
  }
  await tick();
  observe('ended');
  expect(ending.state).toBe('fulfilled');
  expect(pool.state).toBe('closed');
  expect(pool.tryResult().done).toBe(true);

  // Nothing is left pending; nothing waits or runs.
  expect(
    calls.filter((c) => c.box.state === 'pending').map((c) => c.id),
    'pending calls',
  ).toEqual([]);
  const stats = pool.stats;
  expect(stats.waiting + stats.running).toBe(0);

  // Every call settled once, as accepted (its outcome) or refused (never accepted).
  let ok = 0;
  let failed = 0;
  let cancelled = 0;
  let clearedSeen = 0;
  let settlements = 0;
  let refused = 0;
  for (const c of calls) {
    const outcome = outcomes.get(c.id)?.[0];
    if (!accepted.has(c.id)) {
      refused++;
      expect(c.box.state, `task ${c.id} was refused`).toBe('rejected');
      expect(outcome, `refused task ${c.id} has no outcome`).toBeUndefined();
      expect(started.has(c.id)).toBe(false);
      const error = c.box.error;
      const expected =
        cfg.onFull === 'reject' && c.stateAtCall === 'open'
          ? code(error) === 'ERR_QUEUE_FULL' // refused at once, never blocked
          : code(error) === 'ERR_POOL_CLOSED' || code(error) === 'ERR_POOL_STOPPED' || isAbortError(error);
      expect(expected, `task ${c.id} refused with ${String(error)}`).toBe(true);
      settlements++;
      continue;
    }
    let result: { ok: true; value: unknown } | { ok: false; error: unknown };
    if (c.kind === 'enqueue') {
      expect(c.box.state, `enqueue ${c.id} resolved once accepted`).toBe('fulfilled');
      expect(outcome, `accepted enqueue ${c.id} has an outcome`).toBeDefined();
      result = outcome!.ok ? { ok: true, value: outcome!.value } : { ok: false, error: outcome!.error };
      expect(errorEvents.get(c.id) ?? 0, `'error' events of ${c.id}`).toBe(outcome!.ok ? 0 : 1);
    } else {
      expect(outcome).toBeUndefined();
      expect(errorEvents.has(c.id)).toBe(false);
      result =
        c.box.state === 'fulfilled' ? { ok: true, value: c.box.value } : { ok: false, error: c.box.error };
    }
    settlements++;
    if (result.ok) {
      expect(result.value).toBe(c.id);
      expect(started.has(c.id), `task ${c.id} succeeded without running`).toBe(true);
      ok++;
    } else if (isAbortError(result.error) || code(result.error) === 'ERR_POOL_STOPPED') {
      cancelled++;
      if (code((result.error as { cause?: unknown }).cause) === 'ERR_POOL_CLEARED') clearedSeen++;
    } else {
      const e = result.error as Error;
      expect(
        code(e) === 'ERR_TASK_TIMEOUT' || e.message === `task ${c.id} failed`,
        `task ${c.id} failed with ${String(e)}`,
      ).toBe(true);
      failed++;
    }
  }
  expect({ succeeded: stats.succeeded, failed: stats.failed, cancelled: stats.cancelled }).toEqual({
    succeeded: ok,
    failed,
    cancelled,
  });
  expect(clearedSeen, 'tasks that reject with a PoolClearedError cause = sum of clear() results').toBe(
    cleared,
  );
  expect(settlements).toBe(stats.submitted + refused);
}

const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 60);
// A run takes about 15 ms (its sleeps, backoffs and rate-limit windows are real time).
const timeout = Math.max(20_000, runs * 50);

describe('pool controls under random interleavings', () => {
  for (const kind of ['channel', 'rendezvous', 'priority', 'rate-limited'] as const) {
    it(
      `pause, resume, clear, concurrency, force-stop and onFull keep every invariant (${kind} queue)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(op, { minLength: 1, maxLength: 40, size: 'medium' }),
            config,
            (ops, cfg) => scenario(ops, kind, cfg),
          ),
          { numRuns: runs },
        );
      },
      timeout,
    );
  }
});
