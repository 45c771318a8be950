/**
 * The command line: flags, their defaults per mode, and their checks. A bad flag throws a
 * {@link UsageError} naming the flag, what it takes and what it received.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CONTENDER_IDS, type ContenderId } from './contenders/registry.js';
import { DISTRIBUTED } from './distributed/scenario.js';
import { SCENARIO_NAMES, type ScenarioName, SUGGESTED_SWEEP, SWEEP_CONTENDER } from './names.js';
import type { RunSettings } from './report/types.js';
import { WORKLOADS } from './workloads.js';

/** A wrong command line: the CLI prints it with the usage and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Everything a run needs. */
export interface BenchConfig extends RunSettings {
  /** The workloads and scenarios `--workload` selected ({@link SCENARIO_NAMES}). */
  readonly workloads: ScenarioName[];
  /** Always holds `floor` (every speed-up needs it). */
  readonly contenders: ContenderId[];
  /** Tasks per batch of every workload, and of the distributed scenario. */
  readonly tasks: Record<ScenarioName, number>;
  readonly json: string;
  readonly md: string | undefined;
  /** The self-contained HTML report (tables, verdicts, charts); undefined = none. */
  readonly html: string | undefined;
  readonly svgDir: string;
  /** `tty`: one rewritten line; `lines`: a plain line per result; `off`: nothing. */
  readonly progress: 'tty' | 'lines' | 'off';
  /** Fixed `maxBatch` values swept beside the adaptive default, ascending; empty = no sweep. */
  readonly maxBatchSweep: number[];
}

/** Defaults of the two modes. Quick: about two minutes on two cores. */
export const MODES = {
  quick: {
    timeMs: 500,
    iterations: 5,
    warmupIterations: 2,
    rounds: 2,
    latencySamples: 30,
    sleepIterations: 1,
    tasks: {
      noop: 2000,
      square: 2000,
      md5: 1000,
      isprime: 32,
      mandelbrot: 256,
      spin: 128,
      sleep: 100,
      distributed: 500,
    },
  },
  full: {
    timeMs: 2000,
    iterations: 20,
    warmupIterations: 5,
    rounds: 4,
    latencySamples: 200,
    sleepIterations: 3,
    tasks: {
      noop: 20_000,
      square: 20_000,
      md5: 10_000,
      isprime: 256,
      mandelbrot: 1024,
      spin: 1024,
      sleep: 100,
      distributed: 2000,
    },
  },
} as const satisfies Record<'quick' | 'full', object>;

export const USAGE = `Usage: poolkit-bench [options]

Runs every workload on every contender and prints a table per scenario, then a verdict per
scenario (the fastest contender, its lead, and whether it beats the spread of the batch times);
writes JSON (every sample), SVG bar charts and optionally Markdown and an HTML page.

  --quick                 short run, about 2 minutes on 2 cores (the default)
  --full                  long run: bigger batches, more samples
  --workload <list>       comma-separated: ${SCENARIO_NAMES.join(', ')} (default: all);
                          distributed = noop tasks through Redis to poolkit-worker processes
                          (@poolkit/bullmq), needs redis-server (skipped without it, fails in CI)
  --backend <list>        comma-separated contenders (default: all); the floor always runs:
${wrap(CONTENDER_IDS, 26, 98)}
  --json <file>           JSON report (default: bench-results/bench.json)
  --md <file>             Markdown tables with the environment line and the verdicts
  --html <file>           one self-contained HTML page: tables, verdicts, a chart per scenario
                          (the file name ends in .html or .htm)
  --svg <dir>             SVG charts, one per scenario (default: <json dir>/charts)
  --threads <n>           worker threads per pool, in-flight tasks for in-process queues (default: cores)
  --tasks <n>             tasks per batch for every workload (default: per workload and mode)
  --time <ms>             tinybench time budget per contender (quick 500, full 2000)
  --iterations <n>        minimum timed batches per contender (quick 5, full 20)
  --warmup <n>            warm-up batches per contender (quick 2, full 5)
  --rounds <n>            interleaved timing rounds over the contenders (quick 2, full 4)
  --latency <n>           one-task round trips sampled per contender (quick 30, full 200)
  --cross-check <n>       items compared with the main-thread kernel before timing (default 8)
  --sleep-ms <ms>         duration of one sleep task (default 100)
  --concurrency <list>    in-flight tasks for the sleep workload (default 5,10)
  --max-batch-sweep <list>
                          also time ${SWEEP_CONTENDER} with each fixed maxBatch in <list>
                          (e.g. ${SUGGESTED_SWEEP.join(',')}) beside its adaptive default, on every
                          CPU workload, and print adaptive / best fixed per workload (default: off)
  --no-progress           no progress output
  -h, --help              this text

To benchmark your own task function instead: poolkit-bench --task <module> (its options:
poolkit-bench --task <module> --help).
`;

/** `items` joined by ", ", in lines indented by `indent` and at most `width` wide. */
function wrap(items: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (line !== '' && indent + next.length + 1 > width) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

/** The fixed maxBatch values of `--max-batch-sweep`: integers ≥ 1, deduplicated, ascending. */
function sweepValues(value: string): number[] {
  const takes = `--max-batch-sweep takes comma-separated integers ≥ 1 (fixed maxBatch values, e.g. ${SUGGESTED_SWEEP.join(',')})`;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${takes}; received ${JSON.stringify(value)}`);
  for (const item of items) {
    const n = Number(item);
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`${takes}; received ${JSON.stringify(item)}`);
  }
  return [...new Set(items.map(Number))].sort((a, b) => a - b);
}

/** The `--html` path: ends in .html/.htm and is not a file another flag writes. */
function htmlPath(value: string | undefined, others: Record<string, string | undefined>): string | undefined {
  if (value === undefined) return undefined;
  if (!/[^/]\.html?$/i.test(value))
    throw new UsageError(
      `--html takes a file name ending in .html or .htm; received ${JSON.stringify(value)}`,
    );
  for (const [flag, path] of Object.entries(others)) {
    if (path === value)
      throw new UsageError(
        `--html and --${flag} name the same file; received ${JSON.stringify(value)} for both`,
      );
  }
  return value;
}

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new UsageError(`--${flag} needs at least one of ${allowed.join(', ')}, received ""`);
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new UsageError(`--${flag} takes ${allowed.join(', ')}; received ${JSON.stringify(item)}`);
    }
  }
  return [...new Set(items as T[])];
}

/**
 * The integer a flag was given (digits only: `1e3`, `0x10` and ` 5` are refused), at least `min`;
 * `fallback` when the flag is absent. Throws {@link UsageError} naming the flag and the value.
 */
export function integer(flag: string, value: string | undefined, min: number, fallback: number): number;
export function integer(flag: string, value: string | undefined, min: number): number | undefined;
export function integer(
  flag: string,
  value: string | undefined,
  min: number,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} takes an integer ≥ ${min}; received ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * The flags of `argv` as `parse` reads them (node:util parseArgs), its errors as UsageErrors;
 * 'help' for -h/--help. `--quick` and `--full` exclude each other, in every mode of the CLI.
 */
export function readFlags<V extends { help?: boolean; quick?: boolean; full?: boolean }>(
  parse: (argv: readonly string[]) => { values: V },
  argv: readonly string[],
): V | 'help' {
  let values: V;
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.quick && values.full) throw new UsageError('--quick and --full exclude each other');
  return values;
}

/** The config for `argv` (without node and script). Throws UsageError; returns 'help' for -h. */
export function parseOptions(
  argv: readonly string[],
  io: { isTTY: boolean; ci: boolean } = { isTTY: false, ci: true },
): BenchConfig | 'help' {
  const v = readFlags(parse, argv);
  if (v === 'help') return 'help';
  const mode = v.full ? 'full' : 'quick';
  const base = MODES[mode];
  const workloads =
    v.workload === undefined ? [...SCENARIO_NAMES] : list('workload', v.workload, SCENARIO_NAMES);
  const picked = v.backend === undefined ? [...CONTENDER_IDS] : list('backend', v.backend, CONTENDER_IDS);
  const contenders = CONTENDER_IDS.filter((id) => id === 'floor' || picked.includes(id));
  const taskOverride = v.tasks === undefined ? undefined : integer('tasks', v.tasks, 1, 1);
  const tasks = Object.fromEntries(
    SCENARIO_NAMES.map((name) => [name, taskOverride ?? base.tasks[name]]),
  ) as Record<ScenarioName, number>;
  const sleepConcurrency =
    v.concurrency === undefined
      ? [5, 10]
      : v.concurrency.split(',').map((s) => integer('concurrency', s.trim(), 1, 1));
  const maxBatchSweep = v['max-batch-sweep'] === undefined ? [] : sweepValues(v['max-batch-sweep']);
  if (maxBatchSweep.length > 0) {
    if (!contenders.includes(SWEEP_CONTENDER)) {
      throw new UsageError(
        `--max-batch-sweep sweeps ${SWEEP_CONTENDER}: add it to --backend (received ${JSON.stringify(v.backend)})`,
      );
    }
    if (!workloads.some((name) => name !== DISTRIBUTED && WORKLOADS[name].kind === 'cpu')) {
      throw new UsageError(
        `--max-batch-sweep runs on CPU workloads: --workload selected none (received ${JSON.stringify(v.workload)})`,
      );
    }
  }
  const json = v.json ?? 'bench-results/bench.json';
  const jsonDir = json.includes('/') ? json.slice(0, json.lastIndexOf('/')) : '.';
  return {
    mode,
    workloads,
    contenders,
    threads: integer('threads', v.threads, 1, availableParallelism()),
    tasks,
    timeMs: integer('time', v.time, 0, base.timeMs),
    iterations: integer('iterations', v.iterations, 1, base.iterations),
    warmupIterations: integer('warmup', v.warmup, 0, base.warmupIterations),
    rounds: integer('rounds', v.rounds, 1, base.rounds),
    latencySamples: integer('latency', v.latency, 0, base.latencySamples),
    crossCheckItems: integer('cross-check', v['cross-check'], 1, 8),
    sleepMs: integer('sleep-ms', v['sleep-ms'], 0, 100),
    sleepConcurrency: [...new Set(sleepConcurrency)],
    sleepIterations:
      v.iterations === undefined ? base.sleepIterations : integer('iterations', v.iterations, 1, 1),
    json,
    md: v.md,
    html: htmlPath(v.html, { json, md: v.md }),
    svgDir: v.svg ?? `${jsonDir}/charts`,
    progress: v['no-progress'] ? 'off' : io.isTTY && !io.ci ? 'tty' : 'lines',
    maxBatchSweep,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      workload: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'string' },
      md: { type: 'string' },
      html: { type: 'string' },
      svg: { type: 'string' },
      threads: { type: 'string' },
      tasks: { type: 'string' },
      time: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      latency: { type: 'string' },
      rounds: { type: 'string' },
      'cross-check': { type: 'string' },
      'sleep-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'max-batch-sweep': { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
