#!/usr/bin/env node
// Trivial async tasks through Pool (InlineBackend) vs fastq's promise queue vs p-queue, side by
// side in one run, with a plain `for … await` loop as the floor. Prints medians and ratios.
//
//   node packages/core/bench/pool-throughput.mjs [--tasks 20000] [--concurrency 16] [--time 1500]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import fastq from 'fastq';
import PQueue from 'p-queue';
import { Bench } from 'tinybench';
import { Pool } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    time: { type: 'string', default: '1500' },
  },
});
const TASKS = Number(values.tasks);
const CONCURRENCY = Number(values.concurrency);
const task = async (n) => n + 1;

const bench = new Bench({ time: Number(values.time), warmup: true });
bench
  .add('floor: for … await loop', async () => {
    let sum = 0;
    for (let i = 0; i < TASKS; i++) sum += await task(i);
    if (sum === 0) throw new Error('unreachable');
  })
  .add('poolkit Pool + InlineBackend (submit)', async () => {
    const pool = new Pool({ executor: task, concurrency: CONCURRENCY, capacity: TASKS });
    const all = new Array(TASKS);
    for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i);
    await Promise.all(all);
    await pool.close();
  })
  .add('poolkit Pool + InlineBackend, latency: true', async () => {
    const pool = new Pool({ executor: task, concurrency: CONCURRENCY, capacity: TASKS, latency: true });
    const all = new Array(TASKS);
    for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i);
    await Promise.all(all);
    await pool.close();
  })
  .add('poolkit Pool, default capacity 1024 (submit waits for room)', async () => {
    const pool = new Pool({ executor: task, concurrency: CONCURRENCY });
    const all = new Array(TASKS);
    for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i);
    await Promise.all(all);
    await pool.close();
  })
  .add('fastq.promise', async () => {
    const q = fastq.promise(task, CONCURRENCY);
    const all = new Array(TASKS);
    for (let i = 0; i < TASKS; i++) all[i] = q.push(i);
    await Promise.all(all);
  })
  .add('p-queue', async () => {
    const q = new PQueue({ concurrency: CONCURRENCY });
    const all = new Array(TASKS);
    for (let i = 0; i < TASKS; i++) all[i] = q.add(() => task(i));
    await Promise.all(all);
  });

await bench.run();
const rows = bench.tasks.map((t) => {
  const median = t.result.latency?.p50 ?? t.result.period;
  return { name: t.name, medianMs: median, tasksPerSec: (TASKS / median) * 1000 };
});
const by = Object.fromEntries(rows.map((r) => [r.name, r]));
const pk = by['poolkit Pool + InlineBackend (submit)'];
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`);
console.log(`${TASKS} trivial async tasks per iteration, concurrency ${CONCURRENCY}, medians`);
console.table(
  rows.map((r) => ({
    contender: r.name,
    'median ms': r.medianMs.toFixed(2),
    'tasks/s': Math.round(r.tasksPerSec).toLocaleString('en-US'),
    'poolkit ×': (pk.tasksPerSec / r.tasksPerSec).toFixed(2),
  })),
);
const withLatency = by['poolkit Pool + InlineBackend, latency: true'];
console.log(
  `latency: true costs ${((1 - withLatency.tasksPerSec / pk.tasksPerSec) * 100).toFixed(1)} % of throughput`,
);
console.log(
  `poolkit / fastq = ${(pk.tasksPerSec / by['fastq.promise'].tasksPerSec).toFixed(2)}, poolkit / p-queue = ${(pk.tasksPerSec / by['p-queue'].tasksPerSec).toFixed(2)}`,
);
