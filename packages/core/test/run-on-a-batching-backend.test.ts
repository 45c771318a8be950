import { describe, expect, it } from 'vitest';
import { type Backend, type BatchEntry, type BatchResult, run } from '../src/index.js';

/** A backend with runMany and onError that counts how it is called, and stays usable after run(). */
function countingBackend() {
  const calls = { run: 0, runMany: 0, batched: 0, subscribed: 0, everSubscribed: 0, closed: 0 };
  const backend: Backend<number, number> = {
    name: 'counting',
    concurrency: 2,
    async run(n) {
      calls.run++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return n * 10;
    },
    async runMany(batch: readonly BatchEntry<number>[]): Promise<BatchResult<number>[]> {
      calls.runMany++;
      calls.batched += batch.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return batch.map((entry) => ({ status: 'fulfilled', value: entry.input * 10 }));
    },
    onError() {
      calls.subscribed++;
      calls.everSubscribed++;
      return () => {
        calls.subscribed--;
      };
    },
    async close() {
      calls.closed++;
    },
  };
  return { backend, calls };
}

describe("run() over a caller's backend keeps its optional capabilities (regression: they were dropped)", () => {
  it('batches through runMany like a Pool does, and leaves the backend open', async () => {
    const { backend, calls } = countingBackend();
    const seen: number[] = [];
    await run({
      producer: Array.from({ length: 200 }, (_, i) => i),
      backend,
      collector: (outcome) => {
        if (outcome.ok) seen.push(outcome.value);
      },
    });
    expect(calls.runMany).toBeGreaterThan(0);
    expect(calls.batched + calls.run).toBe(200);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i * 10));
    expect(calls.closed).toBe(0);
    // It subscribed to the backend's errors while it ran, and unsubscribed at its end.
    expect(calls.everSubscribed).toBe(1);
    expect(calls.subscribed).toBe(0);
    expect(await backend.run(1, { signal: new AbortController().signal })).toBe(10);
  });
});
