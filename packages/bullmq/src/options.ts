/**
 * The options of BullMQBackend and startWorker, checked with core's option checks (TypeError /
 * RangeError naming the option and the value received), and the ioredis clients made from them.
 */
import {
  argTypeError,
  asArgError,
  checkBoolean,
  checkDelay,
  checkInteger,
  checkName,
  checkObject,
  describeValue as describe,
} from '@poolkit/core';
import { Redis, type RedisOptions } from 'ioredis';

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

/**
 * The fields `keys` of the options object `value`, read once into a plain object: a field that
 * cannot be read (a throwing getter, a strict Proxy) is a TypeError naming it, never the getter's
 * own exception; fields not in `keys` are not read. Checks `value` is an object first.
 */
export function readFields<const K extends string>(
  name: string,
  value: unknown,
  keys: readonly K[],
): { [P in K]?: unknown } {
  checkObject(name, value);
  const fields: { [P in K]?: unknown } = {};
  for (const key of keys) {
    try {
      fields[key] = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw asArgError(`${name}.${key}`, error);
    }
  }
  return fields;
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
  const { keyPrefix } = readFields(name, value, ['keyPrefix']);
  if (keyPrefix !== undefined && keyPrefix !== '') {
    throw argTypeError(
      `${name}.keyPrefix cannot be used: BullMQ names its keys with the prefix option instead, received ${describe(keyPrefix)}`,
    );
  }
  let copy: RedisOptions;
  try {
    copy = { ...(value as RedisOptions) };
  } catch (error) {
    throw asArgError(name, error);
  }
  // ioredis calls retryStrategy from its own timers: one that throws would crash the process.
  // Throwing means giving up, as returning null does (a worker then fails ERR_REDIS_UNREACHABLE).
  const retryStrategy = copy.retryStrategy;
  if (typeof retryStrategy === 'function') {
    copy.retryStrategy = (times: number) => {
      try {
        return retryStrategy(times);
      } catch {
        return null;
      }
    };
  }
  return copy;
}

/** `host:port` of ioredis options, for messages (a Unix socket's path when it has one). */
export function redisAddress(options: RedisOptions): string {
  if (typeof options.path === 'string') return options.path;
  return `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
}

export function resolveBackendOptions(options: unknown): ResolvedBackendOptions {
  const o = readFields('options', options, [
    'connection',
    'queue',
    'prefix',
    'concurrency',
    'failFast',
    'keepFinishedSeconds',
    'sweepInterval',
    'closeTimeout',
    'name',
  ]);
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

/**
 * Every ioredis client of one BullMQBackend or worker, with the copies BullMQ makes of them
 * (`duplicate()`, for the connections it blocks on). Each has an 'error' listener from its first
 * moment: BullMQ takes its own off when it closes a connection, and a client left reconnecting to
 * a server that is gone then prints "[ioredis] Unhandled error event" at every try. And
 * {@link RedisClients.disconnect} ends them all at once, which BullMQ's close() cannot do without
 * the server: it sends QUIT (queued until Redis answers) or waits for an 'end' event that a client
 * disconnected between two reconnection tries never emits.
 *
 * Give BullMQ a client, not options: a Queue or a Worker uses the client it is given as it is and
 * leaves it open (ending it is ours), and what BullMQ needs more of it duplicates from it.
 */
export class RedisClients {
  readonly #clients = new Set<Redis>();
  readonly #onError: (error: Error) => void;
  #ended = false;

  /** `onError` hears every client's errors (connection refused, reset…). */
  constructor(onError: (error: Error) => void) {
    this.#onError = onError;
  }

  /** A new client on `options`; it connects at once unless `lazyConnect` is set. */
  create(options: RedisOptions): Redis {
    const client = new Redis(options);
    client.on('error', this.#onError);
    // BullMQ waits for a duplicate's 'ready', which a lazy client never reaches by itself.
    client.duplicate = (override) => this.create({ ...client.options, ...override, lazyConnect: false });
    this.#clients.add(client);
    if (this.#ended) end(client);
    return client;
  }

  /**
   * Ends every client now, with no word to the server (no QUIT, which waits for an answer) and
   * no reconnection; a client made afterwards is ended at once. Every command a client still
   * holds rejects with "Connection is closed." Idempotent. Afterwards no client keeps the process
   * alive, but for ioredis's wait for a socket it closed (its `disconnectTimeout`, 2 s at most).
   */
  disconnect(): void {
    this.#ended = true;
    for (const client of this.#clients) end(client);
  }
}

/** Ends `client` at once: status 'end', its commands rejected, no socket, no retry timer. */
function end(client: Redis): void {
  if (client.status === 'end') return;
  if (client.status === 'reconnecting') {
    // Between two tries there is no socket to close: disconnect() alone would clear the retry
    // timer and leave the client 'reconnecting' for ever, every command it holds unsettled
    // (with BullMQ's timers that wait for them). A try that disconnect() aborts before it opens
    // a socket ends it the proper way instead: it rejects those commands, then sets 'end'.
    client.connect().catch(() => {});
  }
  client.disconnect();
}

/**
 * Resolves true when `promise` fulfils within `ms`, false when it rejects or `ms` pass first. The
 * timer keeps the process alive meanwhile, and is cleared as soon as the answer is known.
 */
export async function doneWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), false);
  });
  const done = promise.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}
