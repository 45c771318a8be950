import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REDIS_INSTALL, requireRedis, skipRedis } from '@poolkit/bullmq/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../dist/distributed.js';
import { primes } from '../dist/workers/distributed-tasks.js';
import { quiet, runProgram } from './run-program.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0); // no /proc: ask the kernel
      return true;
    } catch {
      return false;
    }
  }
}

/** The pids the example printed: its redis-server and its poolkit-worker processes. */
function printedPids(stdout: string): { redis: number; workers: number[] } {
  const redis = Number(/redis-server (\d+) on redis:/.exec(stdout)?.[1]);
  const workers = (/poolkit-worker ([\d, ]+) ready/.exec(stdout)?.[1] ?? '').split(', ').map(Number);
  return { redis, workers };
}

/** What the 'per worker:' line says: tasks per `<host>:<pid>`. */
function perWorker(stdout: string): Map<string, number> {
  const line = /per worker: (.*)/.exec(stdout)?.[1] ?? '';
  return new Map([...line.matchAll(/(\S+:\d+) → (\d+)/g)].map((m): [string, number] => [m[1], Number(m[2])]));
}

/** Primes in the ranges the example gives its first `tasks` tasks, counted here. */
function expectedPrimes(tasks: number): number {
  let sum = 0;
  for (let i = 0; i < tasks; i++) sum += primes({ from: 1e6 + i * 50_000, to: 1e6 + (i + 1) * 50_000 }).count;
  return sum;
}

describe.skipIf(skipRedis)('distributed, with a real redis-server', () => {
  beforeAll(requireRedis); // in CI a missing redis-server fails these tests instead of skipping them

  it('runs every task on two workers, counts each worker, and leaves no process behind', async () => {
    const run = await runProgram('distributed', ['--tasks', '40']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('40/40 tasks done, 0 failed');
    expect(run.stdout).toContain(`${expectedPrimes(40)} primes in [1000000, 3000000)`);
    expect(run.stdout).toMatch(
      /worker command: poolkit-worker --redis redis:\/\/127\.0\.0\.1:\d+ --module \S+/,
    );
    expect(run.stdout).toMatch(/elapsed [0-9.]+ s, [0-9.]+ tasks\/s/);

    const pids = printedPids(run.stdout);
    expect(pids.workers).toHaveLength(2);
    const counts = perWorker(run.stdout);
    expect(counts.size).toBe(2);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(40);
    for (const [worker, n] of counts) {
      expect(n).toBeGreaterThan(0);
      expect(pids.workers).toContain(Number(worker.slice(worker.lastIndexOf(':') + 1)));
    }
    expect(run.stdout).toContain(
      `workers after SIGTERM: ${pids.workers[0]} code 0, ${pids.workers[1]} code 0; redis-server ${pids.redis} stopped`,
    );
    for (const pid of [pids.redis, ...pids.workers]) expect(running(pid)).toBe(false);
  });

  it('Ctrl-C mid-run stops the pool, the workers and Redis, and exits 130', async () => {
    const child = spawn(process.execPath, ['dist/distributed.js', '--tasks', '20000'], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/poolkit-worker [\d, ]+ ready/.test(stdout)) resolve();
      });
      void exited.then(() => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // tasks in flight on both workers
    const interrupted = performance.now();
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(130);
    expect(performance.now() - interrupted).toBeLessThan(10_000);
    expect(stdout).toContain('SIGINT: stopping the pool, the workers and Redis');
    expect(stdout).not.toContain('tasks done');
    expect(stderr).toContain(
      'distributed: interrupted by SIGINT; the pool, the workers and Redis are stopped',
    );
    const pids = printedPids(stdout);
    expect(pids.workers).toHaveLength(2);
    for (const pid of [pids.redis, ...pids.workers]) expect(running(pid)).toBe(false);
  });

  it('main() returns the counts and pids, and removes its signal handlers', async () => {
    const listeners = process.listenerCount('SIGINT');
    const result = await main({ tasks: 12, workers: 2, print: quiet });
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(result).toMatchObject({ tasks: 12, succeeded: 12, failed: 0, primes: expectedPrimes(12) });
    expect(Object.values(result.perWorker).reduce((a, b) => a + b, 0)).toBe(12);
    expect(result.workerExits).toEqual(['code 0', 'code 0']);
    for (const pid of [result.pids.redis, ...result.pids.workers]) expect(running(pid)).toBe(false);
  });
});

describe('distributed, without a usable redis-server', () => {
  it('says what is wrong and how to install it, exits 1, and starts no worker', async () => {
    const run = await runProgram('distributed', ['--redis-server', '/nonexistent/redis-server']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'distributed: could not start redis-server: could not run /nonexistent/redis-server',
    );
    expect(run.stderr).toContain(REDIS_INSTALL);
    expect(run.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(run.stdout).not.toContain('worker command');
  });
});
