/**
 * Queue-wait and run-time histograms of a Pool (`latency: true`), on Node's built-in HDR
 * histogram (`perf_hooks.createHistogram`): no dependency, constant memory, percentiles.
 *
 * - wait: from acceptance (the queue took the task) to the start of its first try;
 * - run: from the start of a try to its end (success, failure or timeout), per try, so a task
 *   with retries adds one sample per try. Cancelled tries are not samples.
 *
 * Samples are recorded in nanoseconds (the histogram takes integers ≥ 1) and read in ms.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** Distribution of one measure, in milliseconds. All zero while `count` is 0. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What `pool.latency` reports. */
export interface PoolLatency {
  /** Time in the queue: from acceptance to start. */
  readonly wait: LatencySummary;
  /** Time of each try: from its start to its end. */
  readonly run: LatencySummary;
}

const NS_PER_MS = 1e6;

export class LatencyRecorder {
  readonly #wait: RecordableHistogram = createHistogram();
  readonly #run: RecordableHistogram = createHistogram();

  /** Records a span between two performance.now() readings. */
  wait(from: number, to: number): void {
    this.#wait.record(toSample(to - from));
  }

  run(from: number, to: number): void {
    this.#run.record(toSample(to - from));
  }

  summary(): PoolLatency {
    return { wait: summarize(this.#wait), run: summarize(this.#run) };
  }
}

function toSample(ms: number): number {
  return Math.max(1, Math.round(ms * NS_PER_MS));
}

function summarize(h: RecordableHistogram): LatencySummary {
  if (h.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count: h.count,
    min: h.min / NS_PER_MS,
    mean: h.mean / NS_PER_MS,
    p50: h.percentile(50) / NS_PER_MS,
    p90: h.percentile(90) / NS_PER_MS,
    p99: h.percentile(99) / NS_PER_MS,
    max: h.max / NS_PER_MS,
  };
}
