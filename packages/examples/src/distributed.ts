/**
 * distributed — one Pool, its tasks run by `poolkit-worker` processes through Redis. The Pool on
 * this process (its queue, counters and results) sends each task as a BullMQ job; the workers, which
 * could as well run on other machines, take the jobs, run them with the task module's named
 * exports, and answer through Redis. Each result names the worker that computed it, so the program
 * can show how the work was shared.
 *
 *   this process                          throwaway Redis              poolkit-worker × 2
 *   Pool ─▶ BullMQBackend ── jobs ──▶ redis-server 127.0.0.1:<port> ──▶ primes({ from, to })
 *     ▲                                        │                       (workers/distributed-tasks.js)
 *     └──────────── results ◀──────────────────┘◀── answers ──────────────────┘
 *
 * The program starts everything it uses and stops all of it, even on an error or Ctrl-C: the pool
 * is closed, the workers get SIGTERM (they finish what they run, then exit) and Redis is stopped.
 * Every wait of that shutdown is bounded: a worker still there after it is SIGKILLed. Should this
 * process be killed outright, Redis dies with it (a parent-death signal) and each worker begins its
 * graceful stop when its IPC channel to this process closes.
 *
 * Run it from the repository root (after `npm run build`; needs `redis-server`):
 *
 *   npm run example:distributed                         # 400 tasks on 2 workers
 *   npm run example:distributed -- --tasks 2000 --workers 3
 *   node packages/examples/dist/distributed.js --help
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BullMQBackend } from '@poolkit/bullmq';
import type { RedisServer } from '@poolkit/bullmq/testing';
import { Pool } from '@poolkit/core';
import type { PrimeCount, Range } from './workers/distributed-tasks.js';

/** The task module the workers load (compiled beside this file), as a path for `--module`. */
export const DISTRIBUTED_TASKS = fileURLToPath(new URL('./workers/distributed-tasks.js', import.meta.url));

/** The BullMQ queue the producer and the workers share (`queue` / `--queue`). */
export const QUEUE = 'distributed';

/** Each task counts the primes among this many consecutive integers... */
const RANGE = 50_000;
/** ...the first task's starting here. */
const FIRST = 1_000_000;

/** The `poolkit-worker` program of `@poolkit/bullmq`: the path its package.json's `bin` names. */
export function workerBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@poolkit/bullmq/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['poolkit-worker']);
}

/** A poolkit-worker process this program started. */
interface WorkerProcess {
  readonly pid: number;
  /** Resolves once the worker takes jobs (its IPC "ready" message); rejects if it exits first. */
  readonly ready: Promise<void>;
  /**
   * SIGTERM (it stops taking jobs and finishes the running ones), SIGKILL after `ms`; resolves,
   * once it has exited, with how: `code 0`, `SIGKILL`…
   */
  stop(ms: number): Promise<string>;
  /** SIGKILL, at once. */
  kill(): void;
}

/** Starts `node <bin> <args>` with an IPC channel, the way a test or a supervisor would run a worker. */
function spawnWorker(bin: string, args: readonly string[]): WorkerProcess {
  // stdout ignored: on a terminal poolkit-worker draws a status line there. stderr kept for errors.
  const child: ChildProcess = fork(bin, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4096)));
  const exit = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
    child.once('error', (error) => resolve(`not started: ${error.message}`));
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`poolkit-worker was not ready in 20 s:\n${stderr}`)),
      20_000,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    void exit.then((how) => {
      clearTimeout(timer);
      reject(new Error(`poolkit-worker exited (${how}) before it was ready:\n${stderr}`));
    });
  });
  ready.catch(() => {}); // awaited by main(); this only keeps an early exit from being "unhandled"
  return {
    pid: child.pid ?? 0,
    ready,
    async stop(ms) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Waits for `promise` (its outcome ignored), `ms` at most: every wait of the shutdown is bounded. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => {}), late]);
  clearTimeout(timer);
}

/** An error with a stable `code` (and, for a signal, the exit code a shell expects). */
function failure(code: string, message: string, exitCode = 1): Error {
  return Object.assign(new Error(message), { code, exitCode });
}

export interface DistributedOptions {
  /** Tasks to run, each counting the primes among 50 000 integers. Default 400. */
  tasks?: number;
  /** poolkit-worker processes to start. Default 2. */
  workers?: number;
  /** The redis-server executable. Default: `redis-server` on PATH, else /usr/bin/redis-server. */
  redisServer?: string;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface DistributedResult {
  tasks: number;
  succeeded: number;
  failed: number;
  /** Primes found in all, over `[1 000 000, 1 000 000 + 50 000 × tasks)`. */
  primes: number;
  /** Tasks per worker, keyed `<host>:<pid>` as the tasks reported it. */
  perWorker: Record<string, number>;
  /** The pids of the processes this run started; none is running once main() has returned. */
  pids: { redis: number; workers: number[] };
  /** How each worker ended: `code 0` after a graceful SIGTERM. */
  workerExits: string[];
  elapsedMs: number;
  tasksPerSecond: number;
}

export async function main(options: DistributedOptions = {}): Promise<DistributedResult> {
  const { tasks = 400, workers: workerCount = 2, print = (line: string) => console.log(line) } = options;
  // Loaded only now: the harness is meant for tests, and says so on stderr when it is imported on
  // a machine without redis-server — which `--help` should not do.
  const { REDIS_FALLBACKS, REDIS_INSTALL, redisServerPath, startRedis } = await import(
    '@poolkit/bullmq/testing'
  );
  const install = `install it (Debian, Ubuntu: ${REDIS_INSTALL}) or give --redis-server PATH`;
  const binary = options.redisServer ?? redisServerPath;
  if (binary === undefined) {
    const where = `neither on PATH nor at ${REDIS_FALLBACKS.join(', ')}`;
    throw failure('ERR_NO_REDIS', `this example needs redis-server, found ${where}: ${install}`);
  }

  let redis: RedisServer | undefined;
  const workers: WorkerProcess[] = [];
  let pool: Pool | undefined;
  let finished = false;

  // Ctrl-C (or SIGTERM) aborts the run and goes through the same shutdown. A second one kills the
  // workers and leaves at once (Redis dies with this process: its parent-death signal).
  const stopper = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopper.signal.aborted) {
      for (const worker of workers) worker.kill();
      process.exit(128 + constants.signals[signal]);
    }
    print(`${signal}: stopping the pool, the workers and Redis`);
    const message = `interrupted by ${signal}; the pool, the workers and Redis are stopped`;
    stopper.abort(failure('ERR_INTERRUPTED', message, 128 + constants.signals[signal]));
  };
  const interrupted = new Promise<never>((_, reject) =>
    stopper.signal.addEventListener('abort', () => reject(stopper.signal.reason), { once: true }),
  );
  interrupted.catch(() => {});
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The shutdown, in order: the pool (its connections), the workers, then Redis; runs once. After
  // a finished run the workers are idle and end at once. After an error or a signal, waits are
  // short: Redis may be gone already (a terminal's Ctrl-C reaches it too), and then neither the
  // pool's connections nor a worker's graceful stop can finish.
  let stopping: Promise<string[]> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      if (pool !== undefined)
        await within(finished ? pool.close() : pool.stop({ force: true }), finished ? 15_000 : 3_000);
      const exits = await Promise.all(workers.map((worker) => worker.stop(finished ? 15_000 : 5_000)));
      await redis?.stop();
      return exits;
    })());

  try {
    print(`distributed: ${tasks} tasks on ${workerCount} poolkit-worker processes through Redis`);
    redis = await startRedis({ binary }).catch((error: Error) => {
      throw failure('ERR_NO_REDIS', `could not start redis-server: ${error.message.trimEnd()}\n  ${install}`);
    });
    stopper.signal.throwIfAborted(); // Ctrl-C while Redis started
    print(`  redis-server ${redis.pid} on ${redis.url} (throwaway: no persistence)`);

    // What an operator would type on each worker machine; here it runs as `node <bin> ...`.
    const args = ['--redis', redis.url, '--module', DISTRIBUTED_TASKS, '--queue', QUEUE];
    const bin = workerBin();
    print(`  worker command: poolkit-worker ${args.join(' ')}`);
    print(`    (started ${workerCount}× here as node ${bin} ...)`);
    for (let i = 0; i < workerCount; i++) workers.push(spawnWorker(bin, args));
    await Promise.race([Promise.all(workers.map((worker) => worker.ready)), interrupted]);
    print(`  poolkit-worker ${workers.map((worker) => worker.pid).join(', ')} ready`);

    // The producer: a Pool like any other, its backend BullMQ. Its concurrency (jobs in flight)
    // matches the workers' (poolkit-worker runs 4 jobs at once by default).
    pool = new Pool({
      backend: new BullMQBackend({ connection: redis.url, queue: QUEUE, concurrency: 4 * workerCount }),
    });
    const range = (i: number): Range => ({ from: FIRST + i * RANGE, to: FIRST + (i + 1) * RANGE });
    const ranges = Array.from({ length: tasks }, (_, i) => range(i));
    const started = performance.now();
    const outcomes = await pool.submitAll(ranges, { task: 'primes', signal: stopper.signal });
    const elapsedMs = performance.now() - started;
    stopper.signal.throwIfAborted();
    finished = true;

    const perWorker: Record<string, number> = {};
    let primes = 0;
    const errors: string[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        errors.push(String((outcome.error as Error)?.message ?? outcome.error));
        continue;
      }
      const { count, worker } = outcome.value as PrimeCount; // JSON from a worker: typed by the caller
      primes += count;
      perWorker[worker] = (perWorker[worker] ?? 0) + 1;
    }
    const succeeded = tasks - errors.length;
    // A few results: the first three and the last.
    const shown = tasks <= 4 ? outcomes : [...outcomes.slice(0, 3), outcomes[tasks - 1]];
    for (const [i, outcome] of shown.entries()) {
      if (i === 3 && tasks > 4) print('  ...');
      if (outcome.ok) {
        const { from, to, count, worker } = outcome.value as PrimeCount;
        print(`  [${from}, ${to}): ${count} primes  (worker ${worker})`);
      }
    }
    const tasksPerSecond = succeeded / (elapsedMs / 1000);
    print(
      `  ${succeeded}/${tasks} tasks done, ${errors.length} failed: ${primes} primes in [${FIRST}, ${FIRST + tasks * RANGE})`,
    );
    const shares = Object.entries(perWorker).sort((a, b) => a[0].localeCompare(b[0]));
    print(`  per worker: ${shares.map(([worker, n]) => `${worker} → ${n}`).join(', ')}`);
    print(`  elapsed ${(elapsedMs / 1000).toFixed(2)} s, ${tasksPerSecond.toFixed(1)} tasks/s`);
    for (const error of errors.slice(0, 3)) print(`  error: ${error}`);

    const workerExits = await stopAll();
    const exits = workers.map((worker, i) => `${worker.pid} ${workerExits[i]}`).join(', ');
    print(`shut down: pool closed; workers after SIGTERM: ${exits}; redis-server ${redis.pid} stopped`);
    return {
      tasks,
      succeeded,
      failed: errors.length,
      primes,
      perWorker,
      pids: { redis: redis.pid, workers: workers.map((worker) => worker.pid) },
      workerExits,
      elapsedMs,
      tasksPerSecond,
    };
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// ── Started as a program: the command line (`node distributed.js --help`) ────────────────────────

const USAGE = `usage: distributed [--tasks N] [--workers N] [--redis-server PATH]
  --tasks N            tasks to run, each counting the primes among 50000 integers, 1 to 100000 (default 400)
  --workers N          poolkit-worker processes to start, 1 to 16 (default 2)
  --redis-server PATH  the redis-server to run (default: redis-server on PATH, else /usr/bin/redis-server)`;

/** The integer given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function integerArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): DistributedOptions {
  try {
    const { values } = parseArgs({
      options: {
        tasks: { type: 'string' },
        workers: { type: 'string' },
        'redis-server': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values['redis-server'] === '') throw new TypeError('--redis-server must be a path, received ""');
    return {
      tasks: integerArg('tasks', values.tasks, 1, 100_000),
      workers: integerArg('workers', values.workers, 1, 16),
      redisServer: values['redis-server'],
    };
  } catch (error) {
    console.error(`distributed: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves). No Redis,
// or a signal: a one-line message and exit code 1 (or 128 + the signal), no stack trace. The exit
// is explicit: what this program started is stopped by then, but a client whose Redis went away
// mid-run may still be trying to reconnect, and would keep the process alive.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = commandLine();
  try {
    await main(options);
  } catch (error) {
    const { code, exitCode } = error as { code?: unknown; exitCode?: number };
    if (code !== 'ERR_NO_REDIS' && code !== 'ERR_INTERRUPTED') throw error;
    console.error(`distributed: ${(error as Error).message}`);
    process.exit(exitCode ?? 1);
  }
}
