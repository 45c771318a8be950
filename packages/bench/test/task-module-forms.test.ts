/**
 * A task module in each form PiscinaBackend loads — ES module, CommonJS, TypeScript — with sync
 * and async functions: every contender that runs it is cross-checked against the main thread
 * (structured-clone equality) before it is timed.
 */
import { describe, expect, it } from 'vitest';
import { checkReport } from '../src/report/schema.js';
import type { ContenderResult } from '../src/report/types.js';
import { benchmarkTask } from '../src/task/run.js';
import { SMALL, task } from './task-helpers.js';

const byId = (rows: readonly ContenderResult[]) => Object.fromEntries(rows.map((r) => [r.id, r]));

function expectMeasured(r: ContenderResult | undefined): void {
  expect(r?.status, `${r?.id}: ${r?.reason}`).toBe('ok');
  expect(r?.crossCheck).toEqual({ items: 4, equal: true });
  expect(r?.batch?.samples.length).toBeGreaterThanOrEqual(3);
  expect(r?.tasksPerSec).toBeGreaterThan(0);
}

describe('task modules in every form', () => {
  it('an ES module default export, sync: the in-process queues sit out, saying why', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('square.mjs'),
      backends: ['pool-inline', 'pool-piscina-batched', 'fastq', 'p-queue'],
    });
    expect(checkReport(report)).toEqual([]);
    expect(report.task).toMatchObject({
      export: 'default',
      format: 'esm',
      async: false,
      deterministic: true,
    });
    const rows = byId(report.scenarios[0].contenders);
    expect(Object.keys(rows)).toEqual(['floor', 'pool-inline', 'pool-piscina-batched', 'fastq', 'p-queue']);
    for (const id of ['floor', 'pool-inline', 'pool-piscina-batched']) expectMeasured(rows[id]);
    for (const id of ['fastq', 'p-queue']) {
      expect(rows[id].status).toBe('skipped');
      expect(rows[id].reason).toMatch(
        /^the task is synchronous: an in-process queue runs it one call at a time/,
      );
    }
  });

  it('CommonJS named exports with objects and Sets in and out, through a generated piscina wrapper too', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('shapes.cjs'),
      exportName: 'area',
      backends: ['pool-piscina', 'piscina'],
    });
    expect(report.task).toMatchObject({ export: 'area', format: 'commonjs', async: false });
    const rows = byId(report.scenarios[0].contenders);
    for (const id of ['floor', 'pool-piscina', 'piscina']) expectMeasured(rows[id]);
  });

  it('TypeScript, through tsx on the main thread and in every thread (PiscinaBackend, workerpool)', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('checksum.ts'),
      exportName: 'checksum',
      backends: ['pool-piscina-submitall', 'workerpool'],
    });
    expect(report.task).toMatchObject({ export: 'checksum', format: 'typescript', async: false });
    const rows = byId(report.scenarios[0].contenders);
    for (const id of ['floor', 'pool-piscina-submitall', 'workerpool']) expectMeasured(rows[id]);
  });

  it('an async function: the floor awaits each call, fastq, p-queue and poolifier await it too', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('wait.mjs'),
      backends: ['pool-inline', 'fastq', 'p-queue', 'poolifier'],
      threads: 2,
      tasks: 8,
    });
    expect(report.task.async).toBe(true);
    const rows = byId(report.scenarios[0].contenders);
    for (const id of ['floor', 'pool-inline', 'fastq', 'p-queue', 'poolifier']) expectMeasured(rows[id]);
    // One wait after another: 8 tasks of 1–2 ms take at least 12 ms.
    expect(rows.floor.batch?.stats.minMs).toBeGreaterThanOrEqual(11);
  });
});
