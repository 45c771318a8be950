/**
 * startWorker(): the process side of BullMQBackend — what `poolkit-worker` runs on every machine.
 * A BullMQ Worker takes jobs from the queue; each job's name picks an export of the task module
 * (`default` for the default export); its answer is `{ v: value }` or `{ e: ErrorData }`, so a
 * task's failure reaches the producer whole (BullMQ itself only fails jobs that stalled).
 * A cancel published by the producer aborts the job's `ctx.signal` (BullMQ's cancelJob); with
 * `threads`, tasks run on a PiscinaBackend inside this process, so CPU work never blocks the lock
 * renewals on this thread (and a cancelled task's thread is ended).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PiscinaBackend, toErrorData } from '@poolkit/adapters';
import {
  argTypeError,
  checkInteger,
  checkName,
  checkObject,
  describeValue as describe,
  neverAborted,
} from '@poolkit/core';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisConnection, redisOptions } from './options.js';
import {
  cancelChannel,
  checkJson,
  DEFAULT_TASK,
  type JobData,
  type JobReply,
  type TaskReply,
} from './protocol.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Where Redis is (required). */
  readonly redis: RedisConnection;
  /** The task module: a path or `file:` URL; its exports are the task names (required). */
  readonly module: string | URL;
  /** The queue's name, as the producer's. Default `'poolkit'`. */
  readonly queue?: string;
  /** The Redis key prefix, as the producer's. Default `'bull'`. */
  readonly prefix?: string;
  /** Jobs this process runs at once. Default 1 per thread, or 4 without threads. Integer 1–10 000. */
  readonly concurrency?: number;
  /** Worker threads that run the tasks (0: on this process's main thread). Default 0. Integer 0–1024. */
  readonly threads?: number;
  /** How long a job's lock lasts without renewal, ms (BullMQ `lockDuration`). Default 30 000. */
  readonly lockMs?: number;
  /** How often stalled jobs are looked for, ms (BullMQ `stalledInterval`). Default 30 000. */
  readonly stalledMs?: number;
  /** Times a job may stall and be run again before it fails (BullMQ `maxStalledCount`). Default 1. */
  readonly maxStalledCount?: number;
}

/** A running worker: its counts, and how to stop it. */
export interface PoolkitWorker {
  /** Jobs answered with a value, with an error, and running now. */
  readonly counts: {
    /** Tasks that ended with a value. */
    readonly succeeded: number;
    /** Tasks that ended with an error (their own, a timeout or a cancellation). */
    readonly failed: number;
    /** Tasks running now. */
    readonly active: number;
  };
  /**
   * Stops taking jobs, waits up to `graceMs` (default 10 000) for the running ones, then stops
   * them by force (their jobs are left to BullMQ's stalled-job recovery) and closes every
   * connection.
   */
  close(graceMs?: number): Promise<void>;
}

type TaskFunction = (input: unknown, context: { signal: AbortSignal; attempt: number }) => unknown;

function modulePath(value: unknown): string {
  if (value instanceof URL) return fileURLToPath(value);
  if (typeof value !== 'string' || value === '') {
    throw argTypeError(`options.module must be a path or file: URL, received ${describe(value)}`);
  }
  if (value.startsWith('file:')) return fileURLToPath(value);
  return isAbsolute(value) ? value : resolve(value);
}

/** Starts a worker; resolves once it is connected and taking jobs. */
export async function startWorker(options: WorkerOptions): Promise<PoolkitWorker> {
  checkObject('options', options);
  if (options.redis === undefined)
    throw argTypeError('options.redis is required: a redis:// URL or ioredis options');
  const connection = redisOptions('options.redis', options.redis);
  const path = modulePath(options.module);
  const queueName = options.queue === undefined ? 'poolkit' : checkName('options.queue', options.queue);
  const prefix = options.prefix === undefined ? 'bull' : checkName('options.prefix', options.prefix);
  const threads =
    options.threads === undefined ? 0 : checkInteger('options.threads', options.threads, 0, { max: 1024 });
  const concurrency =
    options.concurrency === undefined
      ? threads > 0
        ? threads
        : 4
      : checkInteger('options.concurrency', options.concurrency, 1, { max: 10_000 });
  const lockDuration =
    options.lockMs === undefined ? 30_000 : checkInteger('options.lockMs', options.lockMs, 100);
  const stalledInterval =
    options.stalledMs === undefined ? 30_000 : checkInteger('options.stalledMs', options.stalledMs, 100);
  const maxStalledCount =
    options.maxStalledCount === undefined
      ? 1
      : checkInteger('options.maxStalledCount', options.maxStalledCount, 0);

  const threadsBackend =
    threads > 0
      ? new PiscinaBackend({
          filename: path,
          threads,
          concurrentTasksPerWorker: Math.ceil(concurrency / threads),
        })
      : undefined;
  const namespace =
    threadsBackend === undefined
      ? ((await import(pathToFileURL(path).href)) as Record<string, unknown>)
      : undefined;
  const pick = (name: string): TaskFunction => {
    const fn = namespace?.[name];
    if (typeof fn !== 'function') {
      const what = name === DEFAULT_TASK ? 'a default export' : `an export named ${JSON.stringify(name)}`;
      throw new TypeError(`the task module ${path} has no function as ${what}`);
    }
    return fn as TaskFunction;
  };

  const counts = { succeeded: 0, failed: 0, active: 0 };
  const runTask = async (
    name: string,
    input: unknown,
    attempt: number,
    signal: AbortSignal,
  ): Promise<TaskReply> => {
    counts.active++;
    try {
      const value =
        threadsBackend !== undefined
          ? await threadsBackend.run(input, {
              task: name === DEFAULT_TASK ? undefined : name,
              signal,
              attempt,
            })
          : await pick(name)(input, { signal, attempt });
      try {
        checkJson(value, 'the result');
      } catch (error) {
        (error as { code?: string }).code = 'ERR_RESULT_NOT_JSON';
        throw error;
      }
      counts.succeeded++;
      return { v: value };
    } catch (error) {
      counts.failed++;
      return { e: toErrorData(error) };
    } finally {
      counts.active--;
    }
  };
  const processor = async (job: Job<JobData>, _token?: string, signal?: AbortSignal): Promise<JobReply> => {
    const cancel = signal ?? neverAborted;
    const { b: inputs, as: attempts } = job.data;
    if (!Array.isArray(inputs)) return runTask(job.name, job.data.i, job.data.a ?? 1, cancel);
    // A batch: one task after another; a cancel stops it after the task running then (the
    // producer re-runs the ones not answered).
    const answers: TaskReply[] = [];
    for (let n = 0; n < inputs.length && !cancel.aborted; n++) {
      const start = performance.now();
      const answer = await runTask(job.name, inputs[n], attempts?.[n] ?? 1, cancel);
      // The run time lets the Pool size batches from what a task costs, not what a job costs.
      answer.t = performance.now() - start;
      answers.push(answer);
    }
    return { r: answers };
  };

  const worker = new Worker<JobData, JobReply>(queueName, processor, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
  });
  worker.on('error', () => {}); // connection trouble: BullMQ reconnects by itself
  const subscriber = new Redis({ ...connection, maxRetriesPerRequest: null });
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, jobId: string) => {
    worker.cancelJob(jobId, 'cancelled by the producer');
  });
  await subscriber.subscribe(cancelChannel(prefix, queueName));
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    counts,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const graceful = worker.close();
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs);
        });
        if ((await Promise.race([graceful.then(() => 'done' as const), late])) === 'late') {
          worker.cancelAllJobs('the worker is shutting down');
          await worker.close(true);
        }
        clearTimeout(timer);
        subscriber.disconnect();
        await threadsBackend?.close();
      })();
      return closing;
    },
  };
}
