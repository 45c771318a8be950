/**
 * `--budget`: a cap on the whole run. Contenders not opened, or not timed, by the deadline are
 * skipped with the reason; one with batches keeps them; the floor always runs.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Contender, Runner, Scenario } from '../src/contender.js';
import type { ContenderId } from '../src/contenders/registry.js';
import { measureScenario } from '../src/harness.js';
import { WORKLOADS } from '../src/workloads.js';
import { cli, outFlags, SMALL_FLAGS, TASKS, tempDir } from './task-helpers.js';

const out = tempDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

const scenario: Scenario = {
  id: 'square',
  workload: WORKLOADS.square,
  tasks: 4,
  concurrency: undefined,
  sleepMs: 0,
};
const items = WORKLOADS.square.items(4, 0);
const settings = {
  threads: 1,
  timeMs: 0,
  iterations: 2,
  warmupIterations: 0,
  rounds: 2,
  latencySamples: 2,
  crossCheckItems: 2,
  sleepIterations: 1,
};

/** A contender squaring its items, `delayMs` per whole batch (not the 2-item cross-check); counts its opens. */
function fake(
  id: ContenderId,
  kind: Contender['kind'],
  delayMs = 0,
): Contender<ContenderId> & { opened: number } {
  const c = {
    id,
    label: id,
    kind,
    opened: 0,
    unsupported: () => undefined,
    async open(): Promise<Runner> {
      c.opened++;
      const square = (x: unknown) => (x as number) ** 2;
      return {
        batch: async (xs) => {
          if (delayMs > 0 && xs.length === items.length) await new Promise((r) => setTimeout(r, delayMs));
          return xs.map(square);
        },
        one: async (x) => square(x),
        close: async () => {},
      };
    },
  };
  return c;
}

describe('the budget', () => {
  it('skips every contender but the floor once the deadline has passed, opening none of them', async () => {
    const floor = fake('floor', 'floor');
    const pool = fake('pool-inline', 'poolkit');
    const budget = { deadline: performance.now(), reason: 'did not fit in --budget 1 s' };
    const [f, p] = await measureScenario([floor, pool], scenario, items, { ...settings, budget });
    expect(f.status).toBe('ok');
    expect([p.status, p.reason]).toEqual(['skipped', 'did not fit in --budget 1 s']);
    expect(pool.opened).toBe(0);
  });

  it('keeps the batches of a contender timed before the deadline and skips one timed after it', async () => {
    const floor = fake('floor', 'floor');
    // 300 ms per timed batch: its slice (2 batches) passes the 250 ms deadline before fastq's turn.
    const slow = fake('pool-inline', 'poolkit', 300);
    const late = fake('fastq', 'in-process');
    const budget = { deadline: performance.now() + 250, reason: 'did not fit in --budget 2 s' };
    const [, s, l] = await measureScenario([floor, slow, late], scenario, items, {
      ...settings,
      rounds: 1,
      budget,
    });
    expect(s.status).toBe('ok');
    expect(s.batch?.samples.length).toBeGreaterThanOrEqual(1);
    expect([l.status, l.reason]).toEqual(['skipped', 'did not fit in --budget 2 s']);
    expect(late.opened).toBe(1);
  });

  it('caps a CLI task run: with --budget 1 only the floor runs and the rest say why', async () => {
    const run = await cli(
      [
        '--task',
        'square.mjs',
        '--budget',
        '1',
        '--backend',
        'pool-inline,pool-piscina',
        ...SMALL_FLAGS,
        ...outFlags(out),
      ],
      { cwd: TASKS },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/poolkit Pool \+ InlineBackend .* skipped: did not fit in --budget 1 s/);
    expect(run.stdout).toMatch(
      /poolkit Pool \+ PiscinaBackend \(one task per message\) .* skipped: did not fit in --budget 1 s/,
    );
    expect(run.stdout).toMatch(
      /\nNo recommendation for square \(square\.mjs\): no pool ran beside the main thread/,
    );
  });
});
