/**
 * `--library <path> --kernel <name>`: Pool + NativeBackend on a user's Rust kernel library, built
 * from @poolkit/native's test kernels with cargo (offline: the SDK is a path dependency). A kernel
 * that computes what the task computes is timed beside the other contenders; one that computes
 * something else fails the cross-check and is never timed, nor recommended.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a test helper of another workspace package, imported by path
import { buildTestLibraries } from '../../native/test/fixtures/test-kernels.ts';
import { benchmarkTask } from '../src/task/run.js';
import { SMALL, task } from './task-helpers.js';

let good: string;

beforeAll(() => {
  good = (buildTestLibraries() as { good: string }).good;
}, 240_000);

describe('a task run with a native kernel', () => {
  it('times Pool + NativeBackend unbatched and batched on a kernel that agrees with the task', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('triple.mjs'),
      library: good,
      kernel: 'test_triple',
      backends: ['pool-inline', 'pool-native', 'pool-native-batched'],
    });
    const rows = new Map(report.scenarios[0].contenders.map((r) => [r.id, r]));
    for (const id of ['pool-native', 'pool-native-batched'] as const) {
      const r = rows.get(id);
      expect(r?.status, `${id}: ${r?.reason}`).toBe('ok');
      expect(r?.crossCheck).toEqual({ items: expect.any(Number), equal: true });
      expect(r?.crossCheck?.items).toBeGreaterThan(0);
      expect(r?.batch?.samples.length).toBeGreaterThanOrEqual(3);
      expect(r?.tasksPerSec).toBeGreaterThan(0);
    }
    expect(report.recommendation.overheadMs['pool-native-batched']).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('fails a kernel that computes something else, with the first input that differs, and never recommends it', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('square.mjs'),
      library: good,
      kernel: 'test_triple',
      backends: ['pool-inline', 'pool-native-batched'],
    });
    const native = report.scenarios[0].contenders.find((r) => r.id === 'pool-native-batched');
    expect(native?.status).toBe('failed');
    // square(1) = 1, triple(1) = 3 … the first input that differs, with both answers.
    expect(native?.reason).toMatch(/^cross-check: item \d+ gave -?[\d.]+, the main thread -?[\d.]+$/);
    expect(native?.batch).toBeNull();
    expect(report.recommendation.contender).not.toBe('pool-native-batched');
    expect(report.recommendation.lines.join('\n')).not.toContain('pool-native-batched');
  }, 120_000);

  it('fails both native rows with a clear reason when the library has no such kernel', async () => {
    const report = await benchmarkTask({
      ...SMALL,
      module: task('triple.mjs'),
      library: good,
      kernel: 'no_such_kernel',
      backends: ['pool-native', 'pool-native-batched'],
    });
    for (const r of report.scenarios[0].contenders.filter((c) => c.kind !== 'floor')) {
      expect(r.status, r.id).not.toBe('ok');
      expect(r.reason).toMatch(/no_such_kernel/);
    }
  }, 120_000);
});
