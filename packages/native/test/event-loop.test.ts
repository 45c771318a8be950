import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../src/index.js';

describe('the JS thread stays free while Rust threads work', () => {
  it('timers keep firing while a long batch runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const pairs = [1e300, 1.00001, 1e300, 1.00001]; // two items of ~0.5 s each
    const result = await runBatch('spin', pairs, { chunkSize: 1 });
    clearInterval(timer);
    expect(result[0]).toBeGreaterThan(1e7);
    // A blocked event loop would give 0 or 1 tick; a free one gives dozens in ~0.5 s.
    expect(ticks).toBeGreaterThan(10);
  });
});

describe('POOLKIT_NATIVE_THREADS sets the pool size of a fresh process', () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'threads-env.mjs');
  const run = (value: string | undefined) =>
    spawnSync(process.execPath, [fixture], {
      encoding: 'utf8',
      env: { ...process.env, POOLKIT_NATIVE_THREADS: value },
      timeout: 30_000,
    });

  it('an integer from 1 to 256 is used', () => {
    expect(run('3').stdout).toContain('threads 3');
    expect(run('1').stdout).toContain('threads 1');
  });

  it('anything else falls back to the available cores', () => {
    for (const bad of ['0', '-2', '1.5', 'many', '100000']) {
      expect(run(bad).stdout).toContain(`threads ${availableParallelism()}`);
    }
  });
});
