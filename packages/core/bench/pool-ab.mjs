#!/usr/bin/env node
// Two builds of @poolkit/core against each other in one process: paired rounds (A, B, A, B, …)
// so a slow moment of a shared machine hits both sides of a pair, then the median of the per-pair
// time ratios B/A, beside an A-vs-A pairing for the noise floor. For a refactor of the Pool:
// build the old tree somewhere (`git worktree add /tmp/before <commit>` and its build), then
//
//   node packages/core/bench/pool-ab.mjs /tmp/before/packages/core/dist/index.js packages/core/dist/index.js
//
// Paths: async (20 000 trivial async tasks through submit, concurrency 16), sync (the same, sync
// executor), batch (submitAll through a backend whose runMany answers at once: the batching pump).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tasks: { type: 'string', default: '20000' }, pairs: { type: 'string', default: '31' } },
});
if (positionals.length !== 2) {
  console.error('usage: pool-ab.mjs <before/dist/index.js> <after/dist/index.js> [--tasks N] [--pairs N]');
  process.exit(2);
}
const load = async (path) => (await import(pathToFileURL(path).href)).Pool;
const [A, B] = [await load(positionals[0]), await load(positionals[1])];
const TASKS = Number(values.tasks);
const PAIRS = Number(values.pairs);

class AnswersAtOnce {
  name = 'answers-at-once';
  concurrency = 4;
  async run(n) {
    return n + 1;
  }
  async runMany(batch) {
    return batch.map((entry) => ({ status: 'fulfilled', value: entry.input + 1, time: 0.001 }));
  }
  async close() {}
}

const inputs = Array.from({ length: TASKS }, (_, i) => i);
const paths = {
  async: (Pool) => new Pool({ executor: async (n) => n + 1, concurrency: 16, capacity: TASKS }),
  sync: (Pool) => new Pool({ executor: (n) => n + 1, concurrency: 16, capacity: TASKS }),
  batch: (Pool) => new Pool({ backend: new AnswersAtOnce(), capacity: TASKS }),
};

async function round(Pool, path) {
  const pool = paths[path](Pool);
  const start = performance.now();
  if (path === 'batch') await pool.submitAll(inputs);
  else await Promise.all(inputs.map((n) => pool.submit(n)));
  const ms = performance.now() - start;
  await pool.close();
  return ms;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
for (const path of Object.keys(paths)) {
  for (let i = 0; i < 5; i++) {
    await round(A, path); // warm both
    await round(B, path);
  }
  const ratios = [];
  const floor = [];
  const times = { A: [], B: [] };
  for (let i = 0; i < PAIRS; i++) {
    const a = await round(A, path);
    const b = await round(B, path);
    const a2 = await round(A, path);
    times.A.push(a);
    times.B.push(b);
    ratios.push(b / a);
    floor.push(a2 / a);
  }
  const rate = (ms) => Math.round(TASKS / ms).toLocaleString('en-US');
  console.log(
    `${path.padEnd(5)}  before ${rate(median(times.A))} k tasks/s · after ${rate(median(times.B))} k tasks/s · ` +
      `after/before time ${median(ratios).toFixed(3)} (A/A floor ${median(floor).toFixed(3)})`,
  );
}
