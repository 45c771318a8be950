/**
 * The harness: for each scenario, every contender is opened and cross-checked against the
 * main-thread kernel, then timed over whole batches with tinybench in interleaved rounds (one
 * contender runs at a time, so no two compete for the cores), sampled for one-task round
 * trips, and closed.
 *
 *   open + cross-check (k items + 1 lone task), each contender
 *     ──▶ rounds 1…R: each contender in turn, a tinybench slice (warm-up in round 1)
 *     ──▶ one-task round trips, one per contender in turn ──▶ close (always awaited)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Bench } from 'tinybench';
import {
  type Contender,
  contendersOf,
  type OpenContext,
  type Runner,
  type Scenario,
  SkipError,
} from './contender.js';
import { kernelOf } from './contenders/kernel-of.js';
import { CONTENDERS, type ContenderId } from './contenders/registry.js';
import { stopCluster } from './distributed/cluster.js';
import { DISTRIBUTED, distributedScenario } from './distributed/scenario.js';
import { environment } from './environment.js';
import type { BenchConfig } from './options.js';
import {
  type BenchReport,
  type ContenderResult,
  SCHEMA,
  type ScenarioResult,
  type SweepResult,
} from './report/types.js';
import { summarize } from './stats.js';
import { sweepEntries, sweepResult, sweeps } from './sweep.js';
import { verdictOf } from './verdict.js';
import { type OutputCheck, WORKLOADS, type Workload } from './workloads.js';

/** dist/workers of this package, from src/ (tests) or dist/ (the CLI) alike. */
export const WORKER_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'workers');

/** What the harness reports while it runs. */
export interface Hooks {
  /** `phase`: open, cross-check, timing r/R, latency or close. */
  onPhase?(scenario: Scenario, contender: Contender, phase: string): void;
  onResult?(scenario: Scenario, result: ContenderResult): void;
}

/**
 * The scenarios of a config: one per CPU workload, one per concurrency of each I/O workload, and
 * the distributed one.
 */
export function scenariosOf(
  config: Pick<BenchConfig, 'workloads' | 'tasks' | 'sleepMs' | 'sleepConcurrency' | 'threads'>,
): Scenario[] {
  return config.workloads.flatMap((name): Scenario[] => {
    if (name === DISTRIBUTED)
      return [distributedScenario(config.tasks[name], config.threads, config.sleepMs)];
    const workload = WORKLOADS[name];
    const tasks = config.tasks[name];
    if (workload.kind === 'cpu')
      return [{ id: name, workload, tasks, concurrency: undefined, sleepMs: config.sleepMs }];
    return config.sleepConcurrency.map((c) => ({
      id: `${name}-c${c}`,
      workload,
      tasks,
      concurrency: c,
      sleepMs: config.sleepMs,
    }));
  });
}

/** Contender runs a config makes (each reports one result): the scenario tables' and the sweep's. */
export function plannedRuns(
  config: Pick<
    BenchConfig,
    'workloads' | 'tasks' | 'sleepMs' | 'sleepConcurrency' | 'contenders' | 'maxBatchSweep' | 'threads'
  >,
): number {
  const scenarios = scenariosOf(config);
  const swept = scenarios.filter((s) => sweeps(s, config.maxBatchSweep)).length;
  const contenders = config.contenders.map((id) => CONTENDERS[id]);
  const runs = scenarios.reduce((n, s) => n + contendersOf(s, contenders).length, 0);
  return runs + swept * (config.maxBatchSweep.length + 1);
}

/**
 * A cap on a whole run (`--budget`): contenders not yet opened, or not yet timed, when the clock
 * passes `deadline` are reported skipped with `reason`, and timing stops there. The floor, the
 * baseline of every ratio, is exempt.
 */
export interface Budget {
  /** A `performance.now()` time, ms. */
  readonly deadline: number;
  /** Why a contender was left out: `did not fit in --budget 20 s`. */
  readonly reason: string;
}

/** Settings {@link measure} reads; `budget` is optional (no cap). */
export type MeasureSettings = Pick<
  BenchConfig,
  | 'threads'
  | 'timeMs'
  | 'iterations'
  | 'warmupIterations'
  | 'rounds'
  | 'latencySamples'
  | 'crossCheckItems'
  | 'sleepIterations'
> & {
  /** A cap on the whole run; undefined = none. */
  readonly budget?: Budget;
};

/** True when `budget` is set and its deadline has passed. */
const spent = (budget: Budget | undefined): boolean =>
  budget !== undefined && performance.now() >= budget.deadline;

/** An error's first line; a thrown non-Error (some libraries reject with plain objects) as inspect shows it. */
const message = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  if (error !== null && typeof error === 'object') {
    const text = inspect(error, { depth: 2, breakLength: Number.POSITIVE_INFINITY });
    return `${Object.prototype.toString.call(error)} ${text}`.slice(0, 200);
  }
  return String(error);
};

/** Rounds a sample to 0.1 µs: keeps the JSON small without losing anything a timer can tell. */
const round = (ms: number): number => Math.round(ms * 1e4) / 1e4;

/** How long a runner's close() may take before the contender counts as failed. */
const CLOSE_LIMIT_MS = 15_000;

/**
 * `promise`, or a rejection once `ms` passed. The timer is ref'd: a library whose promise never
 * settles and holds no handle would otherwise let the process end silently mid-run.
 */
function settleOrThrow<T>(promise: Promise<T>, ms: number, text: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(text)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** `min(n, k)` evenly spread indices of `n` items, so a cross-check sees more than the first few. */
export function spread(n: number, k: number): number[] {
  const count = Math.min(n, k);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/** How a workload's outputs are cross-checked: its own check, or the kernel's outputs as canonical strings. */
function outputCheck(workload: Workload): OutputCheck {
  if (workload.check !== undefined) return workload.check;
  const kernel = kernelOf(workload);
  return {
    reference: 'the main-thread kernel',
    expected: (sample) => Promise.all(sample.map(async (item) => workload.canon(await kernel(item)))),
    differs(got, expected) {
      const text = workload.canon(got);
      return text === expected ? undefined : { got: text, expected: expected as string };
    },
  };
}

/** Compares a runner's outputs with the main thread's; returns the first difference, if any. */
async function crossCheck(
  runner: Runner,
  scenario: Scenario,
  items: readonly unknown[],
  k: number,
): Promise<string | undefined> {
  const check = outputCheck(scenario.workload);
  const sample = spread(items.length, k).map((i) => items[i]);
  const expected = await check.expected(sample);
  const raw = await runner.batch(sample);
  const got = runner.split ? runner.split(raw, sample.length) : (raw as unknown[]);
  if (!Array.isArray(got) || got.length !== sample.length) {
    return `cross-check: expected ${sample.length} outputs, received ${Array.isArray(got) ? got.length : typeof got}`;
  }
  for (let i = 0; i < sample.length; i++) {
    const difference = check.differs(got[i], expected[i]);
    if (difference !== undefined) {
      return `cross-check: item ${i} gave ${difference.got.slice(0, 60)}, ${check.reference} ${difference.expected.slice(0, 60)}`;
    }
  }
  const lone = check.differs(await runner.one(sample[0]), expected[0]);
  if (lone !== undefined)
    return `cross-check: a lone task gave ${lone.got.slice(0, 60)}, expected ${lone.expected.slice(0, 60)}`;
  return undefined;
}

/** One slice of timed batches via tinybench: `iterations` at least, and `timeMs` at least. */
async function timeSlice(
  runner: Runner,
  scenario: Scenario,
  items: readonly unknown[],
  slice: { timeMs: number; iterations: number; warmupIterations: number },
): Promise<number[]> {
  const bench = new Bench({
    time: slice.timeMs,
    iterations: slice.iterations,
    warmup: slice.warmupIterations > 0,
    warmupIterations: slice.warmupIterations,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(scenario.id, async () => {
    await runner.batch(items);
  });
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') {
    throw 'error' in result ? result.error : new Error(`tinybench ended in state ${result.state}`);
  }
  return [...(result.latency.samples ?? [])].map(round);
}

/** A contender's row before it has a status: its names, nothing measured. */
export function base(
  contender: Pick<Contender<ContenderId>, 'id' | 'label' | 'kind'>,
): Omit<ContenderResult, 'status'> {
  return {
    id: contender.id,
    label: contender.label,
    kind: contender.kind,
    crossCheck: null,
    batch: null,
    tasksPerSec: null,
    latency: null,
    speedup: null,
    efficiency: null,
  };
}

/** A contender in the middle of being measured. */
interface Live {
  readonly contender: Contender<ContenderId>;
  readonly runner: Runner;
  readonly checked: number;
  readonly samples: number[];
  /** One-task round trips, ms. */
  readonly lone: number[];
  failure?: string;
  /** Set when the budget ran out before this contender was timed: it is reported skipped. */
  skip?: string;
}

/**
 * Round trips of one task at a time — the latency a lone request sees — interleaved across the
 * contenders like the timing rounds: one task for each in turn (forwards, then backwards), so a
 * burst of load from elsewhere lands on all of them alike instead of on whichever was being
 * sampled. Bounded by count, and by time: about max(timeMs, 50) ms per contender, after at
 * least 3 round trips each.
 */
async function timeLone(
  entries: readonly Live[],
  scenario: Scenario,
  items: readonly unknown[],
  s: MeasureSettings,
  hooks: Hooks,
): Promise<void> {
  const sampled = entries.filter((e) => e.failure === undefined);
  for (const entry of sampled) hooks.onPhase?.(scenario, entry.contender, 'latency');
  const own = performance.now() + Math.max(s.timeMs, 50) * sampled.length;
  const deadline = s.budget === undefined ? own : Math.min(own, s.budget.deadline);
  for (let i = 0; i < s.latencySamples; i++) {
    const order = i % 2 === 0 ? sampled : [...sampled].reverse();
    for (const entry of order) {
      if (entry.failure !== undefined) continue;
      try {
        const t0 = performance.now();
        await entry.runner.one(items[i % items.length]);
        entry.lone.push(round(performance.now() - t0));
      } catch (error) {
        entry.failure = message(error);
      }
    }
    if (i >= 2 && performance.now() > deadline) break;
  }
}

/** How the timing of a scenario is cut into rounds, and each round's tinybench budget. */
function slices(
  scenario: Scenario,
  s: MeasureSettings,
): { timeMs: number; iterations: number; warmupIterations: number }[] {
  if (scenario.workload.kind === 'io') {
    // Long, timer-bound batches: one per round, no warm-up (there is nothing to compile).
    return Array.from({ length: s.sleepIterations }, () => ({
      timeMs: 0,
      iterations: 1,
      warmupIterations: 0,
    }));
  }
  const rounds = Math.max(1, s.rounds);
  return Array.from({ length: rounds }, (_, r) => ({
    timeMs: s.timeMs / rounds,
    iterations: Math.ceil(s.iterations / rounds),
    warmupIterations: r === 0 ? s.warmupIterations : 0,
  }));
}

/**
 * Measures every contender on one scenario, side by side: all are opened and cross-checked
 * first, then timed in interleaved rounds (round 1: A, B, C …; round 2: A, B, C …), so a burst
 * of load from elsewhere on a shared machine spreads over all of them instead of landing on
 * one. Idle pools wait without spinning. Then lone-task round trips, interleaved the same way
 * (one task each in turn), then every pool is closed.
 *
 * Never throws: a contender that cannot run here comes back `skipped`, one that throws or
 * disagrees with the kernel `failed`, each with a reason. `speedup`/`efficiency` stay null
 * (see {@link withRatios}).
 */
export async function measureScenario(
  contenders: readonly Contender<ContenderId>[],
  scenario: Scenario,
  items: readonly unknown[],
  settings: MeasureSettings,
  hooks: Hooks = {},
  workerDir = WORKER_DIR,
): Promise<ContenderResult[]> {
  const results = new Map<Contender<ContenderId>, ContenderResult>();
  /** Records a contender's final result and reports it at once (progress counts these). */
  const finish = (contender: Contender<ContenderId>, result: ContenderResult): void => {
    results.set(contender, result);
    hooks.onResult?.(scenario, result);
  };
  const live: Live[] = [];
  const context: OpenContext = { scenario, threads: settings.threads, workerDir };
  for (const contender of contenders) {
    const unsupported = contender.unsupported(scenario.workload);
    if (unsupported !== undefined) {
      finish(contender, { ...base(contender), status: 'skipped', reason: unsupported });
      continue;
    }
    if (contender.kind === 'floor' && scenario.workload.kind === 'io') {
      // Sequential sleeps take tasks × sleepMs (plus timer slack): computed, not run.
      const ms = scenario.tasks * scenario.sleepMs;
      finish(contender, {
        ...base(contender),
        status: 'ok',
        computed: true,
        batch: { samples: [ms], stats: summarize([ms]) },
        tasksPerSec: ms > 0 ? (scenario.tasks / ms) * 1000 : null,
      });
      continue;
    }
    // The floor is the baseline every ratio needs: it runs whatever the budget.
    if (contender.kind !== 'floor' && spent(settings.budget)) {
      finish(contender, { ...base(contender), status: 'skipped', reason: settings.budget?.reason });
      continue;
    }
    let runner: Runner;
    try {
      hooks.onPhase?.(scenario, contender, 'open');
      runner = await contender.open(context);
    } catch (error) {
      const skipped = error instanceof SkipError;
      finish(contender, {
        ...base(contender),
        status: skipped ? 'skipped' : 'failed',
        reason: skipped ? error.message : `open: ${message(error)}`,
      });
      continue;
    }
    const entry: Live = {
      contender,
      runner,
      checked: Math.min(items.length, settings.crossCheckItems),
      samples: [],
      lone: [],
    };
    live.push(entry);
    try {
      hooks.onPhase?.(scenario, contender, 'cross-check');
      const difference = await crossCheck(runner, scenario, items, settings.crossCheckItems);
      if (difference !== undefined) {
        entry.failure = difference;
        results.set(contender, {
          ...base(contender),
          status: 'failed',
          reason: difference,
          crossCheck: { items: entry.checked, equal: false },
        });
      }
    } catch (error) {
      entry.failure = message(error);
    }
  }
  const plan = slices(scenario, settings);
  for (const [r, slice] of plan.entries()) {
    for (const entry of live) {
      if (entry.failure !== undefined || entry.skip !== undefined) continue;
      if (entry.contender.kind !== 'floor' && spent(settings.budget)) {
        // Out of time: a contender with batches keeps them; one without any is skipped.
        if (entry.samples.length === 0) entry.skip = settings.budget?.reason;
        continue;
      }
      try {
        hooks.onPhase?.(scenario, entry.contender, `timing ${r + 1}/${plan.length}`);
        // A loop, not push(...samples): a fast contender on a small batch (the floor of a tiny
        // noop batch) can leave hundreds of thousands of samples, more arguments than a call takes.
        for (const sample of await timeSlice(entry.runner, scenario, items, slice))
          entry.samples.push(sample);
      } catch (error) {
        entry.failure = message(error);
      }
    }
  }
  if (scenario.workload.kind === 'cpu' && settings.latencySamples > 0) {
    const sampled = live.filter((entry) => !results.has(entry.contender) && entry.skip === undefined);
    await timeLone(sampled, scenario, items, settings, hooks);
  }
  for (const entry of live) {
    const { contender, runner } = entry;
    let result = results.get(contender);
    if (result === undefined && entry.skip !== undefined && entry.failure === undefined)
      result = { ...base(contender), status: 'skipped', reason: entry.skip };
    if (result === undefined && entry.failure === undefined) {
      try {
        const latency: ContenderResult['latency'] =
          entry.lone.length > 0 ? { samples: entry.lone, stats: summarize(entry.lone) } : null;
        const stats = summarize(entry.samples);
        result = {
          ...base(contender),
          status: 'ok',
          crossCheck: { items: entry.checked, equal: true },
          batch: { samples: entry.samples, stats },
          tasksPerSec: stats.medianMs > 0 ? (scenario.tasks / stats.medianMs) * 1000 : null,
          latency,
        };
      } catch (error) {
        entry.failure = message(error);
      }
    }
    result ??= { ...base(contender), status: 'failed', reason: entry.failure };
    hooks.onPhase?.(scenario, contender, 'close');
    try {
      await settleOrThrow(
        runner.close(),
        CLOSE_LIMIT_MS,
        `close() had not settled after ${CLOSE_LIMIT_MS} ms`,
      );
    } catch (error) {
      if (result.status === 'ok')
        result = { ...result, status: 'failed', reason: `close: ${message(error)}` };
    }
    if (runner.notes !== undefined && runner.notes.length > 0)
      result = { ...result, notes: [...runner.notes] };
    finish(contender, result);
  }
  return contenders.map((c) => results.get(c) as ContenderResult);
}

/** {@link measureScenario} for one contender. */
export async function measure(
  contender: Contender<ContenderId>,
  scenario: Scenario,
  items: readonly unknown[],
  settings: MeasureSettings,
  hooks: Hooks = {},
  workerDir = WORKER_DIR,
): Promise<ContenderResult> {
  const [result] = await measureScenario([contender], scenario, items, settings, hooks, workerDir);
  return result;
}

/**
 * Fills in speed-up over the floor and efficiency (speed-up per core, or per in-flight task),
 * and the scenario's verdict.
 */
export function withRatios(scenario: Scenario, results: ContenderResult[], threads: number): ScenarioResult {
  const io = scenario.workload.kind === 'io';
  const divisor = io ? (scenario.concurrency ?? 1) : threads;
  const floorMs = results.find((r) => r.id === 'floor' && r.status === 'ok')?.batch?.stats.medianMs;
  const contenders = results.map((r) => {
    const ms = r.batch?.stats.medianMs;
    if (r.status !== 'ok' || floorMs === undefined || ms === undefined || ms <= 0) return r;
    const speedup = floorMs / ms;
    return { ...r, speedup, efficiency: speedup / divisor };
  });
  return {
    id: scenario.id,
    workload: scenario.workload.name,
    title: scenario.title ?? scenario.workload.title,
    ...(scenario.setup === undefined ? {} : { setup: scenario.setup }),
    kind: scenario.workload.kind,
    tasks: scenario.tasks,
    concurrency: scenario.concurrency ?? null,
    sleepMs: io ? scenario.sleepMs : null,
    efficiencyBase: io ? 'concurrency' : 'cores',
    efficiencyDivisor: divisor,
    contenders,
    verdict: verdictOf(contenders),
  };
}

/**
 * Runs every scenario of `config` on every selected contender that runs in it and returns the
 * report. Whatever the distributed scenario started (Redis, poolkit-worker processes) is stopped
 * before it returns or throws.
 */
export async function runSuite(config: BenchConfig, hooks: Hooks = {}): Promise<BenchReport> {
  try {
    return await runScenarios(config, hooks);
  } finally {
    await stopCluster();
  }
}

async function runScenarios(config: BenchConfig, hooks: Hooks): Promise<BenchReport> {
  const started = performance.now();
  const env = environment();
  const contenders = config.contenders.map((id) => CONTENDERS[id]);
  const scenarios: ScenarioResult[] = [];
  const sweep: SweepResult[] = [];
  for (const scenario of scenariosOf(config)) {
    const items = scenario.workload.items(scenario.tasks, scenario.sleepMs);
    const results = await measureScenario(contendersOf(scenario, contenders), scenario, items, config, hooks);
    scenarios.push(withRatios(scenario, results, config.threads));
    if (sweeps(scenario, config.maxBatchSweep)) {
      // Right after the scenario's own table, on the same items: the adaptive default and each
      // fixed maxBatch in interleaved rounds. No lone-task latency: a lone task is never batched.
      const entries = sweepEntries(config.maxBatchSweep);
      const swept = await measureScenario(
        entries.map((e) => e.contender),
        scenario,
        items,
        { ...config, latencySamples: 0 },
        hooks,
      );
      sweep.push(sweepResult(scenario, entries, swept));
    }
  }
  return {
    schema: SCHEMA,
    environment: env,
    settings: {
      mode: config.mode,
      threads: config.threads,
      timeMs: config.timeMs,
      iterations: config.iterations,
      warmupIterations: config.warmupIterations,
      rounds: config.rounds,
      latencySamples: config.latencySamples,
      crossCheckItems: config.crossCheckItems,
      sleepMs: config.sleepMs,
      sleepConcurrency: config.sleepConcurrency,
      sleepIterations: config.sleepIterations,
      tasks: Object.fromEntries(config.workloads.map((w) => [w, config.tasks[w]])),
      ...(config.maxBatchSweep.length > 0 ? { maxBatchSweep: [...config.maxBatchSweep] } : {}),
    },
    scenarios,
    ...(config.maxBatchSweep.length > 0 ? { maxBatchSweep: sweep } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}
