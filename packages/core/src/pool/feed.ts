/**
 * The Pool's side of its queue: everything between a caller's submit and the pump taking the
 * next task — the queue itself, the line of callers blocked on it while it is full, the pop()s
 * kept pending (one per free slot) when tryPop() cannot serve, and the tasks those pops brought
 * before a slot could start them ("held").
 *
 *   submit ─▶ offer ─tryPush─▶ WorkQueue ─tryPop─▶ take ─▶ pump
 *               │                 ▲    └─pop()─▶ held ─┘
 *               └─▶ blocked line ─┘ (admitted oldest first as room appears)
 *
 * The pool is its queue's only consumer, so room appears only when the pool itself takes or
 * removes a task: right then, {@link Feed.admit} moves the oldest blocked callers in with
 * tryPush. Waiting for room thus costs no promise and no closure beyond the caller's own
 * (queue.push would add a waiter, a promise and two continuations per caller: 3× slower when
 * most callers wait). A blocked caller is a NEW task (never accepted); everything the queue
 * holds was accepted the moment it went in.
 */
import type { WorkQueue } from '../contracts.js';
import { IntrusiveList } from '../intrusive-list.js';
import { type Task, WAITING } from './task.js';

/** What the feed tells its pool. */
export interface FeedHost<I, O> {
  /** The queue took `task` (at once, or later from the blocked line). */
  accepted(task: Task<I, O>): void;
  /** The pending pop() brought a task while nothing could start it: it is held, then pumped. */
  popped(): void;
  /** True if a clear()/stop() already counted this delivered task as cancelled (it settles now). */
  claimed(task: Task<I, O>): boolean;
  /** The queue's pop() rejected (a custom queue's failure). */
  failed(error: unknown): void;
}

export class Feed<I, O> {
  readonly queue: WorkQueue<Task<I, O>>;
  /** Callers blocked on a full queue, not yet accepted or refused, oldest first. */
  readonly blocked = new IntrusiveList<Task<I, O>>();
  readonly #host: FeedHost<I, O>;
  /** Brought by pending pop()s, not started yet, oldest first; counted as waiting. */
  #held: Task<I, O>[] = [];
  /** pop()s pending on the queue. */
  #popping = 0;
  /**
   * Accepted tasks the queue handed straight to a pending pop(), whose promise has not
   * resolved yet: no longer in the queue, not yet held, but waiting all the same (clear() and
   * stop() must find them). Oldest first, as the pops resolve.
   */
  #inTransit: Task<I, O>[] = [];

  constructor(queue: WorkQueue<Task<I, O>>, host: FeedHost<I, O>) {
    this.queue = queue;
    this.#host = host;
  }

  /** Accepts `task` now if the queue takes it (and nobody is ahead of it in the blocked line). */
  offer(task: Task<I, O>): boolean {
    if (this.blocked.length > 0 || !this.#push(task)) return false;
    this.#host.accepted(task);
    return true;
  }

  /** tryPush, noting a task that went straight to a pending pop() (the queue did not grow). */
  #push(task: Task<I, O>): boolean {
    if (this.#popping === 0) return this.queue.tryPush(task, task.options);
    const size = this.queue.size;
    if (!this.queue.tryPush(task, task.options)) return false;
    if (this.queue.size === size) this.#inTransit.push(task);
    return true;
  }

  /** Lines a caller up until there is room. */
  block(task: Task<I, O>): void {
    this.blocked.push(task);
  }

  /** Moves blocked callers into the queue while it takes them, oldest first. */
  admit(): void {
    for (let task = this.blocked.head; task !== null; task = this.blocked.head) {
      if (!this.#push(task)) return;
      this.blocked.remove(task);
      this.#host.accepted(task);
    }
  }

  /** The next task to start: the held one, else what tryPop() gives (maybe a tombstone). */
  take(): Task<I, O> | undefined {
    return this.#held.length > 0 ? this.#held.shift() : this.queue.tryPop();
  }

  /** Puts back a task just taken (it goes first again): it could not join the batch being filled. */
  putBack(task: Task<I, O>): void {
    this.#held.unshift(task);
  }

  /**
   * A waiting task leaves: the held one, or (`inQueue`) one the queue can remove at once —
   * freeing its room and, behind a rate limit, never using a slot. With a queue that cannot
   * remove items it stays as a tombstone the pump skips.
   */
  remove(task: Task<I, O>, inQueue: boolean): void {
    if (removeFrom(this.#held, task) || removeFrom(this.#inTransit, task)) return;
    if (inQueue) this.queue.remove?.(task);
  }

  /** Removes and returns every waiting task: held ones first, then those in transit, then the queue's. */
  drain(): Task<I, O>[] {
    const tasks = this.queue.drain();
    if (this.#held.length === 0 && this.#inTransit.length === 0) return tasks;
    const out = this.#held.concat(this.#inTransit, tasks);
    this.#held = [];
    this.#inTransit = [];
    return out;
  }

  /**
   * Keeps up to `free` pop()s pending (one per free slot of the pool, counting tasks already
   * held) when tryPop() found nothing it may take now: a rate limiter holding items back, a
   * rendezvous queue (which takes an item only while a pop waits: with two free slots, two
   * submits in a row are taken), or a caller blocked on room. True if it took tasks at once
   * (now held): the pool should pump.
   */
  waitForItem(free: number): boolean {
    const queue = this.queue;
    // A buffered queue gets no more pops than it has items (a pop on a rate-limited queue with
    // nothing to take would still wait on the rate); a rendezvous queue one per free slot.
    const wanted = queue.capacity === 0 ? free : Math.min(free, queue.size + this.blocked.length);
    let took = false;
    while (this.#popping + this.#held.length < wanted) {
      if (queue.closed && queue.size === 0) return took;
      // What can be taken now is taken now and held (clear() and stop() find held tasks): a
      // pop() that takes an item at once would have it in transit until its continuation runs,
      // out of the queue and out of reach (a rate limit whose window opened since the pump's
      // tryPop does exactly that).
      const now = queue.tryPop();
      if (now !== undefined) {
        if (now.status === WAITING) this.#held.push(now);
        took = true;
        continue;
      }
      this.#popping++;
      queue.pop().then(
        (task) => {
          this.#popping--;
          if (task !== undefined) removeFrom(this.#inTransit, task);
          if (task?.status === WAITING && !this.#host.claimed(task)) this.#held.push(task);
          this.#host.popped();
        },
        (error: unknown) => {
          this.#popping--;
          this.#host.failed(error);
        },
      );
      // With a pop waiting, a rendezvous queue takes an item from tryPush.
      if (this.blocked.length > 0) this.admit();
    }
    return took;
  }
}

/** Removes `task` from `list` (usually its head); false if it is not there. */
function removeFrom<T>(list: T[], item: T): boolean {
  if (list.length === 0) return false;
  const index = list[0] === item ? 0 : list.indexOf(item);
  if (index === -1) return false;
  if (index === 0) list.shift();
  else list.splice(index, 1);
  return true;
}
