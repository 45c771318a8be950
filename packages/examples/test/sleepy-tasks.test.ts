import { describe, expect, it } from 'vitest';
import { main } from '../dist/sleepy-tasks.js';
import { quiet, runProgram } from './run-program.js';

describe('sleepy-tasks', () => {
  it('takes about 2 s at concurrency 5 and about 1 s at concurrency 10 (printed), then stops its background pool', async () => {
    const run = await runProgram('sleepy-tasks');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const seconds = (concurrency: number) => {
      const match = run.stdout.match(new RegExp(`at concurrency +${concurrency}: ([0-9.]+) s`));
      expect(match, `a timing line for concurrency ${concurrency}`).not.toBeNull();
      return Number(match![1]);
    };
    const at5 = seconds(5);
    const at10 = seconds(10);
    expect(at5).toBeGreaterThanOrEqual(1.8);
    expect(at5).toBeLessThanOrEqual(3.5);
    expect(at10).toBeGreaterThanOrEqual(0.9);
    expect(at10).toBeLessThanOrEqual(2.5);
    expect(run.stdout).toContain('100 done, 0 errors');
    expect(run.stdout).toMatch(/background pool: \d+ tasks added over time, stopped once 20 had finished/);
    expect(run.stdout).toContain('(state closed)');
  });

  it('runs every task in batch mode, and stop() ends the background pool with counts that add up', async () => {
    const result = await main({ tasks: 20, taskMs: 20, concurrencies: [4], stopAfter: 8, print: quiet });
    expect(result.batches).toHaveLength(1);
    expect(result.batches[0]).toMatchObject({ concurrency: 4, done: 20, errors: 0 });
    expect(result.batches[0].durationMs).toBeGreaterThanOrEqual(90); // 5 rounds of 20 ms
    const { stats, added, finished } = result.background;
    expect(finished).toBeGreaterThanOrEqual(8);
    expect(stats.submitted).toBe(added);
    expect(stats.waiting + stats.running).toBe(0);
    expect(stats.succeeded + stats.failed + stats.cancelled).toBe(stats.submitted);
    expect(stats.failed).toBe(0);
    expect(stats.succeeded).toBe(finished);
  });
});
