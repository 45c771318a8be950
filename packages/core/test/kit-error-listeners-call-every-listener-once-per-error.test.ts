import { describe, expect, it } from 'vitest';
import { ErrorListeners } from '../src/kit/index.js';

describe('ErrorListeners calls every listener once per error', () => {
  it('calls each subscription in order, and not after it unsubscribed', () => {
    const errors = new ErrorListeners();
    const seen: string[] = [];
    const offA = errors.add((e) => seen.push(`a:${e.message}`));
    errors.add((e) => seen.push(`b:${e.message}`));
    errors.emit(new Error('1'));
    offA();
    offA(); // harmless twice
    errors.emit(new Error('2'));
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
    expect(errors.size).toBe(1);
  });

  it('counts the same function added twice as two subscriptions, each removed on its own', () => {
    const errors = new ErrorListeners();
    let calls = 0;
    const listener = () => calls++;
    const off = errors.add(listener);
    errors.add(listener);
    errors.emit(new Error('x'));
    off();
    errors.emit(new Error('y'));
    expect(calls).toBe(3);
  });

  it('refuses a listener that is not a function with a coded TypeError, subscribing nothing', () => {
    const errors = new ErrorListeners();
    for (const bad of [undefined, null, 'f', {}]) {
      let thrown: unknown;
      try {
        errors.add(bad as unknown as (error: Error) => void);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
      expect((thrown as Error).message).toMatch(
        /^onError\(listener\): listener must be a function, received /,
      );
    }
    expect(errors.size).toBe(0);
  });

  it('lets a listener that throws neither stop the others nor throw into the caller: it is rethrown in a microtask', async () => {
    const errors = new ErrorListeners();
    const boom = new Error('listener failed');
    const seen: string[] = [];
    errors.add(() => {
      throw boom;
    });
    errors.add((e) => seen.push(e.message));
    const uncaught = new Promise<unknown>((resolve) => {
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (error) => {
        for (const l of listeners) process.on('uncaughtException', l);
        resolve(error);
      });
    });
    expect(() => errors.emit(new Error('outside any task'))).not.toThrow();
    expect(seen).toEqual(['outside any task']);
    expect(await uncaught).toBe(boom);
  });
});
