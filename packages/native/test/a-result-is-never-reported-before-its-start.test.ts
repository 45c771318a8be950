import type { BatchEntry, BatchResult } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { BatchFlight } from '../src/batch-flight.js';

// Regression: the addon reads a watched batch's `claimed` count before it collects the finished
// results, so a chunk claimed and finished between the two reads arrived as
// `progress(claimed = k, finished = k + 1)`; NativeBackend then reported entry k's result before
// calling its started(). Seen under Bun as the conformance failure "entry k was reported before
// it was said to start". The timing cannot be forced from JS, so the report is fed directly.
describe('a result is never reported before its start', () => {
  function flight(entries: number) {
    const events: string[] = [];
    const signal = new AbortController().signal;
    const batch: BatchEntry<number>[] = Array.from({ length: entries }, (_, i) => ({
      input: i,
      options: { signal, attempt: 1, started: () => events.push(`started ${i}`) },
    }));
    const results = new Array<BatchResult<number>>(entries);
    const sent = batch.map((_, i) => i);
    const f = new BatchFlight<number, number>(batch, sent, results, (index) =>
      events.push(`result ${index}`),
    );
    return { f, events, results };
  }

  it('a progress report with more entries finished than claimed starts them first', () => {
    const { f, events, results } = flight(3);
    expect(f.watched).toBe(true);
    f.progress(0, 1, Float64Array.of(10), undefined);
    expect(events).toEqual(['started 0', 'result 0']);
    f.progress(1, 2, Float64Array.of(11), undefined);
    expect(events).toEqual(['started 0', 'result 0', 'started 1', 'result 1']);
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: 11 });
    f.dispose();
  });

  it('started() is still called once per entry, in order, when claimed catches up', () => {
    const { f, events } = flight(3);
    f.progress(0, 2, Float64Array.of(10, 11), undefined);
    f.progress(3, 2, undefined, undefined);
    f.progress(3, 3, Float64Array.of(12), undefined);
    expect(events).toEqual(['started 0', 'started 1', 'result 0', 'result 1', 'started 2', 'result 2']);
    f.dispose();
  });
});
