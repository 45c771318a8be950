export {
  CONTENDER_IDS,
  type Contender,
  type ContenderId,
  type ContenderKind,
  contendersOf,
  type OpenContext,
  type Runner,
  type Scenario,
  SkipError,
} from './contender.js';
export { CONTENDERS } from './contenders/index.js';
export { startedProcesses, stopCluster } from './distributed/cluster.js';
export { DISTRIBUTED, DISTRIBUTED_CONTENDERS, distributedScenario } from './distributed/scenario.js';
export { type Environment, environment, environmentLine } from './environment.js';
export {
  type Hooks,
  type MeasureSettings,
  measure,
  plannedRuns,
  runSuite,
  scenariosOf,
  WORKER_DIR,
  withRatios,
} from './harness.js';
export { type KernelName, kernels, MANDELBROT } from './kernels.js';
export {
  type BenchConfig,
  MODES,
  parseOptions,
  SCENARIO_NAMES,
  type ScenarioName,
  USAGE,
  UsageError,
} from './options.js';
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
export type {
  BenchReport,
  ContenderResult,
  RunSettings,
  Samples,
  ScenarioResult,
  SweepResult,
  SweepRow,
} from './report/types.js';
export { SCHEMA } from './report/types.js';
export { VERDICT_RULE, verdictLine } from './report/verdict-line.js';
export { writeReport } from './report/write.js';
export { median, quantile, type Stats, summarize } from './stats.js';
export { SUGGESTED_SWEEP, SWEEP_CONTENDER } from './sweep.js';
export {
  MIN_SAMPLES,
  type Outcome,
  overlaps,
  type Spread,
  spreadOf,
  type Verdict,
  verdictOf,
} from './verdict.js';
export { WORKLOAD_NAMES, WORKLOADS, type Workload, type WorkloadName } from './workloads.js';
