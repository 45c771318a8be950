import { expect } from 'vitest';
import type { BatchEntry, BatchResult } from '../contracts.js';
import { show } from './settle.js';

/**
 * The `report` callback the suite hands to `runMany`, recording every call and every misuse:
 * an index outside the batch, a second report for one entry, a report after the batch resolved.
 * {@link ReportSpy.check} then compares each report with the entry's place in the final array.
 */
export class ReportSpy<O> {
  readonly #size: number;
  readonly #reported = new Map<number, BatchResult<O>>();
  readonly #problems: string[] = [];
  #ended = false;

  constructor(size: number) {
    this.#size = size;
  }

  /** The callback to pass as runMany's `report`. */
  readonly report = (index: number, result: BatchResult<O>): void => {
    if (this.#ended) this.#problems.push(`report(${String(index)}, …) was called after runMany resolved`);
    if (!Number.isInteger(index) || index < 0 || index >= this.#size) {
      this.#problems.push(
        `report() was called for index ${String(index)}, outside the batch of ${this.#size}`,
      );
    } else if (this.#reported.has(index)) {
      this.#problems.push(`report() was called twice for entry ${index}`);
    } else {
      this.#reported.set(index, result);
    }
  };

  /** Marks the batch resolved: a report from now on is a misuse. */
  end(): void {
    this.#ended = true;
  }

  /** The entry's outcome as the Pool would take it: its report if any, else its place in `results`. */
  outcome(results: readonly BatchResult<O>[], index: number): BatchResult<O> | undefined {
    return this.#reported.get(index) ?? results[index];
  }

  /** How many entries were reported early. */
  get count(): number {
    return this.#reported.size;
  }

  /**
   * Fails on any misuse seen, and on a report whose result differs from the entry's place in the
   * final array (an entry whose signal aborted may report anything: the Pool has settled it).
   */
  check(batch: readonly BatchEntry<unknown>[], results: readonly BatchResult<O>[]): void {
    expect(this.#problems, `runMany misused report(): ${this.#problems.join('; ')}`).toEqual([]);
    for (const [index, reported] of this.#reported) {
      if (batch[index].options.signal.aborted) continue;
      const final = results[index];
      const what = `entry ${index} was reported as ${describeResult(reported)} but runMany returned ${describeResult(final)}`;
      expect(final?.status, what).toBe(reported.status);
      if (reported.status === 'fulfilled') {
        expect((final as { value: unknown }).value, what).toEqual(reported.value);
      } else if (reported.status === 'rejected') {
        expect(show((final as { reason: unknown }).reason), what).toBe(show(reported.reason));
      }
    }
  }
}

/** A batch result as a phrase for failure messages. */
export function describeResult(result: BatchResult<unknown> | undefined): string {
  if (result === undefined) return 'nothing';
  if (result.status === 'fulfilled') return `fulfilled with ${show(result.value)}`;
  if (result.status === 'rejected') return `rejected with ${show(result.reason)}`;
  return String(result.status);
}
