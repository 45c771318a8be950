/**
 * Names the command line, the harness and the report share: the scenarios `--workload` selects
 * and the maxBatch sweep's contender and values. A leaf: it imports no module that works, so
 * `options`, `sweep`, `verdict` and the report's types all read from it without a circle.
 */
import { DISTRIBUTED } from './distributed/scenario.js';
import { WORKLOAD_NAMES } from './workloads.js';

/**
 * What `--workload` selects, in run order: every workload (one scenario each, or one per
 * concurrency for `sleep`), then `distributed` (noop tasks through Redis to poolkit-worker processes).
 */
export const SCENARIO_NAMES = [...WORKLOAD_NAMES, DISTRIBUTED] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * The contender the maxBatch sweep (`--max-batch-sweep`) varies. A literal: every place that
 * takes a contender id checks it against the registry's ids.
 */
export const SWEEP_CONTENDER = 'pool-piscina-batched';

/** The sweep values the README suggests (and the run recorded there used). */
export const SUGGESTED_SWEEP = [4, 16, 64, 256, 1024] as const;
