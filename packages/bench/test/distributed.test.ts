/**
 * The distributed scenario on a real redis-server (from `@poolkit/bullmq/testing`) and real
 * poolkit-worker processes: it runs end to end on a tiny batch, every contender reports numbers,
 * and nothing it started outlives the run — after a normal end, after stopCluster() with
 * contenders still holding the cluster, and after SIGINT to the CLI. Without redis-server it is
 * skipped, saying so, outside CI, and fails in CI (CI=true). The BullMQ contenders' skip-or-fail
 * rule is tested without Redis.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireRedis, skipRedis } from '@poolkit/bullmq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkipError } from '../src/contender.js';
import { DISTRIBUTED_CONTENDERS } from '../src/contenders/registry.js';
import { acquire, missingRedis, startedProcesses, stopCluster } from '../src/distributed/cluster.js';
import { WORKER_CONCURRENCY } from '../src/distributed/scenario.js';
import { runSuite, WORKER_DIR } from '../src/harness.js';
import { type BenchConfig, parseOptions } from '../src/options.js';
import { checkReport } from '../src/report/schema.js';
import { RUN_SCRIPT } from './this-runtime.js';

const CLI = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'cli.js');

/** True while `pid` runs (a zombie, ended but not yet reaped, does not count). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The child processes of `pid`, from every one of its threads. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** The command line of `pid`, arguments joined by spaces. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('a missing redis-server', () => {
  it('skips the BullMQ contenders with the reason outside CI, fails them in CI, and is nothing when present', () => {
    const skip = missingRedis(false, false, 'no redis-server (apt-get install -y redis-server)');
    expect(skip).toBeInstanceOf(SkipError);
    expect(skip?.message).toBe('no redis-server (apt-get install -y redis-server)');
    const fail = missingRedis(false, true, 'no redis-server');
    expect(fail).toBeInstanceOf(Error);
    expect(fail).not.toBeInstanceOf(SkipError);
    expect(fail?.message).toMatch(/must be installed in CI \(CI=true\): no redis-server/);
    expect(missingRedis(true, true, 'unused')).toBeUndefined();
  });
});

describe.skipIf(skipRedis)(
  'the distributed scenario (a real redis-server, real poolkit-worker processes)',
  () => {
    beforeAll(requireRedis);

    it('runs end to end on a tiny batch, reports numbers > 0 for every contender, and leaves no process behind', async () => {
      const before = startedProcesses().length;
      const config = parseOptions([
        ...['--workload', 'distributed', '--tasks', '40', '--time', '20', '--iterations', '2'],
        ...['--warmup', '1', '--rounds', '1', '--latency', '3', '--no-progress'],
      ]) as BenchConfig;
      const report = await runSuite(config);
      expect(checkReport(report)).toEqual([]);
      expect(report.settings.tasks).toEqual({ distributed: 40 });
      expect(report.scenarios.map((s) => s.id)).toEqual(['distributed']);
      const [scenario] = report.scenarios;
      expect(scenario.workload).toBe('noop');
      expect(scenario.setup).toMatch(/poolkit-worker/);
      expect(scenario.contenders.map((c) => c.id)).toEqual([...DISTRIBUTED_CONTENDERS]);
      for (const c of scenario.contenders) {
        expect(c.status, `${c.id}: ${c.reason}`).toBe('ok');
        expect(c.crossCheck, c.id).toEqual({ items: 8, equal: true });
        expect(c.tasksPerSec, c.id).toBeGreaterThan(0);
        expect(c.batch?.stats.medianMs, c.id).toBeGreaterThan(0);
        expect(c.latency?.samples.length, c.id).toBeGreaterThanOrEqual(3);
        expect(c.latency?.stats.medianMs, c.id).toBeGreaterThan(0);
        expect(c.latency?.stats.p99Ms, c.id).toBeGreaterThan(0);
      }
      // One Redis and 1 + 2 worker processes (the batched contenders share their groups), all gone.
      const started = startedProcesses().slice(before);
      expect(started.filter((p) => p.kind === 'redis-server')).toHaveLength(1);
      expect(started.filter((p) => p.kind === 'poolkit-worker')).toHaveLength(3);
      for (const p of started) expect(alive(p.pid), `${p.kind} ${p.pid}`).toBe(false);
    });

    it('stopCluster() ends Redis and every worker at once, though leases are still held', async () => {
      const before = startedProcesses().length;
      const module = join(WORKER_DIR, 'distributed.js');
      const one = await acquire({ workers: 1, concurrency: WORKER_CONCURRENCY, module });
      const two = await acquire({ workers: 2, concurrency: WORKER_CONCURRENCY, module });
      expect(one.group.url).toBe(two.group.url);
      expect(one.group.queue).not.toBe(two.group.queue);
      const pids = [...one.group.pids, ...two.group.pids];
      expect(pids).toHaveLength(3);
      const started = startedProcesses().slice(before);
      expect(started.map((p) => p.kind).sort()).toEqual([
        'poolkit-worker',
        'poolkit-worker',
        'poolkit-worker',
        'redis-server',
      ]);
      for (const p of started) expect(alive(p.pid)).toBe(true);
      await stopCluster();
      for (const p of started) expect(alive(p.pid), `${p.kind} ${p.pid}`).toBe(false);
      await one.release(); // nothing left to release: a no-op
      await two.release();
    });

    describe('the CLI', () => {
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'poolkit-bench-distributed-'));
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      it('stops Redis and the worker processes on SIGINT mid-run, and exits with status 130', async () => {
        const child = spawn(
          process.execPath,
          [
            ...RUN_SCRIPT,
            CLI,
            ...['--workload', 'distributed', '--tasks', '2000', '--time', '20000', '--no-progress'],
            ...['--json', join(dir, 'never.json'), '--svg', join(dir, 'svg')],
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const pid = child.pid as number;
        // Redis and the three workers, once all have started (the timing then runs for a while).
        let started: number[] = [];
        for (let waited = 0; waited < 20_000 && started.length < 4; waited += 100) {
          await sleep(100);
          started = childrenOf(pid).filter((p) =>
            /redis-server|poolkit-worker|bullmq\/dist\/cli\.js/.test(commandOf(p)),
          );
        }
        expect(started, stderr).toHaveLength(4);
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(stderr).toContain('poolkit-bench: SIGINT, stopping what the run started');
        for (const p of started) expect(alive(p), `${p} (${commandOf(p)})`).toBe(false);
      });
    });
  },
);
