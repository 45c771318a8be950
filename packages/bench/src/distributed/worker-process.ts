/**
 * One `poolkit-worker` process (the CLI of `@poolkit/bullmq`) for the distributed scenario: forked
 * with an IPC channel, ready once it sends its `{ ready }` message, ended by PID.
 *
 * A worker never outlives the bench: `stop()` ends it (SIGTERM, SIGKILL after a grace), and should
 * the bench die first, the kernel kills it: it runs under `setpriv --pdeathsig KILL` (util-linux),
 * as the Redis server does, so nothing depends on the worker noticing that its parent is gone
 * (it does: on 'disconnect' it closes within its grace period, Redis or not).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `poolkit-worker` script: the `bin` of the installed `@poolkit/bullmq` (its dist/cli.js). */
export function workerCli(): string {
  const manifest = fileURLToPath(import.meta.resolve('@poolkit/bullmq/package.json'));
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['poolkit-worker']);
}

/** util-linux's setpriv, for a parent-death signal; undefined off Linux or without it. */
function findSetpriv(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [...dirs.map((d) => join(d, 'setpriv')), '/usr/bin/setpriv'].find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let setpriv: string | undefined | null = null;

/** What a worker process is started with. */
export interface WorkerProcessOptions {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The BullMQ queue it takes jobs from. */
  readonly queue: string;
  /** Path of the task module (named exports = task names). */
  readonly module: string;
  /** Jobs it runs at once (`--concurrency`). */
  readonly concurrency: number;
  /** Worker threads it runs the tasks on (`--threads`); undefined = its main thread. */
  readonly threads?: number;
  /** Node flags of the process; undefined = this process's (`process.execArgv`). */
  readonly execArgv?: readonly string[];
  /** How long to wait for its ready message, ms. Default 20 000. */
  readonly readyTimeoutMs?: number;
}

/** A started poolkit-worker. */
export interface WorkerProcess {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `killAfterMs` (default 5 000); resolves once it has exited. Idempotent. */
  stop(killAfterMs?: number): Promise<void>;
}

const STDERR_TAIL = 4096;

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Forks one poolkit-worker; resolves once it says it is ready, rejects (leaving nothing running) otherwise. */
export function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const args = ['--redis', options.url, '--queue', options.queue, '--module', options.module];
  // A short grace: at the end of a run nothing is in flight, and a stuck job must not hold the bench.
  args.push('--concurrency', String(options.concurrency), '--grace-ms', '2000');
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  if (setpriv === null) setpriv = findSetpriv();
  // Node as fork() would run it, with the IPC channel; setpriv execs it, so the pid is node's.
  const node = [...(options.execArgv ?? process.execArgv), workerCli(), ...args];
  const [file, argv] =
    setpriv === undefined
      ? [process.execPath, node]
      : [setpriv, ['--pdeathsig', 'KILL', process.execPath, ...node]];
  const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = (killAfterMs = 5_000): Promise<void> => {
    stopping ??= (async () => {
      if (!exited(child)) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await gone;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(0).then(() =>
        reject(new Error(`poolkit-worker ${why}${stderr ? `: ${stderr.trim()}` : ''}`)),
      );
    };
    const readyMs = options.readyTimeoutMs ?? 20_000;
    const timer = setTimeout(() => fail(`did not get ready in ${readyMs} ms`), readyMs);
    child.once('message', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ pid: child.pid as number, stop });
    });
    // After the ready message an exit is stop()'s business (or shows as failing jobs).
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  });
}
