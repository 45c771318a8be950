/**
 * One `NativeBackend.runMany` call in flight: which entries have begun and finished, the early
 * reports, and the signals that can stop it. The native side runs the batch's items in order on
 * one pool thread; a *watched* batch (one with an entry that can be cancelled) runs one item per
 * chunk and reports progress (see `ProgressCallback` in addon.ts):
 *
 * ```text
 *   sent:      [ e0 ][ e1 ][ e2 ][ e3 ]      entries sent to native, in order
 *   claimed ──────────────▶ 3                e0..e2 told started()
 *   finished ───────▶ 2                      e0, e1 have results (reported at once)
 * ```
 * An entry whose signal aborts before it finished cancels the whole native call: the call's
 * promise rejects at once (the batch is detached, see `abandon`), the entries already finished
 * keep their outcomes and the others are `'rerun'` (the aborted one's outcome is ignored: its
 * Pool settled it already).
 */
import { type BatchEntry, type BatchResult, tellStarted } from '@poolkit/core';
import type { ProgressCallback } from './addon.js';

/** Tracks one runMany call; see the file's comment. */
export class BatchFlight<I, O> {
  /** Some entry can be cancelled: one item per chunk, with progress reports. */
  readonly watched: boolean;
  /** The signal handed to the native call: aborts when an entry stops before it finished. */
  readonly signal: AbortSignal | undefined;
  /** Entries (of `sent`) whose results are known, a prefix. */
  finished = 0;
  /** When the last results arrived (the call's start at first): entries finished since share the time since. */
  mark: number;
  /** Entries (of `sent`) told `started()`, a prefix. */
  #claimed = 0;
  readonly #batch: readonly BatchEntry<I>[];
  readonly #sent: readonly number[];
  readonly #results: BatchResult<O>[];
  readonly #report: ((index: number, result: BatchResult<O>) => void) | undefined;
  readonly #listening = new Map<AbortSignal, () => void>();

  constructor(
    batch: readonly BatchEntry<I>[],
    sent: readonly number[],
    results: BatchResult<O>[],
    report: ((index: number, result: BatchResult<O>) => void) | undefined,
  ) {
    this.#batch = batch;
    this.#sent = sent;
    this.#results = results;
    this.#report = report;
    this.mark = performance.now();
    let watched = false;
    let shared: AbortSignal | undefined = batch[sent[0]].options.signal;
    for (const i of sent) {
      const options = batch[i].options;
      if (options.cancellable !== false) watched = true;
      if (options.signal !== shared) shared = undefined;
    }
    this.watched = watched;
    if (shared !== undefined && !watched) {
      // The fast path: every entry shares one signal (a Pool's stop signal), which aborts them
      // all at once: the native call listens to it directly.
      this.signal = shared;
      return;
    }
    // Otherwise one listener per distinct signal: an abort cancels the call only while an entry
    // with that signal has not finished.
    const controller = new AbortController();
    this.signal = controller.signal;
    for (const i of sent) {
      const signal = batch[i].options.signal;
      if (this.#listening.has(signal)) continue;
      const onAbort = () => {
        for (let j = this.finished; j < sent.length; j++) {
          if (batch[sent[j]].options.signal === signal) {
            controller.abort(signal.reason);
            return;
          }
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#listening.set(signal, onAbort);
    }
  }

  /** True once the native call was cancelled because an entry stopped. */
  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Tells the entries up to `claimed` (exclusive) that they began, in order, once each. */
  startedUpTo(claimed: number): void {
    if (!this.watched) return;
    for (; this.#claimed < claimed; this.#claimed++) {
      const options = this.#batch[this.#sent[this.#claimed]].options;
      if (options.cancellable !== false) tellStarted(options);
    }
  }

  /**
   * The time each of the entries finished since the last results takes: the time since then,
   * shared (over the whole call when nothing was reported early). Moves the mark to now.
   */
  share(finished: number): number {
    const now = performance.now();
    const time = (now - this.mark) / Math.max(1, finished - this.finished);
    this.mark = now;
    return time;
  }

  /** The native side's progress report (see `ProgressCallback`). */
  progress(
    claimed: number,
    finished: number,
    data: Float64Array | Buffer | undefined,
    offsets: Float64Array | undefined,
  ): void {
    // An entry with a result has begun, whatever `claimed` says: the addon reads `claimed` before
    // it collects the finished results, so a chunk claimed and finished between the two reads
    // arrives with `finished > claimed` (seen under Bun, whose timing makes it likely). Its
    // started() must still come before its report.
    this.startedUpTo(Math.max(claimed, finished));
    if (data === undefined || finished <= this.finished) return;
    const first = this.finished;
    const time = this.share(finished);
    const results = this.#results;
    const sent = this.#sent;
    this.finished = finished;
    fill(data, offsets, finished - first, 0, (k, value) => {
      const index = sent[first + k];
      const result: BatchResult<O> = { status: 'fulfilled', value: value as O, time };
      results[index] = result;
      this.#report?.(index, result);
    });
  }

  /** The results once the call was cancelled: finished entries kept, the others `'rerun'`. */
  abortResults(): BatchResult<O>[] {
    for (let j = this.finished; j < this.#sent.length; j++)
      this.#results[this.#sent[j]] = { status: 'rerun' };
    return this.#results;
  }

  /** Removes the listeners (the call ended). */
  dispose(): void {
    for (const [signal, onAbort] of this.#listening) signal.removeEventListener('abort', onAbort);
    this.#listening.clear();
  }
}

/**
 * Hands out the values of `count` items of a native result (`data` as the addon gives it: one
 * number per item, a Float64Array row per item, or a Buffer with `count + 1` offsets), skipping
 * the first `skip`: `set(k, value)` for k from `skip` to `count - 1`.
 */
export function fill(
  data: Float64Array | Buffer,
  offsets: Float64Array | undefined,
  count: number,
  skip: number,
  set: (k: number, value: unknown) => void,
): void {
  if (data instanceof Float64Array) {
    const width = data.length / count;
    if (width === 1) for (let k = skip; k < count; k++) set(k, data[k]);
    else for (let k = skip; k < count; k++) set(k, data.slice(k * width, (k + 1) * width));
  } else {
    const ends = offsets as Float64Array;
    for (let k = skip; k < count; k++) set(k, data.subarray(ends[k], ends[k + 1]));
  }
}

/** A progress callback that calls `started` once, when the (single) item has begun. */
export function once(started: () => void): ProgressCallback {
  let told = false;
  return (claimed) => {
    if (told || claimed < 1) return;
    told = true;
    started();
  };
}
