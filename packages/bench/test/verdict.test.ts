import { describe, expect, it } from 'vitest';
import type { ContenderResult } from '../src/report/types.js';
import { verdictLine } from '../src/report/verdict-line.js';
import { MIN_SAMPLES, overlaps, spreadOf, verdictOf } from '../src/verdict.js';
import { measured, sampleReport } from './sample-report.js';

const T = 1000;

describe('the verdict', () => {
  it('takes nearest-rank quartiles of the batch times as the spread', () => {
    expect(spreadOf('piscina', [5, 1, 4, 2, 3])).toEqual({
      id: 'piscina',
      n: 5,
      medianMs: 3,
      q1Ms: 2,
      q3Ms: 4,
      minMs: 1,
      maxMs: 5,
    });
    // Three samples: the quartiles are the lowest and the highest.
    expect(spreadOf('piscina', [2, 9, 4])).toMatchObject({ q1Ms: 2, q3Ms: 9, medianMs: 4 });
  });

  it('calls IQRs that overlap or touch overlapping, and apart ones not', () => {
    const a = spreadOf('piscina', [1, 2, 3]);
    expect(overlaps(a, spreadOf('tinypool', [2.5, 3.5, 4]))).toBe(true);
    expect(overlaps(a, spreadOf('tinypool', [3, 4, 5]))).toBe(true);
    expect(overlaps(a, spreadOf('tinypool', [3.01, 4, 5]))).toBe(false);
    expect(overlaps(spreadOf('tinypool', [3.01, 4, 5]), a)).toBe(false);
  });

  it('names the lowest median the winner when its IQR is apart from every other, with the margin over the next', () => {
    const v = verdictOf([
      measured('floor', [10, 10, 10], T, 10),
      measured('piscina', [5, 5.2, 5.4], T, 10),
      measured('tinypool', [4, 4.1, 4.2], T, 10),
      measured('workerpool', [8, 8.5, 9], T, 10),
    ]);
    expect(v.outcome).toBe('win');
    expect(v.leader?.id).toBe('tinypool');
    expect(v.next?.id).toBe('piscina');
    expect(v.margin).toBeCloseTo(5.2 / 4.1, 12);
    expect(v.tiedWith).toEqual([]);
    expect(v.floorSpeedup).toBeCloseTo(10 / 4.1, 12);
  });

  it('calls a lead inside the spread a tie, naming every contender whose IQR overlaps the leader’s', () => {
    const v = verdictOf([
      measured('piscina', [4, 4.1, 4.6], T, 1),
      measured('tinypool', [4.5, 4.7, 4.9], T, 1),
      measured('workerpool', [9, 9.5, 10], T, 1),
      // A wide spread reaching the leader's counts even behind a contender that does not.
      measured('poolifier', [3.9, 9.8, 20], T, 1),
    ]);
    expect(v.outcome).toBe('tie');
    expect(v.leader?.id).toBe('piscina');
    expect(v.next?.id).toBe('tinypool');
    expect(v.tiedWith).toEqual(['tinypool', 'poolifier']);
    expect(v.margin).toBeCloseTo(4.7 / 4.1, 12);
  });

  it('keeps the floor and the computed I/O floor out of the race and reports the leader’s speed-up over it', () => {
    const cpu = verdictOf([measured('floor', [1, 1, 1], T, 1), measured('piscina', [4, 4, 4], T, 1)]);
    expect(cpu.outcome).toBe('alone');
    expect(cpu.leader?.id).toBe('piscina');
    expect(cpu.floorSpeedup).toBeCloseTo(0.25, 12);
    const io = verdictOf([
      measured('floor', [500], 100, 500, { computed: true }),
      measured('fastq', [101, 102, 103], 100, 500),
    ]);
    expect(io.leader?.id).toBe('fastq');
    expect(io.floorSpeedup).toBeCloseTo(500 / 102, 12);
  });

  it('leaves skipped and failed contenders out: one left is alone, none left gives no verdict', () => {
    const skipped: ContenderResult = {
      ...measured('tinypool', [1, 1, 1], T, 1),
      status: 'skipped',
      reason: 'x',
    };
    const failed: ContenderResult = {
      ...measured('workerpool', [1, 1, 1], T, 1),
      status: 'failed',
      reason: 'y',
    };
    const alone = verdictOf([skipped, failed, measured('piscina', [4, 5, 6], T, 1)]);
    expect(alone).toMatchObject({ outcome: 'alone', next: null, margin: null, floorSpeedup: null });
    expect(verdictOf([measured('floor', [1, 1, 1], T, 1), skipped])).toEqual({
      outcome: 'none',
      leader: null,
      next: null,
      margin: null,
      tiedWith: [],
      floorSpeedup: null,
    });
  });

  it(`refuses to call a race where a contender has fewer than ${MIN_SAMPLES} batches, still naming who led`, () => {
    const v = verdictOf([measured('piscina', [4, 4.1], T, 1), measured('tinypool', [9, 9.1, 9.2], T, 1)]);
    expect(v.outcome).toBe('too-few-samples');
    expect(v.leader?.id).toBe('piscina');
    expect(v.margin).toBeCloseTo(9.1 / 4.05, 12);
    expect(v.tiedWith).toEqual([]);
  });

  it('breaks equal medians by table order', () => {
    const v = verdictOf([measured('tinypool', [4, 4, 4], T, 1), measured('piscina', [4, 4, 4], T, 1)]);
    expect([v.leader?.id, v.next?.id, v.outcome]).toEqual(['tinypool', 'piscina', 'tie']);
  });
});

describe('the verdict line', () => {
  const [md5, noop, sleep] = sampleReport.scenarios;

  it('names the winner, its lead with three significant digits, both IQRs and the speed-up over the floor', () => {
    expect(verdictLine(md5)).toBe(
      'md5: pool-native-batched wins, 1.14× ahead of native-batch (IQR 4.02–4.08 ms vs 4.55–4.65 ms, apart) · 1.11× the floor',
    );
  });

  it('calls a tie a tie and prints small ratios sensibly', () => {
    expect(verdictLine(noop)).toBe(
      'noop: tie between pool-inline, fastq (IQRs overlap) — pool-inline 1.12× ahead of fastq (IQR 1.25–1.40 ms vs 1.35–1.50 ms) · 0.00262× the floor',
    );
    expect(verdictLine(sleep)).toMatch(/^sleep-c5: tie between pool-inline, fastq .* · 4\.91× the floor$/);
  });

  it('says when there are too few batches, when one contender ran and when none did', () => {
    const few = verdictOf([measured('piscina', [4], T, 1), measured('tinypool', [9], T, 1)]);
    expect(verdictLine({ id: 'md5', verdict: few })).toBe(
      'md5: too few batches to call (a contender has fewer than 3; raise --iterations) — piscina 2.25× ahead of tinypool (IQR 4.00–4.00 ms vs 9.00–9.00 ms)',
    );
    const alone = verdictOf([measured('piscina', [0.5, 0.6, 0.7], T, 1)]);
    expect(verdictLine({ id: 'md5', verdict: alone })).toBe('md5: only piscina ran (IQR 500–700 µs)');
    expect(verdictLine({ id: 'md5', verdict: verdictOf([]) })).toBe(
      'md5: no verdict — no contender besides the floor ran',
    );
  });
});
