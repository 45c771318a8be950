import { describe, expect, it } from 'vitest';
import { main } from '../dist/job-types.js';
import { quiet, runProgram } from './run-program.js';

describe('job-types', () => {
  it('runs both job types through one pool and prints that all 12 succeeded', async () => {
    const run = await runProgram('job-types');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('all done: 12/12 succeeded, 0 failed, 0 cancelled');
    expect(run.stdout).toMatch(/batch-6 +batch +→ 171/);
    expect(run.stdout).toMatch(/single-6 +single → hello, user 6/);
  });

  it('every job of each type reports its own result, and no more than maxWorkers run at once', async () => {
    const result = await main({ jobsPerType: 5, maxWorkers: 2, queueCapacity: 2, print: quiet });
    expect(result.stats).toEqual({ submitted: 10, succeeded: 10, failed: 0, cancelled: 0 });
    const batch = result.reports.filter((r) => r.kind === 'batch').sort((a, b) => a.job.localeCompare(b.job));
    const single = result.reports
      .filter((r) => r.kind === 'single')
      .sort((a, b) => a.job.localeCompare(b.job));
    expect(batch.map((r) => r.result)).toEqual([1, 2, 3, 4, 5].map((i) => (3 * i * (3 * i + 1)) / 2));
    expect(single.map((r) => r.result)).toEqual([1, 2, 3, 4, 5].map((i) => `hello, user ${i}`));
    expect(result.peakRunning).toBeLessThanOrEqual(2);
  });
});
