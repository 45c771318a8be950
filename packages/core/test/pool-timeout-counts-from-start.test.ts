/**
 * Regression (issue 25 §1): a try's timeout measures the task, not the wait before it. With a
 * backend that reports starts (`reportsStart: true`, `options.started()`), a task held inside the
 * backend — behind a busy thread, a booting worker, earlier entries of its batch — does not time
 * out for the wait; `startTimeout` bounds that wait on its own.
 */
import { describe, expect, it } from 'vitest';
import {
  abortError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  Pool,
  type RunOptions,
} from '../src/index.js';
import { addsUp, sleep } from './helpers.js';

interface Job {
  /** ms the task runs once started. */
  ms: number;
  value: number;
}

/**
 * Claims `concurrency` slots but runs one task at a time (a single busy thread): the rest wait
 * inside it. Calls `started()` as each begins, when `reports` is on.
 */
class OneLaneBackend implements Backend<Job, number> {
  readonly name = 'one-lane';
  readonly concurrency = 4;
  readonly reportsStart: boolean;
  #lane: Promise<unknown> = Promise.resolve();
  readonly startedCalls: number[] = [];
  aborted = 0;
  constructor(reports: boolean) {
    this.reportsStart = reports;
  }
  run(input: Job, options: RunOptions): Promise<number> {
    const { started, signal } = options; // destructured: started() must be bound
    const turn = this.#lane.then(async () => {
      if (signal.aborted) {
        this.aborted++;
        throw abortError(signal.reason);
      }
      this.startedCalls.push(input.value);
      if (this.reportsStart) started?.();
      await sleep(input.ms);
      return input.value;
    });
    this.#lane = turn.catch(() => {});
    return turn;
  }
  async close(): Promise<void> {}
}

describe('a timeout counts from the start the backend reports', () => {
  it('tasks waiting behind a busy lane do not time out when the backend reports starts', async () => {
    const backend = new OneLaneBackend(true);
    const pool = new Pool<Job, number>({ backend, timeout: 1_000 });
    // The backend takes 4 at once but runs one at a time: of 4 tasks of 400 ms handed over
    // together, the last starts ~1.2 s after its hand-over, past the 1 s timeout, while each runs
    // 400 ms of its own (margins of ~200 ms and more on a loaded machine).
    const inputs = [1, 2, 3, 4];
    const values = await Promise.all(inputs.map((value) => pool.submit({ ms: 400, value })));
    expect(values).toEqual(inputs);
    expect(pool.stats).toMatchObject({ succeeded: 4, failed: 0 });
    await pool.close();
  });

  it('without reportsStart the hand-over is the start: the same wait times the last task out', async () => {
    const backend = new OneLaneBackend(false);
    const pool = new Pool<Job, number>({ backend, timeout: 1_000 });
    const inputs = [1, 2, 3, 4];
    const outcomes = await Promise.allSettled(inputs.map((value) => pool.submit({ ms: 400, value })));
    const codes = outcomes.map((o) =>
      o.status === 'rejected' ? (o.reason as { code?: string }).code : 'ok',
    );
    expect(codes[0]).toBe('ok');
    expect(codes[3]).toBe('ERR_TASK_TIMEOUT');
    await pool.close();
  });

  it('a task that runs past its timeout once started still fails with ERR_TASK_TIMEOUT', async () => {
    const backend = new OneLaneBackend(true);
    const pool = new Pool<Job, number>({ backend, timeout: 40 });
    await expect(pool.submit({ ms: 400, value: 1 })).rejects.toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    await pool.close();
  });

  it('startTimeout fails a try that waits too long inside the backend with ERR_TASK_START_TIMEOUT; it never starts', async () => {
    const backend = new OneLaneBackend(true);
    const pool = new Pool<Job, number>({ backend, startTimeout: 80 });
    const slow = pool.submit({ ms: 300, value: 1 });
    const behind = pool.submit({ ms: 1, value: 2 });
    await expect(behind).rejects.toMatchObject({
      code: 'ERR_TASK_START_TIMEOUT',
      name: 'TaskStartTimeoutError',
      startTimeout: 80,
    });
    expect(await slow).toBe(1);
    await pool.onIdle();
    expect(backend.startedCalls).toEqual([1]); // the second saw its signal aborted and never ran
    expect(backend.aborted).toBe(1);
    expect(pool.stats).toMatchObject({ succeeded: 1, failed: 1 });
    expect(addsUp(pool.stats)).toBe(true);
    await pool.close();
  });

  it('a per-task startTimeout overrides the pool option, and a start timeout is retried like any failure', async () => {
    const backend = new OneLaneBackend(true);
    const pool = new Pool<Job, number>({
      backend,
      startTimeout: 10_000,
      retries: { attempts: 2, backoff: 1 },
    });
    const slow = pool.submit({ ms: 250, value: 1 });
    // First try waits behind the slow task past 60 ms; the retry queues behind it again and
    // starts once it ends (~250 ms) — also past 60 ms: both tries fail.
    const behind = pool.submit({ ms: 1, value: 2 }, { startTimeout: 60 });
    await expect(behind).rejects.toMatchObject({ code: 'ERR_TASK_START_TIMEOUT' });
    expect(await slow).toBe(1);
    await pool.close();
  });

  it('startTimeout is checked like timeout', () => {
    const backend = new OneLaneBackend(true);
    expect(() => new Pool({ backend, startTimeout: 0 })).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new Pool({ backend, startTimeout: '5' as unknown as number })).toThrow(/startTimeout/);
    const pool = new Pool({ backend });
    return expect(pool.submit({ ms: 1, value: 1 }, { startTimeout: -1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('a backend whose reportsStart is not a boolean is refused by name', () => {
    const backend = {
      ...new OneLaneBackend(true),
      reportsStart: 'yes',
      run: () => Promise.resolve(1),
      close: async () => {},
    };
    expect(() => new Pool({ backend: backend as unknown as Backend })).toThrow(/reportsStart/);
  });

  it('started() called twice, or after the try settled, changes nothing', async () => {
    let late: (() => void) | undefined;
    const backend: Backend<number, number> = {
      name: 'twice',
      concurrency: 1,
      reportsStart: true,
      run: async (input, options) => {
        options.started?.();
        options.started?.();
        late = options.started;
        return input;
      },
      close: async () => {},
    };
    const pool = new Pool<number, number>({ backend, timeout: 50 });
    expect(await pool.submit(7)).toBe(7);
    late?.();
    await sleep(80); // a timer armed by the late call would fire here and find nothing to do
    expect(pool.stats).toMatchObject({ succeeded: 1, failed: 0, running: 0 });
    await pool.close();
  });
});

describe('batches on a backend that reports starts', () => {
  /** Runs a batch's entries one after another, reporting each start and each outcome early. */
  class SerialBatches implements Backend<Job, number> {
    readonly name = 'serial-batches';
    readonly concurrency = 1;
    readonly reportsStart = true;
    batches: number[] = [];
    async run(input: Job, options: RunOptions): Promise<number> {
      options.started?.();
      await sleep(input.ms);
      return input.value;
    }
    async runMany(
      batch: readonly BatchEntry<Job>[],
      report?: (index: number, result: BatchResult<number>) => void,
    ): Promise<readonly BatchResult<number>[]> {
      this.batches.push(batch.length);
      const results: BatchResult<number>[] = [];
      for (const [i, { input, options }] of batch.entries()) {
        if (options.signal.aborted) {
          results.push({ status: 'rejected', reason: abortError(options.signal.reason) });
          continue;
        }
        options.started?.();
        await sleep(input.ms);
        const result: BatchResult<number> = { status: 'fulfilled', value: input.value, time: input.ms };
        results.push(result);
        report?.(i, result);
      }
      return results;
    }
    async close(): Promise<void> {}
  }

  it('a quick entry batched behind slow ones does not time out for their run time', async () => {
    const backend = new SerialBatches();
    const pool = new Pool<Job, number>({ backend, timeout: 250, paused: true });
    // The fourth starts ~300 ms after the batch was sent, past 250 ms.
    const jobs = [
      { ms: 100, value: 1 },
      { ms: 100, value: 2 },
      { ms: 100, value: 3 },
      { ms: 1, value: 4 },
    ];
    const outcomes = pool.submitAll(jobs);
    pool.resume();
    const settled = await outcomes;
    expect(settled.map((o) => o.ok && o.value)).toEqual([1, 2, 3, 4]);
    expect(Math.max(...backend.batches)).toBeGreaterThan(1); // they really shared a batch
    await pool.close();
  });
});
