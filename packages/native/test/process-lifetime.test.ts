import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const run = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, [fixture(name), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('the pool never keeps the process alive while idle', () => {
  it('a process that awaited its batches exits by itself with code 0', () => {
    const r = run('exit-idle.mjs');
    expect(r.error).toBeUndefined(); // a hang would be killed by the timeout and set error
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('done 1,4,9 0cc175b9c0f1b6a831c399e269772661');
  });

  it('an unawaited batch keeps the process alive until its result arrives', () => {
    const r = run('unawaited.mjs');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/result 4\d{7}/);
  });
});

describe('exiting while batches run', () => {
  it('process.exit with batches in flight on pool threads (main and a worker) exits cleanly with 0', () => {
    for (let i = 0; i < 3; i++) {
      const r = run('exit-mid-batch.mjs');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('exiting with batches in flight');
    }
  });
});

describe('main thread and worker threads share the pool', () => {
  it('workers created and terminated mid-batch in a loop, while the main thread runs batches: exit 0, no crash', () => {
    const r = run('stress.mjs', '30');
    expect(r.stderr).not.toMatch(/Segmentation|Aborted|panicked/);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(summary.mismatches).toBe(0);
    expect(summary.workerOk).toBeGreaterThan(0);
    expect(summary.mainBatches).toBeGreaterThan(10);
  }, 90_000); // ~16 s on an idle 2-core machine: every third round waits for a worker's first batch
});
