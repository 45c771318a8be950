/**
 * The options of a task run: {@link TaskOptions} for `benchmarkTask`, their defaults and checks.
 * A bad option is a {@link TaskInputError} (`ERR_TASK_OPTION`) naming the field, what it takes
 * and what it got (the command line that builds them is task/args.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Hooks } from '../harness.js';
import { MODES } from '../options.js';
import { TASK_CONTENDER_IDS, type TaskContenderId } from './contenders.js';
import { TaskInputError } from './errors.js';

/** Options of {@link benchmarkTask}. Every field but `module` is optional. */
export interface TaskOptions {
  /** The task module: a path (relative to `cwd`) or a `file:` URL; ES module, CommonJS or TypeScript. */
  readonly module: string;
  /** The export that is the task. Default `'default'`. */
  readonly exportName?: string;
  /** A JSON file holding an array of inputs, or the inputs themselves. Default: the module's `inputs(count)`. */
  readonly inputs?: string | readonly unknown[];
  /** Tasks per batch. Default: sized from the probe, about 50 ms (quick) or 200 ms (full) of work on one thread. */
  readonly tasks?: number;
  /** Worker threads per pool, tasks in flight per in-process queue. Default `os.availableParallelism()`. */
  readonly threads?: number;
  /** `quick` (default) or `full`: the suite's time and sample defaults. */
  readonly mode?: 'quick' | 'full';
  /** tinybench time per contender, ms. Default quick 500, full 2000 (less when `budgetSeconds` needs it). */
  readonly timeMs?: number;
  /** Minimum timed batches per contender. Default quick 5, full 20. */
  readonly iterations?: number;
  /** Warm-up batches per contender. Default quick 2, full 5. */
  readonly warmupIterations?: number;
  /** Interleaved timing rounds. Default quick 2, full 4. */
  readonly rounds?: number;
  /** Lone-task round trips per contender. Default quick 30, full 200. */
  readonly latencySamples?: number;
  /** Inputs whose outputs are cross-checked (and run twice on the main thread for determinism). Default 8. */
  readonly crossCheckItems?: number;
  /** The contenders to run (`--backend`); the floor always runs. Default: all of {@link TASK_CONTENDER_IDS}. */
  readonly backends?: readonly TaskContenderId[];
  /** A cap on the whole run, seconds: contenders that do not fit are skipped. Default: none. */
  readonly budgetSeconds?: number;
  /** The per-task limit, ms: a task running longer is cut (in the probe's thread) and fails the run. Default 10 000. */
  readonly taskTimeoutMs?: number;
  /** A Rust kernel library (path) to compare through NativeBackend; needs `kernel`. */
  readonly library?: string;
  /** The kernel of `library` that computes what the task computes; needs `library`. */
  readonly kernel?: string;
  /** Redis for the BullMQ contenders: a `redis://` URL, or `'local'` for a throwaway redis-server. Default: none. */
  readonly redis?: string;
  /** Time a task whose two main-thread runs disagree anyway; outputs are then not compared. Default false. */
  readonly allowNondeterministic?: boolean;
  /** Where paths resolve and peers are looked up (the user's project). Default `process.cwd()`. */
  readonly cwd?: string;
  /** Progress callbacks, as the suite's. */
  readonly hooks?: Hooks;
}

/** {@link TaskOptions} with every default filled in. */
export interface ResolvedTaskOptions {
  readonly module: string;
  readonly exportName: string;
  readonly inputs: string | readonly unknown[] | undefined;
  readonly tasks: number | undefined;
  readonly threads: number;
  readonly mode: 'quick' | 'full';
  readonly timeMs: number;
  readonly iterations: number;
  readonly warmupIterations: number;
  readonly rounds: number;
  readonly latencySamples: number;
  readonly crossCheckItems: number;
  readonly backends: readonly TaskContenderId[];
  readonly budgetSeconds: number | undefined;
  readonly taskTimeoutMs: number;
  readonly native: { readonly library: string; readonly kernel: string } | undefined;
  readonly redis: string | undefined;
  readonly allowNondeterministic: boolean;
  readonly cwd: string;
  readonly hooks: Hooks;
}

/** The per-task limit when none is given, ms. */
export const DEFAULT_TASK_TIMEOUT_MS = 10_000;

/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2_147_483_647;

const bad = (field: string, takes: string, value: unknown): TaskInputError =>
  new TaskInputError(
    'ERR_TASK_OPTION',
    `options.${field} takes ${takes}; received ${JSON.stringify(value) ?? String(value)}`,
  );

function int(field: string, value: unknown, min: number, max: number, fallback: number): number;
function int(
  field: string,
  value: unknown,
  min: number,
  max: number,
  fallback: undefined,
): number | undefined;
function int(
  field: string,
  value: unknown,
  min: number,
  max: number,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw bad(field, `an integer from ${min} to ${max}`, value);
  return value;
}

function text(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw bad(field, 'a non-empty string', value);
  return value;
}

/** Checks `options` and fills in the defaults. Throws {@link TaskInputError} (`ERR_TASK_OPTION`). */
export function resolveTaskOptions(options: TaskOptions): ResolvedTaskOptions {
  if (options === null || typeof options !== 'object') throw bad('', 'an object', options);
  const module = text('module', options.module);
  if (module === undefined)
    throw bad('module', 'the task module’s path (a non-empty string)', options.module);
  const mode = options.mode ?? 'quick';
  if (mode !== 'quick' && mode !== 'full') throw bad('mode', "'quick' or 'full'", mode);
  const base = MODES[mode];
  const inputs = options.inputs;
  if (inputs !== undefined && typeof inputs !== 'string' && !Array.isArray(inputs))
    throw bad('inputs', 'a JSON file’s path or an array of inputs', inputs);
  const backends = options.backends ?? TASK_CONTENDER_IDS;
  if (!Array.isArray(backends))
    throw bad('backends', `an array of ${TASK_CONTENDER_IDS.join(', ')}`, backends);
  for (const id of backends)
    if (!TASK_CONTENDER_IDS.includes(id))
      throw bad('backends', `ids among ${TASK_CONTENDER_IDS.join(', ')}`, id);
  const budget = options.budgetSeconds;
  if (budget !== undefined && (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0))
    throw bad('budgetSeconds', 'a number of seconds > 0', budget);
  const library = text('library', options.library);
  const kernel = text('kernel', options.kernel);
  if ((library === undefined) !== (kernel === undefined))
    throw bad(
      library === undefined ? 'library' : 'kernel',
      'a value too: library and kernel go together',
      library ?? kernel,
    );
  const cwd = text('cwd', options.cwd) ?? process.cwd();
  if (library !== undefined && !existsSync(resolve(cwd, library)))
    throw new TaskInputError('ERR_TASK_OPTION', `no such kernel library: ${library}`);
  const redis = text('redis', options.redis);
  if (redis !== undefined && redis !== 'local' && !/^rediss?:\/\//.test(redis))
    throw bad('redis', "a redis:// or rediss:// URL, or 'local'", redis);
  return {
    module,
    exportName: text('exportName', options.exportName) ?? 'default',
    inputs,
    tasks: int('tasks', options.tasks, 1, 10_000_000, undefined),
    threads: int('threads', options.threads, 1, 1024, availableParallelism()),
    mode,
    timeMs: int('timeMs', options.timeMs, 0, MAX_TIMER_MS, base.timeMs),
    iterations: int('iterations', options.iterations, 1, 1_000_000, base.iterations),
    warmupIterations: int('warmupIterations', options.warmupIterations, 0, 1_000_000, base.warmupIterations),
    rounds: int('rounds', options.rounds, 1, 1000, base.rounds),
    latencySamples: int('latencySamples', options.latencySamples, 0, 1_000_000, base.latencySamples),
    crossCheckItems: int('crossCheckItems', options.crossCheckItems, 1, 10_000, 8),
    backends: TASK_CONTENDER_IDS.filter((id) => id === 'floor' || backends.includes(id)),
    budgetSeconds: budget,
    taskTimeoutMs: int('taskTimeoutMs', options.taskTimeoutMs, 1, MAX_TIMER_MS, DEFAULT_TASK_TIMEOUT_MS),
    native:
      library === undefined || kernel === undefined ? undefined : { library: resolve(cwd, library), kernel },
    redis,
    allowNondeterministic: options.allowNondeterministic === true,
    cwd,
    hooks: options.hooks ?? {},
  };
}
