/**
 * The results buffer of `enqueue()`d tasks (`keepResults: true`): their outcomes in completion
 * order, read with tryResult/nextResult/results, bounded so that a reader who falls behind
 * holds the pool back instead of growing memory.
 *
 * Storage is a power-of-two ring that grows by doubling (never past what `capacity` needs):
 *
 *   ring of 8, head 5, size 4:   index 0 1 2 3 4 5 6 7
 *                                      c d . . . a b        read order a b c d
 *
 * Bound: `size + reserved ≤ capacity` before the pool starts another enqueue()d task. A task
 * reserves its place when it starts (so tasks in flight can never overflow the buffer) and the
 * place becomes an entry when it settles. A reader waiting in nextResult() takes an outcome
 * straight from `put`, never through the ring.
 */

const INITIAL_RING = 16;

export class ResultsBuffer<T> {
  readonly capacity: number;
  /** Whether nothing more can come (the pool ended and nothing waits or runs). */
  readonly #isDone: () => boolean;
  /** Called when a read makes room in a buffer that was full (the pool may start tasks again). */
  readonly #onRoom: () => void;
  /** Places held by running tasks whose outcomes will need one. */
  reserved = 0;
  #ring: (T | undefined)[] = new Array<T | undefined>(INITIAL_RING).fill(undefined);
  #head = 0;
  #size = 0;
  #readers: Array<(outcome: T | undefined) => void> = [];

  constructor(capacity: number, isDone: () => boolean, onRoom: () => void) {
    this.capacity = capacity;
    this.#isDone = isDone;
    this.#onRoom = onRoom;
  }

  /** The next outcome if one is ready; `done` once nothing more can come. Never waits. */
  tryRead(): { outcome: T | undefined; done: boolean } {
    const outcome = this.#read();
    return { outcome, done: outcome === undefined && this.#isDone() };
  }

  /** The next outcome, waiting for one; `undefined` once nothing more can come. */
  read(): Promise<T | undefined> {
    const outcome = this.#read();
    if (outcome !== undefined) return Promise.resolve(outcome);
    if (this.#isDone()) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /** Every outcome, in completion order, until nothing more can come. */
  async *[Symbol.asyncIterator](): AsyncIterableIterator<T> {
    for (;;) {
      const outcome = await this.read();
      if (outcome === undefined) return;
      yield outcome;
    }
  }

  /** Outcomes ready to read. */
  get size(): number {
    return this.#size;
  }

  /** No place left for another running task's outcome. */
  get full(): boolean {
    return this.#size + this.reserved >= this.capacity;
  }

  /** Hands `outcome` to the first waiting reader, or keeps it. */
  put(outcome: T): void {
    const reader = this.#readers.shift();
    if (reader !== undefined) {
      reader(outcome);
      return;
    }
    if (this.#size === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#size) & (this.#ring.length - 1)] = outcome;
    this.#size++;
  }

  /** Takes the oldest kept outcome, or undefined when none is ready. */
  #read(): T | undefined {
    if (this.#size === 0) return undefined;
    const wasFull = this.full;
    const outcome = this.#ring[this.#head];
    this.#ring[this.#head] = undefined; // let it be collected
    this.#head = (this.#head + 1) & (this.#ring.length - 1);
    this.#size--;
    if (wasFull) this.#onRoom();
    return outcome;
  }

  /** Nothing more will come: every waiting reader gets `undefined`. */
  end(): void {
    const readers = this.#readers;
    this.#readers = [];
    for (const reader of readers) reader(undefined);
  }

  #grow(): void {
    const old = this.#ring;
    const ring = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.#size; i++) ring[i] = old[(this.#head + i) & (old.length - 1)];
    this.#ring = ring;
    this.#head = 0;
  }
}
