/**
 * job-types — the "dispatcher" seed design: one pool with a bounded job queue and a fixed
 * number of workers (MaxWorkers) runs jobs of different types side by side; the caller waits for
 * all of them (Go's WaitGroup) with `onIdle()`, then closes the pool.
 *
 * Any object with `run(ctx)` is a job (`Work`), and `runWork` is the one executor that runs
 * them all, so the pool never needs to know the job types.
 *
 * Run: `npm run example:job-types` or `node packages/examples/dist/job-types.js`.
 */
import { Pool, runWork, type TaskContext, type Work } from '@poolkit/core';
import { isMain, type Print, runAsProgram, sleep, stdout } from './cli.js';

/** What each job reports when it is done (dispatcher jobs report through a shared log). */
export interface JobReport {
  job: string;
  kind: 'batch' | 'single';
  result: number | string;
}

/** A batch job: processes a list of numbers in steps, and reports their total. */
export class BatchJob implements Work<number> {
  constructor(
    readonly id: string,
    readonly items: readonly number[],
    private readonly log: JobReport[],
  ) {}

  async run(ctx: TaskContext): Promise<number> {
    let total = 0;
    for (const item of this.items) {
      await sleep(2, ctx.signal); // one step of pretend I/O per item
      total += item;
    }
    this.log.push({ job: this.id, kind: 'batch', result: total });
    return total;
  }
}

/** A single job: one item, one quick result. */
export class SingleJob implements Work<string> {
  constructor(
    readonly id: string,
    readonly name: string,
    private readonly log: JobReport[],
  ) {}

  async run(ctx: TaskContext): Promise<string> {
    await sleep(5, ctx.signal);
    const greeting = `hello, ${this.name}`;
    this.log.push({ job: this.id, kind: 'single', result: greeting });
    return greeting;
  }
}

export interface JobTypesOptions {
  /** Jobs of each type. Default 6. */
  jobsPerType?: number;
  /** Workers (MaxWorkers). Default 3. */
  maxWorkers?: number;
  /** Capacity of the job queue. Default 4: dispatching waits while it is full. */
  queueCapacity?: number;
  print?: Print;
}

export interface JobTypesResult {
  reports: JobReport[];
  stats: { submitted: number; succeeded: number; failed: number; cancelled: number };
  /** The most jobs that ran at once (never more than maxWorkers). */
  peakRunning: number;
}

export async function main(options: JobTypesOptions = {}): Promise<JobTypesResult> {
  const { jobsPerType = 6, maxWorkers = 3, queueCapacity = 4, print = stdout } = options;
  const log: JobReport[] = [];
  const pool = new Pool<Work, unknown>({
    executor: runWork,
    concurrency: maxWorkers,
    capacity: queueCapacity,
  });
  let peakRunning = 0;
  const watch = setInterval(() => {
    peakRunning = Math.max(peakRunning, pool.stats.running);
  }, 1);

  print(
    `job-types: ${2 * jobsPerType} jobs of 2 types, ${maxWorkers} workers, a job queue of ${queueCapacity}`,
  );
  // Dispatch both kinds, interleaved, into the same pool. enqueue() waits while the queue is full.
  for (let i = 1; i <= jobsPerType; i++) {
    const items = Array.from({ length: i * 3 }, (_, k) => k + 1);
    await pool.enqueue(new BatchJob(`batch-${i}`, items, log));
    await pool.enqueue(new SingleJob(`single-${i}`, `user ${i}`, log));
  }
  await pool.onIdle(); // the WaitGroup: every dispatched job has finished
  clearInterval(watch);
  await pool.close();

  for (const report of log) print(`  ${report.job.padEnd(9)} ${report.kind.padEnd(6)} → ${report.result}`);
  const { submitted, succeeded, failed, cancelled } = pool.stats;
  print(
    `all done: ${succeeded}/${submitted} succeeded, ${failed} failed, ${cancelled} cancelled; at most ${peakRunning} ran at once`,
  );
  return { reports: log, stats: { submitted, succeeded, failed, cancelled }, peakRunning };
}

if (isMain(import.meta.url)) runAsProgram(() => main());
