/**
 * The worker-side shim: the module piscina actually loads in every thread. It imports the
 * user's worker module (by URL, from `workerData`), runs the export a task names, and turns any
 * thrown value into plain data ({@link toErrorData}) so `code` and other own properties survive
 * the trip back (piscina's own cloning drops them).
 *
 * It also keeps the shared {@link TaskTable} up to date: a task marks its slot with this
 * thread's id when it starts and DONE when it ends, and is skipped if the main thread already
 * cancelled it. No top-level await: piscina may `require()` this module.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';
import { toErrorData } from './error-data.js';
import { CANCELLED, DONE, QUEUED } from './task-table.js';

/** What the main thread sends per task: kept to three short keys, it is cloned for every task. */
export interface Envelope {
  /** The export to call; undefined means the default export. */
  t: string | undefined;
  /** The task's input. */
  i: unknown;
  /** The task's slot in the shared table, or -1 when it has none. */
  s: number;
  /** The try's number when it is a retry (> 1); absent on a first try, which most tasks are. */
  a?: number;
}

/** What the backend passes as piscina's `workerData`. */
export interface ShimData {
  moduleUrl: string;
  table: SharedArrayBuffer;
}

type Namespace = Record<string, unknown>;
type TaskFunction = (input: unknown, context: WorkerTaskContext) => unknown;

/**
 * The second argument of every worker function, shaped like core's TaskContext so an
 * `Executor` can run unchanged in a thread. Its signal never aborts: cancelling a running task
 * terminates its thread instead (see the README). `attempt` is the try's number (1, then 2 on
 * the first retry...), as the Pool counts it.
 */
export interface WorkerTaskContext {
  readonly signal: AbortSignal;
  readonly attempt: number;
}

// One shared, frozen context for first tries: nothing per task to allocate. A retry gets its own.
const neverAborts = new AbortController().signal;
const context: WorkerTaskContext = Object.freeze({ signal: neverAborts, attempt: 1 });

const { moduleUrl, table } = workerData as ShimData;
const states = new Int32Array(table);

/**
 * Loads the user's module. A TypeScript module goes through `require()`: on Node 20, tsx's ESM
 * hooks (registered by `--import tsx`) do not apply inside worker threads, but its CommonJS hook
 * does, and it compiles the file (ESM syntax included) on the fly.
 */
function load(url: string): Promise<Namespace> {
  if (/\.[cm]?ts$/.test(url)) {
    return Promise.resolve().then(() => createRequire(url)(fileURLToPath(url)) as Namespace);
  }
  return import(url) as Promise<Namespace>;
}

// Start loading at once, so the first task does not pay for it; a failure is kept and reported
// by each task (a failed import must not crash the thread: piscina would then stop starting workers).
let namespace: Namespace | undefined;
let loadError: unknown;
const loading: Promise<void> = load(moduleUrl).then(
  (loaded: Namespace) => {
    namespace = loaded;
  },
  (error: unknown) => {
    loadError = error;
  },
);

function pick(name: string | undefined): TaskFunction {
  const ns = namespace as Namespace;
  const key = name ?? 'default';
  let fn = ns[key];
  // A CommonJS module arrives as { default: module.exports }: look inside it too.
  if (typeof fn !== 'function' && name !== undefined) {
    const inner = ns.default as Namespace | undefined;
    if (inner !== null && typeof inner === 'object') fn = inner[name];
  }
  if (typeof fn !== 'function') {
    const what = name === undefined ? 'a default export' : `an export named ${JSON.stringify(name)}`;
    throw new TypeError(`the worker module ${moduleUrl} has no function as ${what}`);
  }
  return fn as TaskFunction;
}

function finish(slot: number): void {
  if (slot >= 0) Atomics.compareExchange(states, slot, threadId, DONE);
}

/** Runs one task; piscina calls this for every `run`. Throws only {@link ErrorData}. */
export function run(envelope: Envelope): unknown {
  if (namespace === undefined) {
    if (loadError !== undefined) throw toErrorData(loadError);
    return loading.then(() => run(envelope));
  }
  const slot = envelope.s;
  if (slot >= 0 && Atomics.compareExchange(states, slot, QUEUED, threadId) === CANCELLED) {
    // The main thread already rejected this task; nobody reads this answer.
    throw toErrorData(new Error('cancelled before it started'));
  }
  let result: unknown;
  try {
    const ctx = envelope.a === undefined ? context : { signal: neverAborts, attempt: envelope.a };
    result = pick(envelope.t)(envelope.i, ctx);
  } catch (error) {
    finish(slot);
    throw toErrorData(error);
  }
  if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
    return Promise.resolve(result).then(
      (value) => {
        finish(slot);
        return value;
      },
      (error: unknown) => {
        finish(slot);
        throw toErrorData(error);
      },
    );
  }
  finish(slot);
  return result;
}

export default run;
