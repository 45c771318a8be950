/**
 * The JSON report: every sample of every contender of every scenario, with the environment.
 * `schema` names this shape; a change that breaks readers bumps it.
 */
import type { ContenderId, ContenderKind } from '../contender.js';
import type { Environment } from '../environment.js';
import type { Stats } from '../stats.js';
import type { WorkloadName } from '../workloads.js';

export const SCHEMA = 'poolkit-bench/1';

/** Timing samples in milliseconds with their summary. */
export interface Samples {
  readonly samples: number[];
  readonly stats: Stats;
}

export interface ContenderResult {
  readonly id: ContenderId;
  readonly label: string;
  readonly kind: ContenderKind;
  /** `skipped`: cannot run here or by design (see `reason`); `failed`: threw, or outputs differed. */
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  /** What the contender reported about its run (workarounds needed), if anything. */
  readonly notes?: string[];
  /** True for the I/O floor, computed as tasks × sleep instead of run. */
  readonly computed?: boolean;
  /** Outputs of `items` sample items (and of one lone task) compared with the main-thread kernel. */
  readonly crossCheck: { readonly items: number; readonly equal: boolean } | null;
  /** Wall time of one whole batch of `tasks` tasks, one sample per tinybench iteration. */
  readonly batch: Samples | null;
  /** tasks / median batch time. */
  readonly tasksPerSec: number | null;
  /** Round trip of one task with nothing else in flight (CPU workloads). */
  readonly latency: Samples | null;
  /** Floor's median batch time / this contender's. */
  readonly speedup: number | null;
  /** speedup / the scenario's `efficiencyDivisor`. */
  readonly efficiency: number | null;
}

export interface ScenarioResult {
  readonly id: string;
  readonly workload: WorkloadName;
  readonly title: string;
  readonly kind: 'cpu' | 'io';
  readonly tasks: number;
  /** In-flight tasks of an I/O scenario; null for CPU scenarios (contenders use `config.threads`). */
  readonly concurrency: number | null;
  readonly sleepMs: number | null;
  /** Efficiency is speed-up per core for CPU work and per in-flight task for I/O work. */
  readonly efficiencyBase: 'cores' | 'concurrency';
  readonly efficiencyDivisor: number;
  readonly contenders: ContenderResult[];
}

/** The settings a run used (after defaults). */
export interface RunSettings {
  readonly mode: 'quick' | 'full';
  readonly threads: number;
  readonly timeMs: number;
  readonly iterations: number;
  readonly warmupIterations: number;
  /** Timing is cut into this many interleaved rounds over the contenders (CPU scenarios). */
  readonly rounds: number;
  readonly latencySamples: number;
  readonly crossCheckItems: number;
  readonly sleepMs: number;
  readonly sleepConcurrency: number[];
  readonly sleepIterations: number;
  readonly tasks: Partial<Record<WorkloadName, number>>;
}

export interface BenchReport {
  readonly schema: typeof SCHEMA;
  readonly environment: Environment;
  readonly settings: RunSettings;
  readonly scenarios: ScenarioResult[];
  readonly durationMs: number;
}
