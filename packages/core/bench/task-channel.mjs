#!/usr/bin/env node
// The cost of the poolkit:task TracingChannel to a process that subscribes to it: Pool +
// InlineBackend rounds in child processes, one mode each — nobody subscribed, or a subscriber on
// all five channels whose handlers only count — run in pairs (off, on, off, on, …, so a slow
// moment of this shared machine hits both sides of a pair) beside off-vs-off pairs for the noise
// floor. One mode per process, as in an application that subscribes once at start-up (toggling
// the subscription inside one process deoptimises the publisher, and that is not what apps pay).
// Three workloads: trivial async tasks submitted all at once (most wait in the queue), trivial
// tasks awaited one by one (each starts inside its own submit), and tasks that spin ~100 µs. What the channel costs when
// nobody subscribes (against a build without it) is pool-ab.mjs's job:
//
//   node packages/core/bench/task-channel.mjs [--pairs 12] [--tasks 20000] [--spin-tasks 2000]
//   node packages/core/bench/pool-ab.mjs <build without the channel>/index.js packages/core/dist/index.js
import { execFileSync } from 'node:child_process';
import * as diagnostics from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool, TASK_CHANNEL } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '20000' },
    pairs: { type: 'string', default: '12' },
    'spin-tasks': { type: 'string', default: '2000' },
    child: { type: 'string' }, // internal: '<workload>:<on|off>' — print the median round in ms
  },
});

const spin = (us) => {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {}
};
const workloads = {
  trivial: { tasks: Number(values.tasks), rounds: 40, executor: async (n) => n + 1 },
  // Each task awaited before the next: every one starts inside its own submit (no queue wait).
  'one by one': { tasks: 5000, rounds: 20, sequential: true, executor: async (n) => n + 1 },
  'spin 100 µs': {
    tasks: Number(values['spin-tasks']),
    rounds: 8,
    executor: async (n) => {
      spin(100);
      return n;
    },
  },
};
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

if (values.child !== undefined) {
  const [name, mode] = values.child.split(':');
  const { tasks, rounds, executor, sequential } = workloads[name];
  let events = 0;
  if (mode === 'on') {
    const count = () => {
      events++;
    };
    diagnostics
      .tracingChannel(TASK_CHANNEL)
      .subscribe({ start: count, end: count, asyncStart: count, asyncEnd: count, error: count });
  }
  const round = async () => {
    const pool = new Pool({ executor, concurrency: 16, capacity: tasks });
    const start = performance.now();
    if (sequential) {
      for (let i = 0; i < tasks; i++) await pool.submit(i);
    } else {
      const all = new Array(tasks);
      for (let i = 0; i < tasks; i++) all[i] = pool.submit(i);
      await Promise.all(all);
    }
    const ms = performance.now() - start;
    await pool.close();
    return ms;
  };
  for (let i = 0; i < 5; i++) await round();
  const times = [];
  for (let i = 0; i < rounds; i++) times.push(await round());
  if (mode === 'on' && events === 0) throw new Error('the subscriber heard nothing');
  console.log(median(times));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const child = (name, mode) =>
  Number(
    execFileSync(
      process.execPath,
      [self, '--child', `${name}:${mode}`, '--tasks', values.tasks, '--spin-tasks', values['spin-tasks']],
      { encoding: 'utf8' },
    ),
  );
const quartiles = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return [s[Math.floor(s.length / 4)], s[Math.floor((3 * s.length) / 4)]];
};
const pct = (r) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
const PAIRS = Number(values.pairs);
console.log(
  `Node ${process.version}, ${PAIRS} process pairs per row; per pair, the median round of B / of A: median [IQR]`,
);
for (const name of Object.keys(workloads)) {
  const on = [];
  const floor = [];
  for (let i = 0; i < PAIRS; i++) {
    const off = child(name, 'off');
    on.push(child(name, 'on') / off);
    const a = child(name, 'off');
    floor.push(child(name, 'off') / a);
  }
  const [q1, q3] = quartiles(on);
  const [f1, f3] = quartiles(floor);
  console.log(
    `${name.padEnd(12)} subscribed vs not: ${pct(median(on))} [${pct(q1)} … ${pct(q3)}]   floor (not vs not): ${pct(median(floor))} [${pct(f1)} … ${pct(f3)}]`,
  );
}
