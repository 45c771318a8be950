import { describe, expect, it } from 'vitest';
import { main } from '../dist/prometheus-metrics.js';
import { quiet, runProgram } from './run-program.js';

/** The samples of Prometheus text: `name{labels} value` lines (comments left out). */
function samples(text: string) {
  return text
    .split('\n')
    .map((line) => line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/))
    .filter((m) => m !== null)
    .map(([, name, labels = '', value]) => ({
      name,
      labels: Object.fromEntries([...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]])),
      value: Number(value),
    }));
}

/** The sum of the samples named `name` whose labels include `where`. */
function total(text: string, name: string, where: Record<string, string> = {}): number {
  return samples(text)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('prometheus-metrics', () => {
  it('serves /metrics on a free port, prints the poolkit families with counts that add up, and exits by itself', async () => {
    const run = await runProgram('prometheus-metrics', ['--port', '0', '--seconds', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    const summary = run.stdout.match(
      /submitted (\d+) tasks in [0-9.]+ s: (\d+) succeeded, (\d+) failed, (\d+) timed out/,
    );
    expect(summary, 'the summary line').not.toBeNull();
    const [submitted, succeeded, failed, timedOut] = summary!.slice(1).map(Number);
    expect(submitted).toBeGreaterThanOrEqual(20); // one every ~10 ms for 1 s, even on a loaded machine
    expect(succeeded + failed + timedOut).toBe(submitted);
    expect(failed).toBeGreaterThan(0); // every 10th image is corrupt
    expect(timedOut).toBeGreaterThan(0); // image 13 takes 2 s, the timeout is 250 ms
    expect(run.stdout).toMatch(/→ 200; its poolkit lines/);

    for (const family of [
      '# TYPE poolkit_task_duration histogram',
      '# TYPE poolkit_task_queue_wait histogram',
      '# TYPE poolkit_task_finished_total counter',
      '# TYPE poolkit_pool_waiting gauge',
      '# TYPE poolkit_pool_running gauge',
    ]) {
      expect(run.stdout).toContain(family);
    }
    expect(run.stdout).not.toMatch(/_bucket\{/); // left out of the printout
    const pool = { poolkit_pool_name: 'thumbnails', poolkit_backend: 'inline' };
    const finished = (outcome: string) =>
      total(run.stdout, 'poolkit_task_finished_total', { ...pool, poolkit_outcome: outcome });
    expect(total(run.stdout, 'poolkit_task_finished_total', pool)).toBe(submitted);
    expect(finished('succeeded')).toBe(succeeded);
    expect(finished('failed')).toBe(failed);
    expect(finished('timed_out')).toBe(timedOut);
    expect(total(run.stdout, 'poolkit_task_finished_total', { error_type: 'E_CORRUPT' })).toBe(failed);
    expect(total(run.stdout, 'poolkit_task_finished_total', { error_type: 'ERR_TASK_TIMEOUT' })).toBe(
      timedOut,
    );
    expect(total(run.stdout, 'poolkit_task_duration_count', pool)).toBe(submitted);
    expect(total(run.stdout, 'poolkit_task_queue_wait_count', pool)).toBe(submitted);
    // every timed-out try ran its 250 ms (in seconds: the sum is not in ms)
    const timedOutSeconds = total(run.stdout, 'poolkit_task_duration_sum', { poolkit_outcome: 'timed_out' });
    expect(timedOutSeconds).toBeGreaterThanOrEqual(0.2 * timedOut);
    expect(timedOutSeconds).toBeLessThan(30);
    // scraped after every task settled: nothing waits or runs
    expect(total(run.stdout, 'poolkit_pool_waiting', pool)).toBe(0);
    expect(total(run.stdout, 'poolkit_pool_running', pool)).toBe(0);
  });

  it('main() returns the whole scrape, agrees with pool.stats, and leaves no server listening', async () => {
    const result = await main({ port: 0, seconds: 0.5, print: quiet });
    expect(result.stats.submitted).toBe(result.submitted);
    expect(result.stats.succeeded).toBe(result.succeeded);
    expect(result.stats.failed).toBe(result.failed + result.timedOut);
    expect(result.stats.cancelled).toBe(0);
    expect(result.scrape).toContain('# TYPE target_info gauge');
    expect(total(result.scrape, 'poolkit_task_finished_total')).toBe(result.submitted);
    expect(samples(result.scrape).some((s) => s.name === 'poolkit_task_duration_bucket')).toBe(true);
    await expect(fetch(result.url)).rejects.toThrow(); // the exporter's server is closed
  });
});
