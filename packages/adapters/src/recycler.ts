/**
 * The main thread's side of recycling (see retire.ts): ends a thread that sent its last answer,
 * and tells a refused task when to go again.
 *
 * A thread is ended {@link GRACE_MS} after its last answer, not at once: piscina may already have
 * handed it the next task (it does so as soon as the answer arrives), and a thread that is still
 * alive refuses that task cleanly — ended at once, it would take the task down with it. Whatever
 * still dies with it had never started, and is sent again by the backend.
 */

/** How long a retiring thread lives after its last answer, refusing what reaches it. */
export const GRACE_MS = 10;
/** A refused task goes again once its thread is gone, or after this long, whichever is first. */
export const RETRY_MS = 25;

interface Leaving {
  readonly gone: Promise<void>;
  readonly resolve: () => void;
  ending: boolean;
}

export class Recycler {
  readonly #leaving = new Map<number, Leaving>();

  /** `end(threadId)` terminates that thread; it resolves once the thread has exited. */
  constructor(private readonly end: (threadId: number) => Promise<unknown>) {}

  /** Thread `threadId` sent its last answer: it is ended after the grace period. Idempotent. */
  retire(threadId: number): void {
    const leaving = this.#entry(threadId);
    if (leaving.ending) return;
    leaving.ending = true;
    setTimeout(() => {
      void this.end(threadId).finally(() => {
        // After piscina's own 'exit' handling has failed what the thread still held.
        setImmediate(() => {
          this.#leaving.delete(threadId);
          leaving.resolve();
        });
      });
    }, GRACE_MS);
  }

  /** Resolves when a task refused by `threadId` should be sent again. */
  gone(threadId: number): Promise<void> {
    const { gone } = this.#entry(threadId);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, RETRY_MS);
      void gone.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** True while a thread is being retired: a task its end took down had never started. */
  get active(): boolean {
    return this.#leaving.size > 0;
  }

  #entry(threadId: number): Leaving {
    let leaving = this.#leaving.get(threadId);
    if (leaving === undefined) {
      let resolve!: () => void;
      const gone = new Promise<void>((r) => (resolve = r));
      leaving = { gone, resolve, ending: false };
      this.#leaving.set(threadId, leaving);
    }
    return leaving;
  }
}

/**
 * At most `size` piscina tasks in flight, the rest waiting here in order. A backend that
 * recycles hands piscina no more than its threads can run: with a queue inside piscina, each
 * refusal would free the retiring thread for the next queued task — every queued task would
 * bounce off it during the grace period — and the queue's order would be lost to the retries.
 */
export class Gate {
  #free: number;
  #waiting: Array<() => void> = [];
  #head = 0;

  constructor(size: number) {
    this.#free = size;
  }

  /** True (and a place taken) when the caller may send now; call {@link leave} once it settled. */
  tryEnter(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }

  /** Resolves when the caller may send (after {@link tryEnter} said no); then as above. */
  enter(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  leave(): void {
    if (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head];
      this.#waiting[this.#head++] = undefined as unknown as () => void;
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      next();
    } else {
      this.#free++;
    }
  }
}
