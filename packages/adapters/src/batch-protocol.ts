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
  /**
   * The inputs: a Float64Array when every one is a number, {@link PackedBytes} when every one is
   * a byte array (one block, transferred), else the values as they are (see {@link packValues}).
   */
  i: Packed;
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
  /** The value, or the ErrorData, per task (packed as the inputs are, see {@link packValues}). */
  v: Packed;
  /** Run time per task, ms. */
  t: Float64Array;
  /** In the batch's answer only: how many flushes were posted before it. */
  flushes?: number;
  /** In the batch's answer only: the id of this thread, which retires now (see retire.ts). */
  r?: number;
}

/** The key of a {@link BatchReply}: a flush posted on parentPort is told apart by it. */
export const BATCH_MARK = '__poolkitBatch';

/**
 * Byte arrays of a batch in one block: value `n` is bytes `ends[n - 1] .. ends[n]` of `bytes`
 * (from 0 for the first). The block is transferred, not copied, and each value is copied out of
 * it into a Uint8Array of its own on the other side: the same bytes a structured clone of each
 * would have given (a Buffer arrives as a Uint8Array either way), but without serializing each
 * one on the sending thread — and holding just its bytes, where a clone of a view carries the
 * whole buffer it views.
 */
export interface PackedBytes {
  /** The block (its buffer is transferred). */
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** A batch's values on the wire: as they are, as one Float64Array, or as {@link PackedBytes}. */
export type Packed = unknown[] | Float64Array | PackedBytes;

/** Below this many values, packing costs more than it saves (measured on md5's 1 KiB inputs). */
const PACK_FROM = 4;

/**
 * `values` in their cheapest form to send: a Float64Array when every one is a number (cloned as
 * one block); {@link PackedBytes} when every one is a non-empty Uint8Array (a Buffer too) over
 * an ordinary ArrayBuffer — its block goes into `transfer`; else `values` themselves. A view
 * over a SharedArrayBuffer (shared, not copied, by a clone), an empty or detached one, and one
 * over a resizable buffer are left to the clone, as is any other kind of value.
 */
export function packValues(values: unknown[], transfer?: ArrayBuffer[]): Packed {
  const n = values.length;
  if (n === 0) return values;
  const first = values[0];
  if (typeof first === 'number') {
    for (let j = 1; j < n; j++) if (typeof values[j] !== 'number') return values;
    return Float64Array.from(values as number[]);
  }
  if (n < PACK_FROM || transfer === undefined || !(first instanceof Uint8Array)) return values;
  let total = 0;
  for (let j = 0; j < n; j++) {
    const value = values[j];
    if (!(value instanceof Uint8Array) || value.byteLength === 0) return values;
    const buffer = value.buffer as ArrayBuffer & { resizable?: boolean };
    if (!(buffer instanceof ArrayBuffer) || buffer.resizable === true) return values;
    total += value.byteLength;
  }
  if (total > 0xffff_ffff) return values;
  const block = new Uint8Array(total);
  const ends = new Uint32Array(n);
  let at = 0;
  for (let j = 0; j < n; j++) {
    const value = values[j] as Uint8Array;
    block.set(value, at);
    at += value.byteLength;
    ends[j] = at;
  }
  transfer.push(block.buffer);
  return { bytes: block, ends };
}

/** How many values `packed` holds. */
export function packedLength(packed: Packed): number {
  return Array.isArray(packed) || ArrayBuffer.isView(packed)
    ? (packed as unknown[]).length
    : (packed as PackedBytes).ends.length;
}

/**
 * Value `j` of `packed`: a byte array comes out as a Uint8Array of its own (a typed array's
 * slice: ArrayBuffer.prototype.slice costs ~15× more for small arrays, measured on Node 20).
 */
export function packedAt(packed: Packed, j: number): unknown {
  if (Array.isArray(packed) || ArrayBuffer.isView(packed)) return (packed as unknown[])[j];
  const { bytes, ends } = packed as PackedBytes;
  return bytes.slice(j === 0 ? 0 : ends[j - 1], ends[j]);
}
