// Starts poolkit-worker processes (the built CLI) for the tests, and ends them by PID.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const TASKS = fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Ends it with `signal` (default SIGTERM) and waits for its exit (SIGKILL after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Forks one poolkit-worker with these extra arguments; resolves once it says it is ready. */
export function startWorkerProcess(url: string, args: string[] = []): Promise<WorkerProcess> {
  const child = fork(CLI, ['--redis', url, '--module', TASKS, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`poolkit-worker did not get ready in 20 s: ${stderr}`));
    }, 20_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve({ child, pid: child.pid as number, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`poolkit-worker exited with ${code} before it was ready: ${stderr}`));
    });
  });
}
