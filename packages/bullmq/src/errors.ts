/**
 * The errors of @poolkit/bullmq, each with a stable `code` (compare codes, not messages). The
 * errors every backend shares (PoolClosedError, WorkerCrashedError, the refusals) come from
 * @poolkit/core.
 */
import { PoolkitError } from '@poolkit/core';

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

/**
 * A worker could not reach Redis within its `connectMs`: code `ERR_REDIS_UNREACHABLE`. Its
 * `cause` is the last connection error heard (refused, unknown host, wrong password…), when one
 * was. Every connection the worker had made is ended before it is thrown.
 *
 * @example
 * try {
 *   await startWorker({ redis: 'redis://10.0.0.5:6379', module: './tasks.js', connectMs: 5_000 });
 * } catch (error) {
 *   if (error.code === 'ERR_REDIS_UNREACHABLE') console.error('no Redis:', error.message);
 * }
 */
export class RedisUnreachableError extends PoolkitError {
  /** Where the worker tried to connect (`host:port`). */
  readonly address: string;
  /** The bound that was exceeded, in milliseconds. */
  readonly connectMs: number;
  constructor(address: string, connectMs: number, options?: ErrorOptions) {
    const cause = (options?.cause as { message?: unknown } | undefined)?.message;
    super(
      'ERR_REDIS_UNREACHABLE',
      `Redis at ${address} was not reachable within connectMs (${connectMs} ms)${
        typeof cause === 'string' && cause !== '' ? `: ${cause}` : ''
      }`,
      options,
    );
    this.address = address;
    this.connectMs = connectMs;
  }
}
