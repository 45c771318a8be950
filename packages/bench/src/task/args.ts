/**
 * The `poolkit-bench --task` command line: its flags, its usage text, and the {@link TaskOptions}
 * it builds. A bad flag is a {@link UsageError}; the CLI prints it with the usage and exits 2.
 */
import { parseArgs } from 'node:util';
import { integer, readFlags, UsageError } from '../options.js';
import { TASK_CONTENDER_IDS, type TaskContenderId } from './contenders.js';
import { DEFAULT_TASK_TIMEOUT_MS, type TaskOptions } from './options.js';

/** What `poolkit-bench --task` writes besides the run's options. */
export interface TaskCliConfig {
  readonly options: TaskOptions;
  readonly json: string;
  readonly md: string | undefined;
  readonly html: string | undefined;
  readonly svgDir: string;
  readonly progress: 'tty' | 'lines' | 'off';
}

export const TASK_USAGE = `Usage: poolkit-bench --task <module> [options]

Benchmarks your own task function: the main thread calling it one input after another (the
floor) against poolkit's Pool on each backend and the libraries people use instead, after
checking every contender's outputs against the main thread's; ends with a recommendation.

  --task <module>         the task module (ES module, CommonJS or TypeScript)
  --export <name>         the export that is the task (default: the default export)
  --inputs <file.json>    a JSON array of inputs (default: the module's export inputs(count))
  --tasks <n>             tasks per batch (default: sized so a batch is ~50 ms of work, full ~200 ms)
  --threads <n>           threads per pool, tasks in flight per in-process queue (default: cores)
  --quick / --full        short (default) or long run
  --time <ms>             tinybench time per contender (quick 500, full 2000)
  --iterations <n>        minimum timed batches per contender (quick 5, full 20)
  --warmup <n>            warm-up batches per contender (quick 2, full 5)
  --rounds <n>            interleaved timing rounds (quick 2, full 4)
  --latency <n>           lone-task round trips per contender (quick 30, full 200)
  --cross-check <n>       inputs compared with the main thread's outputs (default 8)
  --backend <list>        comma-separated contenders (default: all); the floor always runs:
                          ${TASK_CONTENDER_IDS.join(', ')}
  --budget <seconds>      cap on the whole run; contenders that do not fit are reported skipped
  --task-timeout <ms>     per-task limit; a task running longer fails the run (default ${DEFAULT_TASK_TIMEOUT_MS})
  --library <path>        a Rust kernel library to compare through NativeBackend (with --kernel)
  --kernel <name>         the kernel in --library that computes what the task computes
  --redis <url|local>     compare BullMQBackend with a local poolkit-worker, through this Redis
                          (local: a throwaway redis-server)
  --allow-nondeterministic
                          time a task whose two main-thread runs disagree (outputs not compared)
  --json <file>           JSON report (default: bench-results/task.json)
  --md <file>             Markdown report
  --html <file>           HTML page (the file name ends in .html or .htm)
  --svg <dir>             SVG chart (default: <json dir>/charts)
  --no-progress           no progress output
  -h, --help              this text

Exit status: 0 when every contender that ran agreed with the main thread; 1 when one failed
(threw, differed, or a task ran past the limit); 2 for bad input (nothing timed), or after the
run when some inputs could not be cloned to a thread (the thread contenders were skipped).
`;

/** True when `argv` asks for a task run (`--task` anywhere). */
export function isTaskRun(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--task' || a.startsWith('--task='));
}

/** The config of `poolkit-bench --task …`; 'help' for -h. Throws {@link UsageError}. */
export function parseTaskArgs(
  argv: readonly string[],
  io: { isTTY: boolean; ci: boolean } = { isTTY: false, ci: true },
): TaskCliConfig | 'help' {
  const v = readFlags(parse, argv);
  if (v === 'help') return 'help';
  if (v.task === undefined || v.task === '') throw new UsageError('--task takes the task module’s path');
  for (const flag of ['workload', 'sleep-ms', 'concurrency', 'max-batch-sweep'] as const)
    if (v[flag] !== undefined) throw new UsageError(`--${flag} does not apply with --task`);
  let backends: TaskContenderId[] | undefined;
  if (v.backend !== undefined) {
    const items = v.backend
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0)
      throw new UsageError(`--backend needs at least one of ${TASK_CONTENDER_IDS.join(', ')}`);
    for (const item of items)
      if (!TASK_CONTENDER_IDS.includes(item as TaskContenderId))
        throw new UsageError(
          `--backend takes ${TASK_CONTENDER_IDS.join(', ')}; received ${JSON.stringify(item)}`,
        );
    backends = items as TaskContenderId[];
  }
  let budgetSeconds: number | undefined;
  if (v.budget !== undefined) {
    budgetSeconds = Number(v.budget);
    if (v.budget.trim() === '' || !Number.isFinite(budgetSeconds) || budgetSeconds <= 0)
      throw new UsageError(`--budget takes a number of seconds > 0; received ${JSON.stringify(v.budget)}`);
  }
  if ((v.library === undefined) !== (v.kernel === undefined))
    throw new UsageError(
      `--library and --kernel go together; received only ${v.library === undefined ? '--kernel' : '--library'}`,
    );
  if (v.html !== undefined && !/[^/]\.html?$/i.test(v.html))
    throw new UsageError(
      `--html takes a file name ending in .html or .htm; received ${JSON.stringify(v.html)}`,
    );
  const json = v.json ?? 'bench-results/task.json';
  const jsonDir = json.includes('/') ? json.slice(0, json.lastIndexOf('/')) : '.';
  const options: TaskOptions = {
    module: v.task,
    ...(v.export === undefined ? {} : { exportName: v.export }),
    ...(v.inputs === undefined ? {} : { inputs: v.inputs }),
    ...(v.tasks === undefined ? {} : { tasks: integer('tasks', v.tasks, 1) }),
    ...(v.threads === undefined ? {} : { threads: integer('threads', v.threads, 1) }),
    mode: v.full ? 'full' : 'quick',
    ...(v.time === undefined ? {} : { timeMs: integer('time', v.time, 0) }),
    ...(v.iterations === undefined ? {} : { iterations: integer('iterations', v.iterations, 1) }),
    ...(v.warmup === undefined ? {} : { warmupIterations: integer('warmup', v.warmup, 0) }),
    ...(v.rounds === undefined ? {} : { rounds: integer('rounds', v.rounds, 1) }),
    ...(v.latency === undefined ? {} : { latencySamples: integer('latency', v.latency, 0) }),
    ...(v['cross-check'] === undefined
      ? {}
      : { crossCheckItems: integer('cross-check', v['cross-check'], 1) }),
    ...(backends === undefined ? {} : { backends }),
    ...(budgetSeconds === undefined ? {} : { budgetSeconds }),
    ...(v['task-timeout'] === undefined
      ? {}
      : { taskTimeoutMs: integer('task-timeout', v['task-timeout'], 1) }),
    ...(v.library === undefined ? {} : { library: v.library }),
    ...(v.kernel === undefined ? {} : { kernel: v.kernel }),
    ...(v.redis === undefined ? {} : { redis: v.redis }),
    allowNondeterministic: v['allow-nondeterministic'] === true,
  };
  return {
    options,
    json,
    md: v.md,
    html: v.html,
    svgDir: v.svg ?? `${jsonDir}/charts`,
    progress: v['no-progress'] ? 'off' : io.isTTY && !io.ci ? 'tty' : 'lines',
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      task: { type: 'string' },
      export: { type: 'string' },
      inputs: { type: 'string' },
      tasks: { type: 'string' },
      threads: { type: 'string' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      time: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      latency: { type: 'string' },
      'cross-check': { type: 'string' },
      backend: { type: 'string' },
      budget: { type: 'string' },
      'task-timeout': { type: 'string' },
      library: { type: 'string' },
      kernel: { type: 'string' },
      redis: { type: 'string' },
      'allow-nondeterministic': { type: 'boolean' },
      json: { type: 'string' },
      md: { type: 'string' },
      html: { type: 'string' },
      svg: { type: 'string' },
      'no-progress': { type: 'boolean' },
      // The suite's flags that do not apply: parsed so the message can say so.
      workload: { type: 'string' },
      'sleep-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'max-batch-sweep': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
