export {
  type Contender,
  type ContenderKind,
  contendersOf,
  type OpenContext,
  type Runner,
  type Scenario,
  SkipError,
} from './contender.js';
export {
  byId,
  CONTENDER_IDS,
  CONTENDER_LIST,
  CONTENDERS,
  type ContenderId,
  DISTRIBUTED_CONTENDERS,
} from './contenders/registry.js';
export { startedProcesses, stopCluster } from './distributed/cluster.js';
export { DISTRIBUTED, distributedScenario } from './distributed/scenario.js';
export { type Environment, environment, environmentLine } from './environment.js';
export {
  type Budget,
  type Hooks,
  type MeasureSettings,
  measure,
  plannedRuns,
  runSuite,
  scenariosOf,
  spread,
  WORKER_DIR,
  withRatios,
} from './harness.js';
export { type KernelName, kernels, MANDELBROT } from './kernels.js';
export { SCENARIO_NAMES, type ScenarioName, SUGGESTED_SWEEP, SWEEP_CONTENDER } from './names.js';
export { type BenchConfig, MODES, parseOptions, USAGE, UsageError } from './options.js';
export { type Axis, formatTick, niceAxis } from './report/axis.js';
export { formatRatio, formatSignificant } from './report/format.js';
export { renderHtml } from './report/html.js';
export { checkReport } from './report/schema.js';
export { escapeXml, renderSvg } from './report/svg.js';
export {
  renderMarkdown,
  renderSweepText,
  renderText,
  renderVerdictText,
  sweepSummary,
} from './report/table.js';
export { recommendationText, taskLine, taskRemarks } from './report/task.js';
export type {
  BenchReport,
  ContenderResult,
  Outcome,
  Recommendation,
  RecommendationOutcome,
  RunSettings,
  Samples,
  ScenarioResult,
  Spread,
  SweepResult,
  SweepRow,
  TaskInfo,
  TaskIssue,
  Verdict,
} from './report/types.js';
export { SCHEMA } from './report/types.js';
export { VERDICT_RULE, verdictLine } from './report/verdict-line.js';
export { writeReport } from './report/write.js';
export { median, quantile, type Stats, summarize } from './stats.js';
export { TASK_CONTENDER_IDS, type TaskContenderId } from './task/contenders.js';
export {
  errorText,
  TASK_ERROR_CODES,
  type TaskErrorCode,
  TaskInputError,
  type TaskProblem,
} from './task/errors.js';
export { DEFAULT_TASK_TIMEOUT_MS, type TaskOptions } from './task/options.js';
export { TASK_PEERS } from './task/peers.js';
export { benchmarkTask, type TaskReport } from './task/run.js';
export { cloneDifference } from './task/same.js';
export { MIN_SAMPLES, overlaps, spreadOf, verdictOf } from './verdict.js';
export {
  type OutputCheck,
  type OutputDifference,
  type ScenarioWorkload,
  TASK_WORKLOAD,
  WORKLOAD_NAMES,
  WORKLOADS,
  type Workload,
  type WorkloadName,
} from './workloads.js';
