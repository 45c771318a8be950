import { describe, expect, it } from 'vitest';
import { backend, never, rejection } from './helpers.js';

describe('a task that throws rejects with its own error', () => {
  it('keeps class, message, code, other own properties, stack and cause', async () => {
    const error = await rejection(
      backend().run({ message: 'out of range', code: 'E_RANGE' }, { signal: never(), task: 'fail' }),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('out of range');
    expect(error.code).toBe('E_RANGE');
    expect(error.detail).toEqual({ attempt: 3 });
    expect(error.stack).toContain('fixtures/tasks.mjs');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('the root cause');
  });

  it('keeps the name and code of a custom error class thrown from an async task', async () => {
    const error = await rejection(backend().run('over quota', { signal: never(), task: 'failAsync' }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuotaError');
    expect(error.code).toBe('E_QUOTA');
    expect(error.message).toBe('over quota');
    expect(error.stack).toContain('failAsync');
  });

  it('rethrows a thrown non-error value as that value', async () => {
    const b = backend();
    expect(await rejection(b.run(42, { signal: never(), task: 'throwValue' }))).toBe(42);
    expect(await rejection(b.run({ why: 'x' }, { signal: never(), task: 'throwValue' }))).toEqual({
      why: 'x',
    });
  });

  it('is not a WorkerCrashedError and leaves the thread running', async () => {
    const b = backend({ threads: 1 });
    const before = await b.run(undefined, { signal: never(), task: 'whoAmI' });
    const error = await rejection(b.run({ message: 'm', code: 'E' }, { signal: never(), task: 'fail' }));
    expect(error.code).not.toBe('ERR_WORKER_CRASHED');
    expect(await b.run(undefined, { signal: never(), task: 'whoAmI' })).toBe(before);
  });
});
