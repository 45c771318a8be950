#!/usr/bin/env node
// Benchmark: Pool + PiscinaBackend vs raw piscina vs inline, side by side in one run.
// Usage (after `npx tsc -b` in this package): node bench/piscina-backend.mjs [--quick]
// Prints a table and writes bench-results/piscina-backend.json (environment included).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { Piscina } from 'piscina';
import { Bench } from 'tinybench';
import { PiscinaBackend } from '../dist/index.js';
import { primes } from './worker.mjs';

const quick = process.argv.includes('--quick');
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const THREADS = 2;
const CPU_TASKS = 16;
const CPU_N = 200_000;
const TINY_TASKS = 2_000;
const SLEEPS = 4;
const SLEEP_MS = 50;

const signalled = () => new AbortController().signal;
const range = (n) => Array.from({ length: n }, (_, i) => i);

// Everything is created up front and warmed, so no scenario pays for thread start-up.
const raw = new Piscina({ filename: WORKER, minThreads: THREADS, maxThreads: THREADS, name: 'primes' });
const rawTiny = new Piscina({ filename: WORKER, minThreads: THREADS, maxThreads: THREADS });
const backend = new PiscinaBackend({ filename: WORKER, threads: THREADS });
const pool = new Pool({ backend });
const tinyBackend = new PiscinaBackend({ filename: WORKER, threads: THREADS });
const tinyPool = new Pool({ backend: tinyBackend });
// One thread running several async tasks: where piscina's per-task signal costs concurrency.
const rawShared = new Piscina({
  filename: WORKER,
  minThreads: 1,
  maxThreads: 1,
  concurrentTasksPerWorker: SLEEPS,
  name: 'sleep',
});
const sharedBackend = new PiscinaBackend({ filename: WORKER, threads: 1, concurrentTasksPerWorker: SLEEPS });

// The machine may be busy (shared CI boxes, other builds): each scenario group runs in several
// short rounds, alternating with the others, and a variant's figure is the median of its
// per-round medians — so a burst of outside load hits every variant alike.
const ROUNDS = quick ? 2 : 5;

function cpuBench() {
  return new Bench({ time: 0, iterations: quick ? 2 : 3, warmupIterations: 1, warmupTime: 0 })
    .add('cpu: inline (main thread)', () => {
      for (let i = 0; i < CPU_TASKS; i++) primes(CPU_N);
    })
    .add('cpu: raw piscina', () => Promise.all(range(CPU_TASKS).map(() => raw.run(CPU_N))))
    .add('cpu: Pool + PiscinaBackend', () =>
      Promise.all(range(CPU_TASKS).map(() => pool.submit(CPU_N, { task: 'primes' }))),
    );
}

function tinyBench() {
  return new Bench({ time: 0, iterations: quick ? 3 : 8, warmupIterations: 2, warmupTime: 0 })
    .add('tiny: raw piscina', () => Promise.all(range(TINY_TASKS).map((i) => rawTiny.run(i))))
    .add('tiny: raw piscina, a signal per task', () =>
      Promise.all(range(TINY_TASKS).map((i) => rawTiny.run(i, { signal: signalled() }))),
    )
    .add('tiny: PiscinaBackend.run, a signal per task', () =>
      Promise.all(range(TINY_TASKS).map((i) => tinyBackend.run(i, { signal: signalled() }))),
    )
    .add('tiny: Pool + PiscinaBackend', () => Promise.all(range(TINY_TASKS).map((i) => tinyPool.submit(i))));
}

function sharedBench() {
  return new Bench({ time: 0, iterations: quick ? 2 : 3, warmupIterations: 1, warmupTime: 0 })
    .add('4 sleeps on 1 thread × 4: raw piscina, no signal', () =>
      Promise.all(range(SLEEPS).map(() => rawShared.run(SLEEP_MS))),
    )
    .add('4 sleeps on 1 thread × 4: raw piscina, signals', () =>
      Promise.all(range(SLEEPS).map(() => rawShared.run(SLEEP_MS, { signal: signalled() }))),
    )
    .add('4 sleeps on 1 thread × 4: PiscinaBackend, signals', () =>
      Promise.all(
        range(SLEEPS).map(() => sharedBackend.run(SLEEP_MS, { signal: signalled(), task: 'sleep' })),
      ),
    );
}

/** Median ms of a finished tinybench task, whichever tinybench major is installed. */
function median(task) {
  const r = task.result;
  if (r?.latency?.p50 !== undefined) return r.latency.p50;
  if (r?.p50 !== undefined) return r.p50;
  const samples = [...(r?.latency?.samples ?? r?.samples ?? [])].sort((a, b) => a - b);
  const mid = samples.length >> 1;
  return samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
}

const perRound = new Map(); // scenario → its median in each round
for (let round = 0; round < ROUNDS; round++) {
  for (const bench of [cpuBench(), tinyBench(), sharedBench()]) {
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result?.error) throw task.result.error;
      if (!perRound.has(task.name)) perRound.set(task.name, []);
      perRound.get(task.name).push(median(task));
    }
  }
}
const mid = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
};
const rows = [...perRound].map(([name, medians]) => ({
  name,
  medianMs: mid(medians),
  minRoundMs: Math.min(...medians),
  maxRoundMs: Math.max(...medians),
  rounds: medians.length,
}));
const ms = Object.fromEntries(rows.map((r) => [r.name, r.medianMs]));
const ratios = {
  'cpu speed-up, Pool + PiscinaBackend vs inline (goal ≥ 1.7)':
    ms['cpu: inline (main thread)'] / ms['cpu: Pool + PiscinaBackend'],
  'cpu speed-up, raw piscina vs inline': ms['cpu: inline (main thread)'] / ms['cpu: raw piscina'],
  'tiny throughput, Pool + PiscinaBackend / raw piscina (goal ≥ 0.9)':
    ms['tiny: raw piscina'] / ms['tiny: Pool + PiscinaBackend'],
  'tiny throughput, PiscinaBackend.run (signals) / raw piscina':
    ms['tiny: raw piscina'] / ms['tiny: PiscinaBackend.run, a signal per task'],
  'tiny throughput, raw piscina with signals / without':
    ms['tiny: raw piscina'] / ms['tiny: raw piscina, a signal per task'],
};

await Promise.all([
  pool.close(),
  tinyPool.close(),
  raw.close(),
  rawTiny.close(),
  rawShared.close(),
  sharedBackend.close(),
]);

let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
} catch {}
/** The installed tinybench's version (its package.json is not exported: walk up from its entry). */
function tinybenchVersion() {
  let dir = new URL('.', import.meta.resolve('tinybench'));
  for (let i = 0; i < 4; i++, dir = new URL('..', dir)) {
    try {
      return JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')).version;
    } catch {}
  }
  return 'unknown';
}
const env = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  commit,
  tinybench: tinybenchVersion(),
  date: new Date().toISOString(),
  loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
  rounds: ROUNDS,
  workloads: { CPU_TASKS, CPU_N, TINY_TASKS, THREADS, SLEEPS, SLEEP_MS },
};
console.log(
  `node ${env.node} · ${env.cpu} · ${env.cores} cores · commit ${env.commit} · tinybench ${env.tinybench} · load ${env.loadAverageAtEnd.join(' ')}`,
);
console.table(
  rows.map((r) => ({
    scenario: r.name,
    'median ms': r.medianMs.toFixed(2),
    'round medians min–max': `${r.minRoundMs.toFixed(1)}–${r.maxRoundMs.toFixed(1)}`,
  })),
);
console.table(Object.entries(ratios).map(([what, ratio]) => ({ ratio: what, value: ratio.toFixed(2) })));
const out = fileURLToPath(new URL('../bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}piscina-backend.json`, `${JSON.stringify({ env, rows, ratios }, null, 2)}\n`);
