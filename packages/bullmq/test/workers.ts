// Starts poolkit-worker processes (the built CLI) for the tests, and ends them by PID.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const TASKS = fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url));

/** How a worker process ended: its exit code, or the signal that killed it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited, however that came about. */
  readonly exited: Promise<Exit>;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /**
   * Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `killAfterMs`
   * (default 10 s), so it never waits for ever on a worker that hangs. Resolves its exit code
   * (null when a signal ended it); at once when it had exited already.
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
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
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 10_000) => {
    if (gone()) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const { code } = await exited;
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
      resolve({ child, pid: child.pid as number, exited, stderr: () => stderr, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`poolkit-worker exited with ${code} before it was ready: ${stderr}`));
    });
  });
}
