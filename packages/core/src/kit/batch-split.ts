/**
 * Which entries of a `runMany` batch can go to the worker in one call, by the Pool's own grouping
 * rule ({@link sameBatch}): one entry point (`task`) for the whole call, and no `transfer` list
 * (a transfer list belongs to one message). A Pool only ever sends batches that form one group;
 * a batch built by hand may not, and the entries that do not fit run alone through `run()`.
 *
 *   batch:    [a]  [a]  [a+transfer]  [b]  [a]
 *   together:  0    1                      4     → one call, task 'a'
 *   alone:               2             3        → run() each
 */
import type { BatchEntry, BatchResult } from '../contracts.js';

/** The options that decide whether two tasks may share a call: a try's `RunOptions`, or a waiting task's options. */
export interface BatchKey {
  /** The entry point the task names (`undefined`: the default one). */
  readonly task?: string | undefined;
  /** Objects the task moves to the worker: a task that has some never shares a call. */
  readonly transfer?: readonly unknown[] | undefined;
}

/**
 * Whether a task with options `next` may join a call opened by a task with options `first`: both
 * without a `transfer` list, and naming the same `task`. The rule a Pool groups its batches by.
 *
 * @example
 * sameBatch({ task: 'hash' }, { task: 'hash' }); // true
 * sameBatch({ task: 'hash' }, { task: 'hash', transfer: [buffer] }); // false
 */
export function sameBatch(first: BatchKey | undefined, next: BatchKey | undefined): boolean {
  if (first?.transfer !== undefined || next?.transfer !== undefined) return false;
  return first?.task === next?.task;
}

/** How {@link splitBatch} divides a batch. */
export interface BatchSplit {
  /** The `task` every entry of {@link BatchSplit.together} names (the first entry without a transfer list decides). */
  readonly task: string | undefined;
  /** Indices of the entries that may go in one call, in batch order (empty when every entry has a transfer list). */
  readonly together: number[];
  /** Indices of the entries that must run alone — a transfer list, or another `task` — in batch order. */
  readonly alone: number[];
}

/**
 * Splits a `runMany` batch by {@link sameBatch}: the first entry without a transfer list opens
 * the group, every later entry that may join it is `together`, the rest `alone`. Reads each
 * entry's `options.task` and `options.transfer` once; does not look at signals (skip aborted
 * entries before or after, as suits the backend).
 *
 * @example
 * const { task, together, alone } = splitBatch(batch);
 * const runs = alone.map((i) => settleEntry(this.run(batch[i].input, batch[i].options), results, i));
 * const answers = await this.#sendOneMessage(task, together.map((i) => batch[i].input));
 */
export function splitBatch(batch: readonly BatchEntry<unknown>[]): BatchSplit {
  const together: number[] = [];
  const alone: number[] = [];
  let lead: BatchKey | undefined;
  for (let i = 0; i < batch.length; i++) {
    const options = batch[i].options;
    if (lead === undefined && options.transfer === undefined) lead = options;
    if (lead !== undefined && sameBatch(lead, options)) together.push(i);
    else alone.push(i);
  }
  return { task: lead?.task, together, alone };
}

/**
 * Settles `results[index]` with how `running` ends — `'fulfilled'` with its value or
 * `'rejected'` with its reason — the way a batch records an entry it ran alone through `run()`.
 * The returned promise resolves (never rejects) once the entry has its result.
 */
export function settleEntry<O>(running: Promise<O>, results: BatchResult<O>[], index: number): Promise<void> {
  return running.then(
    (value) => {
      results[index] = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      results[index] = { status: 'rejected', reason };
    },
  );
}
