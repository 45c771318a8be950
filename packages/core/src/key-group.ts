/**
 * One key's share of a {@link FairQueue}: its waiting items (first in first out, higher priority
 * first), how many of its items are out (popped, not yet released), and its place in the turns.
 *
 * The items live in an array read from `head`, so a pop is O(1) and nothing moves; the array is
 * reset when the key empties and compacted when the read part outgrows the rest:
 *
 *   items   [ ·  ·  · | d  e  f  g ]      head = 3: d pops next, g is the newest
 *
 * A push of a higher priority than items already waiting is inserted before them (scanning from
 * the newest): O(1) for the usual push of equal or lower priority.
 */
import type { IntrusiveList, Linked } from './intrusive-list.js';

/** Past this many read slots (and half the array), the array is compacted. */
const COMPACT_AT = 1024;

export class KeyGroup<T> implements Linked<KeyGroup<T>> {
  prev: KeyGroup<T> | null = null;
  next: KeyGroup<T> | null = null;
  /** The turns (a FairQueue's ring) while the key has a waiting item and room to run; else null. */
  list: IntrusiveList<KeyGroup<T>> | null = null;
  #items: (T | undefined)[] = [];
  /** Priorities parallel to the items, kept only once a push gave a priority other than 0. */
  #priorities: number[] | undefined = undefined;
  #head = 0;
  /** Items of this key popped and not yet released. */
  running = 0;
  /** What is left of this key's turn: it pops while credit ≥ 1, and gets `weight` more per turn. */
  credit = 0;

  constructor(
    /** The key; `undefined` for items pushed without one. */
    readonly key: string | undefined,
    /** At most this many of its items out at once (`keyConcurrency`). */
    readonly limit: number,
    /** Its share of the turns (`weight`): a positive finite number. */
    readonly weight: number,
  ) {}

  /** Items waiting. */
  get waiting(): number {
    return this.#items.length - this.#head;
  }

  /** Whether it may pop now: something waits and fewer than `limit` are out. */
  get ready(): boolean {
    return this.#items.length > this.#head && this.running < this.limit;
  }

  /** Whether it holds nothing (no waiting item, none out): it may be forgotten. */
  get idle(): boolean {
    return this.running === 0 && this.#items.length === this.#head;
  }

  store(item: T, priority: number): void {
    const items = this.#items;
    if (priority === 0 && this.#priorities === undefined) {
      items.push(item);
      return;
    }
    const priorities = this.#prioritiesFilled();
    let at = items.length;
    while (at > this.#head && priorities[at - 1] < priority) at--;
    if (at === items.length) {
      items.push(item);
      priorities.push(priority);
    } else {
      items.splice(at, 0, item);
      priorities.splice(at, 0, priority);
    }
  }

  /** Removes and returns the next item; called only when one waits. */
  shift(): T {
    const items = this.#items;
    const item = items[this.#head] as T;
    items[this.#head] = undefined; // let it be collected
    this.#head++;
    if (this.#head === items.length) {
      this.#reset();
    } else if (this.#head >= COMPACT_AT && this.#head * 2 >= items.length) {
      items.splice(0, this.#head);
      this.#priorities?.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes one waiting occurrence of `item` (the oldest); false if none waits. */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item, this.#head);
    if (at === -1) return false;
    if (at === this.#head) {
      this.shift();
      return true;
    }
    this.#items.splice(at, 1);
    this.#priorities?.splice(at, 1);
    return true;
  }

  /** Removes and returns every waiting item, in pop order. */
  takeAll(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#reset();
    return items;
  }

  #reset(): void {
    this.#items.length = 0;
    this.#priorities = undefined;
    this.#head = 0;
  }

  /** The priorities array, with 0 for every item pushed before the first priority. */
  #prioritiesFilled(): number[] {
    if (this.#priorities === undefined) this.#priorities = new Array<number>(this.#items.length).fill(0);
    return this.#priorities;
  }
}
