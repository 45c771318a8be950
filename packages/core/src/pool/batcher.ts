/**
 * Adaptive batching: the Pool's tries go to a backend that can batch (`Backend.runMany`) as
 * groups, one backend call per group, so a task costs the backend's per-message price once per
 * batch instead of once per task.
 *
 *   Tries.begin ─invoke─▶ Pending ─▶ ready line ─┐
 *   pump: new tasks started into the open batch ──┴─▶ send ─▶ run() (one task) │ runMany() (several)
 *                                                          ◀── one result per task, or 'rerun'
 *
 * Each try is a {@link Pending}: the thenable its Tries awaits, and the {@link BatchEntry} the
 * backend receives (its `options` is the try's own Attempt), so a task in a batch keeps its own
 * outcome, attempt, signal and timeout. A batch is one slot of the pool's `concurrency`: the
 * slot frees when the backend's answer for the whole batch arrives.
 *
 * Sizing (after a prototype measured on a 2-core machine, see docs/architecture.md#batching): a batch takes
 * `ceil(waiting / slots)` tasks — the share of what waits that one slot would run next anyway
 * (over all slots: one free slot must not take everything), but no less than MIN_SHARE_MS of work
 * once run times are known (the tail of a draining queue is not cut into tiny batches) — capped at
 * `kmax = round(target / ewma(run time per task))` and at `maxBatch`. The average is weighted
 * by batch size (one batch moves it at most halfway), from the run times the backend reports; a
 * lone task never waits for company (a batch holds only what is already waiting) and goes
 * through plain `run()`.
 *
 * The target is the work one batch aims at: TARGET_MS, or more where a batch's own cost is higher
 * — what a backend call takes beyond the run times its tasks report (waking a thread and hearing
 * back from it: ≈ 0.25 ms per batch on a 2-core VM, measured; a Redis round trip for BullMQ) is
 * kept at OVERHEAD_SHARE of the batch, up to MAX_TARGET_MS.
 */
import type { Backend, BatchEntry, BatchResult } from '../contracts.js';
import { type BatchKey, sameBatch } from '../kit/batch-split.js';
import { follow } from '../thenable.js';
import type { Attempt, Task } from './task.js';
import { openTrace, type TaskTrace, type TraceSite, traceEnd, traceStart, tracing } from './tracing.js';

/** The work one batch aims at, in ms, at least: enough to hide the message cost, short enough to stay fair. */
export const TARGET_MS = 2;
/** The most work one batch aims at, in ms, however costly a backend call is (see Batcher.target). */
export const MAX_TARGET_MS = 8;
/** The share of a batch's time its own cost (beyond its tasks' run times) is kept to, by sizing. */
export const OVERHEAD_SHARE = 0.04;
/** Weight of one batch's measured cost in its average. */
const OVERHEAD_ALPHA = 0.25;
/** The cap on a batch before any run time has been measured. */
export const FIRST_KMAX = 16;
/** With tasks of a batch's worth each, one batch in this many still takes two (see Batcher.size). */
export const PROBE_EVERY = 16;
/**
 * The least work, in ms, worth a batch of its own as a queue drains: a smaller share is not split
 * off to even out when the slots finish (see Batcher.size).
 */
export const MIN_SHARE_MS = 0.25;
/** Weight of one task's run time in the average; a batch of n counts as n samples. */
const ALPHA = 0.05;
/** The most one batch's measurement moves the average: a batch whose tasks happened to be cheap
 * (mandelbrot's edge rows) must not size the next one alone. */
const MAX_WEIGHT = 0.5;

/** One try handed to the batcher: the {@link BatchEntry} the backend receives. */
export class Pending<I, O> implements BatchEntry<I> {
  constructor(
    readonly input: I,
    readonly options: Attempt,
    readonly task: Task<I, O>,
  ) {}

  /** Cancelled since it was handed over (abort, timeout, force-stop): its outcome is not wanted. */
  get stale(): boolean {
    const controller = this.options.controller;
    return controller?.signal.aborted === true;
  }
}

/** What the batcher needs from its pool. */
export interface BatchHost<I, O> {
  /** A try's outcome (Tries ignores it when the try is stale). */
  settled(task: Task<I, O>, attempt: Attempt, ok: boolean, value: unknown): void;
  /** Runs `settle` with the pool's pump held, then pumps once. */
  settleAll(settle: () => void): void;
  /** A task's try waits behind `turns - 1` others in its batch: its timeout must not run yet. */
  holdTimer(task: Task<I, O>, turns: number): void;
  /** Its turn came (the tasks before it were reported, or it leads its batch): its timeout runs. */
  armTimer(task: Task<I, O>): void;
}

export class Batcher<I, O> {
  readonly #backend: Backend<I, O>;
  readonly #runMany: (
    batch: readonly BatchEntry<I>[],
    report: (index: number, result: BatchResult<O>) => void,
  ) => Promise<readonly BatchResult<O>[]>;
  readonly #maxBatch: number;
  readonly #host: BatchHost<I, O>;
  /**
   * The backend does not report starts: a batch's later entries hold their timeouts until the
   * entries before them are reported. With `reportsStart`, each entry's `started()` starts its own.
   */
  readonly #holds: boolean;
  /** Tries begun and not sent: retries and re-runs, oldest first. */
  #ready: Pending<I, O>[] = [];
  /** The batch being filled by {@link sendNext}: tries begun meanwhile join it directly. */
  #filling: Pending<I, O>[] | undefined = undefined;
  /** Backend calls in flight: the slots in use. */
  busy = 0;
  /** Weighted average run time of one task, ms; 0 until measured. */
  #ewma = 0;
  /**
   * Average cost of one backend call beyond its tasks' reported run times, ms (the call's
   * round trip less the work in it); undefined until measured.
   */
  #overhead: number | undefined = undefined;
  /** Batches sized since the last probe of two (see size()). */
  #sinceProbe = 0;

  /** Where tries are published on `poolkit:task`: as they are sent, with their batch's size. */
  readonly #site: TraceSite | undefined;

  constructor(backend: Backend<I, O>, maxBatch: number, host: BatchHost<I, O>, site?: TraceSite) {
    this.#site = site;
    this.#backend = backend;
    this.#runMany = backend.runMany!.bind(backend);
    this.#maxBatch = maxBatch;
    this.#host = host;
    this.#holds = backend.reportsStart !== true;
  }

  /**
   * The Tries' invoke: the try joins the batch being filled (a task the pump just started for
   * it), or else the ready line (a retry, from its timer) that the next batch takes first.
   */
  readonly add = (input: I, attempt: Attempt, task: Task<I, O>): void => {
    (this.#filling ?? this.#ready).push(new Pending<I, O>(input, attempt, task));
  };

  /**
   * Fills one batch and sends it into a free slot: the ready tries first (retries, re-runs),
   * then new tasks that `source` starts, up to {@link size}. A batch takes only what is already
   * here: with one task waiting it is a batch of one, sent at once. False when there was
   * nothing to send.
   */
  sendNext(waiting: number, slots: number, source: TaskSource): boolean {
    // Each batch is a fair share of what waits — what one slot would run next anyway — over
    // all slots, not only the free ones: one free slot must not take everything.
    const k = this.size(waiting + this.#ready.length, slots);
    const batch: Pending<I, O>[] = [];
    this.#takeReady(batch, k);
    // A ready try that could not join stays first for the next batch; else new tasks fill it.
    if (this.#ready.length === 0 && batch.length < k) {
      this.#filling = batch;
      try {
        while (batch.length < k && source.startInto(batch.length === 0 ? undefined : batch[0].options)) {}
      } finally {
        this.#filling = undefined;
      }
    }
    if (batch.length === 0) return false;
    this.#send(batch);
    return true;
  }

  /**
   * The most tasks one batch may take now, with `waiting` tasks shared among `slots` calls. When the
   * average says one task is a batch's worth, every PROBE_EVERY-th batch still takes two: lone
   * tasks go through run() and report no run time, so without a probe one slow measurement
   * (a busy main thread inflates it) would switch batching off for good.
   */
  size(waiting: number, slots: number): number {
    const ewma = this.#ewma;
    let kmax =
      ewma > 0
        ? Math.min(this.#maxBatch, Math.max(1, Math.round(this.target / ewma)))
        : Math.min(this.#maxBatch, FIRST_KMAX);
    if (kmax === 1 && this.#maxBatch > 1 && ++this.#sinceProbe >= PROBE_EVERY) {
      this.#sinceProbe = 0;
      kmax = 2;
    }
    // As the queue drains, the shares shrink (512, 256, … 2, 1 on noop): each a message that, on
    // a thread gone idle, costs more to wake it than the tasks take. Once run times are known, a
    // share is at least MIN_SHARE_MS of work; what is left over evens out within that.
    const least = ewma > 0 ? Math.ceil(MIN_SHARE_MS / ewma) : 1;
    return Math.min(kmax, Math.max(least, Math.ceil(waiting / Math.max(1, slots))));
  }

  /**
   * The work, in ms, one batch aims at: enough that the cost of the call itself is at most
   * OVERHEAD_SHARE of it, between TARGET_MS and MAX_TARGET_MS. Where handing a batch over and
   * hearing back is cheap, batches stay short (fair, and quick to react to priorities); where it
   * is dear (a VM's thread wake-ups, a network hop), they grow so the slots spend their time on
   * tasks, not on waiting for the next batch.
   */
  get target(): number {
    return Math.min(MAX_TARGET_MS, Math.max(TARGET_MS, (this.#overhead ?? 0) / OVERHEAD_SHARE));
  }

  /**
   * Moves ready tries into `batch` (up to `k`), oldest first, dropping stale ones. Stops at one
   * that cannot share the batch: it goes first in the next.
   */
  #takeReady(batch: Pending<I, O>[], k: number): void {
    const ready = this.#ready;
    let i = 0;
    while (i < ready.length && batch.length < k) {
      const pending = ready[i];
      if (pending.stale) {
        i++;
        continue;
      }
      if (batch.length > 0 && !sameBatch(batch[0].options, pending.options)) break;
      batch.push(pending);
      i++;
    }
    if (i > 0) ready.splice(0, i);
  }

  /** Sends one batch: a lone try through run(), several through runMany(). */
  #send(batch: Pending<I, O>[]): void {
    this.busy++;
    const traces = this.#site !== undefined && tracing() ? this.#traceStart(batch) : undefined;
    if (batch.length === 1) {
      const pending = batch[0];
      let running: Promise<O>;
      try {
        running = this.#backend.run(pending.input, pending.options);
      } catch (error) {
        running = Promise.reject(error);
      }
      if (traces !== undefined) traceEnds(traces);
      // A backend's promise is followed as `await` would (a hostile one cannot throw in here).
      follow(
        running,
        (value) => this.#settleOne(pending, true, value),
        (error: unknown) => this.#settleOne(pending, false, error),
      );
      return;
    }
    // A batch runs its tasks one after another: each task's timeout starts when its turn comes,
    // which the backend tells by reporting the tasks before it (see Backend.runMany).
    if (this.#holds) {
      this.#host.armTimer(batch[0].task);
      for (let i = 1; i < batch.length; i++) this.#host.holdTimer(batch[i].task, i + 1);
    }
    // The first task not reported yet: the one running (its timeout runs).
    let turn = 0;
    let running: Promise<readonly BatchResult<O>[]>;
    // Results reported early settle their task at once; the final array's entry is then skipped.
    let early: boolean[] | undefined;
    const report = (index: number, result: BatchResult<O>) => {
      if (!Number.isInteger(index) || index < 0 || index >= batch.length) return;
      early ??= new Array<boolean>(batch.length).fill(false);
      if (early[index]) return;
      // Read once, here: a hostile result (a throwing getter, a revoked Proxy) fails its task
      // with what reading it threw, and nothing throws back into the backend.
      let ok = false;
      let value: unknown;
      try {
        const status = result?.status;
        if (status === 'rerun') return;
        if (status === 'fulfilled') {
          ok = true;
          value = result.value;
        } else if (status === 'rejected') {
          value = result.reason;
        } else {
          value = badReturn(`${this.#backend.name}: runMany reported no valid result for a task`);
        }
      } catch (error) {
        value = error;
      }
      early[index] = true;
      const pending = batch[index];
      this.#host.settleAll(() => {
        this.#settled(pending, ok, value);
        if (index === turn && this.#holds) {
          while (turn < batch.length && early![turn]) turn++;
          if (turn < batch.length) this.#host.armTimer(batch[turn].task);
        }
      });
    };
    const sentAt = performance.now();
    try {
      running = this.#runMany(batch, report);
    } catch (error) {
      running = Promise.reject(error);
    }
    if (traces !== undefined) traceEnds(traces);
    follow(
      running,
      (results) =>
        this.#host.settleAll(() =>
          this.#settleMany(batch, results as readonly BatchResult<O>[], early, performance.now() - sentAt),
        ),
      (error: unknown) => this.#host.settleAll(() => this.#failMany(batch, error, true, early)),
    );
  }

  /**
   * Publishes `start` for the tries of `batch` not published yet (a re-run keeps its first
   * context: one try, one start); returns their contexts, for `end` once the call returned.
   */
  #traceStart(batch: Pending<I, O>[]): TaskTrace[] {
    const traces: TaskTrace[] = [];
    for (const pending of batch) {
      const attempt = pending.options;
      if (attempt.trace !== undefined) continue;
      const trace = openTrace(this.#site as TraceSite, pending.task, attempt.attempt, batch.length);
      attempt.trace = trace;
      traceStart(trace, pending.task.scope);
      traces.push(trace);
    }
    return traces;
  }

  #settleOne(pending: Pending<I, O>, ok: boolean, value: unknown): void {
    this.#host.settleAll(() => {
      this.busy--;
      this.#settled(pending, ok, value);
    });
  }

  #settled(pending: Pending<I, O>, ok: boolean, value: unknown): void {
    this.#host.settled(pending.task, pending.options, ok, value);
  }

  #settleMany(
    batch: Pending<I, O>[],
    results: readonly BatchResult<O>[],
    early: boolean[] | undefined,
    flight: number,
  ): void {
    this.busy--;
    try {
      this.#readResults(batch, results, early, flight);
    } catch (error) {
      // A hostile answer (a revoked Proxy, a throwing getter): whatever it did not settle fails
      // with what reading it threw (a settled task ignores a second outcome).
      this.#failMany(batch, error, false, early);
    }
  }

  #readResults(
    batch: Pending<I, O>[],
    results: readonly BatchResult<O>[],
    early: boolean[] | undefined,
    flight: number,
  ): void {
    if (!Array.isArray(results) || results.length !== batch.length) {
      const got = Array.isArray(results) ? `${results.length} results` : typeof results;
      this.#failMany(
        batch,
        badReturn(`${this.#backend.name}: runMany returned ${got} for a batch of ${batch.length} tasks`),
        false,
        early,
      );
      return;
    }
    let time = 0;
    let timed = 0;
    let rerun: Pending<I, O>[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i];
      const result = results[i];
      const status = result?.status;
      if (early?.[i]) {
        // Settled already: only its run time counts.
      } else if (status === 'fulfilled') {
        this.#settled(pending, true, result.value);
      } else if (status === 'rejected') {
        this.#settled(pending, false, result.reason);
      } else if (status === 'rerun') {
        if (!pending.stale) (rerun ??= []).push(pending);
        continue;
      } else {
        this.#settled(
          pending,
          false,
          badReturn(`${this.#backend.name}: runMany returned no valid result for a task`),
        );
        continue;
      }
      const t = (result as { time?: unknown }).time;
      if (typeof t === 'number' && t >= 0 && t < Number.POSITIVE_INFINITY) {
        time += t;
        timed++;
      }
    }
    if (timed > 0) this.#sample(time / timed, timed);
    // The call's own cost, from a batch whose every task reported its run time (none re-run).
    if (timed === batch.length) this.#sampleCost(Math.max(0, flight - time));
    // Re-runs go first: they were started before anything still waiting.
    if (rerun !== undefined) this.#ready.unshift(...rerun);
  }

  #failMany(batch: Pending<I, O>[], error: unknown, release: boolean, early: boolean[] | undefined): void {
    if (release) this.busy--;
    for (let i = 0; i < batch.length; i++) if (!early?.[i]) this.#settled(batch[i], false, error);
  }

  /** Folds one call's own cost into its average (the first one is the average). */
  #sampleCost(cost: number): void {
    const average = this.#overhead;
    this.#overhead = average === undefined ? cost : average + OVERHEAD_ALPHA * (cost - average);
  }

  /** Folds a batch's mean run time into the average, weighted as `n` samples. */
  #sample(mean: number, n: number): void {
    if (this.#ewma === 0) {
      this.#ewma = Math.max(mean, 1e-6);
      return;
    }
    const weight = Math.min(MAX_WEIGHT, 1 - (1 - ALPHA) ** n);
    this.#ewma = Math.max(this.#ewma + weight * (mean - this.#ewma), 1e-6);
  }
}

/** Where {@link Batcher.sendNext} takes new tasks from: the pool. */
export interface TaskSource {
  /**
   * Starts the next waiting task that may start now — its try joins the batch being filled —
   * unless it cannot share a batch opened by `first` (then it stays first in line). False when
   * none started.
   */
  startInto(first: Grouping | undefined): boolean;
}

/** The options a batch is grouped by, a try's or a waiting task's: the kit's {@link BatchKey}. */
export type Grouping = BatchKey;

/** A backend broke runMany's contract: a TypeError with Node's code for a bad return value. */
function badReturn(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_RETURN_VALUE' });
}

function traceEnds(traces: readonly TaskTrace[]): void {
  for (const trace of traces) traceEnd(trace);
}
