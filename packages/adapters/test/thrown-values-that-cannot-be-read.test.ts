/**
 * Regressions (PiscinaBackend hardening, bugs 2 and 3): a task that throws a value whose
 * flattening throws (a null-prototype object with a throwing getter, an Error whose `name`
 * getter throws, a Proxy whose traps throw) was reported as ERR_WORKER_CRASHED although its
 * thread survived; a task returning a function or a symbol killed its thread and failed with
 * ERR_WORKER_CRASHED and the message `[object Object]`. Both are the task's own failures now,
 * coded, with the thread kept.
 */
import { describe, expect, it } from 'vitest';
import { backend, never, rejection } from './helpers.js';

describe('a thrown value that cannot be read is the task’s own failure, not a crash', () => {
  for (const kind of ['null-proto-getter', 'name-getter', 'proxy-ownkeys', 'proxy-every-trap']) {
    it(`${kind}: a coded error that keeps what could be read; the thread lives on`, async () => {
      const b = backend({ threads: 1 });
      const before = await b.run(undefined, { signal: never(), task: 'whoAmI' });
      const error = await rejection(b.run(kind, { signal: never(), task: 'throwHostile' }));
      expect(error.code).not.toBe('ERR_WORKER_CRASHED');
      expect(error).toBeInstanceOf(Error);
      if (kind === 'name-getter') {
        expect(error.code).toBe('E_HOSTILE'); // its own code, read
        expect(error.message).toContain('the message is fine');
        expect(error.message).toContain('name');
      } else {
        expect(error.code).toBe('ERR_UNREADABLE_THROWN_VALUE');
      }
      if (kind === 'null-proto-getter') expect(error.kept).toBe('readable');
      if (kind === 'proxy-ownkeys') expect(error.message).toContain('behind a proxy');
      expect(await b.run(undefined, { signal: never(), task: 'whoAmI' })).toBe(before);
    });
  }
});

describe('a result that cannot be sent back is a coded failure, not a crash', () => {
  for (const kind of ['function', 'symbol']) {
    it(`a ${kind}: ERR_RESULT_NOT_CLONEABLE, and the same thread runs the next task`, async () => {
      const b = backend({ threads: 1 });
      const before = await b.run(undefined, { signal: never(), task: 'whoAmI' });
      const error = await rejection(b.run(kind, { signal: never(), task: 'returnUncloneable' }));
      expect(error.code).toBe('ERR_RESULT_NOT_CLONEABLE');
      expect(error.message).toContain(kind);
      expect(await b.run(undefined, { signal: never(), task: 'whoAmI' })).toBe(before);
    });
  }
});
