/**
 * The options of BullMQBackend and startWorker, checked with core's option checks (TypeError /
 * RangeError naming the option and the value received).
 */
import {
  argTypeError,
  checkBoolean,
  checkDelay,
  checkInteger,
  checkName,
  checkObject,
  describeValue as describe,
} from '@poolkit/core';
import type { RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (host, port, password, tls…). */
export type RedisConnection = string | RedisOptions;

/** Options of {@link BullMQBackend}. */
export interface BullMQBackendOptions {
  /** Where Redis is (required). */
  readonly connection: RedisConnection;
  /** The BullMQ queue's name; workers must name the same one. Default `'poolkit'`. */
  readonly queue?: string;
  /** The prefix of every Redis key (BullMQ's `prefix`). Default `'bull'`. */
  readonly prefix?: string;
  /** Jobs a Pool may have in flight through this backend at once: about the total concurrency of the workers. Default 16. Integer 1–100 000. */
  readonly concurrency?: number;
  /**
   * While Redis is unreachable, `run()` rejects at once with `ERR_ENQUEUE` (true, the default);
   * with false it waits for Redis to come back (a Pool's `timeout` still bounds it).
   */
  readonly failFast?: boolean;
  /** Seconds a finished job stays in Redis (for the sweep and for inspection). Default 300. */
  readonly keepFinishedSeconds?: number;
  /** How often jobs whose answer has not arrived are looked up in Redis, ms. Default 1 000. Integer ≥ 10. */
  readonly sweepInterval?: number;
  /** How long `close()` waits for jobs in flight before it fails them, ms. Default 10 000. */
  readonly closeTimeout?: number;
  /** The backend's name in stats and messages. Default `'bullmq'`. */
  readonly name?: string;
}

export interface ResolvedBackendOptions {
  connection: RedisOptions;
  queue: string;
  prefix: string;
  concurrency: number;
  failFast: boolean;
  keepFinishedSeconds: number;
  sweepInterval: number;
  closeTimeout: number;
  name: string;
}

/** ioredis options from a URL or options object (copied: the caller's object is never changed). */
export function redisOptions(name: string, value: unknown): RedisOptions {
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw argTypeError(`${name} must be a redis:// URL or ioredis options, received ${describe(value)}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw argTypeError(`${name} must be a redis:// or rediss:// URL, received ${describe(value)}`);
    }
    const options: RedisOptions = { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
    if (url.username) options.username = decodeURIComponent(url.username);
    if (url.password) options.password = decodeURIComponent(url.password);
    const db = url.pathname.replace(/^\//, '');
    if (db !== '') options.db = checkInteger(`${name} (database number)`, Number(db), 0, { max: 15 });
    if (url.protocol === 'rediss:') options.tls = {};
    return options;
  }
  checkObject(name, value);
  return { ...(value as RedisOptions) };
}

export function resolveBackendOptions(options: unknown): ResolvedBackendOptions {
  checkObject('options', options);
  const o = options as BullMQBackendOptions;
  if (o.connection === undefined) {
    throw argTypeError('options.connection is required: a redis:// URL or ioredis options');
  }
  return {
    connection: redisOptions('options.connection', o.connection),
    queue: o.queue === undefined ? 'poolkit' : checkName('options.queue', o.queue),
    prefix: o.prefix === undefined ? 'bull' : checkName('options.prefix', o.prefix),
    concurrency:
      o.concurrency === undefined
        ? 16
        : checkInteger('options.concurrency', o.concurrency, 1, { max: 100_000 }),
    failFast: o.failFast === undefined ? true : checkBoolean('options.failFast', o.failFast),
    keepFinishedSeconds:
      o.keepFinishedSeconds === undefined
        ? 300
        : checkInteger('options.keepFinishedSeconds', o.keepFinishedSeconds, 1, { max: 30 * 24 * 3600 }),
    sweepInterval:
      o.sweepInterval === undefined
        ? 1_000
        : checkInteger('options.sweepInterval', o.sweepInterval, 10, { max: 2_147_483_647 }),
    closeTimeout: o.closeTimeout === undefined ? 10_000 : checkDelay('options.closeTimeout', o.closeTimeout),
    name: o.name === undefined ? 'bullmq' : checkName('options.name', o.name),
  };
}
