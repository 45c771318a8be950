/**
 * BullMQBackend: the poolkit Backend contract over a BullMQ queue in Redis. The Pool (queue,
 * priorities, rate limits, retries, timeouts, counters) stays on this machine; BullMQ carries each
 * task as one job to a poolkit-worker process on any machine, and recovers jobs whose worker died.
 *
 *   run() ──checkJson──▶ Queue.add(jobId chosen here) ──▶ Redis ──▶ poolkit-worker
 *     ▲                                                              │
 *     └── one shared QueueEvents reader ('completed' / 'failed') ◀───┘
 *     └── the sweep: every sweepInterval, a job whose answer did not come is looked up in Redis
 *         (completed → its value; failed → its reason; gone → ERR_JOB_LOST), so no run() is ever
 *         left pending when an event was missed or Redis lost its data
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fromErrorData, isErrorData } from '@poolkit/adapters';
import {
  abortError,
  argTypeError,
  type Backend,
  PoolClosedError,
  PoolkitError,
  type RunOptions,
  WorkerCrashedError,
} from '@poolkit/core';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { type BullMQBackendOptions, type ResolvedBackendOptions, resolveBackendOptions } from './options.js';
import { cancelChannel, checkJson, DEFAULT_TASK, type JobData } from './protocol.js';

/** A job BullMQ does not have any more (removed, expired, or Redis lost its data): code `ERR_JOB_LOST`. */
export class JobLostError extends PoolkitError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_JOB_LOST', message, options);
  }
}

/** Redis could not take the job (unreachable, with `failFast`): code `ERR_ENQUEUE`. */
export class EnqueueError extends PoolkitError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_ENQUEUE', message, options);
  }
}

interface Pending {
  readonly jobId: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
  /** When Redis accepted the job (ms, Date.now), 0 before. */
  added: number;
}

/** Resolves once `client` is connected; rejects at its next error while it is not. */
function waitForReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      client.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      client.off('ready', onReady);
      reject(error);
    };
    client.once('ready', onReady);
    client.once('error', onError);
  });
}

function isTimeout(reason: unknown): boolean {
  return (reason as { code?: unknown } | null)?.code === 'ERR_TASK_TIMEOUT';
}

/**
 * A {@link Backend} whose tasks run as BullMQ jobs on poolkit-worker processes (see the README).
 * Inputs and results travel as JSON: anything JSON would change (BigInt, Map, a typed array, a
 * Date, `undefined` in an array…) is refused with a TypeError naming it, and `transfer` is refused.
 *
 * Errors: the task's own error (class or name, message, `code`, own properties); a job that
 * stalled past the worker's limit, or whose lock was lost, → WorkerCrashedError; a job that
 * vanished → JobLostError (`ERR_JOB_LOST`); Redis unreachable on add with `failFast` →
 * EnqueueError (`ERR_ENQUEUE`); an abort → AbortError (or the signal's TaskTimeoutError) at once:
 * a waiting job is removed, a running one is cancelled on its worker (its `ctx.signal` aborts).
 */
export class BullMQBackend implements Backend {
  /** The backend's name in stats and messages. */
  readonly name: string;
  /** Jobs a Pool may have in flight through this backend at once. */
  readonly concurrency: number;
  readonly #options: ResolvedBackendOptions;
  readonly #queue: Queue;
  readonly #client: Redis;
  #events: QueueEvents | undefined;
  #ready: Promise<void>;
  readonly #pending = new Map<string, Pending>();
  readonly #tag = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  #nextId = 0;
  #sweeping = false;
  readonly #sweep: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;
  readonly #errorListeners = new Set<(error: Error) => void>();
  #lastError = '';

  constructor(options: BullMQBackendOptions) {
    const resolved = resolveBackendOptions(options);
    this.#options = resolved;
    this.name = resolved.name;
    this.concurrency = resolved.concurrency;
    const fail = resolved.failFast;
    // Commands fail at once while disconnected with failFast; else they wait for Redis.
    const commands: RedisOptions = {
      ...resolved.connection,
      enableOfflineQueue: !fail,
      maxRetriesPerRequest: fail ? 0 : null,
    };
    this.#client = new Redis({ ...commands, lazyConnect: true });
    this.#client.on('error', (error: Error) => this.#report(error));
    this.#queue = new Queue(resolved.queue, { connection: commands, prefix: resolved.prefix });
    this.#queue.on('error', (error: Error) => this.#report(error));
    this.#ready = this.#startEvents();
    this.#ready.catch(() => {}); // reported through each run() that awaits it
    this.#sweep = setInterval(() => void this.#sweepOnce(), resolved.sweepInterval);
    this.#sweep.unref();
  }

  /**
   * The one events reader, started from the stream's current last id — not `$`, which would miss
   * the events of jobs that finish between the read of `$` and the first blocking XREAD.
   */
  async #startEvents(): Promise<void> {
    const { queue, prefix, connection } = this.#options;
    // Commands must not run before the connections are up: with failFast they would fail at once.
    if (this.#client.status === 'wait') await this.#client.connect();
    else await waitForReady(this.#client);
    await this.#queue.waitUntilReady();
    const key = `${prefix}:${queue}:events`;
    const last = (await this.#client.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const lastEventId = last.length > 0 ? last[0][0] : '0-0';
    const events = new QueueEvents(queue, {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix,
      lastEventId,
    });
    this.#events = events;
    events.on('completed', ({ jobId, returnvalue }) => this.#answer(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    events.on('error', (error: Error) => this.#report(error));
    await events.waitUntilReady();
  }

  /** Runs `input` as one job named `options.task` (the worker module's export; default export when absent). */
  run(input: unknown, options: RunOptions): Promise<unknown> {
    if (this.#closing !== undefined) {
      return Promise.reject(new PoolClosedError('the BullMQ backend is closed'));
    }
    if (options.transfer !== undefined) {
      return Promise.reject(
        argTypeError('options.transfer cannot be used with BullMQBackend: jobs travel as JSON through Redis'),
      );
    }
    try {
      checkJson(input);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    if (signal.aborted) return Promise.reject(this.#abortReason(signal));
    const jobId = `${this.#tag}-${++this.#nextId}`;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => this.#abort(jobId);
      const pending: Pending = { jobId, resolve, reject, signal, onAbort, added: 0 };
      this.#pending.set(jobId, pending);
      signal.addEventListener('abort', onAbort, { once: true });
      const data: JobData = { i: input };
      if (options.attempt !== undefined && options.attempt > 1) data.a = options.attempt;
      void this.#add(pending, options.task ?? DEFAULT_TASK, data);
    });
  }

  /** The events reader, started once; a start that failed (Redis down) is tried again. */
  #started(): Promise<void> {
    return this.#ready.catch(() => {
      if (this.#events !== undefined) return; // it started; only a later step failed
      this.#ready = this.#startEvents();
      return this.#ready;
    });
  }

  async #add(pending: Pending, task: string, data: JobData): Promise<void> {
    const keep = { age: this.#options.keepFinishedSeconds };
    try {
      await this.#started();
      await this.#queue.add(task, data, {
        jobId: pending.jobId,
        attempts: 1, // the Pool retries; BullMQ only recovers stalled jobs
        removeOnComplete: keep,
        removeOnFail: keep,
      });
      pending.added = Date.now();
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.#settle(
        pending.jobId,
        false,
        new EnqueueError(`Redis did not take the job: ${message}`, { cause: error }),
      );
    }
  }

  /** A job's answer, from its 'completed' event or from the sweep. */
  #answer(jobId: string, reply: unknown): void {
    if (!this.#pending.has(jobId)) return;
    const answer = reply as { v?: unknown; e?: unknown } | null;
    if (answer !== null && typeof answer === 'object' && 'v' in answer) this.#settle(jobId, true, answer.v);
    else if (answer !== null && typeof answer === 'object' && isErrorData(answer.e)) {
      this.#settle(jobId, false, fromErrorData(answer.e));
    } else {
      this.#settle(
        jobId,
        false,
        new TypeError(`job ${jobId} completed without a poolkit answer (not run by poolkit-worker?)`),
      );
    }
  }

  /** BullMQ failed the job itself: it stalled too often, or its worker lost the lock. */
  #failed(jobId: string, reason: string | undefined): void {
    if (!this.#pending.has(jobId)) return;
    this.#settle(
      jobId,
      false,
      new WorkerCrashedError(
        `the worker running job ${jobId} died or stalled: ${reason ?? 'no reason given'}`,
      ),
    );
  }

  #abort(jobId: string): void {
    const pending = this.#pending.get(jobId);
    if (pending === undefined) return;
    this.#settle(jobId, false, this.#abortReason(pending.signal));
    // A waiting job is removed; a running one (locked: remove() leaves it) is cancelled on its worker.
    const { prefix, queue } = this.#options;
    this.#queue.remove(jobId).catch(() => {});
    this.#client.publish(cancelChannel(prefix, queue), jobId).catch(() => {});
  }

  #abortReason(signal: AbortSignal): unknown {
    return isTimeout(signal.reason) ? signal.reason : abortError(signal.reason);
  }

  #settle(jobId: string, ok: boolean, value: unknown): void {
    const pending = this.#pending.get(jobId);
    if (pending === undefined) return;
    this.#pending.delete(jobId);
    pending.signal.removeEventListener('abort', pending.onAbort);
    if (ok) pending.resolve(value);
    else pending.reject(value);
    if (this.#pending.size === 0) this.#drained?.();
  }

  #drained: (() => void) | undefined;

  /** Looks up every job whose answer is late; settles the finished and the vanished ones. */
  async #sweepOnce(): Promise<void> {
    if (this.#sweeping || this.#pending.size === 0) return;
    this.#sweeping = true;
    try {
      const due = Date.now() - this.#options.sweepInterval;
      for (const pending of [...this.#pending.values()]) {
        if (pending.added === 0 || pending.added > due || !this.#pending.has(pending.jobId)) continue;
        const job = await this.#queue.getJob(pending.jobId);
        if (job === undefined || job === null) {
          this.#settle(
            pending.jobId,
            false,
            new JobLostError(`job ${pending.jobId} is gone from Redis (removed, or Redis lost its data)`),
          );
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') this.#answer(pending.jobId, job.returnvalue);
        else if (state === 'failed') this.#failed(pending.jobId, job.failedReason);
        else if (state === 'unknown') {
          this.#settle(pending.jobId, false, new JobLostError(`job ${pending.jobId} is gone from Redis`));
        }
      }
    } catch {
      // Redis unreachable: try again next time (errors are reported by the connections).
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Listens for errors that belong to no task — the connection to Redis failing or coming back
   * wrong. Each distinct message is reported once until a different one comes. Returns the
   * function that unsubscribes.
   */
  onError(listener: (error: Error) => void): () => void {
    if (typeof listener !== 'function') {
      throw argTypeError(`onError(listener): listener must be a function, received ${typeof listener}`);
    }
    const entry = (error: Error) => listener(error);
    this.#errorListeners.add(entry);
    return () => this.#errorListeners.delete(entry);
  }

  #report(error: Error): void {
    const message = error?.message ?? String(error);
    if (message === this.#lastError) return;
    this.#lastError = message;
    for (const listener of this.#errorListeners) {
      try {
        listener(error);
      } catch (thrown) {
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
  }

  /**
   * Waits for the jobs in flight (at most `closeTimeout` ms; the ones still pending then reject
   * with PoolClosedError), then closes every connection. Idempotent; afterwards nothing of this
   * backend keeps the process alive.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#pending.size > 0) {
      const drained = new Promise<void>((resolve) => (this.#drained = resolve));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#options.closeTimeout);
      });
      await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      for (const jobId of [...this.#pending.keys()]) {
        this.#settle(
          jobId,
          false,
          new PoolClosedError(`the BullMQ backend closed before job ${jobId} finished`),
        );
      }
    }
    clearInterval(this.#sweep);
    await this.#ready.catch(() => {});
    await Promise.allSettled([this.#events?.close(), this.#queue.close()]);
    this.#client.disconnect();
  }
}
