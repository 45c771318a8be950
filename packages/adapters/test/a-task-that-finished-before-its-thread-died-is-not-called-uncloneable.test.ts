/**
 * Regression (issue 23, found by the fault storm under load on Node 20 and 26): a task that had
 * finished — its slot said DONE — when its thread died of something else (a neighbour's crash or
 * timeout with concurrentTasksPerWorker > 1, or something the task itself left behind) failed
 * with ERR_RESULT_NOT_CLONEABLE, though its value was fine ("#36 coded error:
 * ERR_RESULT_NOT_CLONEABLE"). DONE had been read as "its answer could not be sent". Now the dying
 * thread marks the task whose answer could not be sent (LOST), and only that task gets the code.
 */
import { describe, expect, it } from 'vitest';
import { backend, never } from './helpers.js';

/** A rejection's code, or 'value' for a fulfilment with `expected`. */
async function outcome(promise: Promise<unknown>, expected: unknown): Promise<string> {
  try {
    const value = await promise;
    return value === expected ? 'value' : `wrong value ${String(value)}`;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  }
}

describe('a task that finished before its thread died', () => {
  it('gets its value, or ERR_WORKER_CRASHED — never ERR_RESULT_NOT_CLONEABLE — when the thread exits right after (40 rounds)', async () => {
    const b = backend({ threads: 1 });
    b.onError(() => {}); // the exits happen after the tasks: out-of-task errors, expected here
    const seen: Record<string, number> = {};
    for (let round = 0; round < 40; round++) {
      // A signal gives the task a slot in the shared table: the path that reads DONE.
      const got = await outcome(b.run(round, { signal: never(), task: 'returnThenExit' }), round);
      seen[got] = (seen[got] ?? 0) + 1;
    }
    expect(
      Object.keys(seen).filter((k) => k !== 'value' && k !== 'ERR_WORKER_CRASHED'),
      JSON.stringify(seen),
    ).toEqual([]);
    expect(seen.value, JSON.stringify(seen)).toBeGreaterThan(0);
  });

  it('beside a task whose answer cannot be cloned (2 tasks per thread): only that one fails as not cloneable (20 rounds)', async () => {
    const b = backend({ threads: 1, concurrentTasksPerWorker: 2 });
    const culprit: Record<string, number> = {};
    const beside: Record<string, number> = {};
    for (let round = 0; round < 20; round++) {
      // Both end in the same timers phase: one answer goes, the other's send kills the thread.
      const fine = outcome(b.run({ ms: 20, value: round }, { signal: never(), task: 'sleepThen' }), round);
      const bad = outcome(b.run(20, { signal: never(), task: 'nestedFunctionAfter' }), undefined);
      const [f, c] = await Promise.all([fine, bad]);
      beside[f] = (beside[f] ?? 0) + 1;
      culprit[c] = (culprit[c] ?? 0) + 1;
    }
    expect(culprit).toEqual({ ERR_RESULT_NOT_CLONEABLE: 20 });
    expect(
      Object.keys(beside).filter((k) => k !== 'value' && k !== 'ERR_WORKER_CRASHED'),
      JSON.stringify(beside),
    ).toEqual([]);
  });
});
