/**
 * Shared by the task tests: the fixtures folder, the smallest settings that still measure
 * (3 batches per contender, so the verdict can call a win or a tie), and the built CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskOptions } from '../src/task/options.js';
import { RUN_SCRIPT } from './this-runtime.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** test/fixtures/tasks. */
export const TASKS = join(HERE, 'fixtures', 'tasks');

/** The built CLI (the test target builds first). */
export const CLI = join(HERE, '..', 'dist', 'cli.js');

/** Small, fast settings: 16 tasks per batch, 3 batches, 3 lone tasks, 1 thread. */
export const SMALL = {
  tasks: 16,
  threads: 1,
  timeMs: 0,
  iterations: 3,
  warmupIterations: 0,
  rounds: 1,
  latencySamples: 3,
  crossCheckItems: 4,
} as const satisfies Partial<TaskOptions>;

/** The same settings as CLI flags. */
export const SMALL_FLAGS = [
  ...['--tasks', '16', '--threads', '1', '--time', '0', '--iterations', '3'],
  ...['--warmup', '0', '--rounds', '1', '--latency', '3', '--cross-check', '4', '--no-progress'],
];

/** A fixture's path. */
export const task = (name: string): string => join(TASKS, name);

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** The built CLI with `args` in `cwd`; resolves with its exit status and output. */
export function cli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...RUN_SCRIPT, CLI, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeout ?? 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary folder (the caller removes it). */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'poolkit-bench-task-test-'));

/** Flags writing every report file of a CLI run into `dir`. */
export const outFlags = (dir: string): string[] => [
  '--json',
  join(dir, 'report.json'),
  '--svg',
  join(dir, 'svg'),
];
