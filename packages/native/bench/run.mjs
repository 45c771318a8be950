// The package's benchmark: each native kernel beside its JS twin, parallel efficiency and
// dispatch rate, in one run. Prints medians, ratios and the environment; not a test.
//   node bench/run.mjs
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Bench } from 'tinybench';
import { poolThreads, runBatch } from '../dist/index.js';
import { runReference } from '../dist/reference/index.js';

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown';
const N = poolThreads();
console.log(`node ${process.version}, ${cpu}, ${availableParallelism()} cores, pool ${N} threads`);

const median = (task) => {
  const r = task.result;
  const p50 = r.latency?.p50 ?? r.p50;
  if (typeof p50 === 'number') return p50;
  const samples = [...r.samples].sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
};
async function pair(label, native, js, opts = { time: 1500, warmupTime: 300 }) {
  const bench = new Bench(opts);
  bench.add(`${label} native`, native).add(`${label} js`, js);
  await bench.run();
  const [n, j] = bench.tasks.map(median);
  return { label, nativeMs: n, jsMs: j, ratio: j / n };
}

const rows = [];
// Kernel vs twin on ONE thread (the per-core speed of the Rust code, dispatch included).
const primes = Float64Array.from({ length: 2000 }, (_, i) => 1_000_000_000 + 2 * i + 1);
rows.push(
  await pair(
    'isprime 2000 × ~1e9, 1 thread',
    () => runBatch('isprime', primes, { threads: 1 }),
    () => runReference('isprime', primes),
  ),
);
const bigPrimes = Float64Array.from({ length: 20 }, (_, i) => 1e13 + 2 * i + 1);
rows.push(
  await pair(
    'isprime 20 × ~1e13 (u64 path), 1 thread',
    () => runBatch('isprime', bigPrimes, { threads: 1 }),
    () => runReference('isprime', bigPrimes),
  ),
);
const mrows = Float64Array.from({ length: 64 }, (_, i) => i * 4);
rows.push(
  await pair(
    'mandelbrot 64 rows 256×256×256, 1 thread',
    () => runBatch('mandelbrot', mrows, { threads: 1 }),
    () => runReference('mandelbrot', mrows),
  ),
);
const spins = Array.from({ length: 32 }, () => [1e300, 1.001]).flat();
rows.push(
  await pair(
    'spin 32 × 690k divisions, 1 thread',
    () => runBatch('spin', spins, { threads: 1 }),
    () => runReference('spin', spins),
  ),
);
const sq = Float64Array.from({ length: 100_000 }, (_, i) => i);
rows.push(
  await pair(
    'square 100k, 1 thread',
    () => runBatch('square', sq, { threads: 1 }),
    () => runReference('square', sq),
  ),
);
const strings = Array.from({ length: 2000 }, (_, i) => `item-${i}-${'x'.repeat(i % 200)}`);
rows.push(
  await pair(
    'fnv1a 2000 strings, 1 thread',
    () => runBatch('fnv1a', strings, { threads: 1 }),
    () => runReference('fnv1a', strings),
  ),
);
rows.push(
  await pair(
    'md5 2000 strings, 1 thread',
    () => runBatch('md5', strings, { threads: 1 }),
    () => runReference('md5', strings),
  ),
);

console.log('\nnative vs JS twin (median ms per batch; ratio = js / native, > 1 means Rust is faster)');
console.table(
  rows.map((r) => ({
    case: r.label,
    native: r.nativeMs.toFixed(3),
    js: r.jsMs.toFixed(3),
    ratio: r.ratio.toFixed(2),
  })),
);

// Parallel efficiency: the same CPU-bound batch on N threads vs 1. Runs alternate (1, N, 1, N…)
// so a change in machine load hits both sides alike; medians of the rounds.
const heavy = Array.from({ length: 8 * N }, () => [1e300, 1.0001]).flat(); // 8N items × ~6.9M divisions
const once = async (threads) => {
  const start = performance.now();
  await runBatch('spin', heavy, { threads, chunkSize: 1 });
  return performance.now() - start;
};
await once(N);
const one = [];
const many = [];
for (let round = 0; round < 7; round++) {
  one.push(await once(1));
  many.push(await once(N));
}
const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [t1, tN] = [mid(one), mid(many)];
const best = Math.min(...one) / Math.min(...many);
console.log(`\nparallel: spin ${heavy.length / 2} items × 6.9M divisions, 7 alternating rounds`);
console.log(
  `  median: 1 thread ${t1.toFixed(0)} ms, ${N} threads ${tN.toFixed(0)} ms → ${(t1 / tN).toFixed(2)}× = ${(t1 / tN / N).toFixed(2)} × N (target ≥ 0.9 × N)`,
);
console.log(`  best-of-7: ${best.toFixed(2)}× = ${(best / N).toFixed(2)} × N`);
console.log(
  `  load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);

// Dispatch: square items per second through runBatch, for several batch sizes.
console.log('\ndispatch: square through runBatch (all pool threads)');
for (const size of [1, 100, 10_000, 1_000_000]) {
  const input = Float64Array.from({ length: size }, (_, i) => i);
  const b = new Bench({ time: 1500, warmupTime: 300 });
  b.add(`square ${size}`, () => runBatch('square', input));
  await b.run();
  const ms = median(b.tasks[0]);
  console.log(
    `  batch ${String(size).padStart(9)}: median ${(ms * 1000).toFixed(1)} µs/batch → ${((size / ms) * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} items/s, ${((ms * 1e6) / size).toFixed(1)} ns/item`,
  );
}
