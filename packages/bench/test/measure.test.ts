/** The harness's verdicts on one contender: ok, skipped or failed, and the pool always closed. */
import { describe, expect, it } from 'vitest';
import { type Contender as AnyContender, type Runner, type Scenario, SkipError } from '../src/contender.js';
import type { ContenderId } from '../src/contenders/registry.js';

/** A fake with a registered id, as the harness measures only those. */
type Contender = AnyContender<ContenderId>;

import { measure, measureScenario, withRatios } from '../src/harness.js';
import { WORKLOADS } from '../src/workloads.js';

const settings = {
  threads: 2,
  timeMs: 0,
  iterations: 2,
  warmupIterations: 0,
  rounds: 2,
  latencySamples: 3,
  crossCheckItems: 4,
  sleepIterations: 1,
};

const square: Scenario = {
  id: 'square',
  workload: WORKLOADS.square,
  tasks: 10,
  concurrency: undefined,
  sleepMs: 0,
};
const items = WORKLOADS.square.items(10, 0);

/** A contender running `f` per item; records whether its runner was closed. */
function fake(f: (x: number) => unknown, overrides: Partial<Runner> = {}): Contender & { closed: boolean } {
  const c = {
    id: 'pool-inline' as const,
    label: 'fake',
    kind: 'poolkit' as const,
    closed: false,
    unsupported: () => undefined,
    async open(): Promise<Runner> {
      return {
        batch: async (xs) => xs.map((x) => f(x as number)),
        one: async (x) => f(x as number),
        close: async () => {
          c.closed = true;
        },
        ...overrides,
      };
    },
  };
  return c;
}

describe('measure', () => {
  it('times a contender that agrees with the kernel, samples lone tasks, and closes it', async () => {
    const c = fake((x) => x * x);
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('ok');
    expect(r.crossCheck).toEqual({ items: 4, equal: true });
    expect(r.batch?.samples.length).toBeGreaterThanOrEqual(2);
    expect(r.latency?.samples.length).toBe(3);
    expect(r.tasksPerSec).toBeCloseTo(10 / ((r.batch?.stats.medianMs as number) / 1000), 6);
    expect(c.closed).toBe(true);
  });

  it('fails a contender whose outputs differ from the kernel, before timing it, and still closes it', async () => {
    const c = fake((x) => x * x + (x > 5 ? 1 : 0));
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('cross-check: item 2 gave 73.25, the main-thread kernel 72.25');
    expect(r.crossCheck).toEqual({ items: 4, equal: false });
    expect(r.batch).toBeNull();
    expect(c.closed).toBe(true);
  });

  it('fails a contender whose lone task differs even when its batches agree', async () => {
    const c = fake((x) => x * x, { one: async () => -1 });
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/lone task gave -1/);
  });

  it('fails a contender that returns too few outputs', async () => {
    const c = fake((x) => x * x, { batch: async (xs) => xs.slice(1).map((x) => (x as number) ** 2) });
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('cross-check: expected 4 outputs, received 3');
  });

  it('reports a contender that cannot open here as skipped, with its reason', async () => {
    const c = {
      ...fake((x) => x),
      open: async (): Promise<Runner> => Promise.reject(new SkipError('no addon here')),
    };
    const r = await measure(c, square, items, settings);
    expect(r).toMatchObject({ status: 'skipped', reason: 'no addon here', batch: null });
  });

  it('reports a contender that throws while timing as failed, and still closes it', async () => {
    let calls = 0;
    const c = fake((x) => x * x, {
      batch: async (xs) => {
        if (++calls > 1) throw new RangeError('boom');
        return xs.map((x) => (x as number) ** 2);
      },
    });
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/RangeError: boom/);
    expect(c.closed).toBe(true);
  });

  it('fails a contender whose close rejects, and keeps the notes a runner left', async () => {
    const c = fake((x) => x * x, {
      close: () => Promise.reject(new Error('stuck')),
      notes: ['a workaround ran'],
    });
    const r = await measure(c, square, items, settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('close: Error: stuck');
    expect(r.notes).toEqual(['a workaround ran']);
  });

  it('skips a contender that does not take part in a workload by design, without opening it', async () => {
    let opened = false;
    const c = {
      ...fake((x) => x),
      unsupported: () => 'not this one',
      open: async (): Promise<Runner> => {
        opened = true;
        throw new Error('opened');
      },
    };
    const r = await measure(c, square, items, settings);
    expect(r).toMatchObject({ status: 'skipped', reason: 'not this one' });
    expect(opened).toBe(false);
  });

  it('computes the I/O floor as tasks × sleep instead of running it', async () => {
    const sleep: Scenario = {
      id: 'sleep-c5',
      workload: WORKLOADS.sleep,
      tasks: 100,
      concurrency: 5,
      sleepMs: 100,
    };
    const floorContender = { ...fake((x) => x), id: 'floor' as const, kind: 'floor' as const };
    const r = await measure(floorContender, sleep, [], settings);
    expect(r).toMatchObject({ status: 'ok', computed: true });
    expect(r.batch?.samples).toEqual([10_000]);
    const s = withRatios(sleep, [r], 2);
    expect(s.efficiencyBase).toBe('concurrency');
    expect(s.efficiencyDivisor).toBe(5);
    expect(s.contenders[0].speedup).toBe(1);
    expect(s.contenders[0].efficiency).toBeCloseTo(0.2, 12);
  });

  it('times contenders in interleaved rounds, after all of them passed the cross-check', async () => {
    const calls: string[] = [];
    const named = (name: string, id: Contender['id']): Contender => ({
      ...fake((x) => x * x),
      id,
      label: name,
      async open(): Promise<Runner> {
        return {
          batch: async (xs) => {
            calls.push(name);
            return xs.map((x) => (x as number) ** 2);
          },
          one: async (x) => (x as number) ** 2,
          close: async () => {},
        };
      },
    });
    const results = await measureScenario(
      [named('A', 'piscina'), named('B', 'tinypool')],
      square,
      items,
      settings,
    );
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    const runs = calls.filter((name, i) => name !== calls[i - 1]);
    // cross-check A, cross-check B, round 1: A then B, round 2: A then B
    expect(runs).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
  });

  it('samples lone tasks interleaved across contenders, one each in turn, forwards then backwards', async () => {
    const lone: string[] = [];
    const named = (name: string, id: Contender['id']): Contender => ({
      ...fake((x) => x * x),
      id,
      label: name,
      async open(): Promise<Runner> {
        return {
          batch: async (xs) => xs.map((x) => (x as number) ** 2),
          one: async (x) => {
            lone.push(name);
            return (x as number) ** 2;
          },
          close: async () => {},
        };
      },
    });
    const results = await measureScenario(
      [named('A', 'piscina'), named('B', 'tinypool'), named('C', 'workerpool')],
      square,
      items,
      settings,
    );
    expect(results.map((r) => r.latency?.samples.length)).toEqual([3, 3, 3]);
    // The cross-check's lone task comes first, for each contender in turn; then 3 rounds.
    expect(lone).toEqual(['A', 'B', 'C', 'A', 'B', 'C', 'C', 'B', 'A', 'A', 'B', 'C']);
  });
});
