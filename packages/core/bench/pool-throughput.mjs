#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
// Trivial async tasks through Pool (InlineBackend) vs fastq's promise queue vs p-queue, side by
// side in one run, with a plain `for … await` loop as the floor. Prints medians and ratios.
//
// Then the cost of `latency: true`, two ways, each beside an off-vs-off pairing for the noise floor:
// - paired rounds in this process (off, on, off, on, … so a slow moment of this shared machine hits
//   both sides of a pair): both paths stay hot in one process, as with pools of both kinds in one app;
// - paired processes (one mode per child process, the median of its rounds): a process that only
//   ever has one kind of pool, the usual case.
//
//   node packages/core/bench/pool-throughput.mjs [--tasks 20000] [--concurrency 16] [--time 1500]
//                                                [--pairs 31] [--process-pairs 10]
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
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
    pairs: { type: 'string', default: '31' },
    'process-pairs': { type: 'string', default: '10' },
    child: { type: 'string' }, // internal: 'on' or 'off', print the median round time and exit
  },
});
const TASKS = Number(values.tasks);
const CONCURRENCY = Number(values.concurrency);
const task = async (n) => n + 1;

async function poolRound(latency) {
  const pool = new Pool({ executor: task, concurrency: CONCURRENCY, capacity: TASKS, latency });
  const all = new Array(TASKS);
  for (let i = 0; i < TASKS; i++) all[i] = pool.submit(i);
  await Promise.all(all);
  await pool.close();
}

if (values.child !== undefined) {
  const latency = values.child === 'on';
  for (let i = 0; i < 20; i++) await poolRound(latency);
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await poolRound(latency);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(times[times.length >> 1]);
  process.exit(0);
}

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

/** Median and quartiles of the time ratio b/a over `pairs` rounds run a, b, a, b, … (order swapped every other pair). */
async function paired(a, b, pairs) {
  const ratios = [];
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0;
    let t = performance.now();
    await (first ? a : b)();
    const t1 = performance.now() - t;
    t = performance.now();
    await (first ? b : a)();
    const t2 = performance.now() - t;
    ratios.push(first ? t2 / t1 : t1 / t2);
  }
  ratios.sort((x, y) => x - y);
  const q = (p) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))];
  return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
}
const PAIRS = Number(values.pairs);
for (let i = 0; i < 5; i++) await poolRound(i % 2 === 1); // warm both paths
const cost = await paired(
  () => poolRound(false),
  () => poolRound(true),
  PAIRS,
);
const floor = await paired(
  () => poolRound(false),
  () => poolRound(false),
  PAIRS,
);
const pct = (r) => `${((r - 1) * 100).toFixed(1)} %`;
console.log(
  `latency: true, paired rounds (${PAIRS}): time +${pct(cost.median)} (IQR ${pct(cost.q1)} … ${pct(cost.q3)}); off vs off: ${pct(floor.median)} (IQR ${pct(floor.q1)} … ${pct(floor.q3)})`,
);

/** Median round time of a child process running only pools with `latency: mode`. */
function childMedian(mode) {
  const args = [fileURLToPath(import.meta.url), '--child', mode, '--tasks', String(TASKS)];
  return Number(
    execFileSync(process.execPath, [...args, '--concurrency', String(CONCURRENCY)], { encoding: 'utf8' }),
  );
}
/** Like `paired`, over child processes: one mode per process. */
function pairedProcesses(a, b, pairs) {
  const ratios = [];
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0;
    const t1 = childMedian(first ? a : b);
    const t2 = childMedian(first ? b : a);
    ratios.push(first ? t2 / t1 : t1 / t2);
  }
  ratios.sort((x, y) => x - y);
  const q = (p) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))];
  return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
}
const PROCESS_PAIRS = Number(values['process-pairs']);
if (PROCESS_PAIRS > 0) {
  const inChildren = pairedProcesses('off', 'on', PROCESS_PAIRS);
  const childFloor = pairedProcesses('off', 'off', PROCESS_PAIRS);
  console.log(
    `latency: true, paired processes (${PROCESS_PAIRS}): time +${pct(inChildren.median)} (IQR ${pct(inChildren.q1)} … ${pct(inChildren.q3)}); off vs off: ${pct(childFloor.median)} (IQR ${pct(childFloor.q1)} … ${pct(childFloor.q3)})`,
  );
}
