/**
 * startWorker(): the process side of BullMQBackend — what `poolkit-worker` runs on every machine.
 * A BullMQ Worker takes jobs from the queue; each job's name picks an export of the task module
 * (`default` for the default export); its answer is `{ v: value }` or `{ e: ErrorData }`, so a
 * task's failure reaches the producer whole (BullMQ itself only fails jobs that stalled).
 * A cancel published by the producer aborts the job's `ctx.signal` (BullMQ's cancelJob); with
 * `threads`, tasks run on a PiscinaBackend inside this process, so CPU work never blocks the lock
 * renewals on this thread (and a cancelled task's thread is ended).
 *
 * Every connection comes from one RedisClients, so close() can end them all when Redis is gone:
 * BullMQ's own close() then never settles, and a second, forced one only returns the first.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PiscinaBackend } from '@poolkit/adapters';
import {
  argTypeError,
  checkDelay,
  checkInteger,
  checkName,
  checkTimeout,
  describeValue as describe,
  neverAborted,
  runWithTraceHeaders,
  toErrorData,
} from '@poolkit/core';
import { type Job, Worker } from 'bullmq';
import { RedisUnreachableError } from './errors.js';
import {
  doneWithin,
  RedisClients,
  type RedisConnection,
  readFields,
  redisAddress,
  redisOptions,
} from './options.js';
import {
  cancelChannel,
  checkJson,
  DEFAULT_TASK,
  type EntryProgress,
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
  /**
   * How long startWorker() waits for Redis before it gives up, ms: it then ends every connection
   * it made and rejects with RedisUnreachableError (`ERR_REDIS_UNREACHABLE`), so nothing is left
   * reconnecting. Default 10 000. A number > 0 and ≤ 2 147 483 647, or Infinity: wait for Redis
   * for as long as it takes (a worker started before its Redis).
   */
  readonly connectMs?: number;
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
   * Stops taking jobs and waits up to `graceMs` (default 10 000) for the running ones to finish
   * and their answers to be stored, then closes every connection: resolves `'graceful'`. When
   * that takes longer — a task still runs, or Redis is unreachable — it stops by force: the
   * running tasks' `ctx.signal` aborts (their jobs are left to BullMQ's stalled-job recovery),
   * every connection is dropped, and it resolves `'forced'` right after the grace period (at
   * once when nothing runs and Redis is unreachable: there is nothing to wait for). Idempotent:
   * the first call's promise every time. Afterwards nothing of the worker keeps the process
   * alive, except a task function that ignores its signal. A `graceMs` that is not a number of
   * ms from 0 to 2 147 483 647 rejects with a TypeError/RangeError naming it (the worker is left
   * as it was).
   *
   *     if ((await worker.close(5_000)) === 'forced') process.exitCode = 1;
   */
  close(graceMs?: number): Promise<'graceful' | 'forced'>;
}

type TaskFunction = (input: unknown, context: { signal: AbortSignal; attempt: number }) => unknown;

function modulePath(value: unknown): string {
  let isUrl: boolean;
  try {
    isUrl = value instanceof URL;
  } catch {
    isUrl = false; // a revoked Proxy, a Proxy whose getPrototypeOf traps: refused below by name
  }
  const url = isUrl || (typeof value === 'string' && value.startsWith('file:'));
  if (url) {
    try {
      return fileURLToPath(value as string | URL);
    } catch (error) {
      throw argTypeError(
        `options.module must be a path or file: URL, received ${describe(value)} (${(error as Error).message})`,
      );
    }
  }
  if (typeof value !== 'string' || value === '') {
    throw argTypeError(`options.module must be a path or file: URL, received ${describe(value)}`);
  }
  return isAbsolute(value) ? value : resolve(value);
}

/** setTimeout's longest delay: BullMQ times its lock renewals and stalled checks with it. */
const MAX_TIMER_MS = 2_147_483_647;

/** The keys of {@link WorkerOptions}, read once each (see readFields). */
const WORKER_KEYS = [
  'redis',
  'module',
  'queue',
  'prefix',
  'concurrency',
  'threads',
  'lockMs',
  'stalledMs',
  'maxStalledCount',
  'connectMs',
] as const;

/** Starts a worker; resolves once it is connected and taking jobs. */
export async function startWorker(given: WorkerOptions): Promise<PoolkitWorker> {
  // Each field read once: a getter or a Proxy cannot change it between the check and the use.
  const options = readFields('options', given, WORKER_KEYS) as unknown as WorkerOptions;
  if (options.redis === undefined)
    throw argTypeError('options.redis is required: a redis:// URL or ioredis options');
  const connection = redisOptions('options.redis', options.redis);
  // A worker connects at once and waits for Redis (bounded by connectMs): options that make its
  // first commands fail instead are refused by name.
  if (connection.enableOfflineQueue === false) {
    throw argTypeError(
      'options.redis.enableOfflineQueue: false cannot be used by a worker: its first commands must wait for the connection (connectMs bounds the wait)',
    );
  }
  if (connection.lazyConnect === true) {
    throw argTypeError(
      'options.redis.lazyConnect: true cannot be used by a worker: it connects when it starts (connectMs bounds the wait)',
    );
  }
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
    options.lockMs === undefined
      ? 30_000
      : checkInteger('options.lockMs', options.lockMs, 100, { max: MAX_TIMER_MS });
  const stalledInterval =
    options.stalledMs === undefined
      ? 30_000
      : checkInteger('options.stalledMs', options.stalledMs, 100, { max: MAX_TIMER_MS });
  const maxStalledCount =
    options.maxStalledCount === undefined
      ? 1
      : checkInteger('options.maxStalledCount', options.maxStalledCount, 0);
  const connectMs =
    options.connectMs === undefined ? 10_000 : checkTimeout('options.connectMs', options.connectMs);

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
    headers: Record<string, string> | null | undefined,
  ): Promise<TaskReply> => {
    counts.active++;
    try {
      const task = name === DEFAULT_TASK ? undefined : name;
      const traceHeaders = headers ?? undefined;
      // A traced try runs in its trace context (poolkit:task:run), here or in the thread.
      const value =
        threadsBackend !== undefined
          ? await threadsBackend.run(input, { task, signal, attempt, traceHeaders })
          : await runWithTraceHeaders(traceHeaders, { task, attempt }, () =>
              pick(name)(input, { signal, attempt }),
            );
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
    const { b: inputs, as: attempts, w: watched, hs: headers } = job.data;
    if (!Array.isArray(inputs)) return runTask(job.name, job.data.i, job.data.a ?? 1, cancel, job.data.h);
    // A batch: one task after another; a cancel stops it after the task running then (the
    // producer re-runs the ones not answered).
    const answers: TaskReply[] = [];
    for (let n = 0; n < inputs.length && !cancel.aborted; n++) {
      const start = performance.now();
      const answer = await runTask(job.name, inputs[n], attempts?.[n] ?? 1, cancel, headers?.[n]);
      // The run time lets the Pool size batches from what a task costs, not what a job costs.
      answer.t = performance.now() - start;
      answers.push(answer);
      if (watched === 1 && n + 1 < inputs.length && !cancel.aborted) {
        // Not awaited: the next entry starts now. On the same connection as the job's
        // completion, so it always reaches the events stream first.
        const progress: EntryProgress = { d: n, a: answer };
        job.updateProgress(progress).catch(() => {});
      }
    }
    return { r: answers };
  };

  // Connection trouble is not reported: ioredis reconnects by itself, BullMQ waits for it. The
  // last error is kept for the message when Redis stays out of reach past connectMs.
  let lastError: Error | undefined;
  const clients = new RedisClients((error) => {
    lastError = error;
  });
  const commands = { ...connection, maxRetriesPerRequest: null };
  // The Worker runs its commands on this client as it is (ending it is ours) and blocks on a
  // duplicate of it.
  const main = clients.create(commands);
  const worker = new Worker<JobData, JobReply>(queueName, processor, {
    connection: main,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
  });
  worker.on('error', () => {});
  const subscriber = clients.create(commands);
  subscriber.on('message', (_channel: string, jobId: string) => {
    worker.cancelJob(jobId, 'cancelled by the producer');
  });

  /** The forced end: abort what runs, stop BullMQ's loops, drop every connection. */
  const force = () => {
    worker.cancelAllJobs('the worker is shutting down');
    // Sets BullMQ's closing flag when no close() began (else it returns that one's promise).
    worker.close(true).catch(() => {});
    clients.disconnect();
  };
  // Without Redis both wait for ever (ioredis reconnects, BullMQ waits for it): bounded by
  // connectMs, after which every connection is ended, so nothing is left reconnecting.
  const ready = Promise.all([
    subscriber.subscribe(cancelChannel(prefix, queueName)),
    worker.waitUntilReady(),
  ]);
  ready.catch(() => {}); // after a timeout, the ended connections reject what they held
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    if (connectMs === Number.POSITIVE_INFINITY) return;
    timer = setTimeout(
      () =>
        reject(
          new RedisUnreachableError(redisAddress(connection), connectMs, {
            cause: lastError,
          }),
        ),
      connectMs,
    );
  });
  try {
    await Promise.race([ready, late]);
  } catch (error) {
    force();
    await threadsBackend?.close();
    // Redis refused us some other way before the deadline (a retryStrategy that gives up: the
    // connection is closed): unreachable all the same, with what it said as the cause.
    if (error instanceof RedisUnreachableError) throw error;
    throw new RedisUnreachableError(redisAddress(connection), connectMs, { cause: error });
  } finally {
    clearTimeout(timer);
  }

  let closing: Promise<'graceful' | 'forced'> | undefined;
  return {
    counts,
    close(graceMs = 10_000) {
      if (closing === undefined) {
        try {
          checkDelay('close(graceMs): graceMs', graceMs);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      closing ??= (async () => {
        const nothingToWaitFor = counts.active === 0 && main.status !== 'ready';
        const graceful = !nothingToWaitFor && (await doneWithin(worker.close(), graceMs));
        if (graceful) clients.disconnect();
        else force();
        await threadsBackend?.close();
        return graceful ? 'graceful' : 'forced';
      })();
      return closing;
    },
  };
}
