/**
 * Waiting tasks out of everyone's reach when clear() or stop() ran: taken by a pop() whose
 * continuation had not run yet (a rate limiter's pop takes its item microtasks before it
 * resolves). The pool counts them as cancelled right then; each settles with its claim's error
 * when its pop delivers it.
 *
 * Which claim a task belongs to is decided by epochs: every claim bumps the epoch, a task
 * remembers the epoch it was accepted in, and it belongs to the first claim made after that
 * (`below > epoch`) that still expects tasks. A pool is quiet only once every claim has settled
 * (`pending` is false).
 */
interface Claim {
  /** Tasks accepted before this epoch belong to it (unless an earlier claim took them). */
  readonly below: number;
  readonly error: unknown;
  /** How many have not arrived yet. */
  left: number;
}

export class Claims {
  #claims: Claim[] = [];
  #epoch = 0;

  /** The epoch a task accepted now belongs to. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Whether some claimed task has not arrived yet. */
  get pending(): boolean {
    return this.#claims.length > 0;
  }

  /** Claims the `count` waiting tasks accepted so far that nobody can reach; they end with `error`. */
  claim(count: number, error: unknown): void {
    if (count > 0) this.#claims.push({ below: ++this.#epoch, error, left: count });
  }

  /**
   * A waiting task accepted at `epoch` arrived (or is about to start or be cancelled): if a claim
   * counted it already, that claim's error is returned in a box, and the claim expects one fewer.
   */
  take(epoch: number): { readonly error: unknown } | undefined {
    const claims = this.#claims;
    if (claims.length === 0 || epoch >= claims[claims.length - 1].below) return undefined;
    let index = 0;
    while (claims[index].below <= epoch) index++;
    const claim = claims[index];
    if (--claim.left === 0) claims.splice(index, 1);
    return claim;
  }
}
