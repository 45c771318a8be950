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
import type { ScenarioWorkload, TASK_WORKLOAD } from '../workloads.js';

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
  /** The workload its tasks run (`noop` for the distributed scenario, `task` for a user's task). */
  readonly workload: ScenarioWorkload;
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
  /** Tasks per batch of each selected workload and scenario (`distributed`), or of the user's `task`. */
  readonly tasks: Partial<Record<ScenarioName | typeof TASK_WORKLOAD, number>>;
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
  readonly workload: ScenarioWorkload;
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

/** A problem with the input that let part of the run go ahead (see `task/errors.ts`). */
export interface TaskIssue {
  /** A `TaskInputError` code, e.g. `ERR_INPUTS_NOT_CLONEABLE`. */
  readonly code: string;
  /** What is wrong and which contenders it ruled out. */
  readonly message: string;
}

/** What a user's task run measured (`poolkit-bench --task`), beside its one scenario. */
export interface TaskInfo {
  /** The module as given, relative to where the run started when it is inside it. */
  readonly module: string;
  /** Its absolute path. */
  readonly path: string;
  /** The export that is the task: `default` or a name. */
  readonly export: string;
  /** How the module is written: an ES module, CommonJS, or TypeScript (loaded through tsx). */
  readonly format: 'esm' | 'commonjs' | 'typescript';
  /** True when the task returned a promise on the main thread. */
  readonly async: boolean;
  /** Where the inputs came from; `distinct` < `tasks` when a shorter source was cycled. */
  readonly inputs: {
    /** `module`: its `inputs(count)`; `file`: a JSON file (`--inputs`); `array`: given from code. */
    readonly source: 'module' | 'file' | 'array';
    /** The JSON file, as given, for `file`. */
    readonly file?: string;
    /** Tasks per batch. */
    readonly tasks: number;
    /** Distinct inputs the source gave (the batch cycles them when fewer than `tasks`). */
    readonly distinct: number;
  };
  /** `given`: tasks per batch from the caller (`--tasks`); `auto`: sized from the probe's timing. */
  readonly sized: 'given' | 'auto';
  /** False when two main-thread runs disagreed and the run went ahead on timings only. */
  readonly deterministic: boolean;
  /** The per-task limit, ms. */
  readonly limitMs: number;
  /** The cap on the whole run (`--budget`), s; null without one. */
  readonly budgetSeconds: number | null;
  /** One task's median time in the probe's worker thread, ms; null when the probe did not run it. */
  readonly threadCostMs: number | null;
  /** Problems that ruled out some contenders (the CLI exits 2 after the run when there is one). */
  readonly problems: TaskIssue[];
  /** What else the run found (errors the probe saw, a cycled input source…). */
  readonly notes: string[];
}

/**
 * `pool`: use `contender`; `tie`: `contender` is ahead by the medians but inside the spread of
 * `tiedWith` or of the main thread (`mainThreadInSpread`); `main-thread`: no pool beat calling the
 * function directly; `none`: nothing to recommend (the task failed, or no pool ran).
 */
export type RecommendationOutcome = 'pool' | 'tie' | 'main-thread' | 'none';

/** Which backend and settings to use for a task, and why — in numbers and in plain words. */
export interface Recommendation {
  /** What kind of answer it is (see {@link RecommendationOutcome}). */
  readonly outcome: RecommendationOutcome;
  /** The contender to use (the verdict's leader) for `pool` and `tie`; null otherwise. */
  readonly contender: ContenderId | null;
  /** The verdict's `tiedWith`: the pools inside the leader's spread (whatever the outcome). */
  readonly tiedWith: ContenderId[];
  /**
   * True when the main thread's batch times overlap the leader's (IQRs, the verdict's rule): a
   * pool ahead by the medians is then called a `tie` with the main thread.
   */
  readonly mainThreadInSpread: boolean;
  /** Threads (or tasks in flight) each contender was given. */
  readonly threads: number;
  /** The verdict leader's speed-up over the main thread; null when either did not run. */
  readonly speedup: number | null;
  /** The verdict leader's lone-task round trip, median, ms. */
  readonly loneP50Ms: number | null;
  /** The task's own cost: the floor's median batch time ÷ tasks, ms. */
  readonly taskCostMs: number | null;
  /**
   * Per contender that ran: batch time per task × the lanes it runs on (threads, or 1 on the main
   * thread) − the task's cost, ms (≥ 0): what each task costs beyond its work. Sync tasks only.
   */
  readonly overheadMs: Partial<Record<ContenderId, number>>;
  /** Work per task above which threads beat the main thread here, estimated, ms; null when not estimable. */
  readonly breakEvenMs: number | null;
  /** pool-piscina-batched tasks/s ÷ pool-piscina's; null unless both ran. */
  readonly batchingGain: number | null;
  /** The recommendation in plain words: a headline, then the reasons. */
  readonly lines: string[];
}

/** A whole run: what `poolkit-bench` writes as JSON and renders as tables, charts and pages. */
export interface BenchReport {
  /** {@link SCHEMA}: the shape's name and version. */
  readonly schema: typeof SCHEMA;
  /** Where the run happened. */
  readonly environment: Environment;
  /** The settings it used, after defaults. */
  readonly settings: RunSettings;
  /** One per scenario, in run order (a task run has one). */
  readonly scenarios: ScenarioResult[];
  /** Only when the run had `--max-batch-sweep`: one entry per CPU scenario. */
  readonly maxBatchSweep?: SweepResult[];
  /** Only for a user's task (`--task`): what was run, how it was sized and checked. */
  readonly task?: TaskInfo;
  /** Only for a user's task: which backend to use, printed last and at the top of the pages. */
  readonly recommendation?: Recommendation;
  /** Wall time of the whole run, ms. */
  readonly durationMs: number;
}
