/**
 * The batched contenders and the maxBatch sweep, through the real harness: each must give what
 * the main-thread kernel gives (the harness cross-checks before timing), and each configuration
 * must batch as it says (tasks per backend call).
 */
import { describe, expect, it } from 'vitest';
import type { Contender, Runner, Scenario } from '../src/contender.js';
import { outcomeValues } from '../src/contenders/pool-piscina.js';
import type { ContenderId } from '../src/contenders/registry.js';
import { CONTENDERS } from '../src/contenders/registry.js';
import { measure, measureScenario } from '../src/harness.js';
import { sweepEntries, sweepResult } from '../src/sweep.js';
import { WORKLOADS, type WorkloadName } from '../src/workloads.js';
import { nativeLoads } from './native-loads.js';

const settings = {
  threads: 2,
  timeMs: 0,
  iterations: 2,
  warmupIterations: 0,
  rounds: 1,
  latencySamples: 3,
  crossCheckItems: 8,
  sleepIterations: 1,
};

function scenario(name: WorkloadName, tasks: number): Scenario {
  return { id: name, workload: WORKLOADS[name], tasks, concurrency: undefined, sleepMs: 0 };
}

const NEW_IDS = ['pool-piscina-batched', 'pool-piscina-submitall', 'pool-native-batched'] as const;

describe('the batched contenders', () => {
  for (const name of ['md5', 'mandelbrot'] as const) {
    it(`agree with the kernel on ${name}, in batches and alone, beside the unbatched rows`, async () => {
      const native = await nativeLoads();
      const s = scenario(name, 64);
      const items = s.workload.items(s.tasks, 0);
      const ids = ['pool-piscina', ...NEW_IDS.slice(0, 2), 'pool-native', NEW_IDS[2]] as const;
      const results = await measureScenario(
        ids.map((id) => CONTENDERS[id]),
        s,
        items,
        settings,
      );
      for (const r of results) {
        if (!native && r.id.startsWith('pool-native')) {
          expect(r.status, r.id).toBe('skipped');
          continue;
        }
        expect(r.status, `${r.id}: ${r.reason}`).toBe('ok');
        expect(r.crossCheck, r.id).toEqual({ items: 8, equal: true });
        expect(r.latency?.samples.length, r.id).toBe(3);
      }
      expect(results.map((r) => r.label)).toEqual([
        'poolkit Pool + PiscinaBackend (one task per message)',
        'poolkit Pool + PiscinaBackend (batched)',
        'poolkit Pool + PiscinaBackend (submitAll)',
        'poolkit Pool + NativeBackend (one task per message)',
        'poolkit Pool + NativeBackend (batched)',
      ]);
    });
  }

  it('sit out the sleep workload like the unbatched rows, for the same reason', () => {
    for (const id of NEW_IDS) {
      const unbatched = id.startsWith('pool-native') ? 'pool-native' : 'pool-piscina';
      expect(CONTENDERS[id].unsupported(WORKLOADS.sleep), id).toBe(
        CONTENDERS[unbatched].unsupported(WORKLOADS.sleep),
      );
      expect(CONTENDERS[id].kind).toBe('poolkit');
    }
  });

  it("maps submitAll's outcomes to values in input order, and throws a failed outcome's error", () => {
    expect(
      outcomeValues([
        { ok: true, input: 1, value: 10 },
        { ok: true, input: 2, value: 20 },
      ]),
    ).toEqual([10, 20]);
    const boom = new RangeError('boom');
    expect(() =>
      outcomeValues([
        { ok: true, input: 1, value: 10 },
        { ok: false, input: 2, error: boom },
      ]),
    ).toThrow(boom);
  });

  it('fails a submitAll-style contender whose batch holds a failed outcome, naming the error', async () => {
    const fake: Contender<ContenderId> = {
      id: 'pool-piscina-submitall',
      label: 'fake submitAll',
      kind: 'poolkit',
      unsupported: () => undefined,
      async open(): Promise<Runner> {
        return {
          batch: async (xs) =>
            xs.map((x, i) =>
              i === 1
                ? { ok: false, input: x, error: new TypeError('task 1 broke') }
                : { ok: true, input: x, value: (x as number) ** 2 },
            ),
          split: (result) => outcomeValues(result),
          one: async (x) => (x as number) ** 2,
          close: async () => {},
        };
      },
    };
    const s = scenario('square', 10);
    const r = await measure(fake, s, s.workload.items(10, 0), settings);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('TypeError: task 1 broke');
  });
});

describe('the maxBatch sweep', () => {
  it('batches as each maxBatch says, agrees with the kernel, and compares the default with the best fixed row', async () => {
    const s = scenario('noop', 400);
    const entries = sweepEntries([1, 4]);
    expect(entries.map((e) => e.maxBatch)).toEqual([null, 1, 4]);
    const results = await measureScenario(
      entries.map((e) => e.contender),
      s,
      s.workload.items(s.tasks, 0),
      { ...settings, latencySamples: 0 },
    );
    const sweep = sweepResult(s, entries, results);
    expect(sweep).toMatchObject({
      scenario: 'noop',
      workload: 'noop',
      tasks: 400,
      contender: 'pool-piscina-batched',
    });
    for (const row of sweep.rows) {
      expect(row.status, `${row.label}: ${row.reason}`).toBe('ok');
      expect(row.batch?.samples.length).toBeGreaterThanOrEqual(2);
    }
    const [adaptive, one, four] = sweep.rows;
    expect(one.tasksPerCall).toBe(1); // maxBatch 1: batching off
    expect(four.tasksPerCall).toBeGreaterThan(1);
    expect(four.tasksPerCall).toBeLessThanOrEqual(4);
    // 400 tiny tasks waiting for 2 slots: the default sends far more than 4 per call.
    expect(adaptive.tasksPerCall).toBeGreaterThan(4);
    const fixed = sweep.rows.slice(1);
    const best = fixed.reduce((a, b) =>
      (b.batch?.stats.medianMs ?? 0) < (a.batch?.stats.medianMs ?? 0) ? b : a,
    );
    expect(sweep.bestFixed).toBe(best.maxBatch);
    expect(sweep.ratio).toBeCloseTo(
      (best.batch?.stats.medianMs as number) / (adaptive.batch?.stats.medianMs as number),
      10,
    );
  });

  it('has no ratio when the default or every fixed row failed', () => {
    const s = scenario('md5', 10);
    const entries = sweepEntries([8]);
    const failed = entries.map((e) => ({
      id: 'pool-piscina-batched' as const,
      label: e.contender.label,
      kind: 'poolkit' as const,
      status: 'failed' as const,
      reason: 'broke',
      crossCheck: null,
      batch: null,
      tasksPerSec: null,
      latency: null,
      speedup: null,
      efficiency: null,
    }));
    const sweep = sweepResult(s, entries, failed);
    expect(sweep.bestFixed).toBeNull();
    expect(sweep.ratio).toBeNull();
    expect(sweep.rows.map((r) => [r.status, r.reason, r.tasksPerCall])).toEqual([
      ['failed', 'broke', null],
      ['failed', 'broke', null],
    ]);
  });
});
