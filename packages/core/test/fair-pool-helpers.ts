/** Test helpers shared by the tests of a Pool over a FairQueue. */
import {
  abortError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  FairQueue,
  type FairQueueOptions,
  type PushOptions,
  type RunOptions,
} from '../src/index.js';

/** A task's key: a string, or none (the tasks without one form one group). */
export type Key = string | undefined;

/** What the tests submit: an id, the key it is submitted with, and how it behaves when run. */
export interface Job {
  readonly id: number;
  readonly key: Key;
  /** 'ok' succeeds and 'fail' fails when the test settles it; 'hang' ends only by abort. */
  readonly kind: 'ok' | 'fail' | 'hang';
}

/** A FairQueue that records every item it accepts (tryPush), in order. */
export class RecordingFairQueue<T> extends FairQueue<T> {
  readonly accepted: T[] = [];
  constructor(options?: FairQueueOptions) {
    super(options);
  }
  override tryPush(item: T, options?: PushOptions): boolean {
    const taken = super.tryPush(item, options);
    if (taken) this.accepted.push(item);
    return taken;
  }
}

/** One try in progress, settled by the test (or ended by its signal). */
export interface Gate {
  readonly job: Job;
  readonly attempt: number;
  settle(ok: boolean): void;
}

/**
 * The runs of every try, counted per key from the moment a backend holds the try until the try
 * settles or its signal aborts (a well-behaved backend: an aborted try rejects at once and no
 * longer runs). `violations` collects every try that began while its key already had `limitOf(key)`
 * tries running.
 */
export class KeyRuns {
  readonly #running = new Map<Key, number>();
  readonly gates: Gate[] = [];
  readonly violations: string[] = [];
  /** Ids of the tasks whose first try began, in start order. */
  readonly started: number[] = [];

  constructor(readonly limitOf: (key: Key) => number) {}

  /** Tries of `key` running now. */
  running(key: Key): number {
    return this.#running.get(key) ?? 0;
  }

  /** Every key with a try running now. */
  busyKeys(): Key[] {
    return [...this.#running].filter(([, n]) => n > 0).map(([key]) => key);
  }

  /** One try of `job` begins: it runs until the test settles its gate or `signal` aborts. */
  run(job: Job, signal: AbortSignal, attempt: number): Promise<number> {
    if (signal.aborted) return Promise.reject(abortError(signal.reason));
    const count = this.running(job.key) + 1;
    this.#running.set(job.key, count);
    if (attempt === 1) this.started.push(job.id);
    const limit = this.limitOf(job.key);
    if (count > limit) {
      this.violations.push(
        `try ${attempt} of task ${job.id} began with ${count} of key ${job.key} running, limit ${limit}`,
      );
    }
    return new Promise<number>((resolve, reject) => {
      const end = () => {
        this.gates.splice(this.gates.indexOf(gate), 1);
        signal.removeEventListener('abort', onAbort);
        this.#running.set(job.key, this.running(job.key) - 1);
      };
      const gate: Gate = {
        job,
        attempt,
        settle: (ok) => {
          end();
          if (ok) resolve(job.id);
          else reject(new Error(`task ${job.id} failed`));
        },
      };
      const onAbort = () => {
        end();
        reject(abortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.gates.push(gate);
    });
  }

  /** Settles the try of gate `i` (modulo) as its job's kind says; a 'hang' gate is left alone. */
  settle(i: number): void {
    const settleable = this.gates.filter((gate) => gate.job.kind !== 'hang');
    if (settleable.length > 0) {
      const gate = settleable[i % settleable.length];
      gate.settle(gate.job.kind === 'ok');
    }
  }
}

/**
 * A batching backend over {@link KeyRuns}: every entry of a batch counts as running from the
 * moment the batch is handed over (the strictest count), and the batch reports its entries in
 * order as each settles.
 */
export class KeyRunsBackend implements Backend<Job, number> {
  readonly name = 'key-runs';
  batches = 0;
  constructor(
    readonly runs: KeyRuns,
    readonly concurrency: number,
  ) {}

  run(job: Job, options: RunOptions): Promise<number> {
    return this.runs.run(job, options.signal, options.attempt ?? 1);
  }

  async runMany(
    batch: readonly BatchEntry<Job>[],
    report?: (index: number, result: BatchResult<number>) => void,
  ): Promise<BatchResult<number>[]> {
    this.batches++;
    const running = batch.map(({ input, options }) =>
      this.runs.run(input, options.signal, options.attempt ?? 1),
    );
    // An entry may settle before its turn to be reported comes: it is read in order below.
    for (const promise of running) promise.catch(() => {});
    const results: BatchResult<number>[] = [];
    for (const [index, promise] of running.entries()) {
      try {
        results.push({ status: 'fulfilled', value: await promise, time: 0.01 });
      } catch (reason) {
        results.push({ status: 'rejected', reason, time: 0.01 });
      }
      report?.(index, results[index]);
    }
    return results;
  }

  async close(): Promise<void> {}
}

/** The `code` of an error, if it has one. */
export const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;
