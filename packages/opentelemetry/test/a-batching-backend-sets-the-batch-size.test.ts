import { type Backend, type BatchEntry, type BatchResult, Pool, type RunOptions } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { instrument, useContextManager } from './otel.js';

useContextManager();

/** A batching backend whose runMany answers every entry at once. */
class Batching implements Backend<number, number> {
  readonly name = 'batching';
  readonly concurrency = 1;
  async run(input: number, _options: RunOptions): Promise<number> {
    return input * 2;
  }
  async runMany(batch: readonly BatchEntry<number>[]): Promise<readonly BatchResult<number>[]> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return batch.map(({ input }) =>
      input < 0
        ? { status: 'rejected', reason: new RangeError(`bad ${input}`) }
        : { status: 'fulfilled', value: input * 2, time: 0.01 },
    );
  }
  async close(): Promise<void> {}
}

describe('a batching backend sets poolkit.batch.size', () => {
  it('every try of a batch has a span with the batch size, children of their own submitter spans', async () => {
    const otel = instrument();
    const pool = new Pool({ name: 'batched', backend: new Batching(), maxBatch: 8 });
    const { span: parent, value } = await otel.inSpan('request', () =>
      Promise.allSettled([1, 2, -3, 4].map((n) => pool.submit(n))),
    );
    await pool.close();
    expect(value.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);

    const spans = otel.spans();
    expect(spans).toHaveLength(4);
    const sizes = spans.map((s) => s.attributes['poolkit.batch.size']);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(1);
    for (const s of spans) expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(
      spans
        .filter((s) => s.attributes['poolkit.outcome'] === 'failed')
        .map((s) => s.attributes['error.type']),
    ).toEqual(['RangeError']);

    // one record per try: the sum of the recorded sizes is Σ size over tries
    const [histogram] = await otel.points('poolkit.batch.size');
    expect(histogram.value.count).toBe(4);
    expect(histogram.value.sum).toBe(sizes.reduce((a, b) => (a as number) + (b as number), 0));
    expect(histogram.attributes).toMatchObject({
      'poolkit.pool.name': 'batched',
      'poolkit.backend': 'batching',
    });
  });
});
