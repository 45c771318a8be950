import { describe, expect, it } from 'vitest';
import { main } from '../dist/fair-tenants.js';
import { quiet, runProgram } from './run-program.js';

/** The printed row of `tenant` in the table that follows `title`: its task count and p99. */
function row(stdout: string, title: string, tenant: string): { count: number; p99: number } {
  const section = stdout.slice(stdout.indexOf(title));
  const match = section.match(new RegExp(`^  ${tenant} +(\\d+) +[0-9.]+ +([0-9.]+) `, 'm'));
  expect(match, `a row for ${tenant} after "${title}"`).not.toBeNull();
  return { count: Number(match![1]), p99: Number(match![2]) };
}

describe('fair-tenants', () => {
  it('counts every task of every tenant in both runs, and prints a verdict from its own numbers', async () => {
    const run = await runProgram('fair-tenants');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ChannelQueue (first in, first out): 2090/2090 tasks');
    expect(run.stdout).toContain('FairQueue ({ keyConcurrency: 6 }): 2090/2090 tasks');
    for (const title of ['ChannelQueue (first', 'FairQueue ({']) {
      expect(row(run.stdout, title, 'noisy').count).toBe(2000);
      for (const tenant of ['quiet-1', 'quiet-2', 'quiet-3'])
        expect(row(run.stdout, title, tenant).count).toBe(30);
    }
    const verdict = run.stdout.match(
      /verdict: the quiet tenants' p99 is ([0-9.]+) ms with FairQueue, ([0-9.]+) ms without \((\d+)× lower\)/,
    );
    expect(verdict, 'the verdict line').not.toBeNull();
    const [fairP99, channelP99] = [Number(verdict![1]), Number(verdict![2])];
    // Without fairness a quiet task waits behind the whole burst (≥ 2000 × 2 ms / 8 = 500 ms for
    // the first one); with it, it starts at once. Measured ~86× apart, 37× with the 2 cores busy.
    expect(fairP99 * 3).toBeLessThan(channelP99);
    // The verdict's quiet p99 is the largest of the quiet rows (their tasks together).
    const quietRows = (title: string) =>
      ['quiet-1', 'quiet-2', 'quiet-3'].map((tenant) => row(run.stdout, title, tenant).p99);
    expect(Math.max(...quietRows('FairQueue ({'))).toBeLessThanOrEqual(fairP99);
    expect(Math.max(...quietRows('ChannelQueue (first'))).toBeLessThanOrEqual(channelP99);
  });

  it('with FairQueue a quiet task lets at most one noisy task start ahead of it; first in first out lets the burst', async () => {
    const noisy = 400;
    const result = await main({
      noisy,
      quiet: 2,
      quietTasks: 10,
      everyMs: 5,
      workMs: 2,
      concurrency: 4,
      print: quiet,
    });
    expect(result.options.keyConcurrency).toBe(2);
    const [channel, fair] = result.runs;
    for (const run of [channel, fair]) {
      expect(run.submitted).toBe(noisy + 2 * 10);
      expect(run.succeeded).toBe(run.submitted);
      expect(run.tenants.map((t) => [t.tenant, t.count])).toEqual([
        ['noisy', noisy],
        ['quiet-1', 10],
        ['quiet-2', 10],
      ]);
    }
    // First in, first out: a quiet task submitted ≥ 5 ms after the burst waits for (nearly) all
    // of it — at most 4 noisy tasks of ≥ 2 ms can have started per 2 ms.
    for (const t of channel.tenants.slice(1)) expect(t.overtakenBy).toBeGreaterThan(noisy / 2);
    // Turns: a quiet key that just got an item is served after at most one item of each other
    // key in turn — here the noisy key alone.
    for (const t of fair.tenants.slice(1)) expect(t.overtakenBy).toBeLessThanOrEqual(1);
    // So the quiet tenants are done long before the noisy one (its 400 tasks need ≥ 200 ms on 2 slots).
    expect(fair.quietLastMs).toBeLessThan(fair.noisyLastMs);
    expect(channel.quietLastMs).toBeGreaterThanOrEqual(channel.noisyLastMs * 0.9);
  });

  it('--help prints the usage; a bad value is refused naming the option, its range and the value', async () => {
    const help = await runProgram('fair-tenants', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: fair-tenants/);
    const bad = await runProgram('fair-tenants', ['--work-ms', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('fair-tenants: --work-ms must be an integer from 1 to 10000, received "0"');
    const tooMany = await runProgram('fair-tenants', ['--concurrency', '4', '--key-concurrency', '5']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain(
      'fair-tenants: --key-concurrency must be an integer from 1 to 4, received "5"',
    );
  });
});
