/**
 * An intrusive doubly linked list: the nodes carry their own links, so linking and unlinking
 * allocate nothing and an element leaves in O(1) from anywhere in the line.
 *
 *   head ─▶ [a] ⇄ [b] ⇄ [c] ◀─ tail        remove(b):  [a] ⇄ [c]
 *
 * Used for every line of blocked callers in poolkit: the queues' pushers and poppers
 * (waiters.ts) and the Pool's callers blocked on a full queue and tasks in flight.
 *
 * Invariant: a node is in at most one list at a time, and `list` is non-null exactly while it
 * is linked. A node type that must be in two lists at once needs two sets of links.
 */

/** What a node of an {@link IntrusiveList} carries. Start every field at null. */
export interface Linked<N extends Linked<N>> {
  prev: N | null;
  next: N | null;
  /** The list holding this node, null while it is in none. */
  list: IntrusiveList<N> | null;
}

/** A FIFO line with O(1) append, take-first and remove-anywhere. */
export class IntrusiveList<N extends Linked<N>> {
  head: N | null = null;
  tail: N | null = null;
  length = 0;

  /** Appends `node`, which must be in no list. */
  push(node: N): void {
    node.list = this;
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.length++;
  }

  /** Unlinks and returns the first node, or null when empty. */
  shift(): N | null {
    const node = this.head;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Unlinks `node`, which must be in this list. */
  remove(node: N): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    node.list = null;
    this.length--;
  }
}
