import { describe, expect, it } from 'vitest';
import { type Backend, Pool } from '../src/index.js';

/** A backend that can report an error belonging to no task, and records (un)subscriptions. */
function reportingBackend() {
  const listeners = new Set<(error: Error) => void>();
  const backend: Backend<number, number> & { report(error: Error): void; listeners: number } = {
    name: 'reporting',
    concurrency: 2,
    run: async (n) => n * 2,
    close: async () => {},
    onError(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    report(error) {
      for (const listener of listeners) listener(error);
    },
    get listeners() {
      return listeners.size;
    },
  };
  return backend;
}

describe("Backend.onError: errors outside any task become the pool's 'error' event", () => {
  it('emits them with input undefined, settles nothing, and stops listening once closed', async () => {
    const backend = reportingBackend();
    const pool = new Pool({ backend });
    expect(backend.listeners).toBe(1);
    const seen: Array<[unknown, unknown]> = [];
    pool.on('error', (error, input) => seen.push([error, input]));
    const lost = Object.assign(new Error('a thread died while idle'), { code: 'ERR_WORKER_CRASHED' });
    backend.report(lost);
    expect(seen).toEqual([[lost, undefined]]);
    expect(await pool.submit(4)).toBe(8);
    expect(pool.stats).toMatchObject({ submitted: 1, succeeded: 1, failed: 0 });
    await pool.close();
    expect(backend.listeners).toBe(0);
    backend.report(new Error('after close'));
    expect(seen).toHaveLength(1);
  });

  it('refuses a backend whose onError is not a function', () => {
    const backend = { ...reportingBackend(), onError: 42 } as unknown as Backend;
    expect(() => new Pool({ backend })).toThrow(TypeError);
    expect(() => new Pool({ backend })).toThrow(
      /backend\.onError must be a function when present, received 42/,
    );
  });

  it('a backend without onError is fine', async () => {
    const pool = new Pool<number, number>({
      backend: { name: 'plain', concurrency: 1, run: async (n: number) => n + 1, close: async () => {} },
    });
    expect(await pool.submit(1)).toBe(2);
    await pool.close();
  });
});
