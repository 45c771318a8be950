/**
 * The per-task limit: a task that never returns on one input is found by the probe thread, which
 * is ended; every contender fails with that reason and nothing is opened or timed — the run ends
 * instead of hanging. Inputs no thread can receive skip the thread contenders instead.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { benchmarkTask } from '../src/task/run.js';
import { cli, outFlags, SMALL, SMALL_FLAGS, TASKS, task, tempDir } from './task-helpers.js';

const out = tempDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the per-task limit', () => {
  it('cuts a task that hangs on input #3 and fails every contender with it, well before the limit × tasks', async () => {
    const t0 = performance.now();
    const report = await benchmarkTask({
      ...SMALL,
      module: task('hangs.mjs'),
      taskTimeoutMs: 300,
      backends: ['pool-inline', 'pool-piscina-batched', 'piscina'],
    });
    expect(performance.now() - t0).toBeLessThan(20_000);
    const reasons = report.scenarios[0].contenders.map((c) => [c.id, c.status, c.reason]);
    const reason =
      'the task ran past the per-task limit of 300 ms on input #3 in the probe thread (which was ended); nothing was timed';
    expect(reasons).toEqual([
      ['floor', 'failed', reason],
      ['pool-inline', 'failed', reason],
      ['pool-piscina-batched', 'failed', reason],
      ['piscina', 'failed', reason],
    ]);
    expect(report.recommendation.outcome).toBe('none');
  });

  it('makes the CLI exit 1 for a hanging task, with the reason, within seconds', async () => {
    const run = await cli(
      [
        '--task',
        'hangs.mjs',
        '--task-timeout',
        '300',
        '--backend',
        'pool-inline',
        ...SMALL_FLAGS,
        ...outFlags(out),
      ],
      { cwd: TASKS, timeout: 30_000 },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('floor: the task ran past the per-task limit of 300 ms on input #3');
  });
});

describe('inputs no thread can receive', () => {
  it('skip the thread contenders with the reason, run the rest, and make the CLI exit 2 after the run', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('uncloneable.mjs'),
      backends: ['pool-inline', 'pool-piscina', 'piscina'],
    });
    const rows = Object.fromEntries(report.scenarios[0].contenders.map((c) => [c.id, c]));
    for (const id of ['floor', 'pool-inline']) expect(rows[id].status).toBe('ok');
    for (const id of ['pool-piscina', 'piscina']) {
      expect(rows[id].status).toBe('skipped');
      expect(rows[id].reason).toMatch(
        /^the inputs cannot be cloned to a thread: input #0 \(\{ x: 0, f: \[Function: f\] \}\): DataCloneError: /,
      );
    }
    expect(report.task.problems).toHaveLength(1);
    expect(report.task.problems[0].code).toBe('ERR_INPUTS_NOT_CLONEABLE');
    expect(report.task.problems[0].message).toMatch(
      /that rules out pool-piscina, pool-piscina-batched, pool-piscina-submitall, pool-bullmq-1w, pool-bullmq-1w-batched, piscina, tinypool, workerpool, poolifier; the rest ran$/,
    );

    const run = await cli(
      [
        '--task',
        'uncloneable.mjs',
        '--backend',
        'pool-inline,pool-piscina',
        ...SMALL_FLAGS,
        ...outFlags(out),
      ],
      { cwd: TASKS },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/poolkit-bench: the inputs cannot be cloned to a worker thread — input #0/);
    expect(run.stdout).toMatch(/Recommendation for uncloneable/);
  });
});
