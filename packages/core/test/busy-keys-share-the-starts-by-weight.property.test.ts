/**
 * Weighted shares converge: with every key always busy (a replacement arrives as each item is
 * taken), over 20 000 pops straight from a FairQueue — and over 20 000 starts of a Pool — each
 * key's share is its weight's share of the total within ±5 % (relative), for weights 1, 2, 5 and
 * for random weights, fractional ones (below 1 too) included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FairQueue, Pool } from '../src/index.js';

const POPS = 20_000;
/** Items each key keeps waiting. */
const BACKLOG = 8;

/** Weights: a few keys, from 0.2 to 10, fractional or whole. */
const weightsArb = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.2, max: 10, noNaN: true })),
  { minLength: 2, maxLength: 5 },
);

/** Each key's share of `counts` is its weight's share, within ±5 % of that share. */
function expectShares(counts: number[], weights: number[]): void {
  const total = counts.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  for (const [k, weight] of weights.entries()) {
    const expected = weight / weightSum;
    const share = counts[k] / total;
    expect(
      Math.abs(share - expected),
      `key ${k} (weight ${weight}): share ${share.toFixed(4)}, expected ${expected.toFixed(4)}; counts ${counts}`,
    ).toBeLessThanOrEqual(0.05 * expected);
  }
}

/** 20 000 pops straight from a FairQueue whose keys all stay busy; pops per key. */
function popShares(weights: number[]): number[] {
  const queue = new FairQueue<number>({
    capacity: Number.POSITIVE_INFINITY,
    weight: (key) => weights[Number(key)],
  });
  for (const k of weights.keys()) for (let i = 0; i < BACKLOG; i++) queue.tryPush(k, { key: String(k) });
  const counts = weights.map(() => 0);
  for (let i = 0; i < POPS; i++) {
    const k = queue.tryPop()!;
    counts[k]++;
    queue.tryPush(k, { key: String(k) }); // always busy
  }
  return counts;
}

/** 20 000 starts of a Pool over a FairQueue whose keys all stay busy; starts per key. */
async function startShares(weights: number[], concurrency: number): Promise<number[]> {
  const counts = weights.map(() => 0);
  let starts = 0;
  const queue = new FairQueue<unknown>({
    capacity: Number.POSITIVE_INFINITY,
    weight: (key) => weights[Number(key)],
  });
  const pool: Pool<number, number> = new Pool<number, number>({
    queue,
    concurrency,
    paused: true, // every key's backlog is in before the first start
    executor: (k) => {
      counts[k]++;
      // The replacement arrives as this one starts: the key never runs out of waiting tasks.
      if (++starts < POPS) pool.submit(k, { key: String(k) }).catch(() => {});
      else if (starts === POPS) void pool.stop();
      return k;
    },
  });
  for (const k of weights.keys()) {
    for (let i = 0; i < BACKLOG; i++) pool.submit(k, { key: String(k) }).catch(() => {});
  }
  pool.resume();
  await pool.stop().then(() => pool.close());
  expect(starts).toBe(POPS);
  expect(queue.keyCount).toBe(0);
  return counts;
}

describe('busy keys share the starts by weight', () => {
  it('weights 1, 2 and 5 get 1/8, 2/8 and 5/8 of 20 000 pops', () => {
    expectShares(popShares([1, 2, 5]), [1, 2, 5]);
  });

  it('weights all below 1 (0.25, 0.5, 0.75: whole rounds pass without a pop) get 1/6, 2/6 and 3/6', () => {
    expectShares(popShares([0.25, 0.5, 0.75]), [0.25, 0.5, 0.75]);
  });

  it('random weights get their shares of 20 000 pops', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => expectShares(popShares(weights), weights)),
      { numRuns: 30 },
    );
  });

  it('weights 1, 2 and 5 get 1/8, 2/8 and 5/8 of 20 000 starts of a Pool', async () => {
    const weights = [1, 2, 5];
    expectShares(await startShares(weights, 2), weights);
  });

  it('random weights get their shares of 20 000 starts of a Pool', async () => {
    await fc.assert(
      fc.asyncProperty(weightsArb, fc.integer({ min: 1, max: 4 }), async (weights, concurrency) =>
        expectShares(await startShares(weights, concurrency), weights),
      ),
      { numRuns: 4 },
    );
  }, 20_000);
});
