/**
 * The waiting side of a Pool: everything between a caller's submit and the pump taking the next
 * task — the queue itself, the line of callers blocked on it while it is full, the pop()s kept
 * pending (one per free slot) when tryPop() cannot serve, the tasks those pops brought before a
 * slot could start them ("held"), and every way a task leaves before it starts: refused (never
 * accepted), cancelled while waiting, or claimed (see claims.ts).
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
import { Claims } from './claims.js';
import type { Counters } from './counters.js';
import { DONE, type Task, WAITING } from './task.js';

/** What the feed tells its pool. */
export interface FeedHost<I, O> {
  /** The queue took `task` (at once, or later from the blocked line); it is counted already. */
  accepted(task: Task<I, O>): void;
  /** The pending pop() brought a task while nothing could start it: it is held, then pumped. */
  popped(): void;
  /** The queue's pop() rejected (a custom queue's failure). */
  failed(error: unknown): void;
  /** A waiting task ended without starting (cancelled or claimed): its outcome is `error`. */
  cancelled(task: Task<I, O>, error: unknown): void;
  /** A caller that was never accepted is refused: its promise rejects with `error`. */
  refused(task: Task<I, O>, error: unknown): void;
}

export class Feed<I, O> {
  readonly queue: WorkQueue<Task<I, O>>;
  /** Callers blocked on a full queue, not yet accepted or refused, oldest first. */
  readonly blocked = new IntrusiveList<Task<I, O>>();
  readonly #host: FeedHost<I, O>;
  readonly #counters: Counters;
  /** Waiting tasks clear() or stop() counted as cancelled while a pop() had them. */
  readonly #claims = new Claims();
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

  constructor(queue: WorkQueue<Task<I, O>>, counters: Counters, host: FeedHost<I, O>) {
    this.queue = queue;
    this.#counters = counters;
    this.#host = host;
  }

  /** Whether some task a clear()/stop() counted as cancelled has not arrived yet (see claims.ts). */
  get claimsPending(): boolean {
    return this.#claims.pending;
  }

  /** Accepts `task` now if the queue takes it (and nobody is ahead of it in the blocked line). */
  offer(task: Task<I, O>): boolean {
    if (this.blocked.length > 0 || !this.#push(task)) return false;
    this.#accept(task);
    return true;
  }

  /** The queue took the task: it waits from now on, counted, in the current claim epoch. */
  #accept(task: Task<I, O>): void {
    task.status = WAITING;
    task.epoch = this.#claims.epoch;
    this.#counters.accept();
    this.#host.accepted(task);
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
    if (this.blocked.length === 0) return;
    for (let task = this.blocked.head; task !== null; task = this.blocked.head) {
      if (!this.#push(task)) return;
      this.blocked.remove(task);
      this.#accept(task);
    }
  }

  /** A caller that was never accepted (blocked, or refused at once) ends with `error`. */
  refuse(task: Task<I, O>, error: unknown): void {
    if (task.list !== null) this.blocked.remove(task);
    task.status = DONE;
    this.#host.refused(task, error);
  }

  /** Refuses every blocked caller (the pool is ending): they were never accepted. */
  refuseBlocked(error: () => unknown): void {
    for (let task = this.blocked.head; task !== null; task = this.blocked.head) this.refuse(task, error());
  }

  /**
   * A waiting task is cancelled: it leaves the queue at once when the queue can remove items
   * (`inQueue`), freeing its room (and, behind a rate limit, never using a slot); otherwise it
   * stays as a tombstone {@link take} skips. False if it was not waiting (or a claim had it).
   */
  cancel(task: Task<I, O>, error: unknown, inQueue: boolean): boolean {
    if (task.status !== WAITING || this.claimed(task)) return false;
    task.status = DONE;
    this.remove(task, inQueue);
    this.#counters.cancelWaiting();
    this.#host.cancelled(task, error);
    return true;
  }

  /**
   * Cancels every waiting task with `error` — those inside pending pops too (claimed: counted
   * now, settled when they arrive). Returns how many.
   */
  cancelAll(error: () => unknown): number {
    let cancelled = 0;
    for (const task of this.drain()) if (this.cancel(task, error(), false)) cancelled++;
    // The ones still counted as waiting are inside pending pops, out of reach.
    const unreachable = this.#counters.waiting;
    this.#claims.claim(unreachable, error());
    for (let i = 0; i < unreachable; i++) this.#counters.cancelWaiting();
    return cancelled + unreachable;
  }

  /**
   * A task a pop() delivered, or one about to start or be cancelled: if a claim counted it as
   * cancelled already, it ends with the claim's error now, and true is returned.
   */
  claimed(task: Task<I, O>): boolean {
    if (task.status !== WAITING || !this.#claims.pending) return false;
    const claim = this.#claims.take(task.epoch);
    if (claim === undefined) return false;
    task.status = DONE;
    this.remove(task, false);
    this.#host.cancelled(task, claim.error);
    return true;
  }

  /**
   * The next task to start: the held one, else what tryPop() gives (maybe a tombstone). Taking
   * from the queue frees room: the oldest blocked callers move in right then.
   */
  take(): Task<I, O> | undefined {
    if (this.#held.length > 0) return this.#held.shift();
    const task = this.queue.tryPop();
    if (task !== undefined && this.blocked.length > 0) this.admit();
    return task;
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
          if (task?.status === WAITING && !this.claimed(task)) this.#held.push(task);
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
