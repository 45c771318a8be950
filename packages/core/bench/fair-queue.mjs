#!/usr/bin/env node
// FairQueue against the default ChannelQueue, in one run. Three parts:
//
// 1. Throughput: trivial async tasks through Pool + InlineBackend (an executor), tinybench medians
//    side by side — ChannelQueue (the floor: the default queue), ChannelQueue with tasks carrying
//    { key } (what reading the option costs the Pool, whatever the queue), FairQueue with every task
//    of one key, FairQueue with no key, FairQueue with tasks spread over 10 000 keys.
// 2. The same pairs as paired rounds (A, B, A, B, … with the order swapped every other pair, so a
//    slow moment of this shared machine hits both sides), the median of the per-pair time ratios
//    B/A beside an A-vs-A pairing for the noise floor. The goal of issue 21: FairQueue with one key
//    within 15 % of ChannelQueue's throughput (throughput B/A ≥ 0.85).
// 3. The queue alone (no Pool): with 1, 100, 10 000 and 100 000 keys each holding waiting items,
//    ns per push and per pop + release, with `keyConcurrency` Infinity (a key keeps its place in
//    the turns) and 1 (it leaves on pop and rejoins on release). O(1) means flat across key counts
//    up to what the memory costs: a floor column walks the same keys through a plain Map.
//
//   node packages/core/bench/fair-queue.mjs [--tasks 20000] [--concurrency 16] [--time 1500]
//                                           [--pairs 31] [--ops 100000] [--json]
//   npm run bench:fair -w @poolkit/core            (after `npm run build` in packages/core)
//
// --json prints one JSON object (environment, medians, ratios, ns per op) instead of the tables.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { ChannelQueue, FairQueue, Pool } from '../dist/index.js';

const USAGE = `usage: fair-queue.mjs [--tasks N] [--concurrency N] [--time MS] [--pairs N] [--ops N] [--json]
  --tasks N        tasks per round, 1 to 10000000 (default 20000)
  --concurrency N  the pool's concurrency, 1 to 1024 (default 16)
  --time MS        tinybench time per contender, 1 to 600000 (default 1500)
  --pairs N        paired rounds per comparison, 0 to 1000 (default 31)
  --ops N          pops + releases timed per key count in part 3, 1 to 10000000 (default 100000)
  --json           print the results as one JSON object instead of tables`;

/** The integer option `name`, or exits with code 2 naming the option, its range and the text. */
function integerArg(values, name, min, max) {
  const text = values[name];
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    console.error(
      `fair-queue: --${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}\n${USAGE}`,
    );
    process.exit(2);
  }
  return value;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      tasks: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '16' },
      time: { type: 'string', default: '1500' },
      pairs: { type: 'string', default: '31' },
      ops: { type: 'string', default: '100000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`fair-queue: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const TASKS = integerArg(values, 'tasks', 1, 10_000_000);
const CONCURRENCY = integerArg(values, 'concurrency', 1, 1024);
const TIME = integerArg(values, 'time', 1, 600_000);
const PAIRS = integerArg(values, 'pairs', 0, 1000);
const OPS = integerArg(values, 'ops', 1, 10_000_000);
const MANY_KEYS = 10_000;
const JSON_OUT = values.json;
const log = JSON_OUT ? () => {} : (...args) => console.log(...args);
const table = JSON_OUT ? () => {} : (rows) => console.table(rows);

const task = async (n) => n + 1;
const SOURCES = fileURLToPath(new URL('../src', import.meta.url));

// Push options made once: the rounds measure the queue, not the caller's allocation of options.
const ONE_KEY = { key: 'tenant-a' };
const MANY = Array.from({ length: MANY_KEYS }, (_, i) => ({ key: `tenant-${i}` }));

/**
 * The contenders, each a queue for a fresh pool and the push options of task i. One list: the
 * tinybench table and the paired rounds are computed from it.
 */
const CONTENDERS = [
  { id: 'channel', name: 'ChannelQueue (default)', queue: () => new ChannelQueue({ capacity: TASKS }) },
  {
    id: 'channel-key',
    name: 'ChannelQueue, tasks carry { key } (ignored)',
    queue: () => new ChannelQueue({ capacity: TASKS }),
    options: () => ONE_KEY,
  },
  {
    id: 'fair-one-key',
    name: 'FairQueue, every task of one key',
    queue: () => new FairQueue({ capacity: TASKS }),
    options: () => ONE_KEY,
  },
  { id: 'fair-no-key', name: 'FairQueue, no key', queue: () => new FairQueue({ capacity: TASKS }) },
  {
    id: 'fair-many-keys',
    name: `FairQueue, ${MANY_KEYS.toLocaleString('en-US')} keys round robin`,
    queue: () => new FairQueue({ capacity: TASKS }),
    options: (i) => MANY[i % MANY_KEYS],
  },
];
const byId = Object.fromEntries(CONTENDERS.map((c) => [c.id, c]));

/** One round: TASKS tasks submitted at once through a fresh pool, awaited, the pool closed. */
async function round(contender) {
  const pool = new Pool({ executor: task, concurrency: CONCURRENCY, queue: contender.queue() });
  const all = new Array(TASKS);
  const options = contender.options;
  if (options === undefined) for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i);
  else for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i, options(i));
  await Promise.all(all);
  await pool.close();
}

/** The value at quantile q (0–1) of sorted numbers. */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) =>
  quantile(
    xs.slice().sort((a, b) => a - b),
    0.5,
  );

/**
 * Median and quartiles of the time ratio b/a over `pairs` pairs of rounds, a then b, with the
 * order swapped every other pair so neither side always runs second (warmer, or after a GC).
 */
async function paired(a, b, pairs) {
  const ratios = [];
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    let t = performance.now();
    await round(first);
    const firstMs = performance.now() - t;
    t = performance.now();
    await round(second);
    const secondMs = performance.now() - t;
    ratios.push(i % 2 === 0 ? secondMs / firstMs : firstMs / secondMs);
  }
  ratios.sort((x, y) => x - y);
  return { median: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) };
}

/** The commit measured, `+dirty` when core's sources differ from it (dist/ is built from them). */
function commit() {
  try {
    const git = (...args) => execFileSync('git', args, { encoding: 'utf8', cwd: SOURCES }).trim();
    return (
      git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', '.') === '' ? '' : '+dirty')
    );
  } catch {
    return 'unknown';
  }
}
const environment = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  commit: commit(),
};
log(`Node ${environment.node}, ${environment.cpu}, ${environment.cores} cores, commit ${environment.commit}`);

// ── 1. Throughput, tinybench medians ────────────────────────────────────────────────────────────

const bench = new Bench({ time: TIME, warmup: true });
for (const contender of CONTENDERS) bench.add(contender.name, () => round(contender));
await bench.run();
const throughput = CONTENDERS.map((contender, i) => {
  const result = bench.tasks[i].result;
  const medianMs = result.latency?.p50 ?? result.period;
  return { id: contender.id, name: contender.name, medianMs, tasksPerSec: (TASKS / medianMs) * 1000 };
});
const floor = throughput[0];
log(`\n1. ${TASKS} trivial async tasks per round, Pool + InlineBackend, concurrency ${CONCURRENCY}, medians`);
table(
  throughput.map((r) => ({
    queue: r.name,
    'median ms': r.medianMs.toFixed(2),
    'tasks/s': Math.round(r.tasksPerSec).toLocaleString('en-US'),
    'vs ChannelQueue': (r.tasksPerSec / floor.tasksPerSec).toFixed(3),
  })),
);

// ── 2. Paired rounds ────────────────────────────────────────────────────────────────────────────

const PAIRINGS = [
  ['channel', 'channel', 'noise floor: ChannelQueue vs ChannelQueue'],
  ['channel', 'fair-one-key', 'FairQueue one key vs ChannelQueue (goal: throughput ≥ 0.85)'],
  ['channel', 'fair-no-key', 'FairQueue no key vs ChannelQueue'],
  ['channel', 'channel-key', 'ChannelQueue with { key } vs without (the Pool reading options)'],
  ['channel-key', 'fair-one-key', 'FairQueue one key vs ChannelQueue, both with { key }'],
  ['fair-one-key', 'fair-many-keys', `FairQueue ${MANY_KEYS.toLocaleString('en-US')} keys vs one key`],
];
const pct = (r) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
const pairs = [];
if (PAIRS > 0) {
  for (const contender of CONTENDERS) for (let i = 0; i < 3; i++) await round(contender); // warm every path
  for (const [a, b, label] of PAIRINGS) {
    pairs.push({ a, b, label, ...(await paired(byId[a], byId[b], PAIRS)) });
  }
  log(`\n2. Paired rounds (${PAIRS} pairs each): time of B / time of A, median and interquartile range`);
  table(
    pairs.map((p) => ({
      'B vs A': p.label,
      'time B/A': p.median.toFixed(3),
      'time Δ': pct(p.median),
      'time Δ IQR': `${pct(p.q1)} … ${pct(p.q3)}`,
      'throughput B/A': (1 / p.median).toFixed(3),
    })),
  );
}

// ── 3. The queue alone: ns per pop + release with many live keys ────────────────────────────────

/**
 * Fills a FairQueue with `keys` keys of `ceil(OPS / keys) + 1` items each (pushed a key at a time
 * round robin, so every key is known after the first sweep), then times OPS pops, each released
 * at once. Every key still has an item waiting at the end, so all `keys` are live throughout.
 */
function queueAlone(keys, keyConcurrency) {
  const perKey = Math.ceil(OPS / keys) + 1;
  const options = Array.from({ length: keys }, (_, i) => ({ key: `k${i}` }));
  const queue = new FairQueue({ capacity: Number.POSITIVE_INFINITY, keyConcurrency });
  let t = performance.now();
  for (let round = 0; round < perKey; round++)
    for (let k = 0; k < keys; k++) queue.tryPush(round, options[k]);
  const pushNs = ((performance.now() - t) * 1e6) / (perKey * keys);
  // Items carry no key: the key of a popped item is its turn's, which the loop knows (round robin).
  t = performance.now();
  for (let i = 0; i < OPS; i++) {
    queue.tryPop();
    queue.release(undefined, options[i % keys]);
  }
  const popNs = ((performance.now() - t) * 1e6) / OPS;
  if (queue.keyCount !== keys) throw new Error(`expected ${keys} live keys, found ${queue.keyCount}`);
  return { pushNs, popNs };
}

/**
 * The floor of part 3: the same walk over the same keys with a plain Map (a lookup and a write
 * per op). With 100 000 keys the walk no longer fits the CPU caches; what the floor pays for
 * that is memory, not the queue's algorithm.
 */
function mapFloor(keys) {
  const options = Array.from({ length: keys }, (_, i) => ({ key: `k${i}` }));
  const map = new Map(options.map((o) => [o.key, { n: 0 }]));
  const t = performance.now();
  for (let i = 0; i < OPS; i++) map.get(options[i % keys].key).n++;
  return ((performance.now() - t) * 1e6) / OPS;
}

const KEY_COUNTS = [1, 100, 10_000, 100_000];
const REPEATS = 7;
const alone = [];
const floors = {};
for (const keys of KEY_COUNTS) mapFloor(keys); // warm up
for (const keys of KEY_COUNTS) floors[keys] = median(Array.from({ length: REPEATS }, () => mapFloor(keys)));
for (const keyConcurrency of [Number.POSITIVE_INFINITY, 1]) {
  for (const keys of KEY_COUNTS) queueAlone(keys, keyConcurrency); // warm up
  for (const keys of KEY_COUNTS) {
    const runs = Array.from({ length: REPEATS }, () => queueAlone(keys, keyConcurrency));
    alone.push({
      keys,
      keyConcurrency: keyConcurrency === Number.POSITIVE_INFINITY ? 'Infinity' : keyConcurrency,
      pushNs: median(runs.map((r) => r.pushNs)),
      popReleaseNs: median(runs.map((r) => r.popNs)),
      mapFloorNs: floors[keys],
    });
  }
}
log(
  `\n3. FairQueue alone: ${OPS.toLocaleString('en-US')} pops, each released at once; medians of ${REPEATS}`,
);
table(
  alone.map((r) => ({
    'live keys': r.keys.toLocaleString('en-US'),
    keyConcurrency: r.keyConcurrency,
    'ns/push': r.pushNs.toFixed(0),
    'ns/pop+release': r.popReleaseNs.toFixed(0),
    'pop+release vs 1 key': (
      r.popReleaseNs / alone.find((o) => o.keys === 1 && o.keyConcurrency === r.keyConcurrency).popReleaseNs
    ).toFixed(2),
    'floor: ns/Map.get': r.mapFloorNs.toFixed(0),
  })),
);

if (JSON_OUT) {
  const options = { tasks: TASKS, concurrency: CONCURRENCY, time: TIME, pairs: PAIRS, ops: OPS };
  console.log(JSON.stringify({ environment, options, throughput, pairs, queueAlone: alone }, null, 2));
} else {
  const oneKey = pairs.find((p) => p.a === 'channel' && p.b === 'fair-one-key');
  if (oneKey !== undefined) {
    const ratio = 1 / oneKey.median;
    log(
      `\nFairQueue with one key: ${(ratio * 100).toFixed(1)} % of ChannelQueue's throughput (paired median; goal ≥ 85 %): ${ratio >= 0.85 ? 'met' : 'NOT met'}`,
    );
  }
}
