import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { move } from '../src/thread.js';
import { backend } from './helpers.js';

const MOVES = fileURLToPath(new URL('./fixtures/moves.ts', import.meta.url));
const signal = () => new AbortController().signal;

describe('move(): a result moved back from a worker thread, not copied', () => {
  it('a typed array arrives whole, and the thread’s own view on it is detached', async () => {
    const b = backend({ filename: MOVES, threads: 1 });
    const bytes = (await b.run(1 << 20, { task: 'filled', signal: signal() })) as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(1 << 20);
    expect(bytes[0]).toBe(7);
    expect(bytes[(1 << 20) - 1]).toBe(7);
    expect(await b.run(undefined, { task: 'keptLength', signal: signal() })).toBe(0);
    // Without move() the thread keeps its copy intact: the assertion above can fail.
    await b.run(16, { task: 'copied', signal: signal() });
    expect(await b.run(undefined, { task: 'keptLength', signal: signal() })).toBe(16);
  });

  it('an object moves with its transfer list', async () => {
    const b = backend({ filename: MOVES, threads: 1 });
    const result = (await b.run(1024, { task: 'wrapped', signal: signal() })) as {
      bytes: ArrayBuffer;
      size: number;
    };
    expect(result.size).toBe(1024);
    expect(new Uint8Array(result.bytes)[1023]).toBe(3);
    expect(await b.run(undefined, { task: 'keptLength', signal: signal() })).toBe(0);
  });

  it('works for tasks batched through a Pool', async () => {
    const pool = new Pool({ backend: backend({ filename: MOVES, threads: 2 }) });
    const outcomes = await pool.submitAll(
      Array.from({ length: 200 }, () => 4096),
      { task: 'filled' },
    );
    expect(outcomes.every((o) => o.ok && (o.value as Uint8Array).byteLength === 4096)).toBe(true);
    expect(outcomes.every((o) => (o as { value: Uint8Array }).value[4095] === 7)).toBe(true);
    await pool.close();
  });

  it('misuse is the task’s own TypeError', async () => {
    const b = backend({ filename: MOVES, threads: 1 });
    await expect(b.run(undefined, { task: 'misuse', signal: signal() })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: expect.stringMatching(/needs its transfer list/),
    });
  });

  it('off a thread it returns the value itself, so the same function runs inline', () => {
    const bytes = new Uint8Array(4);
    expect(move(bytes)).toBe(bytes);
    const object = { bytes };
    expect(move(object, [bytes.buffer])).toBe(object);
    expect(move(42)).toBe(42);
    expect(() => move(42, [bytes.buffer])).toThrow(TypeError);
    expect(() => move(object, 'no' as never)).toThrow(/transferList must be an array/);
    // The registry is global, so every copy of the helper (and the shim) shares it.
    const registry = (globalThis as Record<symbol, WeakMap<object, unknown>>)[
      Symbol.for('@poolkit/adapters.moves')
    ];
    expect(registry.get(object)).toEqual([bytes.buffer]);
  });
});
