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
 * holds was accepted the moment it went in. The blocked callers stand in one line per task key
 * (blocked-line.ts): a key that is full in a keyed queue holds back only its own callers.
 *
 * A queue with `release` (FairQueue: per-key concurrency) hears once about every task it
 * handed out, when that task ends for good: the pool's finish, a cancellation or claim of a
 * task already popped, or a tombstone found as it was popped.
 */
import type { WorkQueue } from '../contracts.js';
import { ADMITTED, BlockedLine, FULL, KEY_FULL } from './blocked-line.js';
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
  /** Callers blocked on a full queue, not yet accepted or refused: per key, oldest first. */
  readonly blocked = new BlockedLine<Task<I, O>>();
  /** The queue wants to hear when a task it handed out ends (`WorkQueue.release`). */
  readonly #tracks: boolean;
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
  /**
   * Tasks taken from #inTransit to start before their pop delivered them (they were handed out
   * before anything the queue holds now: first in, first out); their delivery is ignored.
   */
  #taken: Task<I, O>[] = [];

  constructor(queue: WorkQueue<Task<I, O>>, counters: Counters, host: FeedHost<I, O>) {
    this.queue = queue;
    this.#counters = counters;
    this.#host = host;
    this.#tracks = typeof queue.release === 'function';
  }

  /** Whether some task a clear()/stop() counted as cancelled has not arrived yet (see claims.ts). */
  get claimsPending(): boolean {
    return this.#claims.pending;
  }

  /**
   * Accepts `task` now if the queue takes it (and nobody of its key is ahead of it in the blocked
   * line). True also when the queue threw on it (a FairQueue's per-key function refusing the
   * key): the task is refused with that error.
   */
  offer(task: Task<I, O>): boolean {
    if (this.blocked.has(task.options?.key)) return false;
    let pushed: boolean;
    try {
      pushed = this.#push(task);
    } catch (error) {
      this.refuse(task, error);
      return true;
    }
    if (pushed) this.#accept(task);
    return pushed;
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
    // Not `popped` yet: the task counts as handed out (to be released) from the moment its pop
    // delivers it. Were it marked here, a cancel before that delivery would release it, and the
    // delivery would find it gone from #inTransit, take it for a tombstone and release it again —
    // one release too many, letting one more task of its key run than keyConcurrency allows.
    if (this.queue.size === size) this.#inTransit.push(task);
    return true;
  }

  /** Lines a caller up until there is room. */
  block(task: Task<I, O>): void {
    this.blocked.push(task);
  }

  /** Moves blocked callers into the queue while it takes them: keys in turn, oldest first within a key. */
  admit(): void {
    if (this.blocked.length === 0) return;
    const queue = this.queue;
    this.blocked.admit((task) => {
      let pushed: boolean;
      try {
        pushed = this.#push(task);
      } catch (error) {
        this.refuse(task, error);
        return ADMITTED; // moved on: refused
      }
      if (!pushed) return queue.size < queue.capacity ? KEY_FULL : FULL;
      this.blocked.remove(task);
      this.#accept(task);
      return ADMITTED;
    });
  }

  /** A caller that was never accepted (blocked, or refused at once) ends with `error`. */
  refuse(task: Task<I, O>, error: unknown): void {
    if (task.list !== null) this.blocked.remove(task);
    task.status = DONE;
    this.#host.refused(task, error);
  }

  /** Refuses every blocked caller (the pool is ending): they were never accepted. */
  refuseBlocked(error: () => unknown): void {
    for (let task = this.blocked.any(); task !== null; task = this.blocked.any()) this.refuse(task, error());
  }

  /** A started task ended for good: its queue hears of it (see the file comment). */
  finished(task: Task<I, O>): void {
    if (task.popped) this.#release(task);
  }

  #release(task: Task<I, O>): void {
    task.popped = false;
    try {
      this.queue.release!(task, task.options);
    } catch (error) {
      this.#host.failed(error); // a queue of someone else's broke its promise not to throw
    }
    // What the release let out is taken now and held, where clear({ key }) finds it: left to a
    // pending pop() (a FairQueue serves it a microtask later), it would be out of reach until
    // the pop's continuation ran.
    if (this.#popping > 0) {
      const now = this.queue.tryPop();
      if (now !== undefined) this.#arrived(now);
    }
  }

  /** A task left the queue (popped or removed): callers of its key may fit again. */
  #left(task: Task<I, O>): void {
    if (this.blocked.length > 0) this.blocked.wake(task.options?.key);
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
    if (task.popped) this.#release(task);
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
    this.blocked.wakeAll();
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
    if (task.popped) this.#release(task);
    this.#host.cancelled(task, claim.error);
    return true;
  }

  /**
   * Cancels the waiting tasks of one key with `error` (the queue must have `drainKey`): held ones
   * and those the queue holds. Returns how many.
   */
  cancelKey(key: string, error: () => unknown): number {
    let cancelled = 0;
    const mine = (task: Task<I, O>) => task.options?.key === key;
    // The queue's first: each cancel of a held task releases it, and the release may take the
    // key's next waiting task out of the queue into #held (see #release), past the filter below.
    const queued = this.queue.drainKey!(key);
    for (const task of this.#held.filter(mine).concat(this.#inTransit.filter(mine), queued)) {
      if (this.cancel(task, error(), false)) cancelled++;
    }
    if (this.blocked.length > 0) this.blocked.wake(key);
    return cancelled;
  }

  /**
   * The next task to start: the held one, else what tryPop() gives (maybe a tombstone, released
   * here). Taking from the queue frees room: the blocked callers move in right then.
   */
  take(): Task<I, O> | undefined {
    if (this.#held.length > 0) return this.#held.shift();
    if (this.#inTransit.length > 0) {
      // Handed out to a pending pop before anything left in the queue: it goes first (a FairQueue
      // key's older task must not start after a newer one the pump could tryPop meanwhile).
      const early = this.#inTransit.shift() as Task<I, O>;
      this.#taken.push(early);
      if (this.#tracks) early.popped = true;
      return early;
    }
    const task = this.queue.tryPop();
    if (task === undefined) return undefined;
    if (this.#tracks) {
      task.popped = true;
      if (task.status !== WAITING) this.#release(task);
    }
    if (this.blocked.length > 0) {
      this.#left(task);
      this.admit();
    }
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
    if (inQueue && this.queue.remove?.(task, task.options)) this.#left(task);
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
        this.#arrived(now);
        took = true;
        continue;
      }
      this.#popping++;
      queue.pop().then(
        (task) => {
          this.#popping--;
          if (task !== undefined && removeFrom(this.#taken, task)) {
            // taken early by take(): started (or held) already, released when it ends
          } else if (task !== undefined && !removeFrom(this.#inTransit, task)) {
            this.#arrived(task); // the queue's own hand-over, or one cancelled in transit
          } else if (task?.status === WAITING) {
            if (this.#tracks) task.popped = true; // delivered: released when it ends (see #push)
            if (!this.claimed(task)) this.#held.push(task);
          }
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

  /** A task the queue handed out outside take(): held to start (unless claimed), or released as a tombstone. */
  #arrived(task: Task<I, O>): void {
    if (this.#tracks) task.popped = true;
    this.#left(task);
    if (task.status !== WAITING) {
      if (task.popped) this.#release(task);
    } else if (!this.claimed(task)) {
      this.#held.push(task);
    }
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
