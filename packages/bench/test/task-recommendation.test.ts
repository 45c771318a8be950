/**
 * The recommendation follows the table and the verdict: the verdict's leader when it beats the
 * main thread beyond the spread, a tie when spreads overlap (between pools, or with the main
 * thread), the main thread when it was faster — and never a contender that failed.
 */
import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio } from '../src/report/format.js';
import type { ContenderResult } from '../src/report/types.js';
import { recommend } from '../src/task/recommend.js';
import { failedRow, measured, sampleTaskReport, taskScenario } from './sample-report.js';

const ctx = {
  threads: 2,
  async: false,
  offMain: new Set(['pool-piscina', 'pool-piscina-batched', 'piscina'] as const),
  name: 'render (src/render.ts)',
};
const floor = (samples: number[], lone?: number[]) =>
  measured(
    'floor',
    samples,
    100,
    101,
    lone
      ? {
          latency: {
            samples: lone,
            stats: {
              n: lone.length,
              medianMs: lone[1],
              meanMs: lone[1],
              p99Ms: lone[2],
              minMs: lone[0],
              maxMs: lone[2],
            },
          },
        }
      : {},
  );
const row = (id: ContenderResult['id'], samples: number[]) => measured(id, samples, 100, 101);

describe('the recommendation of a task run', () => {
  it('names the verdict’s winner with its speed-up, lone-task latency, the task’s cost and where the answer changes', () => {
    const s = sampleTaskReport.scenarios[0];
    const rec = sampleTaskReport.recommendation;
    expect(s.verdict.outcome).toBe('win');
    expect(rec?.outcome).toBe('pool');
    expect(rec?.contender).toBe(s.verdict.leader?.id);
    expect(rec?.contender).toBe('pool-piscina-batched');
    expect(rec?.speedup).toBe(s.verdict.floorSpeedup);
    const [headline, ...reasons] = rec?.lines ?? [];
    expect(headline).toBe(
      `Recommendation for render (src/render.ts): use pool-piscina-batched — pool-piscina-batched <label>, 2 threads. It ran ${formatRatio(101 / 53)} the main thread (1,887 tasks/s vs 990 tasks/s) and beat pool-piscina by ${formatRatio(61 / 53)} (IQRs apart).`,
    );
    expect(reasons[0]).toBe('Your task: 1.01 ms per call on the main thread (100 tasks per batch).');
    expect(reasons[1]).toBe(
      'A lone task through pool-piscina-batched: 1.25 ms round trip (p50), against 1.01 ms for a direct call: 240 µs more per request.',
    );
    // overhead = batch per task × threads − cost: 0.53 × 2 − 1.01 = 0.05 ms for the batched Pool.
    expect(rec?.overheadMs['pool-piscina-batched']).toBeCloseTo(0.05, 6);
    expect(rec?.overheadMs['pool-inline']).toBeCloseTo(0.01, 6);
    expect(rec?.overheadMs.workerpool).toBeUndefined();
    // break-even = o ÷ (P − 1): the cost c at which (c + o) ÷ P, a thread's time per task, is c.
    expect(rec?.breakEvenMs).toBeCloseTo(0.05, 6);
    const be = rec?.breakEvenMs as number;
    expect((be + (rec?.overheadMs['pool-piscina-batched'] as number)) / 2).toBeCloseTo(be, 9);
    expect(rec?.batchingGain).toBeCloseTo(61 / 53, 6);
    expect(reasons[3]).toBe(
      `Where the answer would change: threads pay off above ~${formatMs(0.05)} of work per task on this machine (2 threads; your task: 1.01 ms); batching gains ×${formatRatio(61 / 53).slice(0, -1)} here (pool-piscina-batched vs pool-piscina).`,
    );
    expect(rec?.lines.join('\n')).not.toContain('workerpool');
  });

  it('calls a tie a tie when the leader’s IQR overlaps another pool’s, naming every one of them', () => {
    const s = taskScenario([
      floor([100, 101, 102]),
      row('pool-piscina', [55, 56, 58]),
      row('piscina', [54, 57, 59]),
    ]);
    const rec = recommend(s, ctx);
    expect(s.verdict.outcome).toBe('tie');
    expect(rec.outcome).toBe('tie');
    expect(rec.contender).toBe(s.verdict.leader?.id);
    expect(rec.tiedWith).toEqual(s.verdict.tiedWith);
    expect(rec.lines[0]).toMatch(
      /^Recommendation for render \(src\/render\.ts\): a tie between (pool-piscina, piscina|piscina, pool-piscina) \(their IQRs overlap\) — any of them will do\./,
    );
  });

  it('calls a tie with the main thread when the leader is ahead by the medians but inside its spread', () => {
    const s = taskScenario([floor([60, 100, 140]), row('pool-piscina', [50, 55, 62])]);
    const rec = recommend(s, ctx);
    expect(rec.outcome).toBe('tie');
    expect(rec.mainThreadInSpread).toBe(true);
    expect(rec.contender).toBe('pool-piscina');
    expect(rec.lines[0]).toContain('a tie with the main thread — pool-piscina');
  });

  it('recommends the main thread when it beat every pool, naming the fastest pool for keeping it free', () => {
    const s = taskScenario([
      floor([1, 1.1, 1.2]),
      row('pool-inline', [3, 3.1, 3.2]),
      row('pool-piscina', [50, 51, 52]),
    ]);
    const rec = recommend(s, ctx);
    expect(rec.outcome).toBe('main-thread');
    expect(rec.contender).toBeNull();
    expect(rec.lines[0]).toBe(
      `Recommendation for render (src/render.ts): call it on the main thread, without a pool. One call after another ran 90,909 tasks/s; the fastest pool, pool-inline (pool-inline <label>), reached ${formatRatio(1.1 / 3.1)} of that (32,258 tasks/s).`,
    );
    // pool-inline runs on the main thread: the pool that keeps it free is the fastest off it (the
    // rows' speed-ups are computed against a floor of 101 ms by the sample helper).
    expect(rec.lines.at(-1)).toBe(
      `Use a pool only to keep the main thread free for other work (a server's event loop, a UI); then pool-piscina, the fastest off the main thread here (${formatRatio(101 / 51)} the main thread's throughput).`,
    );
  });

  it('never recommends a contender that failed, however its numbers look', () => {
    const fake = { ...failedRow('tinypool', 'cross-check: item 0 gave 1, the main thread 2') };
    const s = taskScenario([floor([100, 101, 102]), row('pool-piscina', [60, 61, 62]), fake]);
    const rec = recommend(s, ctx);
    expect(rec.contender).toBe('pool-piscina');
    const onlyFailed = recommend(taskScenario([floor([100, 101, 102]), fake]), ctx);
    expect(onlyFailed.outcome).toBe('none');
    expect(onlyFailed.contender).toBeNull();
    expect(onlyFailed.lines[0]).toBe(
      'No recommendation for render (src/render.ts): no pool ran beside the main thread (1 failed, the rest skipped — see the table).',
    );
  });
});

describe('the recommendation and the verdict agree', () => {
  it('carries the verdict’s tie list even when the main thread beat the tied pools (regression: it was emptied)', () => {
    const s = taskScenario([
      floor([10, 10.5, 11]),
      row('pool-piscina', [55, 56, 58]),
      row('piscina', [54, 57, 59]),
    ]);
    const rec = recommend(s, ctx);
    expect(s.verdict.outcome).toBe('tie');
    expect(rec.outcome).toBe('main-thread');
    expect(rec.tiedWith).toEqual(s.verdict.tiedWith);
    expect(rec.tiedWith.length).toBe(1);
  });
});

describe('a pool on the main thread', () => {
  it('is not recommended for a sync task when its lead over the floor is inside the floor’s spread', () => {
    const s = taskScenario([
      floor([50, 60, 75]),
      row('pool-inline', [52, 55, 70]),
      row('pool-piscina', [58, 62, 80]),
    ]);
    expect(s.verdict.leader?.id).toBe('pool-inline');
    const rec = recommend(s, ctx);
    expect(rec.outcome).toBe('main-thread');
    expect(rec.contender).toBeNull();
    expect(rec.mainThreadInSpread).toBe(true);
    expect(rec.lines[0]).toMatch(/inside the noise \(their IQRs overlap\): a pool gains nothing here\.$/);
    // Async, the same numbers are a tie with the main thread: in-flight tasks can overlap their waits.
    const asyncRec = recommend(s, { ...ctx, async: true });
    expect([asyncRec.outcome, asyncRec.contender]).toEqual(['tie', 'pool-inline']);
  });
});
