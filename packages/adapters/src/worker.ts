/**
 * The worker-side shim: the module piscina actually loads in every thread. It imports the
 * user's worker module (by URL, from `workerData`), runs the export a task names, and turns any
 * thrown value into plain data ({@link toErrorData}) so `code` and other own properties survive
 * the trip back (piscina's own cloning drops them).
 *
 * It also keeps the shared {@link TaskTable} up to date: a task marks its slot with this
 * thread's id when it starts and DONE when it ends, and is skipped if the main thread already
 * cancelled it. A lone task (`run`) and each task of a batch (`runBatch`) go through the same
 * per-task path, {@link perform}. No top-level await: piscina may `require()` this module.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { parentPort, type TransferListItem, threadId, workerData } from 'node:worker_threads';
import { runWithTraceHeaders, toErrorData } from '@poolkit/core/kit';
import { holdAnswer, watchSends } from './answers-in-flight.js';
import {
  BATCH_ERROR,
  BATCH_MARK,
  BATCH_OK,
  BATCH_SKIPPED,
  type BatchEnvelope,
  type BatchReply,
  packedAt,
  packedLength,
  packValues,
} from './batch-protocol.js';
import { RETIRE_MARK, type Retirement, type RetiringErrorData } from './retire.js';
import { CANCELLED, DONE, QUEUED } from './task-table.js';
import { movesRegistry } from './thread.js';

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
  /** The try's trace headers (`RunOptions.traceHeaders`); absent when nobody traced it. */
  h?: Readonly<Record<string, string>>;
}

/** What the backend passes as piscina's `workerData`. */
export interface ShimData {
  moduleUrl: string;
  table: SharedArrayBuffer;
  /** Tasks this thread runs before it retires; 0 = never. */
  recycleAfterTasks: number;
  /** Heap bytes in use after a task past which this thread retires; 0 = no limit. */
  recycleAboveHeapBytes: number;
  /** piscina tasks a thread runs at once: the most answers it can owe (answers-in-flight.ts). */
  concurrentTasksPerWorker: number;
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

const { moduleUrl, table, recycleAfterTasks, recycleAboveHeapBytes, concurrentTasksPerWorker } =
  workerData as ShimData;
const states = new Int32Array(table);
watchSends(states, concurrentTasksPerWorker);
const recycles = recycleAfterTasks > 0 || recycleAboveHeapBytes > 0;
const moves = movesRegistry();
const require = createRequire(import.meta.url);

/** Tasks this thread has run, piscina tasks (runs or batches) it runs now, and whether it retires. */
let ran = 0;
let running = 0;
let retiring = false;
const refusal: Retirement = { [RETIRE_MARK]: threadId, refused: 1 };

/**
 * Bookkeeping at the end of a piscina task that ran `count` of ours: past a limit the thread
 * retires, and the last answer it sends carries its id so the main thread ends it (retire.ts).
 */
function retiresNow(count: number): boolean {
  running--;
  ran += count;
  if (!retiring) {
    retiring =
      (recycleAfterTasks > 0 && ran >= recycleAfterTasks) ||
      (recycleAboveHeapBytes > 0 && getHeapStatistics().used_heap_size > recycleAboveHeapBytes);
  }
  return retiring && running === 0;
}

/**
 * A lone task's value on its way back: wrapped when the thread retires, moved when move() marked
 * it; held (by its `slot`) until piscina has sent it, so a failed send names this task.
 */
function deliver(value: unknown, slot: number): unknown {
  const list = value !== null && typeof value === 'object' ? moves.get(value) : undefined;
  let answer = value;
  if (recycles && retiresNow(1)) answer = { [RETIRE_MARK]: threadId, v: value } satisfies Retirement;
  if (list === undefined) {
    holdAnswer(slot, value);
    return answer;
  }
  moves.delete(value as object);
  return movable(answer, list);
}

/** A task's error on its way back (ErrorData), marked when the thread retires. */
function fault(error: unknown): RetiringErrorData {
  const data: RetiringErrorData = toErrorData(error);
  if (recycles && retiresNow(1)) data.r = threadId;
  return data;
}

/** piscina's movable wrapper around `answer`, transferring `list`. */
function movable(answer: unknown, list: readonly unknown[]): unknown {
  // Loaded on the first move only; the same copy of piscina as the one running this thread.
  const piscina = require('piscina') as typeof import('piscina');
  const wrapper = { [piscina.transferableSymbol]: list, [piscina.valueSymbol]: answer };
  return piscina.move(wrapper as unknown as Parameters<typeof piscina.move>[0]);
}

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

/** How a task ended, as {@link perform} tells it. */
const SKIPPED = 0;
const FULFILLED = 1;
const REJECTED = 2;
type Kind = typeof SKIPPED | typeof FULFILLED | typeof REJECTED;

/**
 * The value (FULFILLED) or the error (REJECTED) of the task {@link perform} just settled
 * synchronously; read it at once, before anything else runs a task.
 */
let settledWith: unknown;

/**
 * Takes the outcome of a task that settled after perform() returned, and the task's slot; what it
 * returns, perform's promise resolves with.
 */
type Later = (kind: Kind, value: unknown, slot: number) => unknown;

/**
 * The per-task protocol, for a lone task and for each task of a batch alike:
 *
 *   claim the slot (QUEUED → this thread; CANCELLED → SKIPPED, never called)
 *   → call fn(input, ctx) → (await a thenable) → mark the slot DONE
 *   → check the value can be sent → FULFILLED (value) | REJECTED (error)
 *
 * A task without a slot (-1) is not claimed. A task that settles synchronously returns its kind
 * at once, its value or error in {@link settledWith} (nothing allocated, no callback: the hot
 * path of a batch of tiny tasks); one that returns a thenable returns a promise of what `later`
 * returns for its outcome.
 */
function perform(
  fn: TaskFunction,
  input: unknown,
  slot: number,
  attempt: number,
  later: Later,
  headers?: Readonly<Record<string, string>>,
  task?: string,
): Kind | Promise<unknown> {
  if (slot >= 0 && Atomics.compareExchange(states, slot, QUEUED, threadId) === CANCELLED) return SKIPPED;
  const ctx = attempt === 1 ? context : { signal: neverAborts, attempt };
  let result: unknown;
  try {
    // A traced try runs in its trace context here (poolkit:task:run; see core's kit); an
    // untraced one is called directly, without a closure per task.
    result =
      headers === undefined
        ? fn(input, ctx)
        : runWithTraceHeaders(headers, { task, attempt }, () => fn(input, ctx));
  } catch (error) {
    finish(slot);
    settledWith = error;
    return REJECTED;
  }
  if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
    return Promise.resolve(result).then(
      (value) => {
        finish(slot);
        const kind = checked(value);
        return later(kind, settledWith, slot);
      },
      (error: unknown) => {
        finish(slot);
        return later(REJECTED, error, slot);
      },
    );
  }
  finish(slot);
  return checked(result);
}

/**
 * FULFILLED with the value, or REJECTED with the coded error of a value that cannot be sent back
 * (in {@link settledWith}): a function or a symbol would make piscina's postMessage throw inside
 * the thread, which kills it (the task then looked like a crash, `[object Object]`, and the
 * thread was replaced). A nested one still ends the thread inside piscina's send; the thread
 * marks that task's slot LOST as it dies (a lone task; answers-in-flight.ts), or the shim
 * re-checks each value of a flush that failed (a batch).
 */
function checked(value: unknown): Kind {
  if (typeof value === 'function' || typeof value === 'symbol') {
    settledWith = notCloneable(`a ${typeof value}`);
    return REJECTED;
  }
  settledWith = value;
  return FULFILLED;
}

/** A lone task's outcome as piscina's answer: its value, or a thrown ErrorData. */
const answer: Later = (kind, value, slot) => {
  if (kind === FULFILLED) return deliver(value, slot);
  if (kind === REJECTED) throw fault(value);
  // SKIPPED: the main thread already rejected this task; nobody reads this answer.
  if (recycles) running--;
  throw toErrorData(new Error('cancelled before it started'));
};

/** The export `name`, or — when there is none — a function that throws why, so the task fails alone. */
function pickForTask(name: string | undefined): TaskFunction {
  try {
    return pick(name);
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** Runs one task; piscina calls this for every `run`. Throws only ErrorData. */
export function run(envelope: Envelope): unknown {
  if (namespace === undefined) {
    if (loadError !== undefined) throw toErrorData(loadError);
    return loading.then(() => run(envelope));
  }
  if (retiring) return refusal; // before the slot is touched: the task never started
  if (recycles) running++;
  const kind = perform(
    pickForTask(envelope.t),
    envelope.i,
    envelope.s,
    envelope.a ?? 1,
    answer,
    envelope.h,
    envelope.t,
  );
  return typeof kind === 'number' ? answer(kind, settledWith, envelope.s) : kind;
}

/**
 * Runs a batch: the tasks one after another (awaiting async ones), each skipped if the main
 * thread cancelled it first, each timed, each error turned into data. Never throws for a task's
 * own failure; resolves with the outcomes not flushed earlier.
 */
export function runBatch(envelope: BatchEnvelope): BatchReply | Promise<BatchReply> {
  if (namespace === undefined) {
    if (loadError !== undefined) throw toErrorData(loadError);
    return loading.then(() => runBatch(envelope));
  }
  if (retiring) return refusal as unknown as BatchReply;
  if (recycles) running++;
  let fn: TaskFunction;
  try {
    fn = pick(envelope.t);
  } catch (error) {
    throw fault(error);
  }
  return new BatchRun(envelope, fn).go(0);
}

/** A batch being run: the tasks' outcomes, kept until they are flushed or answered. */
class BatchRun {
  /** The first task not sent back yet. */
  #from = 0;
  /** Tasks with an outcome. */
  #done = 0;
  #flushes = 0;
  /** The task running now, and when it started. */
  #n = 0;
  #start = 0;
  // Kinds and times as typed arrays: one memcpy each when cloned back, not one value per task.
  readonly #e: Uint8Array;
  readonly #t: Float64Array;
  #v: unknown[] = [];
  /** What the values sent next transfer (from move()). */
  #x: TransferListItem[] = [];
  /** An async task's outcome: recorded, then the batch goes on from the next task. */
  readonly #later: Later = (kind, value) => {
    this.#record(kind, value);
    return this.go(this.#n + 1);
  };

  constructor(
    private readonly envelope: BatchEnvelope,
    private readonly fn: TaskFunction,
  ) {
    this.#e = new Uint8Array(envelope.s.length);
    this.#t = new Float64Array(envelope.s.length);
  }

  /** Runs tasks from `index` on through {@link perform}; switches to async only at a task that returns a promise. */
  go(index: number): BatchReply | Promise<BatchReply> {
    const { i: inputs, s: slots, a: attempts, k: killable, h: headers, t: task } = this.envelope;
    const count = packedLength(inputs);
    for (let n = index; n < count; n++) {
      if (killable[n] === 1 && this.#done > this.#from) this.#flush();
      this.#n = n;
      this.#start = performance.now();
      const kind = perform(
        this.fn,
        packedAt(inputs, n),
        slots[n],
        attempts === undefined ? 1 : attempts[n],
        this.#later,
        headers?.[n],
        task,
      );
      if (typeof kind !== 'number') return kind as Promise<BatchReply>;
      this.#record(kind, settledWith);
    }
    return this.#end();
  }

  /** One task's outcome: skipped, its value (noting what it moves), or its error as data; with its run time. */
  #record(kind: Kind, value: unknown): void {
    if (kind === SKIPPED) {
      this.#put(BATCH_SKIPPED, undefined, 0);
      return;
    }
    const time = performance.now() - this.#start;
    if (kind === REJECTED) {
      this.#put(BATCH_ERROR, toErrorData(value), time);
      return;
    }
    const list = value !== null && typeof value === 'object' ? moves.get(value) : undefined;
    if (list !== undefined) {
      moves.delete(value as object);
      this.#x.push(...(list as TransferListItem[]));
    }
    this.#put(BATCH_OK, value, time);
  }

  /** The batch's answer: marked when the thread retires, movable when a value was moved. */
  #end(): BatchReply {
    const reply = this.#reply(this.#flushes);
    if (recycles && retiresNow(this.#e.length)) reply.r = threadId;
    if (this.#x.length === 0) return reply;
    return movable(reply, this.#x) as BatchReply; // piscina unwraps it before it sends
  }

  #put(kind: number, value: unknown, time: number): void {
    this.#e[this.#done] = kind;
    this.#t[this.#done] = time;
    this.#done++;
    this.#v.push(value);
  }

  #reply(flushes: number | undefined): BatchReply {
    const from = this.#from;
    const to = this.#done;
    const whole = from === 0 && to === this.#e.length;
    const reply: BatchReply = {
      [BATCH_MARK]: this.envelope.b,
      from,
      e: whole ? this.#e : this.#e.slice(from, to),
      // Byte results go back as one transferred block, added to what this reply transfers.
      v: packValues(this.#v, this.#x as ArrayBuffer[]),
      t: whole ? this.#t : this.#t.slice(from, to),
    };
    if (flushes !== undefined) reply.flushes = flushes;
    this.#from = to;
    this.#v = [];
    return reply;
  }

  /** Sends the outcomes so far ahead of the answer: the next task may be killed. */
  #flush(): void {
    this.#flushes++;
    const reply = this.#reply(undefined);
    const transfer = this.#x;
    this.#x = [];
    try {
      parentPort!.postMessage(reply, transfer);
    } catch {
      // A value deep inside could not be cloned: that task fails alone, the others go as they are.
      // (Packed values are bytes, which always clone: then it was not one of them.)
      const values = Array.isArray(reply.v) ? reply.v : [];
      for (let n = 0; n < values.length; n++) {
        if (reply.e[n] !== BATCH_OK) continue;
        try {
          structuredClone(values[n]);
        } catch (error) {
          reply.e[n] = BATCH_ERROR;
          values[n] = toErrorData(notCloneable(String((error as Error)?.message ?? error)));
        }
      }
      parentPort!.postMessage(reply, transfer);
    }
  }
}

function notCloneable(what: string): Error {
  const error = new TypeError(`the task's result cannot be sent back from a worker thread: ${what}`);
  (error as Error & { code?: string }).code = 'ERR_RESULT_NOT_CLONEABLE';
  return error;
}

export default run;
