/**
 * A made-up report for the HTML tests: a CPU scenario with a clear winner (and a floor ~20 000×
 * faster than the slowest contender, the case that used to print `0.000051×`), a CPU scenario
 * with a tie and a skipped contender, and an I/O scenario with its computed floor. Deterministic,
 * so the tests never run a benchmark.
 */
import type { Environment } from '../src/environment.js';
import { type BenchReport, type ContenderResult, SCHEMA, type ScenarioResult } from '../src/report/types.js';
import { summarize } from '../src/stats.js';
import { recommend } from '../src/task/recommend.js';
import { verdictOf } from '../src/verdict.js';

export const env: Environment = {
  runtime: { name: 'node', version: 'v20.20.2' },
  node: 'v20.20.2',
  v8: '11',
  platform: 'linux',
  arch: 'x64',
  cpu: 'Test CPU <fast & cheap>',
  cores: 2,
  memoryGiB: 4,
  loadAverage: 0.5,
  commit: 'abc1234',
  dirty: false,
  date: '2026-01-02T03:04:05.000Z',
  versions: { tinybench: '6.2.3' },
};

const KINDS: Partial<Record<ContenderResult['id'], ContenderResult['kind']>> = {
  floor: 'floor',
  'pool-inline': 'poolkit',
  'pool-piscina': 'poolkit',
  'pool-piscina-batched': 'poolkit',
  'pool-native-batched': 'poolkit',
  'native-batch': 'poolkit',
  fastq: 'in-process',
  'p-queue': 'in-process',
};

/** An ok contender with batch samples `samples` (ms) of `tasks` tasks, ratios over `floorMs`. */
export function measured(
  id: ContenderResult['id'],
  samples: number[],
  tasks: number,
  floorMs: number,
  extra: Partial<ContenderResult> = {},
): ContenderResult {
  const stats = summarize(samples);
  const speedup = floorMs / stats.medianMs;
  return {
    id,
    label: `${id} <label>`,
    kind: KINDS[id] ?? 'worker-pool',
    status: 'ok',
    crossCheck: { items: 8, equal: true },
    batch: { samples, stats },
    tasksPerSec: (tasks * 1000) / stats.medianMs,
    latency: null,
    speedup,
    efficiency: speedup / 2,
    ...extra,
  };
}

function cpu(id: 'md5' | 'noop', tasks: number, contenders: ContenderResult[]): ScenarioResult {
  return {
    id,
    workload: id,
    title: id === 'md5' ? 'MD5 of a 1 KiB buffer' : 'identity',
    kind: 'cpu',
    tasks,
    concurrency: null,
    sleepMs: null,
    efficiencyBase: 'cores',
    efficiencyDivisor: 2,
    contenders,
    verdict: verdictOf(contenders),
  };
}

const md5 = cpu('md5', 1000, [
  measured('floor', [4.4, 4.5, 4.6, 4.5, 4.7], 1000, 4.5),
  measured('pool-native-batched', [4.0, 4.05, 4.1, 4.02, 4.08], 1000, 4.5),
  measured('native-batch', [4.5, 4.6, 4.7, 4.55, 4.65], 1000, 4.5),
  measured('piscina', [50, 52, 55, 51, 53], 1000, 4.5),
]);

const noop = cpu('noop', 2000, [
  measured('floor', [0.0033, 0.0034, 0.0035], 2000, 0.0034),
  measured('pool-inline', [1.2, 1.3, 1.5, 1.25, 1.4], 2000, 0.0034),
  measured('fastq', [1.3, 1.35, 1.6, 1.45, 1.5], 2000, 0.0034),
  measured('p-queue', [66, 67, 70, 68, 69], 2000, 0.0034),
  {
    ...measured('pool-native', [1], 2000, 1),
    status: 'skipped',
    reason: 'the native addon is not built',
    batch: null,
    tasksPerSec: null,
    speedup: null,
    efficiency: null,
    crossCheck: null,
  },
]);

const sleepContenders = [
  measured('floor', [500], 100, 500, { computed: true, crossCheck: null }),
  measured('pool-inline', [101, 102, 103, 101.5], 100, 500),
  measured('fastq', [101.2, 102.5, 103.5, 101.8], 100, 500),
];
const sleep: ScenarioResult = {
  id: 'sleep-c5',
  workload: 'sleep',
  title: 'a 5 ms timer',
  kind: 'io',
  tasks: 100,
  concurrency: 5,
  sleepMs: 5,
  efficiencyBase: 'concurrency',
  efficiencyDivisor: 5,
  contenders: sleepContenders,
  verdict: verdictOf(sleepContenders),
};

/** The sample report: md5 (a win), noop (a tie, one skipped), sleep-c5 (a tie, computed floor). */
export const sampleReport: BenchReport = {
  schema: SCHEMA,
  environment: env,
  settings: {
    mode: 'quick',
    threads: 2,
    timeMs: 500,
    iterations: 5,
    warmupIterations: 2,
    rounds: 2,
    latencySamples: 30,
    crossCheckItems: 8,
    sleepMs: 5,
    sleepConcurrency: [5],
    sleepIterations: 4,
    tasks: { md5: 1000, noop: 2000, sleep: 100 },
  },
  scenarios: [md5, noop, sleep],
  durationMs: 12_345,
};

/** A task scenario (`render`, 100 tasks of ~1 ms) of `contenders`, with its verdict. */
export function taskScenario(contenders: ContenderResult[]): ScenarioResult {
  return {
    id: 'render',
    workload: 'task',
    title: 'render of src/render.ts, a sync function',
    kind: 'cpu',
    tasks: 100,
    concurrency: null,
    sleepMs: null,
    efficiencyBase: 'cores',
    efficiencyDivisor: 2,
    contenders,
    verdict: verdictOf(contenders),
  };
}

/** A contender that failed its cross-check (no batch). */
export function failedRow(id: ContenderResult['id'], reason: string): ContenderResult {
  return {
    ...measured(id, [1], 100, 1),
    status: 'failed',
    reason,
    crossCheck: { items: 8, equal: false },
    batch: null,
    tasksPerSec: null,
    speedup: null,
    efficiency: null,
  };
}

/** The task run of the sample: Pool + PiscinaBackend batched wins clearly, workerpool failed. */
const renderScenario = taskScenario([
  measured('floor', [100, 101, 102, 100.5, 101.5], 100, 101, {
    latency: { samples: [1.01, 1.02, 1.0], stats: summarize([1.01, 1.02, 1.0]) },
  }),
  measured('pool-inline', [101, 102, 103, 101.5, 102.5], 100, 101),
  measured('pool-piscina', [60, 61, 62, 60.5, 61.5], 100, 101),
  measured('pool-piscina-batched', [52, 53, 54, 52.5, 53.5], 100, 101, {
    latency: { samples: [1.2, 1.25, 1.3], stats: summarize([1.2, 1.25, 1.3]) },
  }),
  measured('piscina', [70, 71, 72, 70.5, 71.5], 100, 101),
  failedRow('workerpool', "cross-check: item 0 gave 'a', the main thread 'b'"),
  {
    ...failedRow('fastq', 'x'),
    kind: 'in-process',
    status: 'skipped',
    reason:
      'the task is synchronous: an in-process queue runs it one call at a time on the main thread, like the floor (fastq and p-queue take part for async tasks)',
    crossCheck: null,
  },
]);

/** The sample task report: what `poolkit-bench --task src/render.ts --export render` writes. */
export const sampleTaskReport: BenchReport = {
  ...sampleReport,
  settings: {
    ...sampleReport.settings,
    sleepMs: 0,
    sleepConcurrency: [],
    sleepIterations: 0,
    tasks: { task: 100 },
  },
  scenarios: [renderScenario],
  task: {
    module: 'src/render.ts',
    path: '/app/src/render.ts',
    export: 'render',
    format: 'typescript',
    async: false,
    inputs: { source: 'module', tasks: 100, distinct: 100 },
    sized: 'auto',
    deterministic: true,
    limitMs: 10_000,
    budgetSeconds: 60,
    threadCostMs: 0.98,
    problems: [],
    notes: ['a <note> & more'],
  },
  recommendation: recommend(renderScenario, {
    threads: 2,
    async: false,
    offMain: new Set(['pool-piscina', 'pool-piscina-batched', 'piscina', 'workerpool']),
    name: 'render (src/render.ts)',
  }),
};
