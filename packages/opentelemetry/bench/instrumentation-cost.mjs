#!/usr/bin/env node
// What PoolkitInstrumentation costs a pool: Pool + InlineBackend rounds in child processes, one
// mode each — no instrumentation, or PoolkitInstrumentation with the real SDK (a span per try
// through a SimpleSpanProcessor into an InMemorySpanExporter, emptied after every round, and the
// metrics aggregated by a MeterProvider) — in pairs (off, on, off, on, …: a slow moment of this
// shared machine hits both sides) beside off-vs-off pairs for the noise floor, and a mode whose
// sampler records no span. Four workloads: trivial async tasks submitted all at once (most wait in
// the queue), trivial tasks awaited one by one (each starts inside its own submit), and two kinds
// of ~100 µs tasks: arithmetic that allocates nothing (a fixed number of steps, calibrated once by
// the parent so both sides of a pair do the same work), and a loop reading the clock (a number
// allocated per reading: a task that makes garbage fast, so the young-generation GC runs often and
// copies the pool's and the instrumentation's live objects each time). The exporting mode uses a
// SimpleSpanProcessor (an export call per span); a service would batch them.
//
//   npm run build -w @poolkit/opentelemetry && node packages/opentelemetry/bench/instrumentation-cost.mjs [--pairs 8]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Pool } from '@poolkit/core';
import { PoolkitInstrumentation } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    steps: { type: 'string' }, // internal: the arithmetic task's steps, from the parent's calibration
    child: { type: 'string' }, // internal: '<workload>:<on|off>' — print the median round in ms
  },
});

const spin = (us) => {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {}
};
/** `steps` rounds of integer arithmetic: no allocation, no clock. */
const work = (steps) => {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < steps; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
  return x;
};
/** Steps of {@link work} that take ~100 µs here (median of 21 timings of a 10 ms run). */
function calibrate() {
  const probe = 200_000;
  work(probe); // warm
  const times = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    work(probe);
    times.push(performance.now() - start);
  }
  const ms = times.sort((a, b) => a - b)[10];
  return Math.round((probe * 0.1) / ms);
}
const STEPS = values.steps === undefined ? calibrate() : Number(values.steps);
const workloads = {
  trivial: { tasks: 20_000, rounds: 30, executor: async (n) => n + 1 },
  'one by one': { tasks: 5_000, rounds: 20, sequential: true, executor: async (n) => n + 1 },
  'work 100 µs': {
    tasks: 2_000,
    rounds: 8,
    executor: async (n) => work(STEPS) + n,
  },
  'clock 100 µs': {
    tasks: 2_000,
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
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Both modes with the context manager active (as in any app that traces): on Node 20 that turns
  // on async_hooks' promise hooks for every promise, a cost of OpenTelemetry, not of poolkit.
  context.with(context.active(), () => {});
  let spans;
  if (mode !== 'off') {
    // 'on': spans kept in memory until the round ends; 'lean': spans ended and dropped (what the
    // instrumentation itself costs, without an exporter holding every span of a round).
    spans = mode === 'on' ? new InMemorySpanExporter() : undefined;
    const processors = spans === undefined ? [] : [new SimpleSpanProcessor(spans)];
    // 'unsampled': a sampler that records no span (as most tries are under ratio sampling);
    // the metrics are recorded all the same.
    const sampler = mode === 'unsampled' ? new AlwaysOffSampler() : undefined;
    const instrumentation = new PoolkitInstrumentation();
    instrumentation.setTracerProvider(new BasicTracerProvider({ spanProcessors: processors, sampler }));
    const reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    instrumentation.setMeterProvider(new MeterProvider({ readers: [reader] }));
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
    if (spans !== undefined) {
      if (spans.getFinishedSpans().length !== tasks) throw new Error('a span per try was expected');
      spans.reset();
    }
    return ms;
  };
  for (let i = 0; i < 3; i++) await round();
  const times = [];
  for (let i = 0; i < rounds; i++) times.push(await round());
  console.log(median(times));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const child = (name, mode) =>
  Number(
    execFileSync(process.execPath, [self, '--child', `${name}:${mode}`, '--steps', String(STEPS)], {
      encoding: 'utf8',
    }),
  );
const quartiles = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return [s[Math.floor(s.length / 4)], s[Math.floor((3 * s.length) / 4)]];
};
const pct = (r) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
const PAIRS = Number(values.pairs);
console.log(
  `Node ${process.version}, ${PAIRS} process pairs per row, 'work 100 µs' = ${STEPS} steps; per pair, the median round of B / of A: median [IQR]`,
);
for (const name of Object.keys(workloads)) {
  const on = [];
  const lean = [];
  const unsampled = [];
  const floor = [];
  for (let i = 0; i < PAIRS; i++) {
    const off = child(name, 'off');
    on.push(child(name, 'on') / off);
    lean.push(child(name, 'lean') / off);
    unsampled.push(child(name, 'unsampled') / off);
    const a = child(name, 'off');
    floor.push(child(name, 'off') / a);
  }
  const show = (xs) => {
    const [q1, q3] = quartiles(xs);
    return `${pct(median(xs))} [${pct(q1)} … ${pct(q3)}]`;
  };
  console.log(
    `${name.padEnd(12)} in-memory exporter: ${show(on)}   spans dropped: ${show(lean)}   not sampled: ${show(unsampled)}   floor: ${show(floor)}`,
  );
}
