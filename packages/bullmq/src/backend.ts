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
 *
 * Every connection comes from one RedisClients, so close() can end them all even when Redis is
 * gone (BullMQ's own close() then waits for ever).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  abortReason,
  argTypeError,
  type Backend,
  type BatchEntry,
  type BatchResult,
  ErrorListeners,
  fromErrorData,
  isErrorData,
  PoolClosedError,
  type RunOptions,
  readBatch,
  readRunOptions,
  safeReport,
  settleEntry,
  splitBatch,
  tellStarted,
  WorkerCrashedError,
} from '@poolkit/core';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { EnqueueError, JobLostError } from './errors.js';
import {
  type BullMQBackendOptions,
  doneWithin,
  RedisClients,
  type ResolvedBackendOptions,
  resolveBackendOptions,
} from './options.js';
import { cancelChannel, checkJson, DEFAULT_TASK, type JobData } from './protocol.js';

/** A job in flight: takes the job's answer, or its failure as a whole. */
interface Flight {
  readonly jobId: string;
  /** When Redis accepted the job (ms, Date.now); 0 before. */
  added: number;
  /** The job's return value (from its 'completed' event or the sweep). */
  answer(reply: unknown): void;
  /** The job failed as a whole: stalled, lost, not enqueued, or the backend closed. */
  fail(error: unknown): void;
  /** The job became active on a worker (its 'active' event): its (first) task begins. */
  begin(): void;
  /** The job's progress event: in a batch job, an entry finished (see protocol.ts). */
  progress?(data: unknown): void;
}

/** One task's outcome from a worker's `{ v }` / `{ e }`, or undefined when it is neither. */
function outcome(reply: unknown): BatchResult<unknown> | undefined {
  if (reply === null || typeof reply !== 'object') return undefined;
  const answer = reply as { v?: unknown; e?: unknown; t?: unknown };
  const time = typeof answer.t === 'number' ? answer.t : undefined;
  if ('v' in answer)
    return time === undefined
      ? { status: 'fulfilled', value: answer.v }
      : { status: 'fulfilled', value: answer.v, time };
  if (isErrorData(answer.e)) {
    const reason = fromErrorData(answer.e);
    return time === undefined ? { status: 'rejected', reason } : { status: 'rejected', reason, time };
  }
  return undefined;
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

const noop = () => {};

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
  /**
   * It calls `options.started()` as each task begins: a job's when it becomes active on a worker
   * (its 'active' event), a batch entry's when the worker says the one before it finished (the
   * job's progress). A Pool counts a try's timeout from there, so a job waiting in Redis for a
   * free worker, or behind earlier entries of its batch, is not timed out for the wait.
   */
  readonly reportsStart = true;
  readonly #options: ResolvedBackendOptions;
  readonly #queue: Queue;
  /** Every connection of this backend, BullMQ's included; close() ends them. */
  readonly #clients: RedisClients;
  /** For the events stream's last id and the cancel messages. */
  readonly #client: Redis;
  #events: QueueEvents | undefined;
  #ready: Promise<void>;
  readonly #pending = new Map<string, Flight>();
  readonly #tag = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  #nextId = 0;
  #sweeping = false;
  readonly #sweep: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;
  readonly #errorListeners = new ErrorListeners();
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
    this.#clients = new RedisClients((error) => this.#report(error));
    this.#client = this.#clients.create({ ...commands, lazyConnect: true });
    // Not lazy: BullMQ waits for a connecting client's 'ready', but connects a lazy one with a
    // connect() that fails for good at the first refusal.
    this.#queue = new Queue(resolved.queue, {
      connection: this.#clients.create(commands),
      prefix: resolved.prefix,
    });
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
    // close() ends the reader it finds; one made after close() began would be left running.
    if (this.#closing !== undefined) throw new PoolClosedError('the BullMQ backend is closed');
    const events = new QueueEvents(queue, {
      // A template BullMQ duplicates for its blocking reads; lazy, so the template never connects.
      connection: this.#clients.create({ ...connection, maxRetriesPerRequest: null, lazyConnect: true }),
      prefix,
      lastEventId,
    });
    this.#events = events;
    events.on('completed', ({ jobId, returnvalue }) => this.#answer(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    events.on('active', ({ jobId }) => this.#pending.get(jobId)?.begin());
    events.on('progress', ({ jobId, data }) => this.#pending.get(jobId)?.progress?.(data));
    events.on('error', (error: Error) => this.#report(error));
    await events.waitUntilReady();
  }

  /** Runs `input` as one job named `options.task` (the worker module's export; default export when absent). */
  run(input: unknown, options: RunOptions): Promise<unknown> {
    // Before anything is registered: a refused call leaves nothing behind (no flight, no listener).
    // Checked and read once: a getter cannot answer one thing to the check and another later.
    const checked = readRunOptions(this.name, options);
    if (checked instanceof Error) return Promise.reject(checked);
    options = checked;
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
    // The caller's started() is called through the kit: what it throws is a warning, never an error of ours.
    const started = options.started === undefined ? noop : () => tellStarted(options);
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const jobId = this.#newId();
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        if (this.#take(jobId) === undefined) return;
        reject(abortReason(signal));
        // A waiting job is removed; a running one (locked: remove() leaves it) is cancelled on its worker.
        this.#queue.remove(jobId).catch(() => {});
        this.#cancel(jobId);
      };
      const done = () => signal.removeEventListener('abort', onAbort);
      const flight: Flight = {
        jobId,
        added: 0,
        answer: (reply) => {
          done();
          const result = outcome(reply);
          if (result?.status === 'fulfilled') resolve(result.value);
          else if (result?.status === 'rejected') reject(result.reason);
          else
            reject(
              new TypeError(`job ${jobId} completed without a poolkit answer (not run by poolkit-worker?)`),
            );
        },
        fail: (error) => {
          done();
          reject(error);
        },
        begin: started,
      };
      this.#pending.set(jobId, flight);
      signal.addEventListener('abort', onAbort, { once: true });
      const data: JobData = { i: input };
      if (options.attempt !== undefined && options.attempt > 1) data.a = options.attempt;
      if (options.traceHeaders !== undefined) data.h = { ...options.traceHeaders };
      void this.#add(flight, options.task ?? DEFAULT_TASK, data);
    });
  }

  /**
   * Runs several tasks as one job: the worker runs them one after another and answers each one's
   * value or error. Entries with another `task` than the first one's (or a `transfer` list, which
   * is refused) go alone through run(); an input JSON cannot carry fails only its entry. An entry
   * aborted before the job ends is rejected at once and the job is cancelled on its worker: what
   * had finished keeps its outcome, the rest comes back `'rerun'`. A job that fails as a whole
   * (stalled past the limit, lost, not enqueued) fails every entry without an outcome. Never
   * rejects.
   */
  runMany(
    batch: readonly BatchEntry<unknown>[],
    report?: (index: number, result: BatchResult<unknown>) => void,
  ): Promise<readonly BatchResult<unknown>[]> {
    const checked = readBatch(this.name, batch, report);
    if (checked instanceof Error) return Promise.reject(checked);
    batch = checked;
    const results: BatchResult<unknown>[] = new Array(batch.length);
    if (this.#closing !== undefined) {
      return Promise.resolve(
        results.fill({ status: 'rejected', reason: new PoolClosedError('the BullMQ backend is closed') }),
      );
    }
    // Entries of another task (or with a transfer list, which run() refuses) go alone.
    const { task, together, alone: apart } = splitBatch(batch);
    const alone: Promise<void>[] = [];
    for (const i of apart) {
      const { input, options } = batch[i];
      if (options.signal.aborted) {
        results[i] = { status: 'rejected', reason: abortReason(options.signal) };
        continue;
      }
      alone.push(settleEntry(this.run(input, options), results, i));
    }
    const sent: number[] = [];
    for (const i of together) {
      const { input, options } = batch[i];
      if (options.signal.aborted) {
        results[i] = { status: 'rejected', reason: abortReason(options.signal) };
        continue;
      }
      try {
        checkJson(input);
        sent.push(i);
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
    const whole =
      sent.length === 0 ? Promise.resolve() : this.#sendBatch(batch, sent, task, results, safeReport(report));
    return Promise.all([whole, ...alone]).then(() => results);
  }

  #sendBatch(
    batch: readonly BatchEntry<unknown>[],
    sent: number[],
    task: string | undefined,
    results: BatchResult<unknown>[],
    report: ((index: number, result: BatchResult<unknown>) => void) | undefined,
  ): Promise<void> {
    const jobId = this.#newId();
    return new Promise<void>((resolve) => {
      const listeners = sent.map((i) => {
        const { signal } = batch[i].options;
        const onAbort = () => {
          if (results[i] !== undefined) return;
          results[i] = { status: 'rejected', reason: abortReason(signal) };
          report?.(i, results[i]);
          this.#cancel(jobId);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        return onAbort;
      });
      const finish = () => {
        sent.forEach((i, j) => {
          batch[i].options.signal.removeEventListener('abort', listeners[j]);
          results[i] ??= { status: 'rerun' };
        });
        resolve();
      };
      const flight: Flight = {
        jobId,
        added: 0,
        answer: (reply) => {
          const answers = (reply as { r?: unknown } | null)?.r;
          if (Array.isArray(answers)) {
            for (let j = 0; j < answers.length && j < sent.length; j++) {
              const i = sent[j];
              if (results[i] !== undefined) continue;
              results[i] = outcome(answers[j]) ?? {
                status: 'rejected',
                reason: new TypeError(
                  `job ${jobId} answered task ${j} with something that is not a poolkit answer`,
                ),
              };
            }
          }
          finish();
        },
        fail: (error) => {
          for (const i of sent) results[i] ??= { status: 'rejected', reason: error };
          finish();
        },
        begin: () => tellStarted(batch[sent[0]].options),
        progress: (data) => {
          // Entry j finished (its outcome comes ahead of the job's), and j + 1 begins.
          const { d: j, a: answer } = (data ?? {}) as { d?: unknown; a?: unknown };
          if (typeof j !== 'number' || !Number.isInteger(j) || j < 0 || j >= sent.length) return;
          const i = sent[j];
          if (results[i] === undefined) {
            const result = outcome(answer);
            if (result !== undefined) {
              results[i] = result;
              report?.(i, result);
            }
          }
          if (j + 1 < sent.length) tellStarted(batch[sent[j + 1]].options);
        },
      };
      this.#pending.set(jobId, flight);
      const data: JobData = { i: null, b: sent.map((i) => batch[i].input) };
      // Only a task that can be cancelled (a timeout, a signal) needs its start and its outcome
      // before the job ends: without one, the worker saves the progress messages.
      if (sent.some((i) => batch[i].options.cancellable !== false)) data.w = 1;
      const attempts = sent.map((i) => batch[i].options.attempt ?? 1);
      if (attempts.some((a) => a > 1)) data.as = attempts;
      const headers = sent.map((i) => batch[i].options.traceHeaders);
      if (headers.some((h) => h !== undefined))
        data.hs = headers.map((h) => (h === undefined ? null : { ...h }));
      void this.#add(flight, task ?? DEFAULT_TASK, data);
    });
  }

  #newId(): string {
    return `${this.#tag}-${++this.#nextId}`;
  }

  /** Asks the workers to cancel `jobId` (the one running it aborts its signal). */
  #cancel(jobId: string): void {
    const { prefix, queue } = this.#options;
    this.#client.publish(cancelChannel(prefix, queue), jobId).catch(() => {});
  }

  /** The flight of `jobId`, taken out of the pending set (undefined when already settled). */
  #take(jobId: string): Flight | undefined {
    const flight = this.#pending.get(jobId);
    if (flight === undefined) return undefined;
    this.#pending.delete(jobId);
    if (this.#pending.size === 0) this.#drained?.();
    return flight;
  }

  /** The events reader, started once; a start that failed (Redis down) is tried again. */
  #started(): Promise<void> {
    return this.#ready.catch(() => {
      if (this.#events !== undefined) return; // it started; only a later step failed
      this.#ready = this.#startEvents();
      return this.#ready;
    });
  }

  async #add(flight: Flight, task: string, data: JobData): Promise<void> {
    const keep = { age: this.#options.keepFinishedSeconds };
    try {
      await this.#started();
      await this.#queue.add(task, data, {
        jobId: flight.jobId,
        attempts: 1, // the Pool retries; BullMQ only recovers stalled jobs
        removeOnComplete: keep,
        removeOnFail: keep,
      });
      flight.added = Date.now();
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.#take(flight.jobId)?.fail(
        new EnqueueError(`Redis did not take the job: ${message}`, { cause: error }),
      );
    }
  }

  /** A job's answer, from its 'completed' event or from the sweep. */
  #answer(jobId: string, reply: unknown): void {
    this.#take(jobId)?.answer(reply);
  }

  /** BullMQ failed the job itself: it stalled too often, or its worker lost the lock. */
  #failed(jobId: string, reason: string | undefined): void {
    this.#take(jobId)?.fail(
      new WorkerCrashedError(
        `the worker running job ${jobId} died or stalled: ${reason ?? 'no reason given'}`,
      ),
    );
  }

  #drained: (() => void) | undefined;

  /** Looks up every job whose answer is late; settles the finished and the vanished ones. */
  async #sweepOnce(): Promise<void> {
    if (this.#sweeping || this.#pending.size === 0) return;
    this.#sweeping = true;
    try {
      const due = Date.now() - this.#options.sweepInterval;
      for (const flight of [...this.#pending.values()]) {
        const { jobId } = flight;
        if (flight.added === 0 || flight.added > due || !this.#pending.has(jobId)) continue;
        const job = await this.#queue.getJob(jobId);
        const state = job === undefined || job === null ? 'unknown' : await job.getState();
        if (state === 'completed') this.#answer(jobId, job?.returnvalue);
        else if (state === 'failed') this.#failed(jobId, job?.failedReason);
        else if (state === 'unknown') {
          this.#take(jobId)?.fail(
            new JobLostError(`job ${jobId} is gone from Redis (removed, or Redis lost its data)`),
          );
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
    return this.#errorListeners.add(listener);
  }

  #report(error: Error): void {
    let message: string;
    try {
      message = error?.message ?? String(error);
    } catch {
      message = 'an unreadable error';
    }
    if (message === this.#lastError) return;
    this.#lastError = message;
    this.#errorListeners.emit(error);
  }

  /**
   * Waits for the jobs in flight, then closes every connection — all within `closeTimeout` ms,
   * whether Redis is there or not. A job still pending at the deadline rejects with
   * PoolClosedError while Redis is reachable; while it is not, with EnqueueError (`ERR_ENQUEUE`)
   * when Redis never took the job, else JobLostError (`ERR_JOB_LOST`: its outcome is unknown, a
   * worker may still run it). Then BullMQ's own close() runs, waited for only while Redis answers
   * and only until the deadline, and every connection is dropped (no QUIT: it would wait for a
   * server that is gone). Idempotent; afterwards nothing of this backend keeps the process alive.
   *
   * A Pool's close() and stop() wait for the tasks that run before they close the backend: while
   * Redis is gone, bound those with the Pool's `timeout`, or cancel them with `stop({ force: true })`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const deadline = Date.now() + this.#options.closeTimeout;
    if (this.#pending.size > 0) {
      const drained = new Promise<void>((resolve) => (this.#drained = resolve));
      await doneWithin(drained, deadline - Date.now());
      const reachable = this.#client.status === 'ready';
      for (const flight of [...this.#pending.values()]) {
        this.#take(flight.jobId)?.fail(this.#closedBefore(flight, reachable));
      }
    }
    clearInterval(this.#sweep);
    // BullMQ's close() ends its loops even without Redis, but then never settles: wait for it
    // only while Redis answers, and only until the deadline.
    const closing = Promise.allSettled([this.#events?.close(), this.#queue.close()]);
    if (this.#client.status === 'ready') await doneWithin(closing, deadline - Date.now());
    this.#clients.disconnect();
  }

  /** What a job still pending when close() gives up on it rejects with. */
  #closedBefore(flight: Flight, reachable: boolean): Error {
    const { jobId } = flight;
    if (reachable) return new PoolClosedError(`the BullMQ backend closed before job ${jobId} finished`);
    if (flight.added === 0) {
      return new EnqueueError(
        `the BullMQ backend closed before Redis took job ${jobId}: Redis is unreachable`,
      );
    }
    return new JobLostError(
      `the BullMQ backend closed while Redis was unreachable: the outcome of job ${jobId} is unknown (a worker may still run it)`,
    );
  }
}
