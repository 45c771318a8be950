/**
 * The programmatic entry, as a user's CI would call it: `benchmarkTask(options)` from the
 * package's index resolves with a report that passes `checkReport`, its recommendation in it.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchmarkTask, checkReport, recommendationText, TASK_CONTENDER_IDS } from '../src/index.js';
import { SMALL, task } from './task-helpers.js';

describe('benchmarkTask from the package index', () => {
  it('resolves with a checked report of every selected contender and a recommendation naming the verdict’s pick', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('square.mjs'),
      backends: ['pool-inline', 'pool-piscina', 'pool-piscina-batched'],
      budgetSeconds: 30,
    });
    expect(checkReport(report)).toEqual([]);
    expect(report.task.budgetSeconds).toBe(30);
    const [scenario] = report.scenarios;
    expect(scenario.contenders.map((c) => c.id)).toEqual([
      'floor',
      'pool-inline',
      'pool-piscina',
      'pool-piscina-batched',
    ]);
    for (const c of scenario.contenders) expect(c.status, `${c.id}: ${c.reason}`).toBe('ok');
    // A tiny task: one call costs nanoseconds, so no pool beats the plain loop by the medians.
    expect(scenario.verdict.floorSpeedup).toBeLessThan(1);
    expect(report.recommendation.outcome).toBe('main-thread');
    expect(report.recommendation.contender).toBeNull();
    expect(recommendationText(report.recommendation)[0]).toMatch(
      /^Recommendation for square \(test\/fixtures\/tasks\/square\.mjs\): call it on the main thread, without a pool\./,
    );
    expect(TASK_CONTENDER_IDS[0]).toBe('floor');
  });

  it('leaves no handle and no generated wrapper behind', async () => {
    // This process's wrapper folders (other test files run in other processes).
    const wrappers = () =>
      readdirSync(tmpdir()).filter((name) => name.startsWith(`poolkit-bench-task-${process.pid}-`));
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const report = await benchmarkTask({
      ...SMALL,
      module: task('shapes.cjs'),
      exportName: 'area',
      backends: ['piscina', 'poolifier'],
    });
    expect(report.scenarios[0].contenders.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    expect(after).toBeLessThanOrEqual(before);
    expect(wrappers()).toEqual([]);
  });
});
