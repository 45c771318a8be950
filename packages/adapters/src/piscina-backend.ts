/**
 * PiscinaBackend: runs tasks on a worker_threads pool (piscina 5.3.2) behind the core
 * {@link Backend} contract.
 *
 *   run(input, { task, transfer, signal })
 *     │  envelope { t: task, i: input, s: slot }          shared TaskTable (slot → thread)
 *     ▼                                                        ▲
 *   piscina ──▶ worker thread: shim (worker.ts) ──▶ user module's export
 *     │           errors thrown as plain ErrorData ──▶ rebuilt here with name/message/stack/code
 *     ▼           anything else (exit, uncaught, OOM) ──▶ WorkerCrashedError
 *   Promise<output>
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  abortReason,
  type Backend,
  type BatchEntry,
  type BatchResult,
  ErrorListeners,
  fromErrorData,
  isErrorData,
  neverAborted,
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
import { Piscina } from 'piscina';
import { AbortWatch, type Watched } from './abort-watch.js';
import { BatchFlight, type BatchFlightHost } from './batch-flight.js';
import { BATCH_MARK, type BatchEnvelope, type BatchReply, packValues } from './batch-protocol.js';
import { type PiscinaBackendOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { Gate, Recycler } from './recycler.js';
import { isRetirement, RETIRE_MARK, type RetiringErrorData } from './retire.js';
import { threadsApplyResourceLimits, threadsLoadTypeScript } from './runtime-features.js';
import { CANCELLED, DONE, LOST, QUEUED, TaskTable } from './task-table.js';
import type { Envelope, ShimData } from './worker.js';

/**
 * Where the shim lives. From the built package this module is dist/piscina-backend.js and the
 * shim dist/worker.js, loaded with no loader. When this module itself runs from TypeScript
 * sources (vitest, tsx) its URL ends in .ts: the shim is then src/worker.ts, which a real Node
 * thread cannot load on Node 20 (no type stripping), so the threads get `--import tsx` too.
 * piscina loads its module with `require()` first, and tsx's CommonJS hook does work inside
 * worker threads (its ESM hooks do not, on Node 20): that is how src/worker.ts gets loaded.
 * Either way the shim is the code beside this file, never a stale copy from another build.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
// Built: the CommonJS front worker-entry.cjs, which imports worker.js (see that file for why).
const SHIM_PATH = fileURLToPath(new URL(FROM_SOURCE ? './worker.ts' : './worker-entry.cjs', import.meta.url));
type PiscinaRunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

const TS_MODULE = /\.[cm]?ts$/;

/** Slots in the shared task table; more tasks than this in flight fall back to piscina's signal. */
const TABLE_SLOTS = 16_384;

/** How often one task may be refused or taken down unstarted by retiring threads before it fails. */
const MAX_BOUNCES = 1_000;

/** A batch's answer with no outcome in it: every task of the batch is 'rerun'. */
function emptyReply(id: number): BatchReply {
  return { [BATCH_MARK]: id, from: 0, e: new Uint8Array(0), v: [], t: new Float64Array(0), flushes: 0 };
}

/** The `--import` specifier for tsx: resolved from this package when possible, else left to the thread. */
function tsxSpecifier(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

function workerExecArgv(options: ResolvedOptions): string[] | undefined {
  // Where threads load TypeScript themselves (Bun, Deno) no loader is added: Deno's worker_threads
  // also refuse `--import` (ERR_WORKER_INVALID_EXEC_ARGV), which would make the backend unusable.
  const needsTsx = !threadsLoadTypeScript() && (FROM_SOURCE || TS_MODULE.test(options.path));
  if (!needsTsx) return options.execArgv;
  const base = options.execArgv ?? process.execArgv;
  return base.some((flag) => flag.includes('tsx')) ? base : [...base, '--import', tsxSpecifier()];
}

/**
 * What the constructor throws when `resourceLimits` are given on a runtime whose threads do not
 * hold to them (runtime-features.ts): better no backend than one whose runaway task takes the
 * process down, or never settles, while the options promised it would only end its thread.
 */
function limitsUnavailable(): Error {
  const error = new TypeError(
    'options.resourceLimits cannot be applied on this runtime: its threads either ignore them ' +
      '(Bun 1.4, https://github.com/oven-sh/bun/issues/31411) or stop a task that passes them without ' +
      'ending its thread, so the task would never settle (Deno 2.9). Leave resourceLimits out, or use ' +
      'recycleAboveHeapMB to replace threads whose heap has grown.',
  );
  return Object.assign(error, { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' });
}

/** Turns what piscina rejected with into what the caller should see. */
function translate(error: unknown): unknown {
  if (isErrorData(error)) return fromErrorData(error);
  // The input (or transfer list) could not be cloned on this side: the caller's mistake, not a crash.
  if ((error as { name?: unknown } | null)?.name === 'DataCloneError') return error;
  let inner: unknown;
  try {
    inner = (error as { message?: unknown } | null)?.message;
  } catch {
    inner = undefined;
  }
  // piscina passes on what the dying thread reported; an answer that could not be cloned leaves
  // only an empty object ("[object Object]"), which says nothing: say what it usually is.
  const message =
    typeof inner === 'string' && inner !== ''
      ? inner
      : 'no reason given (a thread ends like this when its answer cannot be cloned)';
  return new WorkerCrashedError(`the worker running this task died: ${message}`, { cause: error });
}

/**
 * What a task whose answer could not be sent rejects with (its slot says LOST, which the dying
 * thread wrote: answers-in-flight.ts): something nested in its value cannot be structured-cloned
 * (a function, a symbol, a class instance with private state…), and the thread ended with the
 * failed send. The thread is replaced; only this task fails. A task that finished (DONE) before
 * its thread died of something else fails like the thread's other tasks (see translate).
 */
function lostAnswer(error: unknown): Error {
  const failure = new TypeError(
    "the task's result cannot be sent back from a worker thread: something in it cannot be structured-cloned (the thread was replaced)",
    { cause: error },
  );
  return Object.assign(failure, { code: 'ERR_RESULT_NOT_CLONEABLE' });
}

/**
 * A {@link Backend} that runs each task on a worker thread, through piscina.
 *
 * The worker module exports a default function and/or named functions; `RunOptions.task` picks
 * one. `concurrency` is `threads × concurrentTasksPerWorker`, so a Pool in front of it keeps
 * piscina's own queue short (priorities and rate limits stay in poolkit's queue).
 *
 * Errors: a task's own error comes back with its class/name, message, stack, `code` and other
 * own properties. A thread that dies (process.exit, an uncaught error, out of memory) fails the
 * tasks it was running with {@link WorkerCrashedError} (`ERR_WORKER_CRASHED`, original in
 * `cause`) and is replaced. When `signal` aborts, a running task's thread is terminated (so an
 * endless loop cannot hold the pool) and the task rejects with the signal's TaskTimeoutError, or
 * an AbortError.
 *
 * @example
 * const backend = new PiscinaBackend({ filename: new URL('./hash.worker.js', import.meta.url), threads: 2 });
 * const pool = new Pool({ backend });
 * const digest = await pool.submit('hello', { task: 'sha256' });
 * await pool.close(); // closes the backend too
 */
export class PiscinaBackend<I = unknown, O = unknown> implements Backend<I, O> {
  /** The `name` option: `'piscina'` unless given; shown in error messages. */
  readonly name: string;
  readonly concurrency: number;
  /**
   * True: every task's `options.started()` is called once a thread has taken it up with the
   * module loaded (seen in the shared task table by the 5 ms watch, so up to ~5 ms late), so a
   * Pool's `timeout` never counts a booting thread, a slow module load or earlier entries of a
   * batch. Tries that cannot be cancelled (`cancellable: false`) have no timeout to start and are
   * not watched for it.
   */
  readonly reportsStart = true;
  readonly #piscina: Piscina;
  readonly #table: TaskTable;
  readonly #watch = new AbortWatch();
  #closing: Promise<void> | undefined;
  /** run() promises not settled yet: close() ends the threads once this is 0. */
  #live = 0;
  #drained: (() => void) | undefined;
  /** Batches in flight by id, for the flushes their shims post ahead of the answer. */
  readonly #batches = new Map<number, BatchFlight<O>>();
  #nextBatch = 0;
  readonly #flightHost: BatchFlightHost;
  /** Present when threads are recycled (recycleAfterTasks / recycleAboveHeapMB). */
  readonly #recycler: Recycler | undefined;
  /** With recycling: piscina gets no more tasks than its threads run at once (see Gate). */
  readonly #gate: Gate | undefined;
  /** Listeners for errors that belong to no task (see onError). */
  readonly #errorListeners = new ErrorListeners();

  constructor(options: PiscinaBackendOptions) {
    const resolved = resolveOptions(options);
    if (resolved.resourceLimits !== undefined && !threadsApplyResourceLimits()) throw limitsUnavailable();
    this.name = resolved.name;
    this.concurrency = resolved.threads * resolved.concurrentTasksPerWorker;
    this.#table = new TaskTable(TABLE_SLOTS);
    const workerData: ShimData = {
      moduleUrl: pathToFileURL(resolved.path).href,
      table: this.#table.buffer,
      recycleAfterTasks: resolved.recycleAfterTasks,
      recycleAboveHeapBytes: resolved.recycleAboveHeapBytes,
      concurrentTasksPerWorker: resolved.concurrentTasksPerWorker,
    };
    this.#recycler =
      resolved.recycleAfterTasks > 0 || resolved.recycleAboveHeapBytes > 0
        ? new Recycler((threadId) => this.#endThread(threadId))
        : undefined;
    this.#gate = this.#recycler === undefined ? undefined : new Gate(this.concurrency);
    this.#piscina = new Piscina({
      filename: SHIM_PATH,
      name: 'run',
      maxThreads: resolved.threads,
      minThreads: resolved.minThreads,
      idleTimeout: resolved.idleTimeout,
      concurrentTasksPerWorker: resolved.concurrentTasksPerWorker,
      resourceLimits: resolved.resourceLimits,
      env: resolved.env,
      execArgv: workerExecArgv(resolved),
      workerData,
      atomics: resolved.atomics,
      // Timing histograms cost a clock read per task and nothing here reads them.
      recordTiming: false,
    });
    // A thread that dies with no task attached (an uncaught error after its task returned) is
    // reported through 'error'; piscina replaces it. Without a listener it would crash the process.
    this.#piscina.on('error', (error: unknown) => this.#outOfTask(error));
    // Batches' early outcomes (see runMany) arrive as worker messages.
    this.#piscina.on('message', (message: unknown) => {
      const id = (message as Partial<BatchReply> | null)?.[BATCH_MARK];
      if (typeof id === 'number') this.#batches.get(id)?.onFlush(message as BatchReply);
    });
    this.#flightHost = {
      table: this.#table,
      terminate: this.#terminateThread,
      crashed: translate,
      runAlone: (entry) => this.run(entry.input as I, entry.options),
    };
  }

  /**
   * Runs several tasks as one piscina task: the shim runs them one after another on one thread
   * (awaiting async ones) and sends back each task's value or error as data, with its run time.
   * Every task keeps its own outcome; one failure fails only that task. A task aborted before
   * its turn is skipped; an aborted running task ends its thread, and the tasks after it come
   * back `'rerun'`. The shim sends the outcomes so far before a task that can be cancelled
   * starts, so those survive the kill. A thread that dies fails only the task it was running:
   * the others are kept (if sent) or `'rerun'`. Entries with a transfer list, or another `task`
   * than the first entry's, run alone through run(). Never rejects.
   */
  runMany(
    batch: readonly BatchEntry<I>[],
    report?: (index: number, result: BatchResult<O>) => void,
  ): Promise<readonly BatchResult<O>[]> {
    const checked = readBatch<I>(this.name, batch, report);
    if (checked instanceof Error) return Promise.reject(checked);
    batch = checked;
    const results: BatchResult<O>[] = new Array(batch.length);
    if (this.#closing !== undefined) {
      const reason = new PoolClosedError('the piscina backend is closed');
      return Promise.resolve(results.fill({ status: 'rejected', reason }));
    }
    // Entries of another task, or with a transfer list, cannot share the message: run() each.
    const { task, together, alone: apart } = splitBatch(batch);
    const alone: Promise<void>[] = [];
    for (const i of apart) {
      const { input, options } = batch[i];
      if (options.signal.aborted) results[i] = { status: 'rejected', reason: abortReason(options.signal) };
      else alone.push(settleEntry(this.run(input, options), results, i));
    }
    const sent: number[] = [];
    const slots: number[] = [];
    for (const i of together) {
      const { input, options } = batch[i];
      if (options.signal.aborted) {
        results[i] = { status: 'rejected', reason: abortReason(options.signal) };
        continue;
      }
      const slot = this.#table.acquire();
      if (slot < 0) alone.push(settleEntry(this.run(input, options), results, i));
      else {
        sent.push(i);
        slots.push(slot);
      }
    }
    const whole =
      sent.length === 0
        ? Promise.resolve()
        : this.#send(batch, sent, slots, task, results, safeReport(report));
    return alone.length === 0
      ? whole.then(() => results)
      : Promise.all([whole, ...alone]).then(() => results);
  }

  #send(
    batch: readonly BatchEntry<I>[],
    sent: number[],
    slots: number[],
    task: string | undefined,
    results: BatchResult<O>[],
    tell: ((index: number, result: BatchResult<O>) => void) | undefined,
  ): Promise<void> {
    const n = sent.length;
    const inputs = new Array<unknown>(n);
    const killable = new Uint8Array(n);
    const entries = new Array<BatchEntry>(n);
    let attempts: number[] | undefined;
    let headers: (Readonly<Record<string, string>> | undefined)[] | undefined;
    for (let j = 0; j < n; j++) {
      const entry = batch[sent[j]];
      const traceHeaders = entry.options.traceHeaders;
      if (traceHeaders !== undefined) {
        headers ??= new Array<Readonly<Record<string, string>> | undefined>(n);
        headers[j] = traceHeaders;
      }
      entries[j] = entry;
      inputs[j] = entry.input;
      if (entry.options.cancellable !== false) killable[j] = 1;
      const attempt = entry.options.attempt ?? 1;
      if (attempt !== 1) {
        attempts ??= new Array<number>(n).fill(1);
        attempts[j] = attempt;
      }
    }
    const id = this.#nextBatch++;
    const slotList = Int32Array.from(slots); // cloned as one block
    // Byte inputs go as one transferred block (batch-protocol.ts): md5's 1 KiB buffers cost the
    // main thread a structured clone each otherwise.
    const transfer: ArrayBuffer[] = [];
    const envelope: BatchEnvelope = {
      b: id,
      t: task,
      i: packValues(inputs, transfer),
      s: slotList,
      k: killable,
    };
    if (attempts !== undefined) envelope.a = attempts;
    if (headers !== undefined) envelope.h = headers;
    this.#live++;
    return new Promise<void>((resolve) => {
      const flight = new BatchFlight<O>(
        entries,
        slotList,
        this.#flightHost,
        (outcomes) => {
          this.#watch.delete(flight);
          this.#batches.delete(id);
          for (let j = 0; j < n; j++) results[sent[j]] = outcomes[j] ?? { status: 'rerun' };
          this.#settled();
          resolve();
        },
        tell === undefined ? undefined : (j, result) => tell(sent[j], result),
      );
      this.#batches.set(id, flight);
      this.#watch.add(flight);
      const transferList =
        transfer.length === 0 ? undefined : (transfer as PiscinaRunOptions['transferList']);
      this.#gated(() => this.#piscina.run(envelope, { name: 'runBatch', transferList }), -1).then(
        (reply: BatchReply) => {
          if (isRetirement(reply)) {
            // Refused, none of it started: every task is 'rerun' once that thread is gone.
            void this.#recycler?.gone(reply[RETIRE_MARK]).then(() => flight.fulfil(emptyReply(id)));
            return;
          }
          if (reply.r !== undefined) this.#recycler?.retire(reply.r);
          flight.fulfil(reply);
        },
        (error: unknown) => {
          const retiring = isErrorData(error) ? (error as RetiringErrorData).r : undefined;
          if (retiring !== undefined) this.#recycler?.retire(retiring);
          flight.fail(error);
        },
      );
    });
  }

  /**
   * Runs `input` through the worker module's export `options.task` (default export when absent).
   * `options.transfer` is moved to the thread, not copied (the sender's buffers are detached) —
   * except on a backend that recycles threads, which copies it: piscina may hand a retiring thread
   * a task just before the thread ends, and only a task that still has its input can go again.
   * Rejects with PoolClosedError (`ERR_POOL_CLOSED`) once `close()` was called.
   */
  run(input: I, options: RunOptions): Promise<O> {
    if (this.#closing !== undefined)
      return Promise.reject(new PoolClosedError('the piscina backend is closed'));
    // Checked and read once: a getter cannot answer one thing to the check and another later.
    const checked = readRunOptions(this.name, options);
    if (checked instanceof Error) return Promise.reject(checked);
    options = checked;
    const { task, transfer } = options;
    // A signal that can never abort (core's neverAborted, from a caller that knows the task cannot
    // be cancelled) needs no cancellation bookkeeping: the direct path below costs ~5 µs less per
    // task. A Pool's tries always carry a signal that can abort (at least its force-stop signal).
    const signal = options.signal === neverAborted ? undefined : options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    // With recycling every task has a slot: it tells whether a task a retiring thread took down
    // had started.
    const slot = signal === undefined && this.#recycler === undefined ? -1 : this.#table.acquire();
    const envelope: Envelope = { t: task, i: input, s: slot };
    if (options.attempt !== undefined && options.attempt > 1) envelope.a = options.attempt;
    const traceHeaders = options.traceHeaders;
    if (traceHeaders !== undefined) envelope.h = traceHeaders;
    // piscina types its transfer list as MessagePort's; the same worker_threads items, readonly here.
    const transferList = transfer as unknown as PiscinaRunOptions['transferList'];
    // See the README ("signals and concurrency"): piscina gets the signal only when the shared
    // table is full, because a task with a signal runs alone on its thread.
    const piscinaSignal = slot < 0 ? signal : undefined;
    const running =
      this.#recycler === undefined
        ? this.#piscina.run(envelope, { transferList, signal: piscinaSignal })
        : this.#gated(() => this.#runRecycled(this.#recycler!, envelope, piscinaSignal, 0), slot);
    this.#live++;
    if (signal === undefined) {
      if (slot < 0) return running.then(this.#passValue, this.#passError);
      const release = () => this.#table.release(slot);
      return running.then(
        (value: O) => {
          release();
          return this.#passValue(value);
        },
        (error: unknown) => {
          const lost = this.#table.state(slot) === LOST;
          release();
          if (lost && !isErrorData(error)) {
            this.#settled();
            throw lostAnswer(error);
          }
          return this.#passError(error);
        },
      );
    }
    // A try that may time out learns when it starts: from the table (watched), or — with no slot
    // to watch — at once, as before there was a way to tell.
    const tells = options.cancellable !== false;
    if (tells && slot < 0) tellStarted(options);
    return new Promise<O>((resolve, reject) => {
      const flight = new Flight(
        signal,
        slot,
        tells && slot >= 0 ? options : undefined,
        this.#table,
        this.#watch,
        this.#terminateThread,
        (value: O) => {
          this.#settled();
          resolve(value);
        },
        (error: unknown) => {
          this.#settled();
          reject(error);
        },
      );
      running.then(
        (value: O) => flight.fulfil(value),
        (error: unknown) => flight.fail(error),
      );
    });
  }

  /**
   * `send()` now, or — on a backend that recycles — once the gate lets it through; a task whose
   * slot was cancelled while it waited is not sent at all.
   */
  #gated<T>(send: () => Promise<T>, slot: number): Promise<T> {
    const gate = this.#gate;
    if (gate === undefined) return send();
    const through = (): Promise<T> => {
      const sent = send();
      sent.then(this.#leaveGate, this.#leaveGate);
      return sent;
    };
    if (gate.tryEnter()) return through();
    return gate.enter().then(() => {
      if (slot >= 0 && this.#table.state(slot) === CANCELLED) {
        gate.leave();
        return Promise.reject(new Error('cancelled while it waited'));
      }
      return through();
    });
  }

  readonly #leaveGate = (): void => this.#gate?.leave();

  /**
   * One task on a backend that recycles threads: unwraps a retiring thread's last answer (and
   * has that thread ended), sends a refused task again once its thread is gone, and sends again
   * a task that a retiring thread's end took down before it started. Its input is copied, never
   * transferred (see run()), so it can always go again whole.
   */
  #runRecycled(
    recycler: Recycler,
    envelope: Envelope,
    signal: AbortSignal | undefined,
    bounces: number,
  ): Promise<O> {
    const again = () => {
      if (bounces >= MAX_BOUNCES) {
        throw new WorkerCrashedError(`the task was refused by ${MAX_BOUNCES} retiring threads in a row`);
      }
      return this.#runRecycled(recycler, envelope, signal, bounces + 1);
    };
    return this.#piscina.run(envelope, { signal }).then(
      (answer: unknown) => {
        if (!isRetirement(answer)) return answer as O;
        const threadId = answer[RETIRE_MARK];
        if (answer.refused !== 1) {
          recycler.retire(threadId);
          return answer.v as O;
        }
        return recycler.gone(threadId).then(again);
      },
      (error: unknown) => {
        if (isErrorData(error)) {
          const retiring = (error as RetiringErrorData).r;
          if (retiring !== undefined) recycler.retire(retiring);
        } else if (recycler.active && envelope.s >= 0 && this.#table.state(envelope.s) === QUEUED) {
          return again();
        }
        throw error;
      },
    );
  }

  /**
   * Listens for errors that belong to no task — a thread that fails after its task returned (an
   * uncaught exception in a timer it left behind, an unhandled rejection): each comes as a
   * WorkerCrashedError (`ERR_WORKER_CRASHED`) with the thread's error as `cause`; piscina starts
   * a replacement thread. A Pool in front subscribes and emits them as its `'error'` event (with
   * `input` undefined). Returns the function that unsubscribes.
   */
  onError(listener: (error: Error) => void): () => void {
    return this.#errorListeners.add(listener);
  }

  #outOfTask(error: unknown): void {
    const inner = (error as { message?: unknown } | null)?.message;
    const message = typeof inner === 'string' ? inner : String(error);
    const crash = new WorkerCrashedError(`a worker thread failed outside any task: ${message}`, {
      cause: error,
    });
    this.#errorListeners.emit(crash);
  }

  /**
   * Waits for queued and running tasks, then ends every thread. Idempotent; afterwards nothing
   * of this backend keeps the process alive and `run` rejects with PoolClosedError.
   *
   * It waits on its own count of unsettled run() promises, not on piscina's close(): piscina does
   * not replace a thread terminated during its close() (an abort or a timeout of a running task),
   * so work queued behind that thread — a live task, or the tombstone of one aborted while queued
   * (it settled for its caller, piscina still holds it) — never drained and close() never
   * resolved. Until our count reaches 0 piscina is open and replaces threads as usual; then
   * nothing it holds matters to anyone and its threads are ended with destroy().
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#live > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    await this.#piscina.destroy();
  }

  #settled(): void {
    if (--this.#live === 0 && this.#drained !== undefined) this.#drained();
  }

  readonly #passValue = (value: O): O => {
    this.#settled();
    return value;
  };

  readonly #passError = (error: unknown): never => {
    this.#settled();
    throw translate(error);
  };

  /** Terminates the thread whose id is `threadId`; piscina fails its tasks and starts a replacement. */
  readonly #terminateThread = (threadId: number): void => {
    void this.#endThread(threadId);
  };

  /** Terminates that thread; resolves once it has exited (at once when it is already gone). */
  #endThread(threadId: number): Promise<unknown> {
    for (const worker of this.#piscina.threads) {
      if (worker.threadId === threadId) return worker.terminate();
    }
    return Promise.resolve();
  }
}

/**
 * One task in flight that has a signal: settles its caller's promise exactly once, from
 * piscina's answer or from an abort (found by the {@link AbortWatch}, or by piscina itself when
 * the task had no table slot), and gives its slot back only once piscina has settled.
 */
class Flight<O> implements Watched {
  #settled = false;
  /** Whose `started()` to call once the table shows a thread took the task up (then cleared). */
  #started: RunOptions | undefined;

  constructor(
    readonly signal: AbortSignal,
    private readonly slot: number,
    started: RunOptions | undefined,
    private readonly table: TaskTable,
    private readonly watch: AbortWatch,
    private readonly terminate: (threadId: number) => void,
    private readonly resolve: (value: O) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.#started = started;
    if (slot >= 0) watch.add(this);
  }

  poll(): boolean {
    if (this.#started !== undefined && this.table.state(this.slot) !== QUEUED) this.#tellStarted();
    if (!this.signal.aborted) return false;
    this.onAbort();
    return true;
  }

  /** The signal aborted while the task was queued or running. */
  onAbort(): void {
    if (this.#settled) return;
    this.#settled = true;
    const state = this.table.cancel(this.slot);
    // > 0: running on that thread, which is the only way to stop it. QUEUED: it will be skipped.
    if (state > 0) this.terminate(state);
    this.reject(abortReason(this.signal));
  }

  /** Calls `started` once (a task that finished between two polls is told as it settles). */
  #tellStarted(): void {
    const options = this.#started;
    this.#started = undefined;
    if (options !== undefined) tellStarted(options);
  }

  fulfil(value: O): void {
    this.#tellStarted();
    this.#release();
    if (this.#settled) return;
    this.#settled = true;
    // An abort not yet seen by the watch loses to a value that is already here.
    this.resolve(value);
  }

  fail(error: unknown): void {
    // The thread died of this task's answer, which could not be sent (see lostAnswer).
    const state = this.slot >= 0 ? this.table.state(this.slot) : QUEUED;
    const lost = state === LOST && !isErrorData(error);
    if (state > 0 || state === DONE || state === LOST) this.#tellStarted(); // it ran (and failed, or its thread died)
    this.#release();
    if (this.#settled) return;
    this.#settled = true;
    if (this.signal.aborted) this.reject(abortReason(this.signal));
    else this.reject(lost ? lostAnswer(error) : translate(error));
  }

  #release(): void {
    if (this.slot < 0) return;
    this.watch.delete(this);
    this.table.release(this.slot);
  }
}
