/**
 * The cross-check of a task run: a contender whose outputs differ from the main thread's, or
 * that throws, is `failed` with the reason and never timed — and never recommended.
 */
import { describe, expect, it } from 'vitest';
import { benchmarkTask } from '../src/task/run.js';
import { SMALL, task } from './task-helpers.js';

describe('the cross-check of a task', () => {
  it('fails the thread contenders of a task that answers differently in a worker thread', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('thread-differs.mjs'),
      backends: ['pool-inline', 'pool-piscina', 'pool-piscina-batched', 'tinypool'],
    });
    const [scenario] = report.scenarios;
    const rows = Object.fromEntries(scenario.contenders.map((c) => [c.id, c]));
    for (const id of ['floor', 'pool-inline']) expect(rows[id].status, id).toBe('ok');
    for (const id of ['pool-piscina', 'pool-piscina-batched', 'tinypool']) {
      expect(rows[id].status, id).toBe('failed');
      expect(rows[id].reason, id).toBe("cross-check: item 0 gave 'worker:0', the main thread 'main:0'");
      expect(rows[id].crossCheck).toEqual({ items: 4, equal: false });
      expect(rows[id].batch, id).toBeNull();
    }
    expect(scenario.verdict.outcome).toBe('alone');
    expect(scenario.verdict.leader?.id).toBe('pool-inline');
    expect(
      report.recommendation.contender === null || report.recommendation.contender === 'pool-inline',
    ).toBe(true);
    expect(report.recommendation.lines.join('\n')).not.toMatch(/pool-piscina|tinypool/);
  });

  it('fails every contender of a task that throws on every input, with the task’s own error', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('throws.mjs'),
      backends: ['pool-inline', 'pool-piscina-batched', 'workerpool'],
    });
    for (const c of report.scenarios[0].contenders) {
      expect(c.status, c.id).toBe('failed');
      expect(c.reason, c.id).toBe('RangeError: cannot parse "doc-0"');
    }
    expect(report.task.notes).toContain(
      'in a worker thread the task threw on 16 of 16 inputs, first on input #0: RangeError: cannot parse "doc-0"',
    );
    expect(report.recommendation.outcome).toBe('none');
    expect(report.recommendation.contender).toBeNull();
    expect(report.recommendation.lines[0]).toBe(
      'No recommendation for throws (test/fixtures/tasks/throws.mjs): the floor (the main thread) failed — RangeError: cannot parse "doc-0".',
    );
  });
});
