/**
 * Where a task's inputs come from — the module's inputs(count) (an array or any iterable), a
 * JSON file, or an array given from code — and how a batch is made of them: the first `tasks`
 * inputs, a shorter source cycled, and the batch sized from the probe when `tasks` is not given.
 */
import { describe, expect, it } from 'vitest';
import { benchmarkTask } from '../src/task/run.js';
import { SMALL, TASKS, task } from './task-helpers.js';

const small = { ...SMALL, backends: ['pool-inline'] } as const;

describe('task inputs', () => {
  it('inputs(count) of the module: called with the batch size, an array', async () => {
    const report = await benchmarkTask({ ...small, module: task('square.mjs') });
    expect(report.task.inputs).toEqual({ source: 'module', tasks: 16, distinct: 16 });
    expect(report.task.sized).toBe('given');
    expect(report.scenarios[0].tasks).toBe(16);
    expect(report.settings.tasks).toEqual({ task: 16 });
  });

  it('inputs(count) returning a generator: taken up to count', async () => {
    const report = await benchmarkTask({ ...small, module: task('shapes.cjs'), exportName: 'area' });
    expect(report.task.inputs).toEqual({ source: 'module', tasks: 16, distinct: 16 });
    expect(report.scenarios[0].contenders.map((c) => c.status)).toEqual(['ok', 'ok']);
  });

  it('a JSON file: its array, cycled to the batch size, said in a note', async () => {
    const report = await benchmarkTask({
      ...small,
      module: task('no-inputs.mjs'),
      exportName: 'double',
      inputs: 'numbers.json',
      cwd: TASKS,
    });
    expect(report.task.inputs).toEqual({ source: 'file', file: 'numbers.json', tasks: 16, distinct: 5 });
    expect(report.task.notes).toContain('the inputs gave 5 distinct items, cycled to 16 per batch');
    expect(report.scenarios[0].contenders.every((c) => c.status === 'ok' && c.crossCheck?.equal)).toBe(true);
  });

  it('an array given from code, even when the module exports inputs', async () => {
    const report = await benchmarkTask({ ...small, module: task('square.mjs'), inputs: [7, 8, 9] });
    expect(report.task.inputs).toEqual({ source: 'array', tasks: 16, distinct: 3 });
  });

  it('without tasks, the batch is sized from the probe: tiny tasks get the mode’s largest batch', async () => {
    const report = await benchmarkTask({ ...small, tasks: undefined, module: task('square.mjs') });
    expect(report.task.sized).toBe('auto');
    expect(report.task.inputs.tasks).toBe(2000);
    expect(report.task.threadCostMs).toBeGreaterThan(0);
    expect(report.task.threadCostMs).toBeLessThan(1);
  });
});
