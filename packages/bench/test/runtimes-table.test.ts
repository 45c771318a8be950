import { describe, expect, it } from 'vitest';
import { relativeIqr, runtimesTable } from '../src/report/runtimes.js';
import type { BenchReport } from '../src/report/types.js';
import { env, measured, sampleReport } from './sample-report.js';

const bun: BenchReport = {
  ...sampleReport,
  environment: { ...env, runtime: { name: 'bun', version: '1.4.4' }, node: 'v26.3.0', loadAverage: 1.26 },
  scenarios: sampleReport.scenarios.slice(0, 2),
};

describe('the table of runs on several runtimes', () => {
  const table = runtimesTable(
    [{ ...sampleReport, scenarios: sampleReport.scenarios.slice(0, 2) }, bun],
    ['pool-native-batched', 'piscina', 'pool-native'],
  );
  const lines = table.split('\n');

  it('has a header naming each chosen contender, then a row per runtime and scenario', () => {
    expect(lines[0]).toBe(
      '| runtime | load at start | workload | floor tasks/s | pool-native-batched <label>: tasks/s (× floor) | piscina <label>: tasks/s (× floor) | pool-native <label>: tasks/s (× floor) | widest IQR |',
    );
    expect(lines[1]).toBe('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
    expect(lines.slice(2).map((l) => l.split(' | ').slice(0, 3).join(' | '))).toEqual([
      '| Node v20.20.2 | 0.5 | md5',
      '| Node v20.20.2 | 0.5 | noop',
      '| Bun 1.4.4 (Node-compatible v26.3.0) | 1.3 | md5',
      '| Bun 1.4.4 (Node-compatible v26.3.0) | 1.3 | noop',
    ]);
  });

  it('gives tasks/s and the speed-up over the same run’s floor, and says when a contender did not run', () => {
    // md5: floor median 4.5 ms for 1000 tasks; pool-native-batched 4.05 ms; piscina 52 ms.
    expect(lines[2]).toBe(
      '| Node v20.20.2 | 0.5 | md5 | 222,222 | 246,914 (1.11×) | 19,231 (0.0865×) | not run | 4 % |',
    );
    expect(lines[3]).toContain('| noop | 588,235,294 | not run | not run | skipped |');
  });

  it('takes the widest IQR over the median of the row’s contenders', () => {
    // piscina's md5 batches 50, 51, 52, 53, 55 ms: Q1 51, Q3 53, median 52.
    expect(relativeIqr(measured('piscina', [50, 52, 55, 51, 53], 1000, 4.5))).toBeCloseTo(2 / 52, 12);
    expect(relativeIqr({ ...measured('piscina', [1], 1, 1), status: 'failed', batch: null })).toBeUndefined();
  });
});
