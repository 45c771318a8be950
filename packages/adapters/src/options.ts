/**
 * The options of {@link PiscinaBackend} and their checks. Each check throws a TypeError (wrong
 * type, code `ERR_INVALID_ARG_TYPE`) or a RangeError (right type, out of range, code
 * `ERR_INVALID_ARG_VALUE`) naming the option, the expected range and the value received, using
 * `@poolkit/core`'s option checks so the errors read like core's own.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import {
  argRangeError,
  argTypeError,
  checkDelay,
  checkInteger,
  checkName,
  checkNumber,
  checkObject,
  checkOneOf,
  describeValue as describe,
  readOptions,
} from '@poolkit/core';

/** Options of {@link PiscinaBackend}. Every field is read once, by the constructor. */
export interface PiscinaBackendOptions {
  /**
   * The worker module: an absolute path, a path relative to the working directory, or a
   * `file:` URL. It exports a default function and/or named functions `(input) => output`
   * (sync or async). A `.ts`/`.mts`/`.cts` file is loaded through tsx (development only).
   */
  readonly filename: string | URL;
  /** Most threads at once. Default: `os.availableParallelism()`. Integer ≥ 1. */
  readonly threads?: number;
  /**
   * Threads kept alive while idle. Default: `threads` (a burst never waits for thread start-up;
   * idle threads are unref'd, so they keep no process alive). Integer 0 … threads.
   */
  readonly minThreads?: number;
  /** Milliseconds an idle thread above `minThreads` lives. Default 0 (piscina's). 0 … 2147483647 (setTimeout's limit), or Infinity. */
  readonly idleTimeout?: number;
  /** Tasks one thread runs at once (useful for async tasks). Default 1. Integer ≥ 1. */
  readonly concurrentTasksPerWorker?: number;
  /** V8 heap limits per thread (`worker_threads` ResourceLimits, in MB). Default: none. */
  readonly resourceLimits?: ResourceLimits;
  /** Environment of the threads (`worker_threads.SHARE_ENV` or an object). Default: a copy of `process.env`. */
  readonly env?: Record<string, string | undefined> | typeof import('node:worker_threads').SHARE_ENV;
  /** Node flags for the threads. Default: `process.execArgv` (plus `--import tsx` for .ts modules). */
  readonly execArgv?: readonly string[];
  /** The backend's name in stats and messages. Default `'piscina'`. */
  readonly name?: string;
  /**
   * How an idle thread waits for its next task (piscina's `atomics`). `'async'` waits with
   * `Atomics.waitAsync` and keeps the thread's event loop running, so timers and I/O a task left
   * behind run (and an error in them surfaces at once, as an `'error'`). `'sync'` (piscina's own
   * default) blocks the thread in `Atomics.wait`: they wait until the next task arrives.
   * `'disabled'` uses messages only. Default `'async'` (measured no slower than `'sync'`; see the
   * README).
   */
  readonly atomics?: 'sync' | 'async' | 'disabled';
  /**
   * Replaces a thread after it has run this many tasks (a batch counts each of its tasks), between
   * tasks: the thread takes no new task, finishes the ones it runs, is ended and replaced. No task
   * fails because of it. For worker code that leaks (native modules, caches). Integer ≥ 1, or
   * Infinity. Default Infinity (never).
   */
  readonly recycleAfterTasks?: number;
  /**
   * Replaces a thread, the same way, when its V8 heap in use passes this many MB after a task.
   * Default: no limit. A finite number ≥ 1.
   */
  readonly recycleAboveHeapMB?: number;
}

/** The options once checked, with defaults filled in. */
export interface ResolvedOptions {
  path: string;
  threads: number;
  minThreads: number;
  idleTimeout: number;
  concurrentTasksPerWorker: number;
  resourceLimits: ResourceLimits | undefined;
  env: PiscinaBackendOptions['env'];
  execArgv: string[] | undefined;
  name: string;
  atomics: 'sync' | 'async' | 'disabled';
  /** Tasks per thread before it is replaced; 0 = never. */
  recycleAfterTasks: number;
  /** Heap bytes in use after which a thread is replaced; 0 = no limit. */
  recycleAboveHeapBytes: number;
}

function modulePath(value: unknown): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') {
      throw argTypeError(`options.filename must be a file: URL, received ${JSON.stringify(value.href)}`);
    }
    return fileURLToPath(value);
  }
  if (typeof value !== 'string' || value === '') {
    throw argTypeError(`options.filename must be a non-empty path or file: URL, received ${describe(value)}`);
  }
  if (value.startsWith('file:')) return fileURLToPath(value);
  return isAbsolute(value) ? value : resolve(value);
}

/**
 * The limits a thread can start with: Node passes them to V8 and the OS unchecked, and some
 * values end the whole process rather than the thread (measured on Node 20: `stackSizeMb`
 * 0.001, 0.2, 1e5 or Infinity abort it). Each field is a finite number of MB; `stackSizeMb`
 * 0.5 … 512 (Node's default is 4). An unknown field is refused (a typo would be ignored by Node).
 */
const LIMIT_FIELDS: Record<keyof ResourceLimits, [min: number, max: number]> = {
  maxYoungGenerationSizeMb: [1, 1_048_576],
  maxOldGenerationSizeMb: [1, 1_048_576],
  codeRangeSizeMb: [1, 1_048_576],
  stackSizeMb: [0.5, 512],
};

function checkResourceLimits(value: unknown): ResourceLimits {
  checkObject('options.resourceLimits', value);
  let keys: string[];
  try {
    keys = Object.keys(value as object);
  } catch (error) {
    throw argTypeError(
      `options.resourceLimits cannot be read (${(error as Error)?.message ?? describe(error)})`,
    );
  }
  const limits: Record<string, number> = {};
  for (const key of keys) {
    const range = LIMIT_FIELDS[key as keyof ResourceLimits];
    if (range === undefined) {
      throw argRangeError(
        `options.resourceLimits.${key} is not a resource limit (${Object.keys(LIMIT_FIELDS).join(', ')})`,
      );
    }
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw argTypeError(
        `options.resourceLimits.${key} cannot be read (${(error as Error)?.message ?? describe(error)})`,
      );
    }
    if (field === undefined) continue;
    limits[key] = checkNumber(`options.resourceLimits.${key}`, field, range[0], range[1]);
  }
  return limits as ResourceLimits;
}

/** Checks `options` and fills in the defaults. Throws TypeError/RangeError as described above. */
export function resolveOptions(options: unknown): ResolvedOptions {
  // Whatever reading the options throws (a getter, a Proxy's trap, a revoked Proxy anywhere in
  // them) is a coded TypeError naming them, never the engine's exception.
  return readOptions('PiscinaBackend options', () => checkOptionsObject(options));
}

/** The keys of {@link PiscinaBackendOptions}: each read once. */
const KEYS = [
  'filename',
  'threads',
  'minThreads',
  'idleTimeout',
  'concurrentTasksPerWorker',
  'resourceLimits',
  'env',
  'execArgv',
  'name',
  'atomics',
  'recycleAfterTasks',
  'recycleAboveHeapMB',
] as const;

function checkOptionsObject(options: unknown): ResolvedOptions {
  checkObject('options', options);
  const o: Record<string, unknown> = {};
  for (const key of KEYS) o[key] = (options as Record<string, unknown>)[key];
  const path = modulePath(o.filename);
  const threads =
    o.threads === undefined
      ? availableParallelism()
      : checkInteger('options.threads', o.threads, 1, { max: 1024 });
  const minThreads =
    o.minThreads === undefined
      ? threads
      : checkInteger('options.minThreads', o.minThreads, 0, { max: threads });
  const idleTimeout =
    o.idleTimeout === undefined
      ? 0
      : checkDelay('options.idleTimeout', o.idleTimeout, { allowInfinity: true });
  const concurrentTasksPerWorker =
    o.concurrentTasksPerWorker === undefined
      ? 1
      : checkInteger('options.concurrentTasksPerWorker', o.concurrentTasksPerWorker, 1, { max: 1024 });
  const resourceLimits = o.resourceLimits === undefined ? undefined : checkResourceLimits(o.resourceLimits);
  // A copy: piscina reads the environment when each thread starts, long after this check.
  let env = o.env as PiscinaBackendOptions['env'];
  if (env !== undefined && typeof env !== 'symbol') {
    checkObject('options.env', env);
    env = { ...env };
  }
  let execArgv: string[] | undefined;
  if (o.execArgv !== undefined) {
    if (!Array.isArray(o.execArgv) || o.execArgv.some((flag) => typeof flag !== 'string')) {
      throw argTypeError(`options.execArgv must be an array of strings, received ${describe(o.execArgv)}`);
    }
    execArgv = [...o.execArgv];
  }
  return {
    path,
    threads,
    minThreads,
    idleTimeout,
    concurrentTasksPerWorker,
    resourceLimits,
    env,
    execArgv,
    name: o.name === undefined ? 'piscina' : checkName('options.name', o.name),
    atomics:
      o.atomics === undefined
        ? 'async'
        : checkOneOf('options.atomics', o.atomics, ['sync', 'async', 'disabled']),
    recycleAfterTasks:
      o.recycleAfterTasks === undefined || o.recycleAfterTasks === Number.POSITIVE_INFINITY
        ? 0
        : checkInteger('options.recycleAfterTasks', o.recycleAfterTasks, 1),
    recycleAboveHeapBytes:
      o.recycleAboveHeapMB === undefined
        ? 0
        : checkNumber('options.recycleAboveHeapMB', o.recycleAboveHeapMB, 1) * 1024 * 1024,
  };
}
