#!/usr/bin/env node
// Benchmark: what batching (Backend.runMany) changes for Pool + PiscinaBackend, side by side in
// one process: tiny-task throughput batched, via submitAll, unbatched (maxBatch: 1), batched with a
// pool-wide timeout, and raw piscina; then the lone-task round trip, batched vs unbatched.
// Rounds alternate between configurations; each figure is the median of its rounds.
// Usage (after `npx tsc -b` in this package): node bench/batching.mjs [--quick]
// Prints the figures and writes bench-results/batching.json (environment included).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { Piscina } from 'piscina';
import { PiscinaBackend } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const THREADS = 2;
const TASKS = 2_000;
const ROUNDS = quick ? 2 : 7;
const LONE = quick ? 200 : 3_000;

const items = Array.from({ length: TASKS }, (_, i) => i);
const pool = (options) =>
  new Pool({
    backend: new PiscinaBackend({ filename: WORKER, threads: THREADS, minThreads: THREADS }),
    capacity: TASKS,
    ...options,
  });
const pools = {
  batched: pool({}),
  unbatched: pool({ maxBatch: 1 }),
  'batched, timeout: 1000': pool({ timeout: 1000 }),
  'unbatched, timeout: 1000': pool({ maxBatch: 1, timeout: 1000 }),
};
const raw = new Piscina({ filename: WORKER, minThreads: THREADS, maxThreads: THREADS, name: 'increment' });
const task = { task: 'increment' };

const runs = {
  'raw piscina': () => Promise.all(items.map((i) => raw.run(i))),
  'Pool + PiscinaBackend, batched (default)': () =>
    Promise.all(items.map((i) => pools.batched.submit(i, task))),
  'Pool + PiscinaBackend, submitAll()': () => pools.batched.submitAll(items, task),
  'Pool + PiscinaBackend, maxBatch: 1': () => Promise.all(items.map((i) => pools.unbatched.submit(i, task))),
  'Pool + PiscinaBackend, batched, timeout: 1000': () =>
    Promise.all(items.map((i) => pools['batched, timeout: 1000'].submit(i, task))),
  'Pool + PiscinaBackend, maxBatch: 1, timeout: 1000': () =>
    Promise.all(items.map((i) => pools['unbatched, timeout: 1000'].submit(i, task))),
};

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const perSecond = {};
for (const name of Object.keys(runs)) perSecond[name] = [];
for (const run of Object.values(runs)) await run(); // warm-up: threads started, code compiled
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(runs)) {
    // Fast configurations repeat within a round so every sample lasts long enough to time.
    const reps = name.includes('batched (default)') || name.includes('submitAll') ? 10 : 1;
    const start = performance.now();
    for (let r = 0; r < reps; r++) await run();
    perSecond[name].push((TASKS * reps) / ((performance.now() - start) / 1000));
  }
}
const rawRate = median(perSecond['raw piscina']);
const throughput = Object.entries(perSecond).map(([name, samples]) => ({
  name,
  tasksPerSecond: Math.round(median(samples)),
  timesRawPiscina: Number((median(samples) / rawRate).toFixed(2)),
}));

// Lone tasks: one at a time, alternating between the two pools.
const lone = { batched: [], unbatched: [] };
for (let i = 0; i < LONE; i++) {
  for (const name of i % 2 === 0 ? ['batched', 'unbatched'] : ['unbatched', 'batched']) {
    const start = performance.now();
    await pools[name].submit(i, task);
    lone[name].push((performance.now() - start) * 1000);
  }
}
const p = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];
const latency = {
  batchedP50Us: Number(p(lone.batched, 0.5).toFixed(1)),
  unbatchedP50Us: Number(p(lone.unbatched, 0.5).toFixed(1)),
};
latency.ratio = Number((latency.batchedP50Us / latency.unbatchedP50Us).toFixed(3));

for (const row of throughput)
  console.log(
    `${row.name.padEnd(52)} ${String(row.tasksPerSecond).padStart(9)} tasks/s  ${row.timesRawPiscina}× raw piscina`,
  );
console.log(
  `lone task p50: batched ${latency.batchedP50Us} µs, unbatched ${latency.unbatchedP50Us} µs (× ${latency.ratio})`,
);

await Promise.all([...Object.values(pools).map((p) => p.close()), raw.destroy()]);
mkdirSync('bench-results', { recursive: true });
const environment = {
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: availableParallelism(),
  loadavg: loadavg(),
  quick,
};
writeFileSync(
  'bench-results/batching.json',
  `${JSON.stringify({ environment, tasks: TASKS, rounds: ROUNDS, throughput, latency }, null, 2)}\n`,
);
