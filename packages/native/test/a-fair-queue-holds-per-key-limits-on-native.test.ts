/**
 * A FairQueue in front of a real NativeBackend (the `spin` kernel), one task per call and batched
 * (runMany): no key ever has more tasks in the backend than its keyConcurrency, a quiet key is not
 * starved by a noisy one, every task gets its own value, and the queue forgets every key once the
 * pool has closed.
 *
 * No JavaScript runs on the pool threads, so "in the backend" is watched at the backend's edge: a
 * task counts from the moment it is handed over (`run`, or its `runMany` entry) until the backend
 * gives its outcome (the promise settles, or its entry is reported or returned) — before the Pool
 * hears of it. That window holds the whole of the task's run on a pool thread, so a key never
 * exceeding its limit there never exceeds it on the threads.
 */
import { type BatchEntry, type BatchResult, FairQueue, Pool, type PoolOptions } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { NativeBackend } from '../src/index.js';
import { spin } from '../src/reference/index.js';

/** A `spin` item: divide `f` by `d` until it is ≤ 1; the result is the number of divisions. */
type Pair = [f: number, d: number];

/** ~120 000 divisions: about half a millisecond on a pool thread; the exponent makes each task's answer its own. */
const pairOf = (index: number, d = 1.004): Pair => [10 ** (200 + (index % 100)), d];

/** Tasks of each key in the backend now, and the most there ever were; checked against the queue as they go in. */
class Gauge {
  readonly #keyOf = new WeakMap<Pair, string>();
  readonly #now = new Map<string, number>();
  readonly most = new Map<string, number>();
  /** The most tasks of any keys in the backend at once. */
  mostOverall = 0;
  #overall = 0;
  /** The most a key had out in the queue's own count (`keyStats().running`) above its limit, at any hand-over. */
  queueOverLimit = Number.NEGATIVE_INFINITY;

  constructor(
    readonly queue: FairQueue<unknown>,
    readonly limitOf: (key: string) => number,
  ) {}

  /** `input`, remembered as a task of `key`. */
  input(key: string, input: Pair): Pair {
    this.#keyOf.set(input, key);
    return input;
  }

  begin(input: Pair): void {
    const key = this.#keyOf.get(input) as string;
    const now = (this.#now.get(key) ?? 0) + 1;
    this.#now.set(key, now);
    this.most.set(key, Math.max(this.most.get(key) ?? 0, now));
    this.mostOverall = Math.max(this.mostOverall, ++this.#overall);
    this.queueOverLimit = Math.max(this.queueOverLimit, this.queue.keyStats(key).running - this.limitOf(key));
  }

  end(input: Pair): void {
    const key = this.#keyOf.get(input) as string;
    this.#now.set(key, (this.#now.get(key) as number) - 1);
    this.#overall--;
  }

  /**
   * Wraps the backend's `run` and `runMany` (before a Pool binds them): each task begins as it is
   * handed over and ends as its outcome comes out — before the Pool's own callbacks see it.
   */
  watch(backend: NativeBackend<Pair, number>): { batchSizes: number[] } {
    const batchSizes: number[] = [];
    const run = backend.run.bind(backend);
    const runMany = backend.runMany.bind(backend);
    backend.run = (input, options) => {
      this.begin(input);
      return run(input, options).finally(() => this.end(input));
    };
    backend.runMany = async (batch: readonly BatchEntry<Pair>[], report) => {
      batchSizes.push(batch.length);
      for (const entry of batch) this.begin(entry.input);
      const ended = batch.map(() => false);
      const endOnce = (index: number) => {
        if (ended[index]) return;
        ended[index] = true;
        this.end(batch[index].input);
      };
      const told =
        report === undefined
          ? undefined
          : (index: number, result: BatchResult<number>) => {
              if (result.status !== 'rerun') endOnce(index);
              report(index, result);
            };
      const results = await runMany(batch, told);
      for (let index = 0; index < results.length; index++) endOnce(index);
      return results;
    };
    return { batchSizes };
  }
}

interface Mode {
  readonly title: string;
  readonly maxBatch: number;
  /**
   * A Pool timeout makes every try cancellable: the backend watches each batch entry, calls its
   * `started()` and reports it as it ends, and the Pool releases its key then, while the rest of
   * the batch still runs. Without one a batch's entries come back together.
   */
  readonly timeout?: number;
}

const modes: Mode[] = [
  { title: 'one task per call', maxBatch: 1 },
  { title: 'batched, each entry released when the batch ends', maxBatch: 1024 },
  { title: 'batched, each entry released as it is reported', maxBatch: 1024, timeout: 20_000 },
];

function poolOver(
  queue: FairQueue<unknown>,
  gauge: Gauge | undefined,
  mode: Mode,
  options: Partial<PoolOptions<Pair, number>> = {},
): { pool: Pool<Pair, number>; batchSizes: number[] } {
  const backend = new NativeBackend<Pair, number>({ kernel: 'spin' });
  const { batchSizes } = gauge?.watch(backend) ?? { batchSizes: [] };
  const pool = new Pool<Pair, number>({
    backend,
    queue,
    maxBatch: mode.maxBatch,
    timeout: mode.timeout,
    ...options,
  });
  return { pool, batchSizes };
}

for (const mode of modes) {
  describe(`a FairQueue in front of NativeBackend, ${mode.title}`, () => {
    it('no key ever has more tasks in the backend than its keyConcurrency, and every task gets its own value', async () => {
      // Key c may fill every slot of the backend (2 on this machine); a and b may take one each.
      // Key a has the most tasks: once the others are done it waits alone, with a slot free.
      const limits: Record<string, number> = { a: 1, b: 1, c: 2 };
      const counts: Record<string, number> = { a: 40, b: 10, c: 20 };
      const limitOf = (key: string) => limits[key];
      const queue = new FairQueue<unknown>({ keyConcurrency: (key) => limitOf(key as string) });
      const gauge = new Gauge(queue, limitOf);
      // Paused while the tasks go in, so the first batches are filled from a full queue.
      const { pool, batchSizes } = poolOver(queue, gauge, mode, { paused: true });
      const tasks: Array<{ key: string; input: Pair }> = [];
      for (let index = 0; index < 40; index++)
        for (const key of ['a', 'b', 'c'])
          if (index < counts[key]) tasks.push({ key, input: gauge.input(key, pairOf(index)) });
      const settled = tasks.map(({ key, input }) => pool.submit(input, { key }));
      pool.resume();
      const values = await Promise.all(settled);
      expect(values).toEqual(tasks.map(({ input }) => spin(...input)));
      for (const key of Object.keys(limits))
        expect(gauge.most.get(key), `the most tasks of key ${key} at once`).toBeLessThanOrEqual(limits[key]);
      expect(gauge.queueOverLimit).toBeLessThanOrEqual(0);
      // The backend did take more tasks at once than keys a and b may have.
      expect(gauge.mostOverall).toBeGreaterThan(1);
      if (mode.maxBatch > 1) expect(Math.max(0, ...batchSizes), 'the largest batch').toBeGreaterThan(1);
      else expect(batchSizes).toEqual([]);
      await pool.close();
      expect(pool.stats).toMatchObject({
        submitted: tasks.length,
        succeeded: tasks.length,
        failed: 0,
        cancelled: 0,
      });
      expect(queue.keyCount).toBe(0);
      expect(queue.size).toBe(0);
    });

    it("a quiet key's one task settles before most of a noisy key's 200", async () => {
      const queue = new FairQueue<unknown>();
      const { pool } = poolOver(queue, undefined, mode);
      const order: string[] = [];
      const submit = (key: string, input: Pair) =>
        pool.submit(input, { key }).then((value) => {
          order.push(key);
          return value;
        });
      // ~10 000 divisions each: a few tens of µs.
      const noisyInputs = Array.from({ length: 200 }, (_, index) => pairOf(index, 1.05));
      const noisy = noisyInputs.map((input) => submit('noisy', input));
      const quietInput = pairOf(7, 1.05);
      const quiet = submit('quiet', quietInput);
      const [quietValue, ...noisyValues] = await Promise.all([quiet, ...noisy]);
      expect(quietValue).toBe(spin(...quietInput));
      expect(noisyValues).toEqual(noisyInputs.map((input) => spin(...input)));
      // In arrival order it would come after all 200; by turns, after the noisy tasks already
      // running (one per slot) and about a batch's worth. Half of them is a generous bound.
      expect(order.indexOf('quiet'), 'noisy tasks settled before the quiet one').toBeLessThan(100);
      await pool.close();
      expect(queue.keyCount).toBe(0);
      expect(queue.size).toBe(0);
    });
  });
}
