/**
 * The callers blocked on a full queue, one line per task key (`TaskOptions.key`; tasks without
 * one share a line), so that a key whose own room is full (a FairQueue's `keyCapacity`) holds
 * back only its own callers.
 *
 *   active  (take turns for room, in this order)      stalled (their key is full)
 *     [tenant-a: t1 t4 t9] → [tenant-c: t7]              [tenant-b: t2 t3 t5]
 *
 * Room is handed out a task at a time, the lines taking turns (a line that got a task moves to
 * the end). A line whose head the queue refused while the queue still had room is refused for
 * its key (only a keyed queue does that): it is stalled until a task of its key leaves the
 * queue ({@link BlockedLine.wake}), so a full key costs nothing per admission. A refusal while
 * the queue is full stops the round: nobody fits. An empty line is dropped at once, so keys
 * that come and go leave nothing behind. Within a line, oldest first.
 */
import { IntrusiveList, type Linked } from '../intrusive-list.js';

interface Keyed<N extends Linked<N>> extends Linked<N> {
  readonly options: { readonly key?: string } | undefined;
}

/** What admitting a line's head came to. */
export const ADMITTED = 0;
/** The queue refused it while it had room: its key is full. */
export const KEY_FULL = 1;
/** The queue refused it and is full: nobody fits now. */
export const FULL = 2;
export type Admission = typeof ADMITTED | typeof KEY_FULL | typeof FULL;

/**
 * One key's blocked callers, oldest first; itself linked into the active or the stalled lines.
 * The turn order lives in those intrusive lists, not in a Map's insertion order: a Map keeps the
 * entries deleted from its front as holes until it rehashes, so finding its first line costs as
 * many steps as lines were dropped before — O(n²) for n keys blocked at once (100 000 blocked
 * callers of distinct keys took 3–5 s to admit, and close() 1.9 s to refuse them; now 0.2 s and
 * 0.5 s, on the 2-core CI machine).
 */
class KeyLine<N extends Keyed<N>> extends IntrusiveList<N> implements Linked<KeyLine<N>> {
  prev: KeyLine<N> | null = null;
  next: KeyLine<N> | null = null;
  /** The active or the stalled lines, whichever holds this line. */
  list: IntrusiveList<KeyLine<N>> | null = null;
  constructor(readonly key: string | undefined) {
    super();
  }
}

export class BlockedLine<N extends Keyed<N>> {
  /** Blocked callers, all lines together. */
  length = 0;
  /** Every line, active or stalled, by key. */
  readonly #lines = new Map<string | undefined, KeyLine<N>>();
  readonly #active = new IntrusiveList<KeyLine<N>>();
  readonly #stalled = new IntrusiveList<KeyLine<N>>();

  /** Whether a caller of `key` is blocked already (a newcomer of that key must wait behind it). */
  has(key: string | undefined): boolean {
    return this.length > 0 && this.#lines.has(key);
  }

  /** Lines `node` up behind the blocked callers of its key. */
  push(node: N): void {
    const key = node.options?.key;
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = new KeyLine<N>(key);
      this.#lines.set(key, line);
      this.#active.push(line);
    }
    line.push(node);
    this.length++;
  }

  /** Takes `node` (which must be blocked) out of its line. */
  remove(node: N): void {
    const line = node.list as KeyLine<N>;
    line.remove(node);
    this.length--;
    if (line.length === 0) {
      this.#lines.delete(line.key);
      line.list!.remove(line);
    }
  }

  /** The first blocked caller of some line, or null: for ending them all. */
  any(): N | null {
    return (this.#active.head ?? this.#stalled.head)?.head ?? null;
  }

  /** A task of `key` left the queue: its line may fit again. */
  wake(key: string | undefined): void {
    const line = this.#lines.get(key);
    if (line === undefined || line.list !== this.#stalled) return;
    this.#stalled.remove(line);
    this.#active.push(line);
  }

  /** Room appeared everywhere (the queue was drained). */
  wakeAll(): void {
    for (let line = this.#stalled.shift(); line !== null; line = this.#stalled.shift())
      this.#active.push(line);
  }

  /**
   * Offers the heads of the active lines to `enter`, in turns, until nobody fits. `enter`
   * admits the node (taking it out with {@link remove}) or says why not.
   */
  admit(enter: (node: N) => Admission): void {
    const active = this.#active;
    for (let line = active.head; line !== null; line = active.head) {
      const verdict = enter(line.head as N);
      if (verdict === FULL) return;
      if (verdict === KEY_FULL) {
        active.remove(line);
        this.#stalled.push(line);
      } else if (line.length > 0 && active.length > 1) {
        active.remove(line); // its turn is over: to the end
        active.push(line);
      }
    }
  }
}
