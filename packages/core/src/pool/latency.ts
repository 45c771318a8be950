/**
 * Queue-wait and run-time histograms of a Pool (`latency: true`).
 *
 * - wait: from acceptance (the queue took the task) to the start of its first try;
 * - run: from the start of a try to its end (success, failure or timeout), per try, so a task
 *   with retries adds one sample per try. Cancelled tries are not samples.
 *
 * Why not `perf_hooks.createHistogram()`: on Node 20 its `record()` costs ~80 ns (a validated
 * call into C++), two per task — alone more than the 10 % of a trivial task's ~1.5 µs that
 * measuring may cost. {@link LogHistogram} records in a few ns with the same kind of buckets
 * (HdrHistogram's log-linear layout) and the same relative precision (< 1 %).
 *
 * The clock costs more: performance.now() is ~100 ns on Node 20 and allocates, and with many
 * tasks alive each allocation makes the young-generation GC copy them again — one fresh
 * reading per task cost ~25 % of a trivial task's throughput (measured). For the same reason a
 * task's stamp is two small integers (whole seconds and microseconds since the recorder's
 * origin, both Smis), never a double: a double field is a heap box per live task (in paired
 * processes the cost went from +23 % to +11–13 %; in paired rounds it stayed ≈ +16 %). And
 * readings are shared:
 * - the end of a try and the start of the task its slot goes to happen in one synchronous step:
 *   they share the end's reading ({@link LatencyRecorder.enter});
 * - other events (acceptances, starts, the end of a try that settled through a promise) share a
 *   reading for at most 16 events and never past the current microtask queue drain, so a burst
 *   reads the clock once per 16 events. A sample can thus be short by the CPU time of at most 16
 *   pool events in the same drain (a few µs), never by a wait between event-loop turns; the end
 *   of a try that ran synchronously always reads the clock.
 */
import { performance } from 'node:perf_hooks';

/** A task's latency stamp: a reading split into two Smis (see above). */
export interface Stamped {
  stampS: number;
  stampU: number;
}

/**
 * Distribution of one measure, in milliseconds. All zero while `count` is 0. `count`, `min`,
 * `mean` and `max` are exact (to the microsecond); the percentiles are within 1 %, and never
 * outside [min, max].
 */
export interface LatencySummary {
  /** Samples recorded since the pool was made: wait has one per started task, run one per ended try. */
  readonly count: number;
  /** The shortest sample, in ms. */
  readonly min: number;
  /** The arithmetic mean of the samples, in ms. */
  readonly mean: number;
  /** The median, in ms: half of the samples are at or below it. */
  readonly p50: number;
  /** The 90th percentile, in ms: 90 % of the samples are at or below it. */
  readonly p90: number;
  /** The 99th percentile, in ms: 99 % of the samples are at or below it. */
  readonly p99: number;
  /** The longest sample, in ms. */
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
const NS_PER_US = 1e3;
const US_PER_S = 1e6;

function setStamp(task: Stamped, us: number): void {
  const seconds = Math.floor(us / US_PER_S);
  task.stampS = seconds;
  task.stampU = us - seconds * US_PER_S;
}

function stampOf(task: Stamped): number {
  return task.stampS * US_PER_S + task.stampU;
}
/** Events that share one reading before the clock is read again. */
const SHARED_USES = 16;

export class LatencyRecorder {
  readonly #wait = new LogHistogram();
  readonly #run = new LogHistogram();
  readonly #origin = performance.now();
  /** The reading (µs since the origin) of the try's end being handled now, or -1. */
  #held = -1;
  /** A reading (µs since the origin) shared until SHARED_USES uses or the end of the microtask, or -1. */
  #shared = -1;
  #uses = 0;
  readonly #expire = () => {
    this.#shared = -1;
  };

  /** A fresh reading, in whole µs since the origin. */
  #read(): number {
    return Math.round((performance.now() - this.#origin) * 1000);
  }

  /** The time now for an acceptance, a start or an asynchronous end (see above), in µs. */
  #now(): number {
    if (this.#held >= 0) return this.#held;
    if (this.#shared >= 0 && this.#uses < SHARED_USES) {
      this.#uses++;
      return this.#shared;
    }
    if (this.#shared < 0) queueMicrotask(this.#expire);
    this.#uses = 0;
    this.#shared = this.#read();
    return this.#shared;
  }

  /** Stamps `task` with the time now (an acceptance, or the start of a retry). */
  stamp(task: Stamped): void {
    setStamp(task, this.#now());
  }

  /** A task starts its first try: records its queue wait and stamps the try's start. */
  started(task: Stamped): void {
    const now = this.#now();
    this.#wait.record((now - stampOf(task)) * NS_PER_US);
    setStamp(task, now);
  }

  /**
   * A try ended (`sync`: it ran synchronously, so the clock is read afresh): records its run time
   * and returns the reading, for {@link enter}.
   */
  ended(task: Stamped, sync: boolean): number {
    const end = sync ? this.#read() : this.#now();
    this.#run.record((end - stampOf(task)) * NS_PER_US);
    return end;
  }

  /** Makes `end` the time of every start and acceptance until {@link leave}; returns the outer hold. */
  enter(end: number): number {
    const outer = this.#held;
    this.#held = end;
    return outer;
  }

  leave(outer: number): void {
    this.#held = outer;
  }

  summary(): PoolLatency {
    return { wait: this.#wait.summary(), run: this.#run.summary() };
  }
}

/**
 * A log-linear histogram of non-negative integers (ns), HdrHistogram's layout: values below
 * 2^SUB are counted exactly; above, each power of two [2^e, 2^(e+1)) is cut into 2^(SUB-1)
 * equal sub-buckets, so a bucket is at most 2^-(SUB-1) of its value wide (< 1 % with SUB = 8).
 *
 *   value:   0 … 255 │ 256 … 511 (step 2) │ 512 … 1023 (step 4) │ …
 *   bucket:  0 … 255 │ 256 … 383          │ 384 … 511           │ …
 *
 * Memory is fixed (≈ 50 KB: buckets up to 2^53 ns, 104 days; longer values share one last
 * bucket); count, min, max and mean are exact, percentiles are a bucket's midpoint clamped to
 * [min, max] (the last bucket's is max).
 */
const SUB = 8;
const HALF = 1 << (SUB - 1);
const LAST = (1 << SUB) + (53 - SUB) * HALF; // values ≥ 2^53
const BUCKETS = LAST + 1;

export class LogHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  /** Records one value (rounded to an integer; negatives count as 0). */
  record(value: number): void {
    const v = value > 0 ? Math.round(value) : 0;
    this.#counts[bucketOf(v)]++;
    this.#count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  get count(): number {
    return this.#count;
  }

  /** The value at or below which `p` percent of the values lie (0 < p ≤ 100), in the recorded unit. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i];
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, midpointOf(i)));
    }
    return this.#max;
  }

  /** The summary `pool.latency` reports, converted from ns to ms. */
  summary(): LatencySummary {
    if (this.#count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    return {
      count: this.#count,
      min: this.#min / NS_PER_MS,
      mean: this.#sum / this.#count / NS_PER_MS,
      p50: this.percentile(50) / NS_PER_MS,
      p90: this.percentile(90) / NS_PER_MS,
      p99: this.percentile(99) / NS_PER_MS,
      max: this.#max / NS_PER_MS,
    };
  }
}

function bucketOf(v: number): number {
  if (v < 1 << SUB) return v;
  if (v < 2 ** 31) {
    // Integer fast path (values under ~2.1 s in ns): shifts instead of float division.
    const e = 31 - Math.clz32(v);
    return (1 << SUB) + (e - SUB) * HALF + ((v >>> (e - SUB + 1)) - HALF);
  }
  if (v >= 2 ** 53) return LAST;
  const e = Math.floor(Math.log2(v));
  const sub = Math.floor(v / 2 ** (e - SUB + 1)) - HALF; // 0 … HALF-1 (log2 may round up or down)
  return (1 << SUB) + (e - SUB) * HALF + Math.max(0, Math.min(HALF - 1, sub));
}

function midpointOf(i: number): number {
  if (i < 1 << SUB) return i;
  if (i === LAST) return Number.POSITIVE_INFINITY; // clamped to max by the caller
  const e = Math.floor((i - (1 << SUB)) / HALF) + SUB;
  const sub = (i - (1 << SUB)) % HALF;
  const step = 2 ** (e - SUB + 1);
  return (HALF + sub) * step + step / 2;
}
