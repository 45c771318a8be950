/**
 * What a {@link Pool} puts into its {@link WorkQueue}, documented for queue authors: a queue given
 * as `PoolOptions.queue` is a `WorkQueue<QueuedTask>`.
 */
import type { TaskOptions } from './pool/options.js';

/**
 * One task as a Pool pushes it into its queue: an object of the Pool's own, one per
 * `submit`/`enqueue`/`submitAll` input, whose `input` and `options` a queue may read (never
 * change). Everything else about it is the Pool's: compare items by identity (`===`), keep them
 * as they are, hand them back from `pop`/`tryPop`/`drain`.
 *
 * How a Pool uses its queue:
 * - `tryPush(item, item.options)`: the push options are the task's own {@link TaskOptions}, so a
 *   priority queue reads `options.priority` (and `options.signal` is the task's signal, which
 *   the Pool itself watches). The Pool never calls `push()`: callers blocked on a full queue wait
 *   in a line of the Pool's, admitted with `tryPush` as room appears.
 * - `tryPop()` first, `pop()` only while `tryPop()` gives nothing and a slot is free (at most one
 *   pending `pop()` per free slot); `remove(item)` (if the queue has it) when a waiting task is
 *   cancelled, else the item stays until popped and the Pool skips it (a tombstone);
 *   `drain()` on `clear()`/`stop()`; `close()` when the pool ends; `size`, `capacity`, `closed`.
 *
 * A queue that orders by something else (a key, a deadline) reads it from `item.options` or
 * `item.input`.
 *
 * @example
 * class LifoQueue extends BlockingQueue<QueuedTask> { ... }
 * const pool = new Pool({ backend, queue: new LifoQueue() });
 */
export interface QueuedTask<I = unknown> {
  /** The input given to `submit`/`enqueue`/`submitAll`. */
  readonly input: I;
  /** The options given with it (`priority`, `signal`, `timeout`, `task`…), or `undefined` when none were. */
  readonly options: TaskOptions | undefined;
}
