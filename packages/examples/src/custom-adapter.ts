/**
 * custom-adapter — how to write a poolkit adapter: `ChildProcessBackend` runs tasks in forked
 * Node processes, implements the four members of `Backend`, and passes `describeBackend` from
 * `@poolkit/core/testing` (see test/custom-adapter.test.ts). This program puts it to work under
 * a Pool: results from several processes, a task's own error, an abort, a crash that fails only
 * its own task, and a clean close.
 *
 * The adapter itself lives in `custom-adapter/` (copy that folder: the backend, the program its
 * children run, their message protocol and errors as data); the tasks the children run are in
 * `workers/text-tasks.ts`.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:custom-adapter                      # 2 child processes
 *   npm run example:custom-adapter -- --processes 4
 *   node packages/examples/dist/custom-adapter.js --help
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isAbortError, Pool } from '@poolkit/core';
import { ChildProcessBackend } from './custom-adapter/child-process-backend.js';

export {
  ChildProcessBackend,
  type ChildProcessBackendOptions,
} from './custom-adapter/child-process-backend.js';

/** The task module the children load (compiled beside this file). */
export const TEXT_TASKS = new URL('./workers/text-tasks.js', import.meta.url);
/** The conformance probe as a task module, for `describeBackend`. */
export const PROBE_TASK = new URL('./workers/probe-task.js', import.meta.url);

const TEXTS = [
  'the pool runs the task and the task returns',
  'a child process per slot, one task at a time',
  'errors keep their code; crashes fail one task',
  'close ends the children and the process exits',
];

export interface CustomAdapterOptions {
  /** Child processes of the backend. Default 2. */
  processes?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface CustomAdapterResult {
  /** Word counts of TEXTS, merged. */
  words: Record<string, number>;
  /** Distinct child pids that ran the `pid` tasks. */
  pids: number[];
  error: { name: string; message: string; code: string | undefined };
  abortedWith: string;
  crashedWith: { name: string; code: string | undefined };
  afterCrash: number[];
  stats: { submitted: number; succeeded: number; failed: number; cancelled: number };
}

type Input = unknown;

export async function main(options: CustomAdapterOptions = {}): Promise<CustomAdapterResult> {
  const { processes = 2, print = (line: string) => console.log(line) } = options;
  const backend = new ChildProcessBackend<Input, unknown>({ module: TEXT_TASKS, processes });
  const pool = new Pool<Input, unknown>({ backend });
  await backend.ready(); // every child has loaded the task module (run() would wait by itself)
  print(`custom-adapter: a Pool over ChildProcessBackend with ${processes} child processes`);

  // 1. The default export, with results that need structured clone (Maps).
  const counts = (await Promise.all(TEXTS.map((text) => pool.submit(text)))) as Map<string, number>[];
  const words: Record<string, number> = {};
  for (const map of counts) for (const [word, n] of map) words[word] = (words[word] ?? 0) + n;
  const top = Object.entries(words)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 4);
  print(`  word counts over ${TEXTS.length} texts: ${top.map(([w, n]) => `${w} ×${n}`).join(', ')}, ...`);

  // 2. Named exports (`task`), spread over the children.
  const pidList = (await Promise.all(
    Array.from({ length: 6 }, () => pool.submit(null, { task: 'pid' })),
  )) as number[];
  const pids = [...new Set(pidList)].sort((a, b) => a - b);
  print(`  6 'pid' tasks ran in ${pids.length} processes: ${pids.join(', ')} (the parent is ${process.pid})`);

  // 3. A task's own error comes back with its name, message and code.
  const error = (await pool.submit('nope', { task: 'reject' }).catch((e: unknown) => e)) as Error & {
    code?: string;
  };
  print(`  a failing task rejects with its own error: ${error.name} [${error.code}] ${error.message}`);

  // 4. Abort while running: the task rejects at once, its child is killed and replaced.
  const controller = new AbortController();
  const slow = pool.submit(10_000, { task: 'slow', signal: controller.signal });
  setTimeout(() => controller.abort(new Error('took too long')), 100);
  const aborted = await slow.catch((e: unknown) => e);
  const abortedWith = isAbortError(aborted) ? 'AbortError' : String(aborted);
  print(`  a 10 s task aborted after 100 ms rejects with ${abortedWith}`);

  // 5. A crash fails only its own task; the backend replaces the child and goes on.
  const crashed = (await pool.submit(null, { task: 'crash' }).catch((e: unknown) => e)) as Error & {
    code?: string;
  };
  print(`  a task whose process exits rejects with ${crashed.name} [${crashed.code}]`);
  const afterCrash = (await Promise.all(
    Array.from({ length: 4 }, () => pool.submit(null, { task: 'pid' })),
  )) as number[];
  print(`  and the pool goes on: 4 more tasks ran in processes ${[...new Set(afterCrash)].join(', ')}`);

  // 6. close(): the pool finishes, then closes the backend, which ends its children.
  await pool.close();
  const { submitted, succeeded, failed, cancelled } = pool.stats;
  print(
    `closed: ${submitted} submitted = ${succeeded} succeeded + ${failed} failed + ${cancelled} cancelled`,
  );
  return {
    words,
    pids,
    error: { name: error.name, message: error.message, code: error.code },
    abortedWith,
    crashedWith: { name: crashed.name, code: crashed.code },
    afterCrash,
    stats: { submitted, succeeded, failed, cancelled },
  };
}

// ── Started as a program: the command line (`node custom-adapter.js --help`) ─────────────────────

const USAGE = `usage: custom-adapter [--processes N]
  --processes N  child processes of the backend, 1 to 64 (default 2)`;

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
function commandLine(): CustomAdapterOptions {
  try {
    const { values } = parseArgs({
      options: { processes: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { processes: integerArg('processes', values.processes, 1, 64) };
  } catch (error) {
    console.error(`custom-adapter: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
