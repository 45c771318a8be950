/**
 * The Pool over a backend that can batch (`runMany`): what goes in a batch, what each task of a
 * batch keeps (its outcome, attempt, signal, timeout, counters), re-runs, sizing, and submitAll.
 * The backend here is in-process and scripted: each batch runs its entries one after another,
 * one macrotask later, and records what it saw.
 */
import { describe, expect, it } from 'vitest';
import {
  abortError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  isAbortError,
  Pool,
  PriorityQueue,
  RateLimitedQueue,
  type RunOptions,
} from '../src/index.js';
import { addsUp, sleep, tick } from './helpers.js';

interface Script {
  /** Inputs that fail (every try, or only the first `failTries`). */
  fail?: Set<number>;
  failTries?: number;
  /** Reported run time per task, ms. */
  time?: number;
  /** Inputs that never finish until their signal aborts ("running" when it does: the rest of the batch is rerun). */
  hang?: Set<number>;
  /** Inputs reported 'rerun' the first time they are seen. */
  rerunOnce?: Set<number>;
}

class ScriptedBackend implements Backend<number, number> {
  readonly name = 'scripted';
  readonly batches: number[][] = [];
  readonly lone: number[] = [];
  readonly runs = new Map<number, number>();
  readonly attempts = new Map<number, number[]>();
  readonly tasks: (string | undefined)[][] = [];
  readonly #rerunSeen = new Set<number>();
  constructor(
    readonly concurrency: number,
    private readonly script: Script = {},
  ) {}

  #count(input: number, options: RunOptions): void {
    this.runs.set(input, (this.runs.get(input) ?? 0) + 1);
    this.attempts.set(input, [...(this.attempts.get(input) ?? []), options.attempt ?? 1]);
  }

  #fails(input: number, options: RunOptions): boolean {
    if (!this.script.fail?.has(input)) return false;
    return this.script.failTries === undefined || (options.attempt ?? 1) <= this.script.failTries;
  }

  async run(input: number, options: RunOptions): Promise<number> {
    this.lone.push(input);
    if (options.signal.aborted) throw abortError(options.signal.reason);
    this.#count(input, options);
    await sleep(0);
    if (this.script.hang?.has(input)) await untilAborted(options.signal);
    if (options.signal.aborted) throw abortError(options.signal.reason);
    if (this.#fails(input, options)) throw new Error(`task ${input} failed`);
    return input * 10;
  }

  async runMany(
    batch: readonly BatchEntry<number>[],
    report?: (index: number, result: BatchResult<number>) => void,
  ): Promise<BatchResult<number>[]> {
    this.batches.push(batch.map((e) => e.input));
    this.tasks.push(batch.map((e) => e.options.task));
    await sleep(0);
    const results: BatchResult<number>[] = [];
    let killed = false;
    for (const { input, options } of batch) {
      if (killed || (this.script.rerunOnce?.has(input) && !this.#rerunSeen.has(input))) {
        this.#rerunSeen.add(input);
        results.push({ status: 'rerun' });
        continue;
      }
      if (options.signal.aborted) {
        results.push({ status: 'rejected', reason: abortError(options.signal.reason) });
        continue;
      }
      this.#count(input, options);
      if (this.script.hang?.has(input)) {
        await untilAborted(options.signal);
        killed = true; // as a thread backend would: the thread goes, and the rest of the batch with it
        results.push({ status: 'rejected', reason: abortError(options.signal.reason) });
        continue;
      }
      const time = this.script.time ?? 0.01;
      const result: BatchResult<number> = this.#fails(input, options)
        ? { status: 'rejected', reason: new Error(`task ${input} failed`), time }
        : { status: 'fulfilled', value: input * 10, time };
      results.push(result);
      // As a thread backend does before a task that can be cancelled: what finished goes ahead.
      if (this.script.hang !== undefined) report?.(results.length - 1, result);
    }
    return results;
  }

  async close(): Promise<void> {}
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('Pool over a batching backend', () => {
  it('batches waiting tasks by default and every task gets its own result', async () => {
    const backend = new ScriptedBackend(2);
    const pool = new Pool<number, number>({ backend });
    const results = await Promise.all(range(500).map((n) => pool.submit(n)));
    expect(results).toEqual(range(500).map((n) => n * 10));
    expect(Math.max(...backend.batches.map((b) => b.length))).toBeGreaterThan(1);
    for (const n of range(500)) expect(backend.runs.get(n), `task ${n} ran once`).toBe(1);
    await pool.close();
    expect(pool.stats).toEqual({
      submitted: 500,
      waiting: 0,
      running: 0,
      succeeded: 500,
      failed: 0,
      cancelled: 0,
    });
  });

  it('sends a lone task at once through run(), never waiting for company', async () => {
    const backend = new ScriptedBackend(2);
    const pool = new Pool<number, number>({ backend });
    expect(await pool.submit(7)).toBe(70);
    expect(await pool.submit(8)).toBe(80);
    expect(backend.lone).toEqual([7, 8]);
    expect(backend.batches).toEqual([]);
    await pool.close();
  });

  it('maxBatch: 1 turns batching off; maxBatch caps every batch', async () => {
    const off = new ScriptedBackend(2);
    const a = new Pool<number, number>({ backend: off, maxBatch: 1 });
    await Promise.all(range(100).map((n) => a.submit(n)));
    expect(off.batches).toEqual([]);
    expect(off.lone).toHaveLength(100);
    await a.close();

    const capped = new ScriptedBackend(2);
    const b = new Pool<number, number>({ backend: capped, maxBatch: 3 });
    await Promise.all(range(100).map((n) => b.submit(n)));
    expect(capped.batches.length).toBeGreaterThan(0);
    expect(Math.max(...capped.batches.map((x) => x.length))).toBe(3);
    await b.close();
  });

  it('checks maxBatch: an integer ≥ 1', () => {
    const backend = new ScriptedBackend(1);
    for (const bad of [0, -1, 1.5]) {
      expect(() => new Pool({ backend, maxBatch: bad })).toThrow(RangeError);
      expect(() => new Pool({ backend, maxBatch: bad })).toThrow(/maxBatch/);
    }
    for (const bad of ['2', null, {}, Number.NaN]) {
      expect(() => new Pool({ backend, maxBatch: bad as never })).toThrow(/maxBatch/);
      expect(() => new Pool({ backend, maxBatch: bad as never })).toThrow(/maxBatch/);
    }
    const odd = {
      ...backend,
      run: backend.run.bind(backend),
      close: backend.close.bind(backend),
      runMany: 5,
    };
    expect(() => new Pool({ backend: odd as never })).toThrow(/backend\.runMany must be a function/);
  });

  it('one failure in a batch fails only that task; its retry carries attempt 2', async () => {
    const backend = new ScriptedBackend(1, { fail: new Set([5]), failTries: 1 });
    const pool = new Pool<number, number>({ backend, retries: { attempts: 2, backoff: 0 }, paused: true });
    const all = range(20).map((n) => pool.submit(n));
    pool.resume();
    expect(await Promise.all(all)).toEqual(range(20).map((n) => n * 10));
    expect(backend.attempts.get(5)).toEqual([1, 2]);
    expect(backend.attempts.get(4)).toEqual([1]);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 20, failed: 0 });
  });

  it("a failure without retries is that task's own rejection; the rest succeed", async () => {
    const backend = new ScriptedBackend(1, { fail: new Set([3]) });
    const pool = new Pool<number, number>({ backend, paused: true });
    const all = range(10).map((n) =>
      pool.submit(n).then(
        (v) => v,
        (e: Error) => e.message,
      ),
    );
    pool.resume();
    const out = await Promise.all(all);
    expect(out[3]).toBe('task 3 failed');
    expect(out.filter((x) => typeof x === 'number')).toHaveLength(9);
    expect(backend.batches.some((b) => b.includes(3) && b.length > 1)).toBe(true);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 9, failed: 1 });
  });

  it('a task aborted while its batch runs rejects at once with an AbortError; the others succeed', async () => {
    const backend = new ScriptedBackend(1, { hang: new Set([0]) });
    const controller = new AbortController();
    const pool = new Pool<number, number>({ backend, paused: true });
    const first = pool.submit(0, { signal: controller.signal });
    const rest = range(9, 1).map((n) => pool.submit(n));
    pool.resume();
    await sleep(5);
    expect(backend.batches[0]).toEqual(range(10)); // all ten went out together
    controller.abort();
    await expect(first).rejects.toSatisfy(isAbortError);
    // The "thread" went with the hung task: the others came back 'rerun' and ran again.
    expect(await Promise.all(rest)).toEqual(range(9, 1).map((n) => n * 10));
    for (const n of range(9, 1)) expect(backend.attempts.get(n), `task ${n}: its only try`).toEqual([1]);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 9, cancelled: 1, failed: 0 });
  });

  it('a timed-out running task fails alone; the rest of its batch re-run without a failed try', async () => {
    const backend = new ScriptedBackend(1, { hang: new Set([2]) });
    const pool = new Pool<number, number>({ backend, paused: true, timeout: 30 });
    const all = range(6).map((n) =>
      pool.submit(n).then(
        (v) => v,
        (e: { code?: string }) => e.code,
      ),
    );
    pool.resume();
    const out = await Promise.all(all);
    expect(out[2]).toBe('ERR_TASK_TIMEOUT');
    // 0 and 1 were reported before 2 started: kept. 3–5 waited their turn (their timeouts had not
    // started), came back 'rerun' when 2's "thread" went, and ran once each.
    expect(out.filter((x) => typeof x === 'number')).toEqual([0, 10, 30, 40, 50]);
    for (const n of [0, 1, 3, 4, 5]) expect(backend.attempts.get(n), `task ${n}`).toEqual([1]);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 5, failed: 1 });
  });

  it("a 'rerun' result runs the task again without counting a try or a failure", async () => {
    const backend = new ScriptedBackend(1, { rerunOnce: new Set([1, 2]) });
    const pool = new Pool<number, number>({ backend, paused: true, retries: 0 });
    const all = range(5).map((n) => pool.submit(n));
    pool.resume();
    expect(await Promise.all(all)).toEqual([0, 10, 20, 30, 40]);
    expect(backend.attempts.get(1)).toEqual([1]);
    await pool.close();
    expect(pool.stats).toMatchObject({ succeeded: 5, failed: 0 });
  });

  it('groups by task name and never batches a task with a transfer list', async () => {
    const backend = new ScriptedBackend(1);
    const pool = new Pool<number, number>({ backend, paused: true });
    const all = [
      pool.submit(0, { task: 'a' }),
      pool.submit(1, { task: 'a' }),
      pool.submit(2, { task: 'b' }),
      pool.submit(3, { task: 'b' }),
      pool.submit(4, { task: 'b', transfer: [] }),
      pool.submit(5, { task: 'b' }),
      pool.submit(6, { task: 'b' }),
    ];
    pool.resume();
    await Promise.all(all);
    for (const names of backend.tasks) expect(new Set(names).size).toBe(1);
    expect(backend.batches.some((b) => b.includes(4))).toBe(false);
    expect(backend.lone).toContain(4);
    await pool.close();
  });

  it('respects priorities batch by batch', async () => {
    const backend = new ScriptedBackend(1);
    const pool = new Pool<number, number>({
      backend,
      paused: true,
      queue: new PriorityQueue({ capacity: 100 }),
    });
    const all = range(40).map((n) => pool.submit(n, { priority: n % 2 === 0 ? 1 : 0 }));
    pool.resume();
    await Promise.all(all);
    const order = backend.batches.flat();
    const firstOdd = order.findIndex((n) => n % 2 === 1);
    expect(order.slice(0, firstOdd).every((n) => n % 2 === 0)).toBe(true);
    expect(firstOdd).toBe(20);
    await pool.close();
  });

  it('a RateLimitedQueue limits tasks, not batches', async () => {
    const backend = new ScriptedBackend(1);
    const queue = new RateLimitedQueue(new PriorityQueue({ capacity: 100 }), { limit: 3, interval: 200 });
    const pool = new Pool<number, number>({ backend, queue });
    const all = range(9).map((n) => pool.submit(n));
    await sleep(100);
    const sent = backend.batches.flat().length + backend.lone.length;
    expect(sent).toBe(3);
    await Promise.all(all);
    await pool.close();
  });

  it('sizes batches from the reported run time: ~2 ms of work each', async () => {
    // Reported 5 ms per task, answered after one timer turn: the call costs nothing beyond its
    // tasks, so a batch aims at 2 ms — one task (through run()), but every 16th batch takes two.
    const slow = new ScriptedBackend(1, { time: 5 });
    const a = new Pool<number, number>({ backend: slow, paused: true });
    const all = range(60).map((n) => a.submit(n));
    a.resume();
    await Promise.all(all);
    expect(slow.lone.length).toBeGreaterThan(30);
    expect(Math.max(...slow.batches.slice(1).map((b) => b.length))).toBeLessThanOrEqual(2);
    await a.close();

    const fast = new ScriptedBackend(1, { time: 0.001 });
    const b = new Pool<number, number>({ backend: fast, paused: true, capacity: 5000, maxBatch: 512 });
    const many = range(3000).map((n) => b.submit(n));
    b.resume();
    await Promise.all(many);
    expect(Math.max(...fast.batches.map((x) => x.length))).toBe(512);
    await b.close();
  });

  it('aims batches at more work (up to 8 ms) when each backend call costs more than its tasks report', async () => {
    // Both report 0.05 ms per task. `cheap` answers in a microtask: the call costs nothing beyond
    // its tasks, so batches aim at 2 ms (40 tasks). `dear` answers 4 ms later whatever the batch:
    // 2 ms of cost per call or more, kept at 4 % of a batch → the 8 ms cap (160 tasks).
    class Timed implements Backend<number, number> {
      readonly name = 'timed';
      readonly concurrency = 1;
      readonly sizes: number[] = [];
      constructor(private readonly delayMs: number) {}
      async run(input: number): Promise<number> {
        return input;
      }
      async runMany(batch: readonly BatchEntry<number>[]): Promise<BatchResult<number>[]> {
        this.sizes.push(batch.length);
        if (this.delayMs > 0) await sleep(this.delayMs);
        return batch.map(({ input }) => ({ status: 'fulfilled', value: input, time: 0.05 }));
      }
      async close(): Promise<void> {}
    }
    const sizesOf = async (backend: Timed) => {
      const pool = new Pool<number, number>({ backend, paused: true, capacity: 5000 });
      const all = range(2000).map((n) => pool.submit(n));
      pool.resume();
      expect(await Promise.all(all)).toEqual(range(2000));
      await pool.close();
      return backend.sizes.slice(2); // the first is sized before any run time is known
    };
    // Medians: a GC pause inside one cheap call must not decide the test.
    const median = (sizes: number[]) => [...sizes].sort((x, y) => x - y)[sizes.length >> 1];
    const cheap = await sizesOf(new Timed(0));
    expect(median(cheap), JSON.stringify(cheap)).toBe(40);
    const dear = await sizesOf(new Timed(4));
    expect(median(dear), JSON.stringify(dear)).toBe(160);
    expect(Math.max(...dear)).toBe(160);
  });

  it('does not cut the tail of a draining queue into batches of less than ~0.25 ms of work', async () => {
    // 0.001 ms per task: 250 tasks are 0.25 ms. Halving shares as the queue drains would send
    // 512, …, 244, 122, 61, 30, 15, 8, 4, 2, 1; with the floor only the very last batches of the
    // two slots may hold less than 250 (what was left).
    const fast = new ScriptedBackend(2, { time: 0.001 });
    const pool = new Pool<number, number>({ backend: fast, paused: true, capacity: 5000, maxBatch: 512 });
    const all = range(3000).map((n) => pool.submit(n));
    pool.resume();
    expect(await Promise.all(all)).toEqual(range(3000).map((n) => n * 10));
    const measured = fast.batches.slice(1); // the first is sized before any run time is known
    expect(
      measured.filter((b) => b.length < 250).length,
      JSON.stringify(measured.map((b) => b.length)),
    ).toBeLessThanOrEqual(2);
    expect(fast.batches.flat().sort((a, b) => a - b)).toEqual(range(3000));
    await pool.close();
  });

  it('stop({ force: true }) during batches settles every task; counts add up', async () => {
    const backend = new ScriptedBackend(2, { hang: new Set(range(50)) });
    const pool = new Pool<number, number>({ backend, paused: true });
    const all = range(50).map((n) =>
      pool.submit(n).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    pool.resume();
    await tick();
    await pool.stop({ force: true });
    const out = await Promise.all(all);
    expect(out.every((c) => c === 'ERR_POOL_STOPPED')).toBe(true);
    expect(addsUp(pool.stats)).toBe(true);
    expect(pool.stats.cancelled).toBe(50);
  });
});

describe('pool.submitAll()', () => {
  it('resolves with one outcome per input, in order, failures included', async () => {
    const backend = new ScriptedBackend(2, { fail: new Set([2]) });
    const pool = new Pool<number, number>({ backend });
    const outcomes = await pool.submitAll(range(6));
    expect(outcomes.map((o) => o.input)).toEqual(range(6));
    expect(outcomes[2]).toMatchObject({ ok: false, input: 2 });
    expect((outcomes[2] as { error: Error }).error.message).toBe('task 2 failed');
    expect(outcomes.filter((o) => o.ok).map((o) => (o as { value: number }).value)).toEqual([
      0, 10, 30, 40, 50,
    ]);
    await pool.close();
    expect(pool.stats).toMatchObject({ submitted: 6, succeeded: 5, failed: 1 });
  });

  it('waits for room in a small queue and takes any iterable', async () => {
    const pool = new Pool<number, number>({ executor: async (n) => n + 1, capacity: 2, concurrency: 1 });
    const outcomes = await pool.submitAll(new Set(range(50)));
    expect(outcomes.map((o) => (o as { value: number }).value)).toEqual(range(50, 1));
    expect(await pool.submitAll([])).toEqual([]);
    await pool.close();
  });

  it('refuses bad input and a closed pool; a cancelled item is its outcome', async () => {
    const pool = new Pool<number, number>({ executor: (n) => n });
    await expect(pool.submitAll(5 as never)).rejects.toThrow(TypeError);
    await expect(pool.submitAll([1], { timeout: -1 })).rejects.toThrow(/timeout/);
    const controller = new AbortController();
    const pending = pool.submitAll(range(3), { signal: controller.signal });
    controller.abort();
    const outcomes = await pending;
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) if (!o.ok) expect(isAbortError(o.error)).toBe(true);
    await pool.close();
    await expect(pool.submitAll([1])).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
  });
});
