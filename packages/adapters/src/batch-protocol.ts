/**
 * What a batch looks like on its way to a worker thread and back (PiscinaBackend.runMany and
 * the shim's runBatch). Shared by both sides; holds no code that runs on import.
 */

/**
 * What the main thread sends for a batch (`runMany`): one piscina task carrying several of ours,
 * all for the same export. Arrays are index-aligned.
 */
export interface BatchEnvelope {
  /** The batch's id, echoed by every flush. */
  b: number;
  /** The export to call; undefined means the default export. */
  t: string | undefined;
  /** The inputs: a Float64Array when every one is a number (one block to clone). */
  i: unknown[] | Float64Array;
  /** Each task's slot in the shared table (every task of a batch has one). */
  s: Int32Array;
  /** Each try's number, when any of them is a retry; absent when all are first tries. */
  a?: number[];
  /** Each try's trace headers (`RunOptions.traceHeaders`), when any has some; absent otherwise. */
  h?: (Readonly<Record<string, string>> | undefined)[];
  /**
   * Per task, 1 when the main thread may kill it (it can be cancelled: a timeout or a signal of
   * its own): the outcomes not yet sent are flushed before it starts, so killing it loses none.
   */
  k: Uint8Array;
}

/** Per-task outcome kinds in a {@link BatchReply}. */
export const BATCH_OK = 0;
export const BATCH_ERROR = 1;
export const BATCH_SKIPPED = 2;

/** Outcomes of tasks `from ..` of a batch: in the batch's answer, or posted early as a flush. */
export interface BatchReply {
  /** The batch's id; the key a flush is recognised by on the main thread. */
  [BATCH_MARK]: number;
  from: number;
  /** BATCH_OK / BATCH_ERROR / BATCH_SKIPPED per task. */
  e: Uint8Array;
  /** The value, or the ErrorData, per task. */
  v: unknown[] | Float64Array;
  /** Run time per task, ms. */
  t: Float64Array;
  /** In the batch's answer only: how many flushes were posted before it. */
  flushes?: number;
  /** In the batch's answer only: the id of this thread, which retires now (see retire.ts). */
  r?: number;
}

/** The key of a {@link BatchReply}: a flush posted on parentPort is told apart by it. */
export const BATCH_MARK = '__poolkitBatch';

/** A Float64Array of `values` when every one is a number (cloned as one block), else `values`. */
export function numbersOrSelf(values: unknown[]): unknown[] | Float64Array {
  for (const value of values) if (typeof value !== 'number') return values;
  return Float64Array.from(values as number[]);
}
