/**
 * The JSON report: every sample of every contender of every scenario, with the environment.
 * `schema` names this shape; a change that breaks readers bumps it.
 *
 * Shapes only (the verdict's too, computed in verdict.ts): a leaf the command line, the
 * harness, the sweep and the verdict all import, and which imports none of them.
 */
import type { ContenderKind } from '../contender.js';
import type { ContenderId } from '../contenders/registry.js';
import type { Environment } from '../environment.js';
import type { ScenarioName } from '../names.js';
import type { Stats } from '../stats.js';
import type { WorkloadName } from '../workloads.js';

export const SCHEMA = 'poolkit-bench/1';

/** Where one candidate's batch times lie, in ms. */
export interface Spread {
  readonly id: ContenderId;
  /** Batch samples. */
  readonly n: number;
  /** Median batch time, as in the tables. */
  readonly medianMs: number;
  /** First and third quartiles, nearest rank (with 3 samples: the lowest and the highest). */
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * `win`: the leader's IQR overlaps no other candidate's; `tie`: it overlaps at least one;
 * `too-few-samples`: a candidate has fewer than `MIN_SAMPLES` (verdict.ts) samples; `alone`: one
 * candidate ran; `none`: no candidate ran.
 */
export type Outcome = 'win' | 'tie' | 'too-few-samples' | 'alone' | 'none';

/**
 * The verdict of one scenario (the rule is verdict.ts's module comment), saved in the JSON as
 * `scenarios[i].verdict` and printed by `verdictLine`.
 */
export interface Verdict {
  readonly outcome: Outcome;
  /** The candidate with the lowest median batch time; null for `none`. */
  readonly leader: Spread | null;
  /** The second lowest; null for `alone` and `none`. */
  readonly next: Spread | null;
  /** next.medianMs ÷ leader.medianMs (≥ 1); null without a next. */
  readonly margin: number | null;
  /** Candidates whose IQR overlaps the leader's, fastest first; empty unless `tie`. */
  readonly tiedWith: ContenderId[];
  /** The floor's median ÷ the leader's (the leader's speed-up); null without both. */
  readonly floorSpeedup: number | null;
}

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
  /** The workload its tasks run (`noop` for the distributed scenario). */
  readonly workload: WorkloadName;
  readonly title: string;
  /** How its contenders are set up, when the thread count alone does not say it (the distributed scenario). */
  readonly setup?: string;
  readonly kind: 'cpu' | 'io';
  readonly tasks: number;
  /** In-flight tasks of an I/O scenario; null for CPU scenarios (contenders use `config.threads`). */
  readonly concurrency: number | null;
  readonly sleepMs: number | null;
  /** Efficiency is speed-up per core for CPU work and per in-flight task for I/O work. */
  readonly efficiencyBase: 'cores' | 'concurrency';
  readonly efficiencyDivisor: number;
  readonly contenders: ContenderResult[];
  /** Which contender to pick, by how much, and whether the lead beats the noise ({@link Verdict}). */
  readonly verdict: Verdict;
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
  /** Tasks per batch of each selected workload and scenario (`distributed`). */
  readonly tasks: Partial<Record<ScenarioName, number>>;
  /** The fixed `maxBatch` values of the sweep (`--max-batch-sweep`); absent or empty = no sweep. */
  readonly maxBatchSweep?: readonly number[];
}

/** One configuration of a maxBatch sweep: the sweep's contender with one `maxBatch`. */
export interface SweepRow {
  /** The Pool's `maxBatch`; null = the Pool's default (adaptive batching, capped at 1024). */
  readonly maxBatch: number | null;
  readonly label: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  /** Wall time of one whole batch, as in the scenario tables. */
  readonly batch: Samples | null;
  readonly tasksPerSec: number | null;
  /** Tasks per backend call over the runner's life (cross-check included): its mean batch size. */
  readonly tasksPerCall: number | null;
}

/**
 * A maxBatch sweep of one CPU scenario: the adaptive default and each fixed `maxBatch`, timed
 * side by side in interleaved rounds (right after that scenario's table, same items).
 */
export interface SweepResult {
  /** The scenario's id (a CPU workload's name). */
  readonly scenario: string;
  readonly workload: WorkloadName;
  readonly tasks: number;
  /** The contender swept. */
  readonly contender: ContenderId;
  /** The adaptive default first, then the fixed values in ascending order. */
  readonly rows: SweepRow[];
  /** The `maxBatch` of the fastest fixed row (lowest median batch time); null when none was measured. */
  readonly bestFixed: number | null;
  /** Adaptive tasks/s ÷ the best fixed row's (median batch times); null when either is missing. */
  readonly ratio: number | null;
}

export interface BenchReport {
  readonly schema: typeof SCHEMA;
  readonly environment: Environment;
  readonly settings: RunSettings;
  readonly scenarios: ScenarioResult[];
  /** Only when the run had `--max-batch-sweep`: one entry per CPU scenario. */
  readonly maxBatchSweep?: SweepResult[];
  readonly durationMs: number;
}
