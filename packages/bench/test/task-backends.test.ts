/**
 * The opt-in backends of a task run: BullMQBackend through a throwaway redis-server to one local
 * poolkit-worker process (`--redis local`), which stops with the run; and NativeBackend, whose
 * kernel library must exist.
 */
import { describe, expect, it } from 'vitest';
import { startedProcesses } from '../src/distributed/cluster.js';
import { TaskInputError } from '../src/task/errors.js';
import { benchmarkTask } from '../src/task/run.js';
import { SMALL, task } from './task-helpers.js';

/** True while a process with `pid` exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('opt-in backends of a task run', () => {
  it('runs a TypeScript task as BullMQ jobs through a throwaway Redis to a local poolkit-worker, and stops both', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('checksum.ts'),
      exportName: 'checksum',
      redis: 'local',
      backends: ['pool-bullmq-1w', 'pool-bullmq-1w-batched'],
    });
    const rows = report.scenarios[0].contenders;
    const started = startedProcesses();
    if (started.length === 0 && process.env.CI !== 'true') {
      // No redis-server here (outside CI): the rows say so rather than fail.
      for (const r of rows.slice(1))
        expect([r.status, r.reason]).toEqual(['skipped', expect.stringMatching(/redis-server/)]);
      return;
    }
    for (const r of rows) {
      expect(r.status, `${r.id}: ${r.reason}`).toBe('ok');
      expect(r.crossCheck).toEqual({ items: 4, equal: true });
    }
    expect(started.map((p) => p.kind).sort()).toEqual(['poolkit-worker', 'redis-server']);
    for (const p of started) expect(alive(p.pid), `${p.kind} ${p.pid}`).toBe(false);
  });

  it('fails the BullMQ rows of a task whose outputs JSON cannot carry, with BullMQBackend’s own message', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('shapes.cjs'),
      exportName: 'area',
      redis: 'local',
      backends: ['pool-bullmq-1w-batched'],
    });
    const [, bullmq] = report.scenarios[0].contenders;
    if (bullmq.status === 'skipped' && process.env.CI !== 'true')
      return void expect(bullmq.reason).toMatch(/redis-server/);
    expect(bullmq.status).toBe('failed');
    expect(bullmq.reason).toBe(
      'TypeError: the result.tags must be JSON data to travel through Redis (BullMQBackend), received an instance of Set; send plain objects, arrays, strings, finite numbers, booleans and null',
    );
  });

  it('refuses a kernel library that does not exist, before anything runs', async () => {
    const error = await benchmarkTask({
      ...SMALL,
      module: task('square.mjs'),
      library: './no-such-lib.so',
      kernel: 'square',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskInputError);
    expect((error as TaskInputError).code).toBe('ERR_TASK_OPTION');
    expect((error as TaskInputError).message).toBe('no such kernel library: ./no-such-lib.so');
  });
});
