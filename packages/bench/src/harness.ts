/**
 * The harness: for each scenario, each contender is opened, cross-checked against the
 * main-thread kernel, timed over whole batches with tinybench, sampled for one-task round
 * trips, and closed — one contender at a time, so no two compete for the cores.
 *
 *   open ──▶ cross-check (k items + 1 lone task) ──▶ tinybench: warm-up, timed batches
 *        ──▶ one-task round trips ──▶ close (always awaited)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { type Contender, type OpenContext, type Runner, type Scenario, SkipError } from './contender.js';
import { CONTENDERS } from './contenders/index.js';
import { kernelOf } from './contenders/kernel-of.js';
import { environment } from './environment.js';
import type { BenchConfig } from './options.js';
import { type BenchReport, type ContenderResult, SCHEMA, type ScenarioResult } from './report/types.js';
import { summarize } from './stats.js';
import { WORKLOADS } from './workloads.js';

/** dist/workers of this package, from src/ (tests) or dist/ (the CLI) alike. */
export const WORKER_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'workers');

/** What the harness reports while it runs. */
export interface Hooks {
  onPhase?(scenario: Scenario, contender: Contender, phase: 'open' | 'cross-check' | 'timing' | 'latency' | 'close'): void;
  onResult?(scenario: Scenario, result: ContenderResult): void;
}

/** The scenarios of a config: one per CPU workload, one per concurrency of each I/O workload. */
export function scenariosOf(config: Pick<BenchConfig, 'workloads' | 'tasks' | 'sleepMs' | 'sleepConcurrency'>): Scenario[] {
  return config.workloads.flatMap((name): Scenario[] => {
    const workload = WORKLOADS[name];
    const tasks = config.tasks[name];
    if (workload.kind === 'cpu') return [{ id: name, workload, tasks, concurrency: undefined, sleepMs: config.sleepMs }];
    return config.sleepConcurrency.map((c) => ({
      id: `${name}-c${c}`,
      workload,
      tasks,
      concurrency: c,
      sleepMs: config.sleepMs,
    }));
  });
}

/** Settings {@link measure} reads. */
export type MeasureSettings = Pick<
  BenchConfig,
  'threads' | 'timeMs' | 'iterations' | 'warmupIterations' | 'latencySamples' | 'crossCheckItems' | 'sleepIterations'
>;

const message = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);

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

/** Evenly spread indices, so a cross-check sees more than the first few items. */
function spread(n: number, k: number): number[] {
  const count = Math.min(n, k);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/** Compares a runner's outputs with the main-thread kernel's; returns the first difference, if any. */
async function crossCheck(runner: Runner, scenario: Scenario, items: readonly unknown[], k: number): Promise<string | undefined> {
  const { workload } = scenario;
  const kernel = kernelOf(workload);
  const sample = spread(items.length, k).map((i) => items[i]);
  const expected = await Promise.all(sample.map(async (item) => workload.canon(await kernel(item))));
  const raw = await runner.batch(sample);
  const got = runner.split ? runner.split(raw, sample.length) : (raw as unknown[]);
  if (!Array.isArray(got) || got.length !== sample.length) {
    return `cross-check: expected ${sample.length} outputs, received ${Array.isArray(got) ? got.length : typeof got}`;
  }
  for (let i = 0; i < sample.length; i++) {
    const text = workload.canon(got[i]);
    if (text !== expected[i]) {
      return `cross-check: item ${i} gave ${text.slice(0, 60)}, the main-thread kernel ${expected[i].slice(0, 60)}`;
    }
  }
  const lone = workload.canon(await runner.one(sample[0]));
  if (lone !== expected[0]) return `cross-check: a lone task gave ${lone.slice(0, 60)}, expected ${expected[0].slice(0, 60)}`;
  return undefined;
}

/** Median wall time of whole batches, via tinybench. */
async function timeBatches(runner: Runner, scenario: Scenario, items: readonly unknown[], s: MeasureSettings): Promise<number[]> {
  const io = scenario.workload.kind === 'io';
  const warmup = io ? 0 : s.warmupIterations;
  const bench = new Bench({
    time: io ? 0 : s.timeMs,
    iterations: io ? s.sleepIterations : s.iterations,
    warmup: warmup > 0,
    warmupIterations: warmup,
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

/** Round trips of one task at a time: the latency a lone request sees. Bounded by count and by time. */
async function timeLone(runner: Runner, items: readonly unknown[], s: MeasureSettings): Promise<number[]> {
  const out: number[] = [];
  const deadline = performance.now() + Math.max(s.timeMs, 50);
  for (let i = 0; i < s.latencySamples; i++) {
    const t0 = performance.now();
    await runner.one(items[i % items.length]);
    out.push(round(performance.now() - t0));
    if (out.length >= 3 && performance.now() > deadline) break;
  }
  return out;
}

function base(contender: Contender): Omit<ContenderResult, 'status'> {
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

/**
 * Measures one contender on one scenario. Never throws: an unavailable contender comes back
 * `skipped`, one that throws or disagrees with the kernel `failed`, each with a reason.
 * `speedup`/`efficiency` are left null (they need the floor; see {@link withRatios}).
 */
export async function measure(
  contender: Contender,
  scenario: Scenario,
  items: readonly unknown[],
  settings: MeasureSettings,
  hooks: Hooks = {},
  workerDir = WORKER_DIR,
): Promise<ContenderResult> {
  const unsupported = contender.unsupported(scenario.workload);
  if (unsupported !== undefined) return { ...base(contender), status: 'skipped', reason: unsupported };
  if (contender.kind === 'floor' && scenario.workload.kind === 'io') {
    // Sequential sleeps take exactly tasks × sleepMs (plus timer slack): computed, not run.
    const ms = scenario.tasks * scenario.sleepMs;
    return {
      ...base(contender),
      status: 'ok',
      computed: true,
      batch: { samples: [ms], stats: summarize([ms]) },
      tasksPerSec: ms > 0 ? (scenario.tasks / ms) * 1000 : null,
    };
  }
  const context: OpenContext = { scenario, threads: settings.threads, workerDir };
  let runner: Runner;
  try {
    hooks.onPhase?.(scenario, contender, 'open');
    runner = await contender.open(context);
  } catch (error) {
    const status = error instanceof SkipError ? 'skipped' : 'failed';
    return { ...base(contender), status, reason: error instanceof SkipError ? error.message : `open: ${message(error)}` };
  }
  let result: ContenderResult;
  try {
    hooks.onPhase?.(scenario, contender, 'cross-check');
    const difference = await crossCheck(runner, scenario, items, settings.crossCheckItems);
    const checked = Math.min(items.length, settings.crossCheckItems);
    if (difference !== undefined) {
      result = { ...base(contender), status: 'failed', reason: difference, crossCheck: { items: checked, equal: false } };
    } else {
      hooks.onPhase?.(scenario, contender, 'timing');
      const samples = await timeBatches(runner, scenario, items, settings);
      const stats = summarize(samples);
      let latency: ContenderResult['latency'] = null;
      if (scenario.workload.kind === 'cpu' && settings.latencySamples > 0) {
        hooks.onPhase?.(scenario, contender, 'latency');
        const lone = await timeLone(runner, items, settings);
        latency = { samples: lone, stats: summarize(lone) };
      }
      result = {
        ...base(contender),
        status: 'ok',
        crossCheck: { items: checked, equal: true },
        batch: { samples, stats },
        tasksPerSec: stats.medianMs > 0 ? (scenario.tasks / stats.medianMs) * 1000 : null,
        latency,
      };
    }
  } catch (error) {
    result = { ...base(contender), status: 'failed', reason: message(error) };
  }
  hooks.onPhase?.(scenario, contender, 'close');
  try {
    await settleOrThrow(runner.close(), CLOSE_LIMIT_MS, `close() had not settled after ${CLOSE_LIMIT_MS} ms`);
  } catch (error) {
    if (result.status === 'ok') result = { ...result, status: 'failed', reason: `close: ${message(error)}` };
  }
  if (runner.notes !== undefined && runner.notes.length > 0) result = { ...result, notes: [...runner.notes] };
  return result;
}

/** Fills in speed-up over the floor and efficiency (speed-up per core, or per in-flight task). */
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
    title: scenario.workload.title,
    kind: scenario.workload.kind,
    tasks: scenario.tasks,
    concurrency: scenario.concurrency ?? null,
    sleepMs: io ? scenario.sleepMs : null,
    efficiencyBase: io ? 'concurrency' : 'cores',
    efficiencyDivisor: divisor,
    contenders,
  };
}

/** Runs every scenario of `config` on every selected contender and returns the report. */
export async function runSuite(config: BenchConfig, hooks: Hooks = {}): Promise<BenchReport> {
  const started = performance.now();
  const env = environment();
  const contenders = config.contenders.map((id) => CONTENDERS[id]);
  const scenarios: ScenarioResult[] = [];
  for (const scenario of scenariosOf(config)) {
    const items = scenario.workload.items(scenario.tasks, scenario.sleepMs);
    const results: ContenderResult[] = [];
    for (const contender of contenders) {
      const result = await measure(contender, scenario, items, config, hooks);
      results.push(result);
      hooks.onResult?.(scenario, result);
    }
    scenarios.push(withRatios(scenario, results, config.threads));
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
      latencySamples: config.latencySamples,
      crossCheckItems: config.crossCheckItems,
      sleepMs: config.sleepMs,
      sleepConcurrency: config.sleepConcurrency,
      sleepIterations: config.sleepIterations,
      tasks: Object.fromEntries(config.workloads.map((w) => [w, config.tasks[w]])),
    },
    scenarios,
    durationMs: Math.round(performance.now() - started),
  };
}
