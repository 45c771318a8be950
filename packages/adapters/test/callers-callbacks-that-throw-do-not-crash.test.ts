/**
 * Regression (issue 25 §4, from an adversarial run): a `started` or `report` callback that throws,
 * handed to PiscinaBackend.run/runMany directly, crashed the process from inside the backend's
 * watch timer (and the run never settled). Such a throw is the caller's bug: it becomes a
 * process warning, the tasks settle as they would have, and no other entry fails.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backend } from './helpers.js';

let warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

const signal = () => new AbortController().signal;
const throwing = () => {
  throw new Error('the caller’s callback broke');
};

describe('callers’ callbacks that throw', () => {
  it('run() with a started() that throws still resolves with the value', async () => {
    const b = backend({ threads: 1 });
    expect(await b.run(21, { signal: signal(), started: throwing })).toBe(42);
    expect(await b.run(4, { signal: signal(), started: class {} as unknown as () => void })).toBe(8);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.some((w) => (w as Error & { code?: string }).code === 'POOLKIT_CALLBACK_THREW')).toBe(
      true,
    );
  });

  it('runMany() with a throwing started() on one entry and a throwing report(): every entry keeps its value', async () => {
    const b = backend({ threads: 1 });
    const results = await b.runMany(
      [
        { input: 1, options: { signal: signal(), started: throwing } },
        { input: 2, options: { signal: signal() } },
        { input: 3, options: { signal: signal() } },
      ],
      throwing,
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.status))).toEqual([2, 4, 6]);
  });
});
