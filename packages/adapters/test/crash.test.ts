import { describe, expect, it } from 'vitest';
import { threadsApplyResourceLimits } from '../src/runtime-features.js';
import { backend, never, rejection } from './helpers.js';

describe('a worker that dies fails only its own task with WorkerCrashedError', () => {
  it('maps process.exit to ERR_WORKER_CRASHED with the original in cause, then goes on', async () => {
    const b = backend({ threads: 1 });
    const before = await b.run(undefined, { signal: never(), task: 'whoAmI' });
    const error = await rejection(b.run(3, { signal: never(), task: 'exit' }));
    expect(error.name).toBe('WorkerCrashedError');
    expect(error.code).toBe('ERR_WORKER_CRASHED');
    expect((error.cause as Error).message).toContain('exited with code: 3');
    const after = await b.run(undefined, { signal: never(), task: 'whoAmI' });
    expect(after).not.toBe(before); // a fresh thread replaced the dead one
    expect(await b.run(5, { signal: never() })).toBe(10);
  });

  it('maps an uncaught error thrown in a timer to ERR_WORKER_CRASHED', async () => {
    const b = backend({ threads: 1 });
    const error = await rejection(b.run('timer went off', { signal: never(), task: 'throwInTimer' }));
    expect(error.code).toBe('ERR_WORKER_CRASHED');
    expect((error.cause as Error).message).toBe('timer went off');
    expect(await b.run(1, { signal: never() })).toBe(2);
  });

  it('maps running out of memory under resourceLimits to ERR_WORKER_CRASHED (where the runtime applies them)', async () => {
    if (!threadsApplyResourceLimits()) {
      // Bun: the option is taken and ignored, so the runaway heap would take the process down.
      // The backend refuses it instead (resource-limits-a-runtime-ignores-are-refused.test.ts).
      expect(() => backend({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } })).toThrow(
        expect.objectContaining({ code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' }),
      );
      return;
    }
    const b = backend({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const error = await rejection(b.run(undefined, { signal: never(), task: 'hog' }));
    expect(error.code).toBe('ERR_WORKER_CRASHED');
    expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(await b.run(1, { signal: never() })).toBe(2);
  });

  it('a crash in the middle of 100 tasks fails one; the other 99 succeed', async () => {
    const b = backend({ threads: 2 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        i === 50
          ? b.run(7, { signal: never(), task: 'exit' })
          : b.run({ ms: 2, value: i }, { signal: never(), task: 'sleepThen' }),
      ),
    );
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(succeeded.length).toBe(99);
    expect(failed.length).toBe(1);
    expect(succeeded.length + failed.length).toBe(100);
    expect(failed[0].reason.code).toBe('ERR_WORKER_CRASHED');
    expect(outcomes[50].status).toBe('rejected');
    expect(succeeded.map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 50),
    );
  });
});
