import { describe, expect, it } from 'vitest';
import { main, percentile } from '../dist/load-test.js';
import { quiet, runProgram } from './run-program.js';

describe('load-test', () => {
  it('sends all 300 requests with no errors, prints throughput and p50/p90/p99, and exits by itself', async () => {
    const run = await runProgram('load-test');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('completed 300/300 requests');
    expect(run.stdout).toMatch(/throughput [0-9.]+ req\/s \(target 200\/s\), errors 0/);
    expect(run.stdout).toMatch(/latency p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms/);
    expect(run.stdout).toContain('the server answered 300 requests');
  });

  it('sends exactly the configured count at no more than the configured rate', async () => {
    const result = await main({ requests: 120, rate: 100, concurrency: 8, print: quiet });
    expect(result.completed).toBe(120);
    expect(result.served).toBe(120);
    expect(result.errors).toBe(0);
    expect(result.timedOut).toBe(false);
    // At 100/s, 120 requests need at least ~1.1 s (the first window's 10 go at once).
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.throughput).toBeLessThanOrEqual(120);
    expect(result.latency.p50).toBeLessThanOrEqual(result.latency.p90);
    expect(result.latency.p90).toBeLessThanOrEqual(result.latency.p99);
    expect(result.latency.p99).toBeLessThanOrEqual(result.latency.max);
  });

  it('stops by itself at the duration limit when the request count would take longer', async () => {
    const result = await main({ requests: 1000, rate: 100, maxDurationMs: 600, print: quiet });
    expect(result.timedOut).toBe(true);
    expect(result.completed).toBeGreaterThan(0);
    expect(result.completed).toBeLessThan(1000);
    expect(result.errors).toBe(0);
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 90), percentile(values, 99)]).toEqual([50, 90, 99]);
    expect(percentile([7], 99)).toBe(7);
  });
});
