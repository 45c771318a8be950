/**
 * Found by the runtime matrix (issue 23): crash.test.ts's runaway heap under `resourceLimits` did
 * not fail its task. Bun 1.4.4 takes the option and ignores it
 * (https://github.com/oven-sh/bun/issues/31411): the heap grew until the test timed out, the
 * process near the machine's memory. Deno 2.9.6 stops the task's code at the limit but keeps its
 * thread and reports nothing: the task hung. A backend that promised those limits now refuses to
 * be made on such a runtime (runtime-features.ts finds out by trying). The runtime's answer is
 * replaced here so every runtime checks the refusal; crash.test.ts checks the real answer either
 * way (a crash where limits work, the refusal where they do not).
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as features from '../src/runtime-features.js';
import { backend, TASKS } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('resourceLimits on a runtime whose threads ignore them', () => {
  // No thread may be left by the refusal: test/setup.ts fails the file if one is (a Piscina made
  // before the check would have started its threads and never ended them).
  it('the constructor refuses them with ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, naming the option', () => {
    vi.spyOn(features, 'threadsApplyResourceLimits').mockReturnValue(false);
    expect(() => backend({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
        message: expect.stringMatching(/^options\.resourceLimits cannot be applied on this runtime/),
      }),
    );
  });

  it('a backend without resourceLimits is made and runs there as anywhere', async () => {
    vi.spyOn(features, 'threadsApplyResourceLimits').mockReturnValue(false);
    const b = backend({ filename: TASKS, threads: 1 });
    expect(await b.run(21, { signal: new AbortController().signal })).toBe(42);
  });

  it("the probe says no where this runtime's own Worker does not report its limits back", async () => {
    const worker = new Worker('', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    const reported = (worker as { resourceLimits?: { maxOldGenerationSizeMb?: number } }).resourceLimits;
    await worker.terminate();
    if (reported?.maxOldGenerationSizeMb !== 48) expect(features.threadsApplyResourceLimits()).toBe(false);
    else expect(typeof features.threadsApplyResourceLimits()).toBe('boolean');
  });
});
