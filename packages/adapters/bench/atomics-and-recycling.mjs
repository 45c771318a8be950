#!/usr/bin/env node
// Benchmark: what `atomics` and thread recycling cost Pool + PiscinaBackend on tiny tasks, side by
// side in one process (maxBatch: 1, so every task is one message): the defaults (atomics 'async'),
// atomics 'sync' (piscina's default), recycling on but never reached (1e6: the bookkeeping alone)
// and a new thread every 5 000 tasks. Rounds alternate; each figure is the median of its rounds.
// Usage (after `npx tsc -b` in this package): node bench/atomics-and-recycling.mjs [--quick]
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { PiscinaBackend } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const TASKS = 20_000;
const ROUNDS = quick ? 3 : 9;

const make = (options) =>
  new Pool({ backend: new PiscinaBackend({ filename: WORKER, threads: 2, ...options }), maxBatch: 1 });
const pools = {
  "defaults (atomics 'async')": make({}),
  "atomics 'sync'": make({ atomics: 'sync' }),
  'recycleAfterTasks 1e6': make({ recycleAfterTasks: 1_000_000 }),
  'recycleAfterTasks 5000': make({ recycleAfterTasks: 5_000 }),
};
const names = Object.keys(pools);
const rates = Object.fromEntries(names.map((name) => [name, []]));

async function round(pool) {
  const start = performance.now();
  const all = [];
  for (let i = 0; i < TASKS; i++) all.push(pool.submit(i));
  await Promise.all(all);
  return (TASKS / (performance.now() - start)) * 1000;
}

for (const pool of Object.values(pools)) await round(pool); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const name of order) rates[name].push(await round(pools[name]));
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const base = median(rates[names[0]]);
for (const name of names) {
  const m = median(rates[name]);
  console.log(
    `${name.padEnd(24)} ${Math.round(m).toLocaleString('en').padStart(8)} tasks/s  ×${(m / base).toFixed(2)}`,
  );
}
for (const pool of Object.values(pools)) await pool.close();
