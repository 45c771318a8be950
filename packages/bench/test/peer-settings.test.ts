/**
 * The runtime-dependent settings of the peer pools: the checks decide by trying, and the real
 * peers answer with what the checks chose on whichever runtime runs this file.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { describe, expect, it } from 'vitest';
import workerpool from 'workerpool';
import { tinypoolAtomics, workerpoolType } from '../src/contenders/peer-settings.js';
import { runtimeOf } from '../src/runtime.js';
import { threadFeatures } from '../src/thread-features.js';

const WORKERS = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'workers');
const SQUARES = Array.from({ length: 64 }, (_, i) => i * i);

/** A stand-in tinypool whose tasks settle at once (`works`) or never. */
function fakeTinypool(works: boolean) {
  const made = { pools: 0, runs: 0, destroyed: 0 };
  class Fake {
    constructor() {
      made.pools++;
    }
    run(task: unknown): Promise<unknown> {
      made.runs++;
      return works ? Promise.resolve(task) : new Promise(() => {});
    }
    async destroy(): Promise<void> {
      made.destroyed++;
    }
  }
  return { Fake, made };
}

describe('tinypool’s useAtomics', () => {
  it('keeps tinypool’s default when the bursts of the check finish, and checks once per class', async () => {
    const { Fake, made } = fakeTinypool(true);
    const first = tinypoolAtomics(Fake, 1_000);
    expect(await first).toEqual({ options: {}, notes: [] });
    expect(tinypoolAtomics(Fake, 1_000)).toBe(first);
    expect(made).toEqual({ pools: 1, runs: 6 * 16, destroyed: 1 });
  });

  it('turns Atomics off, and says so, when a burst never finishes', async () => {
    const { Fake, made } = fakeTinypool(false);
    const setting = await tinypoolAtomics(Fake, 50);
    expect(setting.options).toEqual({ useAtomics: false });
    expect(setting.notes).toEqual([
      'useAtomics: false — with its default, 6 bursts of 16 noop tasks did not finish in 0.05 s on this runtime (a worker blocked in Atomics.wait misses its task)',
    ]);
    // The first burst never settled, so no second one started; the pool was destroyed.
    expect(made).toEqual({ pools: 1, runs: 16, destroyed: 1 });
  });

  it('lets the real tinypool run a burst with the setting chosen here', async () => {
    const setting = await tinypoolAtomics(Tinypool);
    // Node's worker threads pass the check; the setting changes only elsewhere.
    if (runtimeOf().name === 'node') expect(setting).toEqual({ options: {}, notes: [] });
    const filename = join(WORKERS, 'plain.js');
    const pool = new Tinypool({ filename, minThreads: 2, maxThreads: 2, ...setting.options });
    try {
      const out = await Promise.all(SQUARES.map((_, i) => pool.run(i, { name: 'square' })));
      expect(out).toEqual(SQUARES);
    } finally {
      await pool.destroy();
    }
  });
});

describe('workerpool’s workerType', () => {
  it('follows the thread-features check: thread workers unless they cannot hear the pool', async () => {
    const f = await threadFeatures();
    // Only a worker with the Web Worker globals can listen on them.
    if (f.globalMessage) expect(f.webGlobals).toBe(true);
    // What the three runtimes do (Bun 1.4: globals, but worker_threads messages skip them).
    const expected = { node: [false, false], deno: [false, false], bun: [true, false] }[runtimeOf().name];
    expect([f.webGlobals, f.globalMessage]).toEqual(expected);
    const setting = await workerpoolType();
    const web = f.webGlobals && !f.globalMessage;
    expect(setting.options.workerType).toBe(web ? 'web' : 'thread');
    expect(setting.notes.length).toBe(web ? 1 : 0);
  });

  it('lets the real workerpool answer with the type chosen here', async () => {
    const { options } = await workerpoolType();
    const pool = workerpool.pool(join(WORKERS, 'workerpool.js'), {
      ...options,
      minWorkers: 2,
      maxWorkers: 2,
    });
    try {
      const out = await Promise.all(SQUARES.map((_, i) => Promise.resolve(pool.exec('square', [i]))));
      expect(out).toEqual(SQUARES);
    } finally {
      await pool.terminate();
    }
  });
});
