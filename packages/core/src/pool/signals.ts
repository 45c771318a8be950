/**
 * One 'abort' listener per signal, however many tasks share it.
 *
 * A request-scoped signal over 10 000 tasks used to get 10 000 listeners: Node warned
 * (MaxListenersExceededWarning) although nothing leaked, and each add/remove cost a few µs of
 * EventTarget bookkeeping. Here a signal's tasks are grouped; the group listens once and hands
 * all its tasks to the pool together when the signal aborts, so they are cancelled in one pass.
 *
 * Invariant: a group exists (and listens) exactly while it holds at least one task.
 */

class Group<T> {
  readonly tasks = new Set<T>();
  constructor(
    readonly signal: AbortSignal,
    readonly watch: SignalWatch<T>,
  ) {}
  /** The abort listener (an object listener: no closure per group). */
  handleEvent(): void {
    this.watch.fire(this);
  }
}

export class SignalWatch<T> {
  readonly #groups = new Map<AbortSignal, Group<T>>();
  readonly #onAbort: (tasks: T[], signal: AbortSignal) => void;

  /** `onAbort` receives every task still watched on a signal when it aborts, in watch order. */
  constructor(onAbort: (tasks: T[], signal: AbortSignal) => void) {
    this.#onAbort = onAbort;
  }

  /** Starts watching `task` on `signal` (which has not aborted). Idempotent. */
  watch(signal: AbortSignal, task: T): void {
    let group = this.#groups.get(signal);
    if (group === undefined) {
      group = new Group(signal, this);
      this.#groups.set(signal, group);
      signal.addEventListener('abort', group, { once: true });
    }
    group.tasks.add(task);
  }

  /** Stops watching `task`; the last task of a signal removes its listener. Harmless if not watched. */
  unwatch(signal: AbortSignal, task: T): void {
    const group = this.#groups.get(signal);
    if (group === undefined || !group.tasks.delete(task) || group.tasks.size > 0) return;
    this.#groups.delete(signal);
    signal.removeEventListener('abort', group);
  }

  /** Signals listened to now (for tests). */
  get size(): number {
    return this.#groups.size;
  }

  /** @internal */
  fire(group: Group<T>): void {
    if (this.#groups.get(group.signal) !== group) return;
    this.#groups.delete(group.signal);
    const tasks = [...group.tasks];
    group.tasks.clear();
    this.#onAbort(tasks, group.signal);
  }
}

/**
 * Calls `onAbort` once when `signal` aborts — at once if it already has — and returns the
 * function that removes the listener (undefined when there is none to remove).
 */
export function linkAbort(signal: AbortSignal | undefined, onAbort: () => void): (() => void) | undefined {
  if (signal === undefined) return undefined;
  if (signal.aborted) {
    onAbort();
    return undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
