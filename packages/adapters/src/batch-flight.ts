/**
 * One batch in flight on a worker thread (PiscinaBackend.runMany): collects each task's outcome
 * from the flushes and the answer the shim sends, watches the tasks' signals, and — when the
 * thread dies — tells from the shared {@link TaskTable} which task was running (it failed),
 * which had finished (their outcomes are kept, or re-run if their flush never came) and which
 * had not started (re-run).
 *
 *   shim: flush(0..i) ─▶ task i+1 (cancellable) ─▶ … ─▶ answer(j..n, flushes)
 *   here: onReply(flush) … fulfil(answer) ─▶ done once every flush has arrived
 *         fail(error) ─▶ per task: running → crashed, done → kept or rerun, queued → rerun
 */
import type { BatchEntry, BatchResult } from '@poolkit/core';
import { abortReason, type ErrorData, fromErrorData, isErrorData, tellStarted } from '@poolkit/core/kit';
import type { Watched } from './abort-watch.js';
import { BATCH_ERROR, BATCH_OK, type BatchReply, packedAt } from './batch-protocol.js';
import { CANCELLED, DONE, LOST, QUEUED, type TaskTable } from './task-table.js';

export interface BatchFlightHost {
  readonly table: TaskTable;
  /** Terminates the thread with this id (the only way to stop a running task). */
  terminate(threadId: number): void;
  /** What a dead thread's error becomes for the task it was running. */
  crashed(error: unknown): unknown;
  /** Runs one entry alone (an answer that was lost with no task to blame). */
  runAlone(entry: BatchEntry): Promise<unknown>;
}

export class BatchFlight<O> implements Watched {
  readonly #results: (BatchResult<O> | undefined)[];
  #left: number;
  #flushesSeen = 0;
  #flushesExpected = -1;
  #ended = false;
  /** The first entry whose start has not been told (entries start in order on their thread). */
  #nextStart = 0;

  constructor(
    /** The entries sent in this piscina task, in order. */
    private readonly entries: readonly BatchEntry[],
    private readonly slots: Int32Array,
    private readonly host: BatchFlightHost,
    private readonly resolve: (results: (BatchResult<O> | undefined)[]) => void,
    /** Hands on a result that arrived ahead of the answer (a flush): its task settles now. */
    private readonly early: ((index: number, result: BatchResult<O>) => void) | undefined,
  ) {
    this.#results = new Array(entries.length);
    this.#left = entries.length;
  }

  /**
   * Tells each entry that a thread took up that it started (`options.started()`, for tries that
   * may time out), and handles aborted tasks: a queued one is cancelled in the table (the shim
   * skips it); a running one's thread ends.
   */
  poll(): boolean {
    const { entries, slots, host } = this;
    while (this.#nextStart < entries.length && host.table.state(slots[this.#nextStart]) !== QUEUED) {
      this.#tellStarted(this.#nextStart);
    }
    for (let i = 0; i < entries.length; i++) {
      if (this.#results[i] !== undefined) continue;
      const signal = entries[i].options.signal;
      if (!signal.aborted) continue;
      const state = host.table.cancel(slots[i]);
      if (state > 0) host.terminate(state);
      // Reported at once: the task after it in the batch may be running now (its timeout starts).
      this.#set(i, { status: 'rejected', reason: abortReason(signal) }, this.early);
    }
    return this.#left === 0 || this.#ended;
  }

  /** A flush from the shim (posted on its parentPort). */
  onFlush(reply: BatchReply): void {
    this.#flushesSeen++;
    this.#take(reply, this.early);
    if (this.#flushesExpected === this.#flushesSeen) this.#done();
  }

  /** The batch's answer; done once the flushes posted before it have arrived too. */
  fulfil(reply: BatchReply): void {
    this.#take(reply, undefined);
    this.#flushesExpected = reply.flushes ?? 0;
    if (this.#flushesExpected === this.#flushesSeen) this.#done();
  }

  /** piscina rejected the batch: the thread died (or the module failed to load). */
  fail(error: unknown): void {
    const { entries, slots, host } = this;
    const loadFailure = isErrorData(error);
    let running = false;
    for (let i = 0; i < entries.length; i++) {
      if (this.#results[i] === undefined && host.table.state(slots[i]) > 0) running = true;
    }
    const alone: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (this.#results[i] !== undefined) continue;
      const signal = entries[i].options.signal;
      if (signal.aborted) {
        this.#set(i, { status: 'rejected', reason: abortReason(signal) });
        continue;
      }
      if (loadFailure) {
        this.#set(i, { status: 'rejected', reason: fromErrorData(error) });
        continue;
      }
      const state = host.table.state(slots[i]);
      // Batch entries are never marked LOST (only lone tasks' answers are held); one that was
      // would have finished all the same.
      const finished = state === DONE || state === LOST;
      if (state > 0) {
        this.#set(i, { status: 'rejected', reason: host.crashed(error) });
      } else if (finished && !running) {
        alone.push(i); // it finished, but the answer carrying it was lost with nobody to blame
      } else if (finished || state === QUEUED) {
        this.#set(i, { status: 'rerun' }); // finished unreported under a crash, or never started
      } else if (state === CANCELLED) {
        this.#set(i, { status: 'rejected', reason: abortReason(signal) });
      }
    }
    if (alone.length === 0) {
      this.#done();
      return;
    }
    let waiting = alone.length;
    for (const i of alone) {
      host
        .runAlone(entries[i])
        .then(
          (value) => this.#set(i, { status: 'fulfilled', value: value as O }),
          (reason: unknown) => this.#set(i, { status: 'rejected', reason }),
        )
        .finally(() => {
          if (--waiting === 0) this.#done();
        });
    }
  }

  /**
   * Tells entries up to `index` that they started (the thread runs them in order: an entry with
   * an outcome, and every one before it, was taken up — or skipped, which a Pool ignores).
   */
  #tellStarted(index: number): void {
    while (this.#nextStart <= index) {
      const options = this.entries[this.#nextStart++].options;
      if (options.cancellable !== false) tellStarted(options);
    }
  }

  #take(reply: BatchReply, early: ((index: number, result: BatchResult<O>) => void) | undefined): void {
    const { e, v, t } = reply;
    if (e.length > 0) this.#tellStarted(reply.from + e.length - 1);
    for (let j = 0; j < e.length; j++) {
      const i = reply.from + j;
      if (this.#results[i] !== undefined) continue;
      let result: BatchResult<O>;
      if (e[j] === BATCH_OK) result = { status: 'fulfilled', value: packedAt(v, j) as O, time: t[j] };
      else if (e[j] === BATCH_ERROR)
        result = { status: 'rejected', reason: fromErrorData(packedAt(v, j) as ErrorData), time: t[j] };
      else result = { status: 'rejected', reason: abortReason(this.entries[i].options.signal) };
      this.#set(i, result, early);
    }
  }

  #set(i: number, result: BatchResult<O>, early?: (index: number, result: BatchResult<O>) => void): void {
    if (this.#results[i] === undefined) this.#left--;
    this.#results[i] = result;
    early?.(i, result);
  }

  #done(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const slot of this.slots) this.host.table.release(slot);
    this.resolve(this.#results);
  }
}
