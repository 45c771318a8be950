/**
 * job-types — the "dispatcher" seed design: one pool with a bounded job queue and a fixed
 * number of workers (MaxWorkers) runs jobs of different types side by side; the caller waits for
 * all of them (Go's WaitGroup) with `onIdle()`, then closes the pool.
 *
 * Any object with `run(ctx)` is a job (`Work`), and `runWork` is the one executor that runs
 * them all, so the pool never needs to know the job types.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:job-types                           # 2 × 6 jobs, 3 workers, a queue of 4
 *   npm run example:job-types -- --jobs-per-type 20 --workers 5 --queue 2
 *   node packages/examples/dist/job-types.js --help
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool, runWork, type TaskContext, type Work } from '@poolkit/core';

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
      await sleep(2, undefined, { signal: ctx.signal }); // one step of pretend I/O per item
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
    await sleep(5, undefined, { signal: ctx.signal });
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
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface JobTypesResult {
  reports: JobReport[];
  stats: { submitted: number; succeeded: number; failed: number; cancelled: number };
  /** The most jobs that ran at once (never more than maxWorkers). */
  peakRunning: number;
}

export async function main(options: JobTypesOptions = {}): Promise<JobTypesResult> {
  const {
    jobsPerType = 6,
    maxWorkers = 3,
    queueCapacity = 4,
    print = (line: string) => console.log(line),
  } = options;
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

// ── Started as a program: the command line (`node job-types.js --help`) ──────────────────────────

const USAGE = `usage: job-types [--jobs-per-type N] [--workers N] [--queue N]
  --jobs-per-type N  jobs of each of the 2 types, 1 to 1000 (default 6)
  --workers N        jobs running at once (MaxWorkers), 1 to 64 (default 3)
  --queue N          capacity of the job queue, 1 to 1000 (default 4)`;

/** The integer given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function integerArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): JobTypesOptions {
  try {
    const { values } = parseArgs({
      options: {
        'jobs-per-type': { type: 'string' },
        workers: { type: 'string' },
        queue: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      jobsPerType: integerArg('jobs-per-type', values['jobs-per-type'], 1, 1000),
      maxWorkers: integerArg('workers', values.workers, 1, 64),
      queueCapacity: integerArg('queue', values.queue, 1, 1000),
    };
  } catch (error) {
    console.error(`job-types: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
