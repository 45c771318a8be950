import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describeBackend, probeConformance, probeCrash } from '@poolkit/core/testing';
import { describe, expect, it } from 'vitest';
import { ChildProcessBackend, main, PROBE_TASK, TEXT_TASKS } from '../dist/custom-adapter.js';
import { quiet, runProgram } from './run-program.js';

// The adapter passes the same conformance suite as every in-tree backend, crash section included.
describeBackend('ChildProcessBackend', () => new ChildProcessBackend({ module: PROBE_TASK, processes: 2 }), {
  ...probeConformance,
  crash: probeCrash,
});

const signal = () => new AbortController().signal;

describe('ChildProcessBackend beyond conformance', () => {
  it('a crashing child fails only its own task; a task running beside it succeeds', async () => {
    const backend = new ChildProcessBackend({ module: TEXT_TASKS, processes: 2 });
    try {
      const [crashed, slept] = await Promise.allSettled([
        backend.run(null, { signal: signal(), task: 'crash' }),
        backend.run(200, { signal: signal(), task: 'slow' }),
      ]);
      expect(crashed.status).toBe('rejected');
      expect((crashed as PromiseRejectedResult).reason).toMatchObject({
        name: 'WorkerCrashedError',
        code: 'ERR_WORKER_CRASHED',
      });
      expect(slept).toEqual({ status: 'fulfilled', value: 'slept 200 ms' });
      // A replacement child took the crashed one's place.
      const pids = await Promise.all(
        [1, 2, 3, 4].map(() => backend.run(null, { signal: signal(), task: 'pid' })),
      );
      expect(pids.every((pid) => typeof pid === 'number' && pid !== process.pid)).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('rejects every task with WorkerCrashedError when its module cannot be loaded', async () => {
    const backend = new ChildProcessBackend({
      module: new URL('./no-such-module.js', TEXT_TASKS),
      processes: 1,
    });
    try {
      const error = await backend.run('x', { signal: signal() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      expect(String((error as Error).message)).toContain('no-such-module.js');
    } finally {
      await backend.close();
    }
  });

  it('ready() resolves once every child has loaded the module', async () => {
    const backend = new ChildProcessBackend({ module: TEXT_TASKS, processes: 2 });
    try {
      await backend.ready();
      const pids = await Promise.all([1, 2].map(() => backend.run(50, { signal: signal(), task: 'slow' })));
      expect(pids).toEqual(['slept 50 ms', 'slept 50 ms']);
    } finally {
      await backend.close();
    }
  });

  it('keeps nothing alive when idle: a program that never calls close() still exits', async () => {
    // A file, not `--input-type=module -e`: Deno runs -e code as CommonJS whatever the flag says.
    const program = join(import.meta.dirname, 'fixtures', 'forgotten-backend.mjs');
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      execFile(process.execPath, [program], { timeout: 20_000 }, (error, out) =>
        resolve({ stdout: out, code: error ? 1 : 0 }),
      );
    });
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('2');
  });

  it('refuses tasks once closed, with PoolClosedError', async () => {
    const backend = new ChildProcessBackend({ module: TEXT_TASKS, processes: 1 });
    await backend.close();
    await expect(backend.run('x', { signal: signal() })).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
  });

  it('validates its options, naming the option and the value received', () => {
    expect(() => new ChildProcessBackend({ module: TEXT_TASKS, processes: 0 })).toThrow(
      /processes must be an integer from 1 to 64, received 0/,
    );
    expect(() => new ChildProcessBackend({ module: '' })).toThrow(TypeError);
  });
});

describe('custom-adapter', () => {
  it('prints results from two processes, the error, abort and crash, and exits by itself', async () => {
    const run = await runProgram('custom-adapter');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/6 'pid' tasks ran in 2 processes/);
    expect(run.stdout).toContain(
      'a failing task rejects with its own error: RangeError [ERR_REFUSED] refused: nope',
    );
    expect(run.stdout).toContain('rejects with AbortError');
    expect(run.stdout).toContain('rejects with WorkerCrashedError [ERR_WORKER_CRASHED]');
    expect(run.stdout).toContain('closed: 17 submitted = 14 succeeded + 2 failed + 1 cancelled');
  });

  it('main() returns what the children computed', async () => {
    const result = await main({ processes: 2, print: quiet });
    expect(result.words.the).toBe(5);
    expect(result.words.task).toBe(4);
    expect(result.pids).toHaveLength(2);
    expect(result.pids).not.toContain(process.pid);
    expect(result.error).toEqual({ name: 'RangeError', message: 'refused: nope', code: 'ERR_REFUSED' });
    expect(result.abortedWith).toBe('AbortError');
    expect(result.crashedWith).toEqual({ name: 'WorkerCrashedError', code: 'ERR_WORKER_CRASHED' });
    expect(result.afterCrash).toHaveLength(4);
    expect(result.stats).toEqual({ submitted: 17, succeeded: 14, failed: 2, cancelled: 1 });
  });
});
